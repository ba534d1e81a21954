//@ ideal: 1027
//@ reason: the by-move future owns b (1024) and k (1) + YieldNow (1) + tag (1)
//@ by-value: yes
//@ setup: let b = Buf::<1024>::new(50);
//@ future: call_once(async move |k: u8| { yield_now().await; b.sum() + k as u32 }, 51)

// An async move closure consumed through AsyncFnOnce: its capture moves into the future.
