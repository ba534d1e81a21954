//@ ideal: 1027
//@ reason: a `_` argument is still dropped when the body ends: Buf (1024) + n (1) + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(20), 21)

async fn f(_: Buf<1024>, n: u8) -> u8 {
    yield_now().await;
    n
}
