//@ ideal: 32
//@ reason: x (16) + YieldNow (1) + tag (1) = 18, rounded up to u128's alignment 16
//@ by-value: yes
//@ future: f(u128::MAX / 3)

async fn f(x: u128) -> u128 {
    yield_now().await;
    x ^ (x >> 9)
}
