//@ ideal: 515
//@ reason: x (256, Copy) is read again after the callee's await, so it keeps its bytes beside the callee's future (258) + tag (1)
//@ by-value: yes
//@ future: f(Pod::new(50))

async fn leaf(x: Pod<256>) -> u32 {
    yield_now().await;
    x.sum()
}

async fn f(x: Pod<256>) -> u32 {
    leaf(x).await + x.sum()
}
