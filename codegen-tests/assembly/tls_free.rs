// TLS-free lowering: async fns awaiting async fns, in a `#![no_std]` crate, compile for the host
// and for Cortex-M, and nothing in the output touches thread-local storage. Before the Context
// became a resume argument (1.44), `.await` read the Context from a thread-local, which no_std
// cannot have. The checks scan the whole file: before `drive`, inside and after it.
//
//@ assembly-output: emit-asm
//@ compile-flags: -Copt-level=3 -Cpanic=abort
//@ edition: 2018
//@ revisions: x86_64 thumbv7em thumbv6m
//@[x86_64] compile-flags: --target x86_64-unknown-linux-gnu
//@[x86_64] needs-llvm-components: x86
//@[x86_64] compile-flags: -Cllvm-args=-x86-asm-syntax=intel
//@[x86_64] only-x86_64
//@[thumbv7em] compile-flags: --target thumbv7em-none-eabihf
//@[thumbv7em] needs-llvm-components: arm
//@[thumbv7em] only-thumb
//@[thumbv7em] only-eabihf
//@[thumbv6m] compile-flags: --target thumbv6m-none-eabi
//@[thumbv6m] needs-llvm-components: arm
//@[thumbv6m] only-thumb
// harness-min-toolchain: 1.44.0 async fn in no_std needs the Context resume argument (rust-lang/rust#68524)

#![no_std]
#![crate_type = "lib"]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Pending once, so every await below is a real suspension point.
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

async fn leaf(x: u32) -> u32 {
    YieldOnce(false).await;
    x + 1
}

async fn middle(x: u32) -> u32 {
    leaf(x).await + leaf(x * 2).await
}

pub async fn root(x: u32) -> u32 {
    let a = middle(x).await;
    YieldOnce(false).await;
    a * middle(a).await
}

// CHECK-NOT: __tls_get_addr
// CHECK-NOT: __aeabi_read_tp
// CHECK-NOT: {{[.]}}tbss
// CHECK-NOT: {{[.]}}tdata
// CHECK-NOT: {{[tT][pP][oO][fF][fF]}}
// x86_64-NOT: {{fs:}}
// CHECK-LABEL: drive:
// The waker is called through its vtable: the loop really polls, it was not folded away.
// x86_64: call qword ptr
// thumbv7em: blx
// thumbv6m: blx
// CHECK-NOT: __tls_get_addr
// CHECK-NOT: __aeabi_read_tp
// CHECK-NOT: {{[.]}}tbss
// CHECK-NOT: {{[.]}}tdata
// CHECK-NOT: {{[tT][pP][oO][fF][fF]}}
// x86_64-NOT: {{fs:}}
// CHECK: .section ".note.GNU-stack"
#[no_mangle]
pub fn drive(cx: &mut Context<'_>, x: u32) -> u32 {
    let mut fut = root(x);
    let mut fut = unsafe { Pin::new_unchecked(&mut fut) };
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return v;
        }
    }
}
