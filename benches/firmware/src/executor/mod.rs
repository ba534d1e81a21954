//! A single-core executor for a fixed set of tasks, with two ways to store them.
//!
//! - `heap` (feature): `spawn` boxes any future with the global allocator, the convenient design;
//! - `static` (feature): each task gets a statically allocated slot sized to its future at compile
//!   time, and nothing is allocated, the design for a fixed set of tasks.
//!
//! Both run the same loop. A task is an index (at most [`MAX_TASKS`]); its waker is that index in
//! the data pointer of a `RawWaker`, and waking sets the index's bit in one atomic ready mask. That
//! is all a waker does, so it may be called from an interrupt handler, cloned and dropped freely, and
//! needs no allocation. The loop takes the mask, polls the ready tasks in index order (so a run is
//! deterministic), and when nothing is ready sleeps with WFI.
//!
//! The one subtle step is going to sleep: checking the mask and then executing WFI would lose a
//! wake-up that an interrupt delivers between the two. So the check runs with interrupts masked
//! (PRIMASK): a pending interrupt still ends WFI, and its handler runs right after unmasking.

#[cfg(feature = "heap")]
mod heap;
#[cfg(feature = "static")]
mod static_slots;

#[cfg(feature = "heap")]
pub use heap::{heap_used, init_heap};
#[cfg(feature = "static")]
pub use static_slots::{future_size, StaticSlot};

use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use core::task::{Context, RawWaker, RawWakerVTable, Waker};

#[cfg(all(feature = "heap", feature = "static"))]
compile_error!("choose one task storage: feature `heap` or feature `static`, not both");
#[cfg(not(any(feature = "heap", feature = "static")))]
compile_error!("choose a task storage: feature `heap` or feature `static`");

/// Tasks are bits of a `u32` ready mask.
pub const MAX_TASKS: usize = 32;

/// A spawned task: the future behind a pinned owning (heap) or `'static` (static) pointer.
#[cfg(feature = "heap")]
pub type Task = Pin<alloc::boxed::Box<dyn Future<Output = ()>>>;
#[cfg(feature = "static")]
pub type Task = Pin<&'static mut dyn Future<Output = ()>>;

/// Bit `i` set: task `i` should be polled.
static READY: AtomicU32 = AtomicU32::new(0);
/// The ready mask is global, so there may be one executor.
static CREATED: AtomicBool = AtomicBool::new(false);

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake, drop_waker);

fn raw_waker(task: usize) -> RawWaker {
    RawWaker::new(task as *const (), &VTABLE)
}

unsafe fn clone_waker(data: *const ()) -> RawWaker {
    raw_waker(data as usize)
}

unsafe fn wake(data: *const ()) {
    READY.fetch_or(1 << (data as usize), Ordering::Release);
}

unsafe fn drop_waker(_: *const ()) {}

/// Counters the firmware reports at the end.
#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub polls: u32,
    pub sleeps: u32,
}

pub struct Executor {
    tasks: [Option<Task>; MAX_TASKS],
    spawned: usize,
    pub stats: Stats,
}

impl Executor {
    pub fn new() -> Self {
        assert!(!CREATED.swap(true, Ordering::AcqRel), "only one executor can exist");
        Executor {
            tasks: [const { None }; MAX_TASKS],
            spawned: 0,
            stats: Stats::default(),
        }
    }

    /// Adds a task; it is polled first when `run` starts. The storage modules wrap this.
    pub fn spawn_task(&mut self, task: Task) {
        assert!(self.spawned < MAX_TASKS, "more than {MAX_TASKS} tasks");
        self.tasks[self.spawned] = Some(task);
        READY.fetch_or(1 << self.spawned, Ordering::Release);
        self.spawned += 1;
    }

    /// Polls tasks until all of them have completed.
    pub fn run(&mut self) {
        let mut live = self.tasks.iter().filter(|t| t.is_some()).count();
        while live > 0 {
            let mut ready = self.take_ready_or_sleep();
            while ready != 0 {
                let id = ready.trailing_zeros() as usize;
                ready &= ready - 1;
                let Some(task) = self.tasks[id].as_mut() else {
                    continue; // a late wake-up of a finished task
                };
                // SAFETY: the vtable's functions uphold RawWaker's contract; the data is an index.
                let waker = unsafe { Waker::from_raw(raw_waker(id)) };
                self.stats.polls += 1;
                if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                    self.tasks[id] = None;
                    live -= 1;
                }
            }
        }
    }

    fn take_ready_or_sleep(&mut self) -> u32 {
        loop {
            cortex_m::interrupt::disable();
            let ready = READY.swap(0, Ordering::AcqRel);
            if ready == 0 {
                self.stats.sleeps += 1;
                cortex_m::asm::wfi();
            }
            // SAFETY: not inside a critical section; the handlers only touch atomics.
            unsafe { cortex_m::interrupt::enable() };
            if ready != 0 {
                return ready;
            }
        }
    }
}
