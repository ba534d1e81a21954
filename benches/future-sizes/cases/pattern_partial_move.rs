//@ ideal: 386
//@ reason: a (256) moved out by the pattern, the unbound field b (128) stays in the argument until the body ends; + YieldNow + tag (a layout keeping the whole argument beside a copy of a needs 642)
//@ by-value: yes
//@ future: f(Pair { a: Buf::new(18), b: Buf::new(19) })

// `b: _` does not move: the argument's remaining field is dropped when the body ends, after the await.
struct Pair {
    a: Buf<256>,
    b: Buf<128>,
}

async fn f(Pair { a, b: _ }: Pair) -> u32 {
    yield_now().await;
    a.sum()
}
