//@ ideal: 520
//@ reason: b (512) + k (4) + YieldNow (1) + tag (1) = 518, rounded to alignment 4; no captures to reference
//@ by-value: yes
//@ setup: let c = async |b: Buf<512>, k: u32| { yield_now().await; b.sum() + k };
//@ future: c(Buf::new(45), 46)

// An async closure without captures, called through AsyncFn (the future may borrow the closure).
