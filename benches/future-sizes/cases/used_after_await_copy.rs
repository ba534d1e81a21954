//@ ideal: 1026
//@ reason: x (1024, Copy) is needed after the await: x + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Pod::new(7))

async fn f(x: Pod<1024>) -> u32 {
    yield_now().await;
    x.sum()
}
