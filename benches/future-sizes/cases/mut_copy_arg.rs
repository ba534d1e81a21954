//@ ideal: 16
//@ reason: x (8) + YieldNow (1) + tag (1) = 10, rounded to alignment 8
//@ by-value: yes
//@ future: f(26)

async fn f(mut x: u64) -> u64 {
    x += 1;
    yield_now().await;
    x * 2
}
