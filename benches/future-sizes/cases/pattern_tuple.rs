//@ ideal: 514
//@ reason: a (256) + b (256) bound by the pattern, live across the await, + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f((Buf::new(16), Buf::new(17)))

async fn f((a, b): (Buf<256>, Buf<256>)) -> u32 {
    yield_now().await;
    a.sum() + 2 * b.sum()
}
