//@ ideal: 16
//@ reason: b (&Buf, 8) + YieldNow (1) + tag (1) = 10, rounded to alignment 8
//@ by-value: no
//@ setup: let b = Buf::<1024>::new(36);
//@ future: f(&b)

async fn f(b: &Buf<1024>) -> u32 {
    yield_now().await;
    b.sum()
}
