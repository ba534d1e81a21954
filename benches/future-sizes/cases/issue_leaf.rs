//@ ideal: 1026
//@ reason: b (1024) is live across the await beside YieldNow (1), plus the 1-byte state tag
//@ by-value: yes
//@ future: leaf(Buf::new(1))

// The first example of issue 5: stable stores `b` twice (upvar + saved local), 2050 bytes.
async fn leaf(b: Buf<1024>) -> u8 {
    yield_now().await;
    b.0[0]
}
