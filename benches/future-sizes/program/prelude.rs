//! Prelude of the generated corpus program: the types every case shares and the probe that
//! measures and runs a case's future.
//!
//! The harness pastes this file, unchanged, as `mod prelude` of one program holding every case
//! (see `src/program.rs`). It is plain std Rust that every toolchain we compare accepts (edition
//! 2021, Rust 1.85+). Everything observable goes to stdout as lines the harness parses:
//! - `size <case> <bytes>`: `size_of_val` of the case's future, before it is polled;
//! - `out <case> <phase> <text>`: what happened while the future was dropped unpolled
//!   (`unpolled`), polled to its first `Pending` then dropped (`cancel`), or run to completion
//!   (`complete`): drop logs, results, panics, in order. These lines must be identical on every
//!   toolchain; sizes may differ.
#![allow(dead_code)]

use std::cell::Cell;
use std::fmt::{Arguments, Debug};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

thread_local! {
    /// The case and phase whose output is being printed, so drop logs are attributed.
    static CURRENT: Cell<(&'static str, &'static str)> = const { Cell::new(("-", "-")) };
}

/// Print one observable event of the current case and phase.
pub fn say(args: Arguments<'_>) {
    let (case, phase) = CURRENT.with(|c| c.get());
    println!("out {case} {phase} {args}");
}

/// A non-Copy buffer of `N` bytes whose drop is logged. Byte 0 names it in the log.
pub struct Buf<const N: usize>(pub [u8; N]);

impl<const N: usize> Buf<N> {
    pub fn new(id: u8) -> Self {
        let mut b = [0u8; N];
        b[0] = id;
        b[N - 1] ^= id.wrapping_mul(3);
        Buf(b)
    }
    /// A digest of the contents, so results depend on every byte being carried correctly.
    pub fn sum(&self) -> u32 {
        self.0.iter().enumerate().map(|(i, &b)| (i as u32 + 1) * b as u32).sum()
    }
}

impl<const N: usize> Debug for Buf<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Buf<{N}>#{} sum={}", self.0[0], self.sum())
    }
}

impl<const N: usize> Drop for Buf<N> {
    fn drop(&mut self) {
        say(format_args!("drop Buf<{N}>#{} sum={}", self.0[0], self.sum()));
    }
}

/// A Copy buffer of `N` bytes without drop glue.
#[derive(Clone, Copy)]
pub struct Pod<const N: usize>(pub [u8; N]);

impl<const N: usize> Pod<N> {
    pub fn new(id: u8) -> Self {
        let mut b = [0u8; N];
        b[0] = id;
        b[N - 1] ^= id.wrapping_add(5);
        Pod(b)
    }
    pub fn sum(&self) -> u32 {
        self.0.iter().enumerate().map(|(i, &b)| (i as u32 + 1) * b as u32).sum()
    }
}

impl<const N: usize> Debug for Pod<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pod<{N}>#{} sum={}", self.0[0], self.sum())
    }
}

/// A one-byte future that is `Pending` once, then `Ready`: a real suspension point, so the
/// `cancel` phase has somewhere to stop. Its size (1 byte) is what every ideal counts for it.
pub struct YieldNow(bool);

pub fn yield_now() -> YieldNow {
    YieldNow(false)
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A delegation chain for the `copy_handed_depth_*` cases: level 0 awaits once and reads its `Copy`
/// argument; every level above copies its argument into the level below and awaits it, never
/// reading it again.
pub async fn copy_level0(x: Pod<256>) -> u32 {
    yield_now().await;
    x.sum()
}
pub async fn copy_level1(x: Pod<256>) -> u32 {
    copy_level0(x).await
}
pub async fn copy_level2(x: Pod<256>) -> u32 {
    copy_level1(x).await
}
pub async fn copy_level3(x: Pod<256>) -> u32 {
    copy_level2(x).await
}
pub async fn copy_level4(x: Pod<256>) -> u32 {
    copy_level3(x).await
}
pub async fn copy_level5(x: Pod<256>) -> u32 {
    copy_level4(x).await
}
pub async fn copy_level6(x: Pod<256>) -> u32 {
    copy_level5(x).await
}
pub async fn copy_level7(x: Pod<256>) -> u32 {
    copy_level6(x).await
}
pub async fn copy_level8(x: Pod<256>) -> u32 {
    copy_level7(x).await
}

/// Call an async closure through `AsyncFnOnce`, returning the by-move future.
pub fn call_once<A, R, F: AsyncFnOnce(A) -> R>(f: F, a: A) -> impl Future<Output = R> {
    f(a)
}

/// Record the size of a case's future.
pub fn report_size<F: Future>(case: &'static str, fut: &F) {
    println!("size {case} {}", std::mem::size_of_val(fut));
}

/// Attribute output to `case` until `leave`: what its setup bindings do (their drops, after the
/// future is gone) is logged as phase `setup`.
pub fn enter(case: &'static str) {
    CURRENT.with(|c| c.set((case, "setup")));
}

pub fn leave() {
    CURRENT.with(|c| c.set(("-", "-")));
}

/// Run `body` with output attributed to `case`/`phase`; a panic is caught and logged.
fn in_phase(case: &'static str, phase: &'static str, body: impl FnOnce()) {
    let outer = CURRENT.with(|c| c.replace((case, phase)));
    if let Err(payload) = catch_unwind(AssertUnwindSafe(body)) {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "?".into());
        say(format_args!("panicked: {msg}"));
    }
    CURRENT.with(|c| c.set(outer));
}

/// Drop the future without polling it: every argument must be dropped exactly once.
pub fn drop_unpolled<F: Future>(case: &'static str, fut: F) {
    in_phase(case, "unpolled", || drop(fut));
}

/// Poll until the first `Pending` (or completion), then drop: what is live at that await drops.
pub fn cancel<F: Future>(case: &'static str, fut: F)
where
    F::Output: Debug,
{
    in_phase(case, "cancel", || {
        let mut fut = pin!(fut);
        let mut cx = Context::from_waker(Waker::noop());
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => say(format_args!("ready {v:?}")),
            Poll::Pending => say(format_args!("pending, dropping")),
        }
    });
}

/// Poll to completion with a no-op waker (every case's future is woken by itself).
pub fn complete<F: Future>(case: &'static str, fut: F)
where
    F::Output: Debug,
{
    in_phase(case, "complete", || {
        let mut fut = pin!(fut);
        let mut cx = Context::from_waker(Waker::noop());
        let mut polls = 1u32;
        loop {
            match fut.as_mut().poll(&mut cx) {
                Poll::Ready(v) => {
                    say(format_args!("ready after {polls} polls: {v:?}"));
                    break;
                }
                Poll::Pending => polls += 1,
            }
            assert!(polls < 10_000, "future never completed");
        }
    });
}

/// Silence the default panic message (panics are logged by `in_phase` on stdout, in order).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}
