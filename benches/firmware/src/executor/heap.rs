//! Heap task storage: `spawn` boxes the future with the global allocator.
//!
//! Convenient (any number and type of task, no declaration ahead of time), at the price of an
//! allocator and a heap sized for the largest moment. The heap is a static array handed to
//! `embedded-alloc`'s linked-list allocator, so it shows in `.bss` like the static slots do.

extern crate alloc;

use super::Executor;
use alloc::boxed::Box;
use core::future::Future;
use core::mem::MaybeUninit;
use embedded_alloc::LlffHeap;

const HEAP_BYTES: usize = 4096;

#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

/// Hands the heap its memory; call once, before the first `spawn`.
pub fn init_heap() {
    static mut MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    // SAFETY: called once at start-up (Executor::new asserts a single executor), so MEMORY is
    // handed over exactly once and nothing else refers to it.
    unsafe { HEAP.init(core::ptr::addr_of_mut!(MEMORY) as usize, HEAP_BYTES) }
}

/// Bytes currently allocated.
pub fn heap_used() -> usize {
    HEAP.used()
}

impl Executor {
    pub fn spawn(&mut self, future: impl Future<Output = ()> + 'static) {
        self.spawn_task(Box::pin(future));
    }
}
