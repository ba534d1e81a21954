// Future sizes, read from the constant each `size_*` function returns. Two stories:
// - rust-lang/rust#69837 (1.44): a coroutine's state tag is the smallest integer that fits, so an
//   async fn that holds nothing across an await is one byte. Checked exactly.
// - rust-lang/rust#62958 (open): an async fn argument is stored twice, as an upvar in the prefix
//   and as a saved local in the suspend states. The checks only require a constant; the measured
//   size goes to the matrix's size table next to the ideal below, so the gap is visible per toolchain.
//
//@ assembly-output: emit-asm
//@ compile-flags: -Copt-level=3 -Cpanic=abort
//@ edition: 2018
//@ revisions: x86_64 thumbv7em
//@[x86_64] compile-flags: --target x86_64-unknown-linux-gnu
//@[x86_64] needs-llvm-components: x86
//@[x86_64] compile-flags: -Cllvm-args=-x86-asm-syntax=intel
//@[x86_64] only-x86_64
//@[thumbv7em] compile-flags: --target thumbv7em-none-eabihf
//@[thumbv7em] needs-llvm-components: arm
//@[thumbv7em] only-thumb
//@[thumbv7em] only-eabihf
// harness-min-toolchain: 1.44.0 one-byte state tags (rust-lang/rust#69837) and async fn in no_std
// harness-size: size_no_await ideal=1 only the state tag: unresumed, returned, poisoned
// harness-size: size_seed_square ideal=16 x, the first operand and one foo future (u32 + tag), our tag; align 4
// harness-size: size_leaf ideal=1026 the 1024-byte argument once, yield_now's 1-byte future, the tag
// harness-size: size_mid ideal=1027 leaf's ideal future (b moved into it) plus mid's tag

#![no_std]
#![crate_type = "lib"]

use core::mem::size_of_val;

pub async fn no_await() -> u32 {
    7
}

pub async fn foo(x: u32) -> u32 {
    x
}

pub async fn square(x: u32) -> u32 {
    foo(x).await * foo(x).await
}

pub struct Big(pub [u8; 1024]);

impl Drop for Big {
    fn drop(&mut self) {}
}

async fn yield_now() {}

pub async fn leaf(b: Big) -> u8 {
    yield_now().await;
    b.0[0]
}

pub async fn mid(b: Big) -> u8 {
    leaf(b).await
}

// rustc emits these functions sorted by symbol name, so the labels come in that order.
// size_no_await is checked exactly; the others must fold to a constant, and the table reports it.
// CHECK-LABEL: size_leaf:
// x86_64: mov eax, {{[0-9]+}}
// x86_64-NEXT: ret
// thumbv7em: {{movs|movw|mov.w}} r0, #{{[0-9]+}}
// thumbv7em-NEXT: pop {r7, pc}
#[no_mangle]
pub fn size_leaf() -> usize {
    size_of_val(&leaf(Big([0; 1024])))
}

// CHECK-LABEL: size_mid:
// x86_64: mov eax, {{[0-9]+}}
// x86_64-NEXT: ret
// thumbv7em: {{movs|movw|mov.w}} r0, #{{[0-9]+}}
// thumbv7em-NEXT: pop {r7, pc}
#[no_mangle]
pub fn size_mid() -> usize {
    size_of_val(&mid(Big([0; 1024])))
}

// CHECK-LABEL: size_no_await:
// x86_64: mov eax, 1
// x86_64-NEXT: ret
// thumbv7em: movs r0, #1
// thumbv7em-NEXT: pop {r7, pc}
#[no_mangle]
pub fn size_no_await() -> usize {
    size_of_val(&no_await())
}

// CHECK-LABEL: size_seed_square:
// x86_64: mov eax, {{[0-9]+}}
// x86_64-NEXT: ret
// thumbv7em: {{movs|movw|mov.w}} r0, #{{[0-9]+}}
// thumbv7em-NEXT: pop {r7, pc}
#[no_mangle]
pub fn size_seed_square() -> usize {
    size_of_val(&square(3))
}
