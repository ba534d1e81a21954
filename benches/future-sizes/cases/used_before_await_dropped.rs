//@ ideal: 1025
//@ reason: unresumed holds b (1024); after drop(b) only v (1) + YieldNow (1) live; max 1024 + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(5))

// The argument is consumed before the first await: it need not exist in any suspend state.
async fn f(b: Buf<1024>) -> u8 {
    let v = b.0[0];
    drop(b);
    yield_now().await;
    v
}
