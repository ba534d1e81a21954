//@ ideal: 521
//@ reason: leaf f0 is 514 (b 512 + YieldNow 1 + tag 1); each of the 7 delegating levels holds only its callee's future plus its own tag
//@ by-value: yes
//@ future: f7(Buf::new(7))

// A delegation chain of depth 7: f7 -> ... -> f0, the argument passed down by value.
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

async fn f3(b: Buf<512>) -> u32 {
    f2(b).await
}

async fn f4(b: Buf<512>) -> u32 {
    f3(b).await
}

async fn f5(b: Buf<512>) -> u32 {
    f4(b).await
}

async fn f6(b: Buf<512>) -> u32 {
    f5(b).await
}

async fn f7(b: Buf<512>) -> u32 {
    f6(b).await
}
