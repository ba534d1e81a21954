//@ ideal: 536
//@ reason: b (512) stays in place while inner's future (ideal 16: &b + YieldNow + tag) borrows it: 528 + tag = 529, rounded to 8
//@ by-value: yes
//@ future: outer(Buf::new(54))

// The argument is lent to the awaited callee: it must not move while the callee's future lives.
async fn inner(b: &Buf<512>) -> u32 {
    yield_now().await;
    b.sum()
}

async fn outer(b: Buf<512>) -> u32 {
    inner(&b).await
}
