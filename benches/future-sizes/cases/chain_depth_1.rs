//@ ideal: 515
//@ reason: leaf f0 is 514 (b 512 + YieldNow 1 + tag 1); each of the 1 delegating levels holds only its callee's future plus its own tag
//@ by-value: yes
//@ future: f1(Buf::new(1))

// A delegation chain of depth 1: f1 -> ... -> f0, the argument passed down by value.
async fn f0(b: Buf<512>) -> u32 {
    yield_now().await;
    b.sum()
}

async fn f1(b: Buf<512>) -> u32 {
    f0(b).await
}
