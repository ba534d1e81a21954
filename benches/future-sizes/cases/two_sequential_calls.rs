//@ ideal: 1028
//@ reason: first await holds b (512) + leaf(a)'s future (514) + tag (1) = 1027, rounded to the u32 alignment 4
//@ by-value: yes
//@ future: two(Buf::new(30), Buf::new(31))

async fn leaf(b: Buf<512>) -> u32 {
    yield_now().await;
    b.sum()
}

// While the first call runs, the second argument waits; then the first result (u32) waits.
async fn two(a: Buf<512>, b: Buf<512>) -> u32 {
    leaf(a).await + leaf(b).await
}
