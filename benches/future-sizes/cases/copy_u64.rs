//@ ideal: 16
//@ reason: x (8) + YieldNow (1) + tag (1) = 10, rounded up to the u64's alignment 8
//@ by-value: yes
//@ future: f(0x1234_5678_9abc)

async fn f(x: u64) -> u64 {
    yield_now().await;
    x.rotate_left(7)
}
