//@ ideal: 98
//@ reason: a (64) + b (32) live across the await + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(7), Buf::new(32))

// Panics during the first poll: both arguments must be dropped exactly once while unwinding.
async fn f(a: Buf<64>, b: Buf<32>) -> u32 {
    if a.0[0] == 7 {
        panic!("boom on first poll");
    }
    yield_now().await;
    a.sum() + b.sum()
}
