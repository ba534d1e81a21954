//@ ideal: 261
//@ reason: the leaf holds x (256, Copy) + YieldNow + tag (258); each of 3 level(s) above it copies x into the callee, where it is dead, and adds its tag byte only
//@ by-value: yes
//@ future: f3(Pod::new(43))

async fn f0(x: Pod<256>) -> u32 {
    yield_now().await;
    x.sum()
}

async fn f1(x: Pod<256>) -> u32 {
    f0(x).await
}

async fn f2(x: Pod<256>) -> u32 {
    f1(x).await
}

async fn f3(x: Pod<256>) -> u32 {
    f2(x).await
}
