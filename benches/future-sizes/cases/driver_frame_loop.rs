//@ ideal: 288
//@ reason: across the await: bus (8) + frame (256) + the loop's Range<usize> (16) + YieldNow (1) + tag (1) = 282, rounded to 8
//@ by-value: yes
//@ setup: let mut bus = Bus { acc: 1, writes: 0 };
//@ future: send_frame(&mut bus, [39; 256])

// A frame buffer passed by value and sent in four chunks, one await per chunk.
struct Bus {
    acc: u32,
    writes: u32,
}

impl Bus {
    fn write(&mut self, data: &[u8]) {
        self.acc = data.iter().fold(self.acc, |a, &b| a.rotate_left(3) ^ b as u32);
        self.writes += 1;
    }
}

async fn send_frame(bus: &mut Bus, frame: [u8; 256]) -> (u32, u32) {
    for i in 0..4 {
        bus.write(&frame[i * 64..][..64]);
        yield_now().await;
    }
    (bus.acc, bus.writes)
}
