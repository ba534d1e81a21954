//@ ideal: 516
//@ reason: leaf f0 is 514 (b 512 + YieldNow 1 + tag 1); each of the 2 delegating levels holds only its callee's future plus its own tag
//@ by-value: yes
//@ future: f2(Buf::new(2))

// A delegation chain of depth 2: f2 -> ... -> f0, the argument passed down by value.
async fn f0(b: Buf<512>) -> u32 {
    yield_now().await;
    b.sum()
}

async fn f1(b: Buf<512>) -> u32 {
    f0(b).await
}

async fn f2(b: Buf<512>) -> u32 {
    f1(b).await
}
