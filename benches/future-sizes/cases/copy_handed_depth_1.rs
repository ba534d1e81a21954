//@ ideal: 259
//@ reason: the leaf holds x (256, Copy) + YieldNow + tag (258); each of 1 level(s) above it copies x into the callee, where it is dead, and adds its tag byte only
//@ by-value: yes
//@ future: f1(Pod::new(41))

async fn f0(x: Pod<256>) -> u32 {
    yield_now().await;
    x.sum()
}

async fn f1(x: Pod<256>) -> u32 {
    f0(x).await
}
