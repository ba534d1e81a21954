//@ ideal: 1026
//@ reason: the capture moved into a local at entry (what async fn arguments lower to): b (1024) + YieldNow (1) + tag (1)
//@ by-value: no
//@ setup: let b = Buf::<1024>::new(42);
//@ future: async move { let b = b; yield_now().await; b.sum() }

// The shape async fn arguments lower to, written by hand in an async block.
