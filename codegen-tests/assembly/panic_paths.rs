// Panic paths of an async fn's poll function. With -Cpanic=abort a poll cannot unwind, so the
// "resumed after panicking" state (poisoned) is unreachable and must not be emitted; the
// "resumed after completion" path is still there: polling a finished future panics. That path
// is what later patch work may remove for embedded targets. The unwind revision shows the
// poisoned path does exist when panics unwind, so the abort revisions' CHECK-NOT is meaningful.
//
// The poll function is taken by address so it is emitted standalone, with every path, rather
// than inlined into a caller that knows which states are reachable.
//
//@ assembly-output: emit-asm
//@ compile-flags: -Copt-level=3
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
// harness-min-toolchain: 1.80.0 the resumed-after-* panics are calls to core's panic_const functions (not in 1.70; 1.80 is the oldest release checked)

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

// The coroutine body of `work`, in legacy (`_ZN...closure...`) or v0 (`_RNC...4work...`) mangling;
// core's panic functions are v0-mangled on recent toolchains, legacy (`...17h<hash>E`) on older ones.
// CHECK-LABEL: {{(_ZN.*4work.*closure|_RNC.*4work).*}}:
// x86_64-NOT: panic_const_async_fn_resumed_panic
// x86_64: panic_const_async_fn_resumed{{(17h[0-9a-f]+E)?(@|$)}}
// x86_64-NOT: panic_const_async_fn_resumed_panic
// x86_64: .Lfunc_end
// thumbv7em-NOT: panic_const_async_fn_resumed_panic
// thumbv7em: panic_const_async_fn_resumed{{(17h[0-9a-f]+E)?(@|$)}}
// thumbv7em-NOT: panic_const_async_fn_resumed_panic
// thumbv7em: .Lfunc_end
// x86_64_unwind-DAG: panic_const_async_fn_resumed{{(17h[0-9a-f]+E)?(@|$)}}
// x86_64_unwind-DAG: panic_const_async_fn_resumed_panic
// x86_64_unwind: .Lfunc_end
#[no_mangle]
pub fn work_poll_fn() -> *const () {
    let f = work(1);
    poll_fn_of(&f) as *const ()
}
