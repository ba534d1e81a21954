//@ ideal: 16
//@ reason: the Box (8) live across the await + YieldNow (1) + tag (1) = 10, rounded to alignment 8
//@ by-value: yes
//@ future: f(Box::new(Buf::new(56)))

// A boxed buffer passed by value: only the pointer is in the future.
async fn f(b: Box<Buf<4096>>) -> u32 {
    yield_now().await;
    b.sum()
}
