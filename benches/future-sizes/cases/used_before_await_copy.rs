//@ ideal: 1028
//@ reason: unresumed holds x (1024) + tag (1) = 1025, rounded to the u32's alignment 4; suspend needs s (4) + YieldNow (1): x.sum() borrows x, but not across the await
//@ by-value: yes
//@ future: f(Pod::new(6))

// A Copy argument read only before the await.
async fn f(x: Pod<1024>) -> u32 {
    let s = x.sum();
    yield_now().await;
    s
}
