// `-Zasync-panic=no` (upstream nightly since 1.101, MCP compiler-team#1016; the fork's patch
// 0003): an async fn's poll function answers `Poll::Pending` when the future is polled after it
// completed or after it panicked, so neither `panic_const_async_fn_resumed` nor
// `panic_const_async_fn_resumed_panic` is called from it. `panic_paths.rs` is the same function
// without the flag, where both calls are there (the unwind revision) or the first is (abort).
//
// The poll function is taken by address so it is emitted standalone, with every path.
//
//@ assembly-output: emit-asm
//@ compile-flags: -Copt-level=3 -Zasync-panic=no
//@ edition: 2018
//@ revisions: x86_64 x86_64_unwind thumbv7em
//@[x86_64] compile-flags: --target x86_64-unknown-linux-gnu -Cpanic=abort
//@[x86_64] needs-llvm-components: x86
//@[x86_64] compile-flags: -Cllvm-args=-x86-asm-syntax=intel
//@[x86_64] only-x86_64
//@[x86_64_unwind] compile-flags: --target x86_64-unknown-linux-gnu -Cpanic=unwind
//@[x86_64_unwind] needs-llvm-components: x86
//@[x86_64_unwind] compile-flags: -Cllvm-args=-x86-asm-syntax=intel
//@[x86_64_unwind] only-x86_64
//@[thumbv7em] compile-flags: --target thumbv7em-none-eabihf -Cpanic=abort
//@[thumbv7em] needs-llvm-components: arm
//@[thumbv7em] only-thumb
//@[thumbv7em] only-eabihf
// harness-needs-z: async-panic the flag exists on nightlies from 1.101 and on the fork from patch 0003

#![no_std]
#![crate_type = "lib"]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

pub async fn work(x: u32) -> u32 {
    YieldOnce(false).await;
    x * 2
}

fn poll_fn_of<F: Future>(_: &F) -> fn(Pin<&mut F>, &mut Context<'_>) -> Poll<F::Output> {
    F::poll
}

// The coroutine body of `work` (legacy or v0 mangling); it must call no panic function at all,
// from the label to the end of the function.
// CHECK-LABEL: {{(_ZN.*4work.*closure|_RNC.*4work).*}}:
// CHECK-NOT: panic_const_async_fn_resumed
// CHECK: .Lfunc_end
#[no_mangle]
pub fn work_poll_fn() -> *const () {
    let f = work(1);
    poll_fn_of(&f) as *const ()
}
