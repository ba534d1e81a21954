//@ ideal: 1026
//@ reason: b (1024) is live across the await until returned + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: f(Buf::new(29))

async fn f(b: Buf<1024>) -> Buf<1024> {
    yield_now().await;
    b
}
