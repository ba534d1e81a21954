//! Time: a 1 kHz tick from CMSDK timer 1, and futures that wait for a tick.
//!
//! The interrupt handler counts ticks and wakes every parked waiter; a waiter re-checks its
//! deadline and parks again if it is early. Waiters park in a small fixed table of wakers that a
//! future claims (an atomic bitmap) while it waits, so any number of tasks can wait, up to
//! [`TIMER_WAITERS`] at the same moment, without allocation.

use crate::board::{PCLK_HZ, TIMER1_BASE};
use crate::cmsdk_timer::CmsdkTimer;
use atomic_waker::AtomicWaker;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll};

pub const TICK_HZ: u32 = 1_000;
/// Tasks that can wait for a tick at the same moment.
pub const TIMER_WAITERS: usize = 8;

// SAFETY: timer 1 is programmed only by `start` and its interrupt handler.
const TIMER: CmsdkTimer = unsafe { CmsdkTimer::new(TIMER1_BASE) };

static TICKS: AtomicU32 = AtomicU32::new(0);
static CLAIMED: AtomicU32 = AtomicU32::new(0);
static WAKERS: [AtomicWaker; TIMER_WAITERS] = [const { AtomicWaker::new() }; TIMER_WAITERS];

/// Starts the tick.
pub fn start() {
    TIMER.start_periodic(PCLK_HZ / TICK_HZ);
}

/// Stops the tick (before exit, so nothing fires while the transcript ends).
pub fn stop() {
    TIMER.stop();
}

pub fn now() -> u32 {
    TICKS.load(Ordering::Acquire)
}

/// Timer 1's interrupt: one tick.
pub fn on_timer1_interrupt() {
    TIMER.clear_interrupt();
    TICKS.fetch_add(1, Ordering::AcqRel);
    let mut claimed = CLAIMED.load(Ordering::Acquire);
    while claimed != 0 {
        WAKERS[claimed.trailing_zeros() as usize].wake();
        claimed &= claimed - 1;
    }
}

/// Resolves at tick `deadline`.
pub struct At {
    deadline: u32,
    slot: Option<usize>,
}

pub fn at(deadline: u32) -> At {
    At { deadline, slot: None }
}

impl Future for At {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if reached(self.deadline) {
            return Poll::Ready(());
        }
        let slot = *self.slot.get_or_insert_with(claim_slot);
        WAKERS[slot].register(cx.waker());
        // Re-check: the tick may have come before the waker was in place.
        if reached(self.deadline) {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for At {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            CLAIMED.fetch_and(!(1 << slot), Ordering::AcqRel);
        }
    }
}

/// Wrap-safe "now is at or after deadline".
fn reached(deadline: u32) -> bool {
    (now().wrapping_sub(deadline) as i32) >= 0
}

fn claim_slot() -> usize {
    let mut claimed = CLAIMED.load(Ordering::Acquire);
    loop {
        let free = (!claimed).trailing_zeros() as usize;
        assert!(
            free < TIMER_WAITERS,
            "more than {TIMER_WAITERS} tasks wait for the timer"
        );
        match CLAIMED.compare_exchange_weak(claimed, claimed | 1 << free, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return free,
            Err(now) => claimed = now,
        }
    }
}

/// Fires every `period` ticks, counted from its creation (missed periods are not skipped).
pub struct Ticker {
    next: u32,
    period: u32,
}

impl Ticker {
    pub fn every(period: u32) -> Self {
        Ticker {
            next: now().wrapping_add(period),
            period,
        }
    }

    /// Waits for the next period; returns the tick it was due at.
    pub async fn next(&mut self) -> u32 {
        let due = self.next;
        at(due).await;
        self.next = due.wrapping_add(self.period);
        due
    }
}
