//! The leaf future every program awaits, and the trip that makes it panic.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// Armed by the walker: the next poll of any [`Suspend`] panics (and disarms it).
    static TRIP: Cell<bool> = const { Cell::new(false) };
}

/// Make the next poll of a [`Suspend`] panic.
pub fn arm_trip() {
    TRIP.with(|t| t.set(true));
}

/// Disarm the trip; says whether it was still armed (no `Suspend` was polled).
pub fn disarm_trip() -> bool {
    TRIP.with(|t| t.replace(false))
}

/// Suspends once: the first poll wakes the waker and answers `Pending`, the second `Ready`.
pub struct Suspend {
    label: &'static str,
    polled: bool,
}

/// A suspension point named `label` (the name shows in the panic message when tripped).
pub fn suspend(label: &'static str) -> Suspend {
    Suspend { label, polled: false }
}

impl Future for Suspend {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if disarm_trip() {
            panic!("tripped at {}", self.label);
        }
        if self.polled {
            Poll::Ready(())
        } else {
            self.polled = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
