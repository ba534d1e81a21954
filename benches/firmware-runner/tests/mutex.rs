//! The firmware's async mutex (`benches/firmware/src/mutex.rs`) tested on the host: it is plain
//! `core` plus `atomic-waker`, so it compiles here unchanged, and its FIFO order and its handling
//! of lock futures dropped before they got the lock can be driven poll by poll, which the firmware
//! run cannot show.

#[allow(dead_code)]
#[path = "../../firmware/src/mutex.rs"]
mod mutex;

use mutex::Mutex;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts its wake-ups.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn waker() -> (Arc<Counter>, Waker) {
    let c = Arc::new(Counter(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(w))
}

fn woken(c: &Counter) -> usize {
    c.0.load(Ordering::SeqCst)
}

#[test]
fn waiters_get_the_lock_in_the_order_they_asked() {
    let m = Mutex::new(0u32);
    let holder = m.try_lock().expect("free");
    let (c1, w1) = waker();
    let (c2, w2) = waker();
    let (c3, w3) = waker();
    let (mut l1, mut l2, mut l3) = (m.lock(), m.lock(), m.lock());
    assert!(poll(&mut l1, &w1).is_pending());
    assert!(poll(&mut l2, &w2).is_pending());
    assert!(poll(&mut l3, &w3).is_pending());
    assert!(m.try_lock().is_none(), "try_lock does not jump the queue");
    drop(holder);
    assert_eq!(
        (woken(&c1), woken(&c2), woken(&c3)),
        (1, 0, 0),
        "only the next in line is woken"
    );
    assert!(poll(&mut l3, &w3).is_pending(), "the last in line must keep waiting");
    assert!(poll(&mut l2, &w2).is_pending());
    let Poll::Ready(mut g1) = poll(&mut l1, &w1) else {
        panic!("first in line gets it")
    };
    *g1 += 1;
    drop(g1);
    assert_eq!((woken(&c2), woken(&c3)), (1, 0));
    let Poll::Ready(mut g2) = poll(&mut l2, &w2) else {
        panic!("second in line gets it")
    };
    *g2 += 1;
    drop(g2);
    let Poll::Ready(g3) = poll(&mut l3, &w3) else {
        panic!("third in line gets it")
    };
    assert_eq!(*g3, 2);
    drop(g3);
    assert!(!m.is_locked());
}

#[test]
fn a_waiter_that_gives_up_is_skipped() {
    let m = Mutex::new(());
    let holder = m.try_lock().unwrap();
    let (c1, w1) = waker();
    let (c2, w2) = waker();
    let (mut l1, mut l2) = (m.lock(), m.lock());
    assert!(poll(&mut l1, &w1).is_pending());
    assert!(poll(&mut l2, &w2).is_pending());
    drop(l1);
    drop(holder);
    assert_eq!(
        (woken(&c1), woken(&c2)),
        (0, 1),
        "the lock goes past the abandoned ticket"
    );
    assert!(poll(&mut l2, &w2).is_ready());
}

#[test]
fn a_waiter_dropped_after_being_served_passes_the_lock_on() {
    let m = Mutex::new(());
    let holder = m.try_lock().unwrap();
    let (_c1, w1) = waker();
    let (c2, w2) = waker();
    let (mut l1, mut l2) = (m.lock(), m.lock());
    assert!(poll(&mut l1, &w1).is_pending());
    assert!(poll(&mut l2, &w2).is_pending());
    drop(holder); // serves l1, which never comes back for it
    drop(l1);
    assert_eq!(woken(&c2), 1);
    let Poll::Ready(g) = poll(&mut l2, &w2) else {
        panic!("l2 is next")
    };
    drop(g);
    assert!(m.try_lock().is_some(), "nothing is left locked");
}

#[test]
#[should_panic(expected = "tasks want the mutex")]
fn more_waiters_than_slots_is_a_clear_panic() {
    let m = Mutex::new(());
    let _holder = m.try_lock().unwrap();
    let (_c, w) = waker();
    let mut waiting: Vec<_> = (0..mutex::WAITERS).map(|_| m.lock()).collect();
    for l in &mut waiting {
        let _ = poll(l, &w);
    }
}
