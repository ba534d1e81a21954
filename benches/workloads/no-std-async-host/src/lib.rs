//! A `#![no_std]` firmware-like library for `thumbv7em-none-eabihf` (Cortex-M4F): a small sensor
//! pipeline of nested async fns, polled by a public function with the caller's `Context`.
//!
//! Async fns in `no_std` need Rust 1.44 (until 1.43, `.await` lowered to a thread-local context,
//! which `core` does not have), so on older toolchains this workload is "unsupported" and the
//! result carries rustc's first error.
#![no_std]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A future that is pending once before it yields, like a peripheral waiting for an interrupt.
pub struct Ready {
    value: u32,
    polled: bool,
}

impl Future for Ready {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.polled {
            Poll::Ready(self.value)
        } else {
            self.polled = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn sample(channel: u32) -> Ready {
    Ready {
        value: channel.wrapping_mul(1103515245).wrapping_add(12345),
        polled: false,
    }
}

async fn read_channel(channel: u32) -> u32 {
    let raw = sample(channel).await;
    raw >> 4
}

async fn filtered(channel: u32) -> u32 {
    let mut acc = 0u32;
    let mut i = 0;
    while i < 4 {
        acc = acc.wrapping_add(read_channel(channel + i).await);
        i += 1;
    }
    acc / 4
}

async fn frame(buffer: [u8; 64]) -> u32 {
    let a = filtered(0).await;
    let b = filtered(8).await;
    let c = filtered(16).await;
    a ^ b ^ c ^ u32::from(buffer[63])
}

async fn task() -> u32 {
    let mut total = 0u32;
    let mut round = 0u8;
    while round < 3 {
        total = total.wrapping_add(frame([round; 64]).await);
        round += 1;
    }
    total
}

/// Poll the whole pipeline once with the executor's context.
pub fn poll_task(cx: &mut Context<'_>) -> Poll<u32> {
    let mut fut = task();
    // Safety: `fut` is a local that is never moved after being pinned here.
    let fut = unsafe { Pin::new_unchecked(&mut fut) };
    fut.poll(cx)
}
