//@ ideal: 16
//@ reason: buf (&mut, 8) + v (1) + YieldNow (1) + tag (1) = 11, rounded to alignment 8
//@ by-value: no
//@ setup: let mut buf = [0u8; 256];
//@ future: fill(&mut buf, 37)

async fn fill(buf: &mut [u8; 256], v: u8) -> u32 {
    yield_now().await;
    buf.fill(v);
    buf.iter().map(|&b| b as u32).sum()
}
