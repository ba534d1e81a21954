//@ ideal: 1032
//@ reason: buf (256) + YieldNow across the first two awaits; s (4) + the large future (1024 + YieldNow + tag = 1026) during the third; tag (1): 1031, rounded to the u32 alignment 4
//@ by-value: yes
//@ future: f(52)

async fn large(p: Pod<1024>) -> u32 {
    yield_now().await;
    p.sum()
}

async fn f(seed: u8) -> u32 {
    let s = {
        let buf = Pod::<256>::new(seed);
        yield_now().await;
        yield_now().await;
        buf.sum()
    };
    s + large(Pod::new(seed)).await
}
