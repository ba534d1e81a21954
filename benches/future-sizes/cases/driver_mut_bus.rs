//@ ideal: 80
//@ reason: unresumed holds bus (8) + tx (64) + tag (1) = 73, rounded to 8; tx is written out before the await
//@ by-value: yes
//@ setup: let mut bus = Bus { regs: [0; 16], writes: 0 };
//@ future: transfer(&mut bus, [38; 64])

// A `&mut` bus and a transmit buffer passed by value, consumed before the transfer completes.
struct Bus {
    regs: [u8; 16],
    writes: u32,
}

impl Bus {
    fn write(&mut self, data: &[u8]) {
        for (i, b) in data.iter().enumerate() {
            self.regs[i % 16] ^= b;
        }
        self.writes += 1;
    }
}

async fn transfer(bus: &mut Bus, tx: [u8; 64]) -> (u32, u8) {
    bus.write(&tx);
    yield_now().await;
    (bus.writes, bus.regs[3])
}
