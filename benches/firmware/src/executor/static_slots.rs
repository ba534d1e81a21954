//! Static task storage: one statically allocated slot per task, sized to its future.
//!
//! On stable Rust a `static` cannot name the type of an `async fn`'s future, so a slot is raw
//! memory whose size is the future's, computed at compile time by [`future_size`] from the task
//! function. `init` moves the future in once and hands out a `'static` pinned reference: the slot
//! is never reused, so the future never moves and never needs dropping. No allocator is linked.

use super::Task;
use core::cell::UnsafeCell;
use core::future::Future;
use core::mem::{align_of, size_of, MaybeUninit};
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, Ordering};

/// Size of the future returned by the task function `f` (taken by reference, never called).
pub const fn future_size<F: Fn() -> Fut, Fut: Future<Output = ()>>(_f: &F) -> usize {
    size_of::<Fut>()
}

/// Largest future alignment a slot provides (8 on Cortex-M: `u64`/`f64`).
const SLOT_ALIGN: usize = 8;

#[repr(C, align(8))]
struct Memory<const N: usize>([MaybeUninit<u8>; N]);

/// Memory for one task's future, `N` bytes.
pub struct StaticSlot<const N: usize> {
    taken: AtomicBool,
    memory: UnsafeCell<Memory<N>>,
}

// SAFETY: `taken` lets exactly one caller ever get at `memory`.
unsafe impl<const N: usize> Sync for StaticSlot<N> {}

impl<const N: usize> StaticSlot<N> {
    pub const fn new() -> Self {
        StaticSlot {
            taken: AtomicBool::new(false),
            memory: UnsafeCell::new(Memory([MaybeUninit::uninit(); N])),
        }
    }

    /// Moves `future` into the slot; panics if the slot was used before.
    pub fn init<F: Future<Output = ()> + 'static>(&'static self, future: F) -> Task {
        const { assert!(size_of::<F>() <= N && align_of::<F>() <= SLOT_ALIGN) };
        assert!(!self.taken.swap(true, Ordering::AcqRel), "task slot used twice");
        let place = self.memory.get().cast::<F>();
        // SAFETY: size and alignment are checked above, `taken` makes this the only access ever,
        // and the slot is 'static and never reused, so the pinned future is never moved or freed.
        unsafe {
            place.write(future);
            Pin::new_unchecked(&mut *place)
        }
    }
}
