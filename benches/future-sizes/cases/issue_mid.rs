//@ ideal: 1027
//@ reason: only leaf's future (ideal 1026) is live across the await, b has moved into it; plus the tag
//@ by-value: yes
//@ future: mid(Buf::new(2))

// The second example of issue 5: one level of delegation, 3075 bytes on stable.
async fn leaf(b: Buf<1024>) -> u8 {
    yield_now().await;
    b.0[0]
}

async fn mid(b: Buf<1024>) -> u8 {
    leaf(b).await
}
