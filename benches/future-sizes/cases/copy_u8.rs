//@ ideal: 3
//@ reason: x (1) live across the await + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(21)

async fn f(x: u8) -> u8 {
    yield_now().await;
    x.wrapping_mul(3)
}
