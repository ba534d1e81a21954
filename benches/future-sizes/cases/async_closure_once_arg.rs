//@ ideal: 1026
//@ reason: b (1024) live across the await + YieldNow (1) + tag (1); the closure captures nothing
//@ by-value: yes
//@ future: call_once(async move |b: Buf<1024>| { yield_now().await; b.sum() }, Buf::new(44))

// An async closure called through AsyncFnOnce with a by-value argument.
