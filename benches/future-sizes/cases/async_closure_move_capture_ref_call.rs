//@ ideal: 16
//@ reason: the future borrows the closure that owns b: a reference (8) + YieldNow (1) + tag (1), rounded to 8
//@ by-value: no
//@ setup: let b = Buf::<1024>::new(49);
//@ setup: let c = async move || { yield_now().await; b.sum() };
//@ future: c()

// An async move closure owning a big capture, called through AsyncFn: the capture stays in the closure.
