//@ ideal: 302
//@ reason: x (T = Buf<300>) live across the await + YieldNow (1) + tag (1)
//@ by-value: yes
//@ future: relay(Buf::<300>::new(53))

// A generic argument: the layout is computed per instantiation.
async fn relay<T: std::fmt::Debug>(x: T) -> T {
    yield_now().await;
    x
}
