//! An async mutex with FIFO fairness, built on atomics only.
//!
//! It is a ticket lock that parks instead of spinning: `lock()` draws the next ticket, the lock
//! serves tickets in order, and a waiting task parks its waker in the slot of its ticket
//! (`ticket % WAITERS`) until the holder's guard drops and the next ticket is served. So tasks get
//! the bus in the order they asked for it, and the API has no critical section and no `RefCell`:
//! the guard gives `&mut T` because holding the served ticket is the exclusive right to it.
//!
//! Limits: at most [`WAITERS`] tasks may hold tickets at once (asserted); the mutex is for tasks,
//! not interrupt handlers (which must not wait).
//!
//! A `lock()` future dropped before it got the lock gives its ticket up: it marks its slot
//! abandoned, and whoever serves that ticket skips it. Dropper and unlocker race for the mark
//! with a `swap`, so exactly one of them moves the queue on.

use atomic_waker::AtomicWaker;
use core::cell::UnsafeCell;
use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use core::task::{Context, Poll};

/// How many tasks can hold a ticket (own or wait for the lock) at the same time.
pub const WAITERS: usize = 4;

pub struct Mutex<T> {
    next_ticket: AtomicU32,
    now_serving: AtomicU32,
    wakers: [AtomicWaker; WAITERS],
    abandoned: [AtomicBool; WAITERS],
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` is serialized by the ticket protocol.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    pub const fn new(value: T) -> Self {
        Mutex {
            next_ticket: AtomicU32::new(0),
            now_serving: AtomicU32::new(0),
            wakers: [const { AtomicWaker::new() }; WAITERS],
            abandoned: [const { AtomicBool::new(false) }; WAITERS],
            value: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock; tasks get it in the order they called `lock`.
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: self,
            ticket: None,
        }
    }

    /// The lock if nobody holds or waits for it, without waiting.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let serving = self.now_serving.load(Ordering::Acquire);
        self.next_ticket
            .compare_exchange(serving, serving.wrapping_add(1), Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|ticket| MutexGuard { mutex: self, ticket })
    }

    /// Is some task holding or waiting for the lock? (For reports; the answer may be stale.)
    pub fn is_locked(&self) -> bool {
        self.next_ticket.load(Ordering::Acquire) != self.now_serving.load(Ordering::Acquire)
    }

    fn slot(ticket: u32) -> usize {
        ticket as usize % WAITERS
    }

    /// Serve the ticket after `ticket`, skipping abandoned ones, and wake its owner.
    fn pass_on(&self, ticket: u32) {
        let mut next = ticket.wrapping_add(1);
        loop {
            self.now_serving.store(next, Ordering::Release);
            if next == self.next_ticket.load(Ordering::Acquire) {
                return; // nobody waits
            }
            if self.abandoned[Self::slot(next)].swap(false, Ordering::AcqRel) {
                next = next.wrapping_add(1);
                continue;
            }
            self.wakers[Self::slot(next)].wake();
            return;
        }
    }
}

/// The future `lock()` returns.
pub struct Lock<'a, T> {
    mutex: &'a Mutex<T>,
    ticket: Option<u32>,
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let m = self.mutex;
        let ticket = *self.ticket.get_or_insert_with(|| {
            let t = m.next_ticket.fetch_add(1, Ordering::AcqRel);
            let ahead = t.wrapping_sub(m.now_serving.load(Ordering::Acquire));
            assert!((ahead as usize) < WAITERS, "more than {WAITERS} tasks want the mutex");
            t
        });
        if m.now_serving.load(Ordering::Acquire) != ticket {
            m.wakers[Mutex::<T>::slot(ticket)].register(cx.waker());
            // Re-check: the holder may have passed the lock on before the waker was in place.
            if m.now_serving.load(Ordering::Acquire) != ticket {
                return Poll::Pending;
            }
        }
        self.ticket = None; // the guard owns the ticket now
        Poll::Ready(MutexGuard { mutex: m, ticket })
    }
}

impl<T> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket else { return };
        let m = self.mutex;
        let slot = Mutex::<T>::slot(ticket);
        m.abandoned[slot].store(true, Ordering::Release);
        // If our ticket is already being served, nobody will skip it for us: take the mark back
        // (unless `pass_on` took it first) and move the queue on ourselves.
        if m.now_serving.load(Ordering::Acquire) == ticket && m.abandoned[slot].swap(false, Ordering::AcqRel) {
            m.pass_on(ticket);
        }
    }
}

/// Exclusive access to the value until dropped.
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    ticket: u32,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: we hold the served ticket.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: we hold the served ticket.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.mutex.pass_on(self.ticket);
    }
}
