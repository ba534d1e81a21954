//@ ideal: 772
//@ reason: unresumed holds a (512) + b (256) + tag (1) = 769, rounded to alignment 4; suspend needs only b, s (4), YieldNow
//@ by-value: yes
//@ future: f(Pod::new(14), Buf::new(15))

// `a` (Copy) is dead after the first statement, `b` lives across the await.
async fn f(a: Pod<512>, b: Buf<256>) -> u32 {
    let s = a.sum();
    yield_now().await;
    s + b.sum()
}
