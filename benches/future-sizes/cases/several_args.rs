//@ ideal: 776
//@ reason: a (512) + b (256) + c (4) + YieldNow (1) + tag (1) = 774, rounded to alignment 4
//@ by-value: yes
//@ future: f(Buf::new(11), Buf::new(12), 13)

async fn f(a: Buf<512>, b: Buf<256>, c: u32) -> u32 {
    yield_now().await;
    a.sum() + b.sum() + c
}
