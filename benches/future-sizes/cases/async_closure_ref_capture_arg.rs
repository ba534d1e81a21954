//@ ideal: 16
//@ reason: a reference to data (8) + x (4) + YieldNow (1) + tag (1) = 14, rounded to alignment 8
//@ by-value: yes
//@ setup: let data = Pod::<256>::new(47);
//@ setup: let c = async |x: u32| { yield_now().await; data.sum() + x };
//@ future: c(48)

// An async closure capturing by reference, with a small by-value argument.
