//! The walker. `walk(name, make)` takes a function that makes a fresh future and, for every state
//! that future can be in, does what users and executors do to futures, logging every answer:
//!
//! 1. prints the future's size and alignment (a `layout` line, the one thing toolchains may print
//!    differently);
//! 2. steps one future (pinned on the stack) through every state with a waker that counts its
//!    wakes, printing each poll's answer: this finds N, the number of suspend states;
//! 3. drops a fresh future in each state: unresumed and suspend 1..N;
//! 4. copies a fresh future in each state with `ptr::read` (a typed copy of the whole future):
//!    when unresumed, the original is forgotten and the copy polled to completion (a move); when
//!    suspended, the copy is forgotten and the original goes on (a suspended future may point
//!    into itself, so only its own bytes may be polled);
//! 5. poisons a fresh future in each of those states (the leaf it polls next panics, the panic is
//!    caught), polls it again, copies it, moves it (typed copy, the original's box freed without
//!    a drop), polls the moved one and drops it;
//! 6. runs one to completion, polls it twice more, copies and moves it, polls it again, drops it;
//! 7. moves an unresumed future through a function, a `Vec` and a `Box` before polling it.
//!
//! Every poll runs under `catch_unwind`, so a panic is an answer in the log like `Pending`.

use crate::support::leaf::{arm_trip, disarm_trip};
use std::any::Any;
use std::cell::Cell;
use std::fmt::Debug;
use std::future::Future;
use std::mem::{ManuallyDrop, forget};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A future that has not returned after this many polls is reported as such and abandoned.
const MAX_POLLS: usize = 1000;

thread_local! {
    /// Inside a poll the walker catches: its panic is an expected answer, not worth a message.
    static IN_POLL: Cell<bool> = const { Cell::new(false) };
    static FUTURES: Cell<u64> = const { Cell::new(0) };
    static STATES: Cell<u64> = const { Cell::new(0) };
    static OPERATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count(c: &'static std::thread::LocalKey<Cell<u64>>, n: u64) {
    c.with(|c| c.set(c.get() + n));
}

/// Call first: panics caught by the walker print nothing (their message is logged as the poll's
/// answer); any other panic prints as usual.
pub fn init() {
    std::panic::set_hook(Box::new(|info| {
        if !IN_POLL.with(Cell::get) {
            eprintln!("unexpected panic: {info}");
        }
    }));
}

/// Call last: the totals, which the runner reads.
pub fn done() {
    println!(
        "summary: futures {}, states {}, operations {}",
        FUTURES.with(Cell::get),
        STATES.with(Cell::get),
        OPERATIONS.with(Cell::get)
    );
}

/// Counts its wakes.
struct Wakes(AtomicUsize);

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// A hand-written executor for one future: a waker that counts wakes, and polls that catch panics.
struct Driver {
    wakes: Arc<Wakes>,
    waker: Waker,
}

type Answer<T> = Result<Poll<T>, String>;

impl Driver {
    fn new() -> Driver {
        let wakes = Arc::new(Wakes(AtomicUsize::new(0)));
        let waker = Waker::from(wakes.clone());
        Driver { wakes, waker }
    }

    fn wakes(&self) -> usize {
        self.wakes.0.load(Ordering::Relaxed)
    }

    fn poll<F: Future>(&self, f: Pin<&mut F>) -> Answer<F::Output> {
        let mut cx = Context::from_waker(&self.waker);
        IN_POLL.with(|p| p.set(true));
        let r = catch_unwind(AssertUnwindSafe(|| f.poll(&mut cx)));
        IN_POLL.with(|p| p.set(false));
        r.map_err(|payload| message(&*payload))
    }

    /// Poll `k` times; each answer should be `Pending` (anything else is logged).
    fn advance<F: Future>(&self, mut f: Pin<&mut F>, k: usize)
    where
        F::Output: Debug,
    {
        for i in 1..=k {
            let r = self.poll(f.as_mut());
            if !matches!(r, Ok(Poll::Pending)) {
                println!("  unexpected answer at poll {i}: {}", show(&r));
            }
        }
    }

    /// Poll until the future answers something else than `Pending`; log that answer.
    fn finish<F: Future>(&self, mut f: Pin<&mut F>)
    where
        F::Output: Debug,
    {
        for i in 1..=MAX_POLLS {
            let r = self.poll(f.as_mut());
            if !matches!(r, Ok(Poll::Pending)) {
                println!("  finished after {i} more poll(s): {}", show(&r));
                return;
            }
        }
        println!("  still pending after {MAX_POLLS} polls");
    }
}

fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<a panic without a message>".into()
    }
}

fn show<T: Debug>(r: &Answer<T>) -> String {
    match r {
        Ok(Poll::Pending) => "Pending".into(),
        Ok(Poll::Ready(v)) => format!("Ready({v:?})"),
        Err(m) => format!("panicked: {m}"),
    }
}

fn state(k: usize, n: usize) -> String {
    match k {
        0 => "unresumed".into(),
        _ => format!("suspend {k}/{n}"),
    }
}

fn operation(what: String) {
    count(&OPERATIONS, 1);
    println!("-- {what}");
}

/// A typed copy of the future behind `f`, never dropped: reads every byte as an `F`.
fn typed_copy<F>(f: Pin<&mut F>) -> ManuallyDrop<F> {
    // Safety: a bitwise copy that is never dropped nor polled; the original stays where it is.
    ManuallyDrop::new(unsafe { ptr::read(f.as_ref().get_ref()) })
}

