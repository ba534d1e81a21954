//@ ideal: 16
//@ reason: &self (8) + YieldNow (1) + tag (1) = 10, rounded to alignment 8
//@ by-value: no
//@ setup: let d = Driver { buf: [35; 256] };
//@ future: d.checksum()

struct Driver {
    buf: [u8; 256],
}

impl Driver {
    async fn checksum(&self) -> u32 {
        yield_now().await;
        self.buf.iter().map(|&b| b as u32).sum()
    }
}
