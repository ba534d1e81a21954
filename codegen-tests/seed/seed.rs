// The seed example, for `codegen seed-claims`: `xx` polls `square(3)` in a loop with the caller's
// Context. Built twice: as a std crate, which compilers from before async-in-no_std (1.43) accept
// too, and with `--cfg seed_no_std` as a #![no_std] crate, which needs the TLS-free lowering (1.44).
#![cfg_attr(seed_no_std, no_std)]
#![crate_type = "lib"]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

pub async fn foo(x: u32) -> u32 {
    x
}

pub async fn square(x: u32) -> u32 {
    foo(x).await * foo(x).await
}

#[no_mangle]
pub fn xx(cx: &mut Context<'_>) -> u32 {
    let mut fut = square(3);
    let mut fut = unsafe { Pin::new_unchecked(&mut fut) };
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return v;
        }
    }
}

#[no_mangle]
pub fn seed_future_size() -> usize {
    core::mem::size_of_val(&square(3))
}
