//! await-call-tree, types only: nine async fns, each awaiting the one below it three times
//! (fan-out 3, depth 8). Nothing polls them, so rustc builds the state machines' types and MIR but
//! generates no code for them: this measures the front end and the coroutine transform.
//!
//! Rust 1.42 was exponential in this shape (every `.await` re-walked the types of the futures
//! below it); 1.43 fixed it. Keep it edition 2018 and free of newer syntax so 1.39+ can build it.

pub async fn h0() -> u64 {
    1
}
pub async fn h1() -> u64 {
    h0().await + h0().await + h0().await
}
pub async fn h2() -> u64 {
    h1().await + h1().await + h1().await
}
pub async fn h3() -> u64 {
    h2().await + h2().await + h2().await
}
pub async fn h4() -> u64 {
    h3().await + h3().await + h3().await
}
pub async fn h5() -> u64 {
    h4().await + h4().await + h4().await
}
pub async fn h6() -> u64 {
    h5().await + h5().await + h5().await
}
pub async fn h7() -> u64 {
    h6().await + h6().await + h6().await
}
pub async fn h8() -> u64 {
    h7().await + h7().await + h7().await
}
