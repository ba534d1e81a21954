//@ ideal: 1026
//@ reason: b (1024) + one YieldNow (1) in each suspend state + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(8))

async fn f(mut b: Buf<1024>) -> u32 {
    yield_now().await;
    b.0[1] = 9;
    yield_now().await;
    b.sum()
}
