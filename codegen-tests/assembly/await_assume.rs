// `-Zassume-awaitee-unfinished` (the fork's patch 0010, on by default): `.await` of an `async fn`'s
// future held by value assumes that future has neither returned nor panicked. Once the callee's
// poll is inlined into the caller's, the callee's "resumed after completion" path is unreachable
// and goes away, so the caller's poll function calls `panic_const_async_fn_resumed` once (for its
// own state) instead of twice. The `_off` revisions show both calls, which is what makes the
// others' CHECK-NOT meaningful: the callee was inlined and still carried its own check.
//
// The poll function is taken by address so it is emitted standalone, with every path.
//
//@ assembly-output: emit-asm
//@ compile-flags: -Copt-level=3 -Cpanic=abort
//@ edition: 2018
//@ revisions: x86_64 x86_64_off thumbv7em thumbv7em_off
//@[x86_64] compile-flags: --target x86_64-unknown-linux-gnu
//@[x86_64] needs-llvm-components: x86
//@[x86_64] only-x86_64
//@[x86_64_off] compile-flags: --target x86_64-unknown-linux-gnu -Zassume-awaitee-unfinished=no
//@[x86_64_off] needs-llvm-components: x86
//@[x86_64_off] only-x86_64
//@[thumbv7em] compile-flags: --target thumbv7em-none-eabihf
//@[thumbv7em] needs-llvm-components: arm
//@[thumbv7em] only-thumb
//@[thumbv7em] only-eabihf
//@[thumbv7em_off] compile-flags: --target thumbv7em-none-eabihf -Zassume-awaitee-unfinished=no
//@[thumbv7em_off] needs-llvm-components: arm
//@[thumbv7em_off] only-thumb
//@[thumbv7em_off] only-eabihf
// harness-needs-z: assume-awaitee-unfinished the fork's option from patch 0010

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

// One caller, so its poll is inlined into `task`'s.
async fn read_sensor(x: u32) -> u32 {
    YieldOnce(false).await;
    x * 3
}

pub async fn task(x: u32) -> u32 {
    read_sensor(x).await + 1
}

fn poll_fn_of<F: Future>(_: &F) -> fn(Pin<&mut F>, &mut Context<'_>) -> Poll<F::Output> {
    F::poll
}

// CHECK-LABEL: {{(_ZN.*4task.*closure|_RNC.*4task).*}}:
// x86_64: panic_const_async_fn_resumed
// x86_64-NOT: panic_const_async_fn_resumed
// x86_64: .Lfunc_end
// thumbv7em: panic_const_async_fn_resumed
// thumbv7em-NOT: panic_const_async_fn_resumed
// thumbv7em: .Lfunc_end
// x86_64_off: panic_const_async_fn_resumed
// x86_64_off: panic_const_async_fn_resumed
// x86_64_off: .Lfunc_end
// thumbv7em_off: panic_const_async_fn_resumed
// thumbv7em_off: panic_const_async_fn_resumed
// thumbv7em_off: .Lfunc_end
#[no_mangle]
pub fn task_poll_fn() -> *const () {
    let f = task(1);
    poll_fn_of(&f) as *const ()
}