/// Move a boxed future that is unresumed, returned or poisoned to a new box: a typed copy, then
/// the old box freed without dropping its contents.
fn move_box<F>(b: Pin<Box<F>>) -> Pin<Box<F>> {
    // Safety: callers only move futures in states where nothing points into them.
    let raw = Box::into_raw(unsafe { Pin::into_inner_unchecked(b) });
    let value = unsafe { ptr::read(raw) };
    drop(unsafe { Box::from_raw(raw.cast::<ManuallyDrop<F>>()) });
    Box::pin(value)
}

#[inline(never)]
fn through<T>(t: T) -> T {
    std::hint::black_box(t)
}

/// Walk every state of the futures `make` makes (see the module doc).
pub fn walk<F, M>(name: &str, make: M)
where
    M: Fn() -> F,
    F: Future,
    F::Output: Debug,
{
    Walk::new(name).run(make)
}

/// A walk with options: [`walk`] is `Walk::new(name).run(make)`.
pub struct Walk<'a> {
    name: &'a str,
    /// Why suspended futures are not copied, when they are not.
    no_suspended_copy: Option<&'static str>,
}

impl<'a> Walk<'a> {
    pub fn new(name: &'a str) -> Walk<'a> {
        Walk {
            name,
            no_suspended_copy: None,
        }
    }

    /// Do not copy the future in its suspend states: it holds a `&mut` into itself across an
    /// await, and reading the bytes under a live `&mut` through another pointer ends that borrow
    /// (Stacked Borrows), so the copy itself would be undefined behaviour. Logged with `why`.
    pub fn no_suspended_copy(mut self, why: &'static str) -> Walk<'a> {
        self.no_suspended_copy = Some(why);
        self
    }

    pub fn run<F, M>(self, make: M)
    where
        M: Fn() -> F,
        F: Future,
        F::Output: Debug,
    {
        let name = self.name;
        println!("=== {name}");
        println!("layout {name}: size {} align {}", size_of::<F>(), align_of::<F>());
        count(&FUTURES, 1);

        operation("step through".into());
        let n = {
            let d = Driver::new();
            let mut fut = pin!(make());
            let mut pending = 0;
            for i in 1..=MAX_POLLS {
                let r = d.poll(fut.as_mut());
                println!("  poll {i}: {} (wakes {})", show(&r), d.wakes());
                match r {
                    Ok(Poll::Pending) => pending += 1,
                    _ => break,
                }
            }
            println!("  dropping it");
            pending
        };
        // unresumed, suspend 1..n, returned; poisoned ones are counted where they happen.
        count(&STATES, n as u64 + 2);

        for k in 0..=n {
            operation(format!("drop at {}", state(k, n)));
            let d = Driver::new();
            let mut b = Box::pin(make());
            d.advance(b.as_mut(), k);
            drop(b);
            println!("  dropped");
        }

        operation("move by typed copy at unresumed, original forgotten".into());
        {
            let d = Driver::new();
            let original = make();
            let moved = unsafe { ptr::read(&original) };
            forget(original);
            let mut moved = Box::pin(moved);
            d.finish(moved.as_mut());
            drop(moved);
            println!("  dropped");
        }
        for k in 1..=n {
            if let Some(why) = self.no_suspended_copy {
                println!("-- no typed copy at {}: {why}", state(k, n));
                continue;
            }
            operation(format!("typed copy at {}, copy forgotten", state(k, n)));
            let d = Driver::new();
            let mut b = Box::pin(make());
            d.advance(b.as_mut(), k);
            let copy = typed_copy(b.as_mut());
            std::hint::black_box(&copy);
            d.finish(b.as_mut());
            drop(b);
            println!("  dropped");
        }

        for k in 0..=n {
            operation(format!("poison at {}", state(k, n)));
            let d = Driver::new();
            let mut b = Box::pin(make());
            d.advance(b.as_mut(), k);
            arm_trip();
            let r = d.poll(b.as_mut());
            let untouched = disarm_trip();
            println!("  tripped poll: {}", show(&r));
            let poisoned = r.is_err();
            drop(r);
            if poisoned {
                count(&STATES, 1);
                println!("  poll again: {}", show(&d.poll(b.as_mut())));
                let copy = typed_copy(b.as_mut());
                std::hint::black_box(&copy);
                b = move_box(b);
                println!("  moved; poll: {}", show(&d.poll(b.as_mut())));
            } else if untouched {
                println!("  not poisoned: no leaf was polled");
            }
            drop(b);
            println!("  dropped");
        }

        operation("returned".into());
        {
            let d = Driver::new();
            let mut b = Box::pin(make());
            d.advance(b.as_mut(), n);
            let r = d.poll(b.as_mut());
            println!("  last poll: {}", show(&r));
            drop(r);
            for i in 1..=2 {
                println!("  poll after completion {i}: {}", show(&d.poll(b.as_mut())));
            }
            let copy = typed_copy(b.as_mut());
            std::hint::black_box(&copy);
            b = move_box(b);
            println!("  moved; poll: {}", show(&d.poll(b.as_mut())));
            drop(b);
            println!("  dropped (wakes {})", d.wakes());
        }

        operation("moved while unresumed through a function, a Vec and a Box".into());
        {
            let d = Driver::new();
            let f = through(make());
            let f = vec![f].pop().unwrap();
            let f = *Box::new(f);
            let mut f = pin!(f);
            d.finish(f.as_mut());
            println!("  dropping it (wakes {})", d.wakes());
        }
        println!("  walked {name}: {n} suspend state(s)");
    }
}
