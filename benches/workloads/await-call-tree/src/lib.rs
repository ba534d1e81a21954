//! await-call-tree, types only: nine private async fns, each awaiting the one below it three times
//! (fan-out 3, depth 8). Nothing uses them, so rustc type-checks them and builds the state
//! machines' types and MIR but generates no code: this measures the front end and the coroutine
//! transform. (`await-call-tree-polled` is the code-generated form.)
//!
//! Rust 1.42 was exponential in this shape (the future types nest three-fold per level); 1.43 fixed
//! it. Keep it edition 2018 and free of newer syntax so 1.39+ can build it.
//!
//! `type_length_limit`: 1.42 names these futures with types exponential in the depth and stops at
//! its default limit; raising it lets 1.42 show its cost instead of an error. Later releases are
//! unaffected by the attribute.
#![type_length_limit = "100000000"]
#![allow(dead_code)]

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
