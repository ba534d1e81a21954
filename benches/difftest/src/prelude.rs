//! The runtime every generated program starts with: value types that log their drops, a yield
//! point, and a tiny executor. Only `std`, so any toolchain with a std can build the programs.
//!
//! Why each piece exists:
//! - `D<N>` is not `Copy` and logs `drop D<tag> <checksum>`: a missed, doubled or reordered drop
//!   changes the transcript, and the checksum over all N bytes catches a value whose storage was
//!   overlapped with something still live (the miscompile a layout patch risks).
//! - `C<N>` is `Copy` (no drop glue), so layouts may treat it differently from `D<N>`.
//! - `Z` is zero-sized with drop glue; `A<N>` is aligned to 64 and its checksum says whether it
//!   sits at an aligned address. Both change where a future puts its other fields.
//! - `Val::make` lets a generic async fn (`T: Val`) make values of its `T`.
//! - `Yield` returns `Pending` once: a real suspension point, so values really live in the
//!   future's state across it.
//! - `block_on` and `poll_n` poll with a counting waker; the counts are part of the transcript.
//!   They box the future, so that under valgrind (`--memcheck`) a future whose layout is smaller
//!   than the code that uses it is an invalid access to a heap block, not a silent stack overlap.
//! - A silent panic hook: panics are caught and reported in the transcript, not on stderr.
//! - `log` prints unless the program is in its sizes section, whose drops are not compared.

pub const PRELUDE: &str = r#"#![allow(unused, unused_mut, unused_variables, unreachable_code, dead_code)]
use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

thread_local! { static QUIET: Cell<bool> = const { Cell::new(false) }; }
static WAKES: AtomicU64 = AtomicU64::new(0);
static POLLS: AtomicU64 = AtomicU64::new(0);

fn log(s: String) {
    if !QUIET.with(|q| q.get()) {
        println!("{s}");
    }
}

fn mix(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31).wrapping_add(b)
}

trait Val {
    fn make(tag: u32) -> Self
    where
        Self: Sized;
    fn val(&self) -> u64;
    fn bump(&mut self);
}

struct D<const N: usize> {
    tag: u32,
    data: [u8; N],
}

impl<const N: usize> D<N> {
    fn new(tag: u32) -> Self {
        let mut data = [0u8; N];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (tag as usize).wrapping_mul(7).wrapping_add(i) as u8;
        }
        D { tag, data }
    }
}

impl<const N: usize> Val for D<N> {
    fn make(tag: u32) -> Self {
        D::new(tag)
    }
    fn val(&self) -> u64 {
        self.data.iter().fold(self.tag as u64, |a, b| a.wrapping_mul(131).wrapping_add(*b as u64))
    }
    fn bump(&mut self) {
        self.data[N - 1] = self.data[N - 1].wrapping_add(1);
        self.data[0] = self.data[0].wrapping_add(3);
    }
}

impl<const N: usize> Drop for D<N> {
    fn drop(&mut self) {
        log(format!("drop D{} {}", self.tag, self.val()));
    }
}

#[derive(Clone, Copy)]
struct C<const N: usize>([u8; N]);

impl<const N: usize> C<N> {
    fn new(tag: u32) -> Self {
        let mut data = [0u8; N];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (tag as usize).wrapping_mul(13).wrapping_add(i * 3) as u8;
        }
        C(data)
    }
}

impl<const N: usize> Val for C<N> {
    fn make(tag: u32) -> Self {
        C::new(tag)
    }
    fn val(&self) -> u64 {
        self.0.iter().fold(7, |a, b| a.wrapping_mul(131).wrapping_add(*b as u64))
    }
    fn bump(&mut self) {
        self.0[N / 2] = self.0[N / 2].wrapping_add(5);
    }
}

impl Val for u32 {
    fn make(tag: u32) -> Self {
        tag
    }
    fn val(&self) -> u64 {
        *self as u64
    }
    fn bump(&mut self) {
        *self = self.wrapping_add(1);
    }
}

struct Z;

impl Z {
    fn new(_tag: u32) -> Self {
        Z
    }
}

impl Val for Z {
    fn make(tag: u32) -> Self {
        Z::new(tag)
    }
    fn val(&self) -> u64 {
        90
    }
    fn bump(&mut self) {}
}

impl Drop for Z {
    fn drop(&mut self) {
        log(format!("drop Z"));
    }
}

#[repr(C, align(64))]
struct A<const N: usize> {
    tag: u32,
    data: [u8; N],
}

impl<const N: usize> A<N> {
    fn new(tag: u32) -> Self {
        let mut data = [0u8; N];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (tag as usize).wrapping_mul(11).wrapping_add(i * 5) as u8;
        }
        A { tag, data }
    }
}

impl<const N: usize> Val for A<N> {
    fn make(tag: u32) -> Self {
        A::new(tag)
    }
    fn val(&self) -> u64 {
        let aligned = (self as *const Self as usize % 64 == 0) as u64;
        self.data.iter().fold(self.tag as u64 * 2 + aligned, |a, b| a.wrapping_mul(131).wrapping_add(*b as u64))
    }
    fn bump(&mut self) {
        self.data[N - 1] = self.data[N - 1].wrapping_add(7);
    }
}

impl<const N: usize> Drop for A<N> {
    fn drop(&mut self) {
        log(format!("drop A{} {}", self.tag, self.val()));
    }
}

struct W<T>(T);

/// What a finished future yields, as one number for the accumulator.
trait Out {
    fn out(self) -> u64;
}
impl Out for u64 {
    fn out(self) -> u64 {
        self
    }
}
impl Out for Result<u64, u32> {
    fn out(self) -> u64 {
        match self {
            Ok(v) => v,
            Err(e) => 1_000_000 + e as u64,
        }
    }
}

/// Pending once, then ready: a real suspension point.
struct Yield(bool);
impl Future for Yield {
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
fn yield_now() -> Yield {
    Yield(false)
}

fn waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn wake(_: *const ()) {
        WAKES.fetch_add(1, Ordering::Relaxed);
    }
    fn drop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, drop);
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

fn block_on<F: Future>(f: F) -> F::Output {
    let w = waker();
    let mut cx = Context::from_waker(&w);
    let mut f = Box::pin(f);
    loop {
        POLLS.fetch_add(1, Ordering::Relaxed);
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Poll at most `n` times, then drop the future (finished or not).
fn poll_n<F: Future>(f: F, n: u32) -> Option<F::Output> {
    let w = waker();
    let mut cx = Context::from_waker(&w);
    let mut f = Box::pin(f);
    for _ in 0..n {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return Some(v);
        }
    }
    None
}

fn panic_msg(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else {
        "?".to_string()
    }
}
"#;

/// The line that separates the compared transcript from the uncompared sizes section.
pub const SIZES_MARKER: &str = "== sizes (not compared) ==";
/// The first line of the compared transcript.
pub const TRANSCRIPT_MARKER: &str = "== transcript ==";
