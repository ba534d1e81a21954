//@ ideal: 48
//@ reason: leaf is 16 (u64 + YieldNow + tag, align 8); each of 4 levels adds a tag byte that alignment rounds to 8: 24, 32, 40, 48
//@ by-value: yes
//@ future: f4(27)

async fn f0(x: u64) -> u64 {
    yield_now().await;
    x + 1
}

async fn f1(x: u64) -> u64 {
    f0(x).await
}

async fn f2(x: u64) -> u64 {
    f1(x).await
}

async fn f3(x: u64) -> u64 {
    f2(x).await
}

async fn f4(x: u64) -> u64 {
    f3(x).await
}
