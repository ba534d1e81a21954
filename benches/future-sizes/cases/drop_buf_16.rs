//@ ideal: 18
//@ reason: b (16, has Drop) live across the await + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(4))

async fn f(b: Buf<16>) -> Buf<16> {
    yield_now().await;
    b
}
