//! The generated async workloads as code that runs, and the trivial executor that runs them.
//!
//! `block_on` polls a future in a loop with a waker that does nothing: the generated futures never
//! wait on anything external, so this measures the state machines themselves (moves, discriminant
//! checks, polls of nested futures), not an executor.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

// Generated code: its shapes are the workloads' own, not style choices.
#[allow(clippy::let_and_return, clippy::type_complexity)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/workloads.rs"));
}
pub use generated::*;

fn noop_raw() -> RawWaker {
    fn clone(_: *const ()) -> RawWaker {
        noop_raw()
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    RawWaker::new(core::ptr::null(), &VTABLE)
}

/// Poll `fut` until it is ready.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    // Safety: the vtable's functions do nothing and never touch the (null) data pointer.
    let waker = unsafe { Waker::from_raw(noop_raw()) };
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_workload_completes_with_its_value() {
        for (name, run) in super::WORKLOADS {
            // Deterministic: the same value twice.
            assert_eq!(run(), run(), "{name}");
        }
        // The nested family folds v_k = 3 v_(k-1) + k from v0 = 1; check it against a direct loop.
        let nested = super::WORKLOADS.iter().find(|w| w.0 == "gen-nested-16").unwrap().1;
        let want = (1..=16u64).fold(1u64, |v, k| v.wrapping_mul(3).wrapping_add(k));
        assert_eq!(nested(), want);
    }
}
