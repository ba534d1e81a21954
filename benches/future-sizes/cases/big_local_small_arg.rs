//@ ideal: 1026
//@ reason: n (1) is dead after building b; suspend holds b (1024) + YieldNow (1); + tag (1)
//@ by-value: yes
//@ future: f(28)

// The big value is a local, not an argument: the small argument's second copy is the only waste.
async fn f(n: u8) -> u32 {
    let b = Buf::<1024>::new(n);
    yield_now().await;
    b.sum()
}
