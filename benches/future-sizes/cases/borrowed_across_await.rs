//@ ideal: 1040
//@ reason: b (1024) and the reference r (8) + YieldNow (1) + tag (1) = 1034, rounded to alignment 8
//@ by-value: yes
//@ future: f(Buf::new(10))

// The argument is borrowed across the await: it must stay in place (no move after the borrow).
async fn f(b: Buf<1024>) -> u32 {
    let r = &b;
    yield_now().await;
    r.sum()
}
