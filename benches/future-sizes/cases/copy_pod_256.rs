//@ ideal: 258
//@ reason: x (256, Copy) live across the await + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Pod::new(9))

async fn f(x: Pod<256>) -> u32 {
    yield_now().await;
    x.sum()
}
