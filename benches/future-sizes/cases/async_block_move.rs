//@ ideal: 1026
//@ reason: the captured b (1024) is used in place + YieldNow (1) + tag (1)
//@ by-value: no
//@ setup: let b = Buf::<1024>::new(41);
//@ future: async move { yield_now().await; b.sum() }

// An async block capturing by move and using the capture in place: no argument, no second copy.
