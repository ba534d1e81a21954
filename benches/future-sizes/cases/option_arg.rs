//@ ideal: 259
//@ reason: x (Option<Buf<256>>: no niche in [u8; 256], so 257) + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Some(Buf::new(55)))

async fn f(x: Option<Buf<256>>) -> Option<u32> {
    yield_now().await;
    x.map(|b| b.sum())
}
