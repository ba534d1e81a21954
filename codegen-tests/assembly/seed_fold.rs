// The seed's fold: with the task `Context` passed as a resume argument (rust-lang/rust#68524,
// 1.44) instead of through thread-local storage, polling an async fn tree in a loop folds to its
// result. `xx` polls `square(3)` with a caller's Context until it is ready; at opt-level 3 its
// whole body must be the constant 9 and a return: no call, no branch, no loop.
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

pub async fn foo(x: u32) -> u32 {
    x
}

pub async fn square(x: u32) -> u32 {
    foo(x).await * foo(x).await
}

// CHECK-LABEL: xx:
// x86_64-NEXT: .cfi_startproc
// x86_64-NEXT: mov eax, 9
// x86_64-NEXT: ret
// Thumb: only the frame-pointer prologue/epilogue the target spec forces around `movs r0, #9`.
// thumbv7em-NEXT: .fnstart
// thumbv7em-NEXT: .save {r7, lr}
// thumbv7em-NEXT: push {r7, lr}
// thumbv7em-NEXT: .setfp r7, sp
// thumbv7em-NEXT: mov r7, sp
// thumbv7em-NEXT: movs r0, #9
// thumbv7em-NEXT: pop {r7, pc}
// thumbv6m-NEXT: .fnstart
// thumbv6m-NEXT: .save {r7, lr}
// thumbv6m-NEXT: push {r7, lr}
// thumbv6m-NEXT: .setfp r7, sp
// thumbv6m-NEXT: add r7, sp, #0
// thumbv6m-NEXT: movs r0, #9
// thumbv6m-NEXT: pop {r7, pc}
// CHECK-NEXT: .Lfunc_end
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
