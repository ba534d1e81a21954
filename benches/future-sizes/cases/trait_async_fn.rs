//@ ideal: 144
//@ reason: &mut self (8) + frame (128) + YieldNow (1) + tag (1) = 138, rounded to alignment 8
//@ by-value: yes
//@ setup: let mut uart = Uart { sent: 0 };
//@ future: uart.put(Buf::new(52))

// An async fn in a trait (stable since 1.75), the way embedded HALs declare their drivers.
trait Sink {
    async fn put(&mut self, frame: Buf<128>) -> u32;
}

struct Uart {
    sent: u32,
}

impl Sink for Uart {
    async fn put(&mut self, frame: Buf<128>) -> u32 {
        yield_now().await;
        self.sent += frame.sum();
        self.sent
    }
}
