//@ ideal: 16
//@ reason: captures &b (8) + YieldNow (1) + tag (1) = 10, rounded to alignment 8
//@ by-value: no
//@ setup: let b = Buf::<1024>::new(43);
//@ future: async { yield_now().await; b.sum() }

// An async block capturing by reference.
