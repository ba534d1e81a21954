//! await-call-tree, code-generated: the same tree as `await-call-tree` (nine async fns, each
//! awaiting the one below it three times), but a public function polls the root future with the
//! caller's `Context`, so every state machine's `poll` is monomorphised and goes through LLVM.
//! This is the form in which a compiler's codegen of async code is measured.
//!
//! `type_length_limit`: 1.42 names these futures with types exponential in the depth and stops at
//! its default limit; raising it lets 1.42 show its cost instead of an error. Later releases are
//! unaffected by the attribute.
#![type_length_limit = "100000000"]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

async fn h0() -> u64 {
    1
}
async fn h1() -> u64 {
    h0().await + h0().await + h0().await
}
async fn h2() -> u64 {
    h1().await + h1().await + h1().await
}
async fn h3() -> u64 {
    h2().await + h2().await + h2().await
}
async fn h4() -> u64 {
    h3().await + h3().await + h3().await
}
async fn h5() -> u64 {
    h4().await + h4().await + h4().await
}
async fn h6() -> u64 {
    h5().await + h5().await + h5().await
}
async fn h7() -> u64 {
    h6().await + h6().await + h6().await
}
async fn h8() -> u64 {
    h7().await + h7().await + h7().await
}

/// Poll the root once; the caller owns the waker, so nothing here needs `std`.
pub fn run(cx: &mut Context<'_>) -> Poll<u64> {
    let mut fut = h8();
    // Safety: `fut` is a local that is never moved after being pinned here.
    let fut = unsafe { Pin::new_unchecked(&mut fut) };
    fut.poll(cx)
}
