//@ ideal: 1032
//@ reason: buf (256) + YieldNow across the first two awaits, dead after the copy out of it; s (4) + the large future (1026) during the third; tag (1): 1031, rounded to the u32 alignment 4
//@ by-value: yes
//@ future: f(53)

async fn large(p: Pod<1024>) -> u32 {
    yield_now().await;
    p.sum()
}

// `buf` is never borrowed: its last use copies a byte out, and its scope ends only after the
// third await.
async fn f(seed: u8) -> u32 {
    let buf = Pod::<256>::new(seed);
    yield_now().await;
    yield_now().await;
    let s = buf.0[1] as u32 + buf.0[255] as u32;
    s + large(Pod::new(seed)).await
}
