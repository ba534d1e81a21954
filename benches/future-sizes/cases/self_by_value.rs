//@ ideal: 272
//@ reason: self (Driver: 256 + usize = 264, align 8) + YieldNow (1) + tag (1) = 266, rounded to 8; `byte` is dead by then
//@ by-value: yes
//@ future: Driver::new(33).send(34)

// An embedded-style driver that owns its buffer, consumed by value by an async method.
struct Driver {
    buf: [u8; 256],
    pos: usize,
}

impl Driver {
    fn new(id: u8) -> Self {
        Driver { buf: [id; 256], pos: 3 }
    }

    async fn send(mut self, byte: u8) -> (usize, u32) {
        self.buf[self.pos] = byte;
        yield_now().await;
        self.pos += 1;
        (self.pos, self.buf.iter().map(|&b| b as u32).sum())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        say(format_args!("drop Driver pos={}", self.pos));
    }
}
