//! What every state-walk program shares (each program is one crate root that says `mod support;`):
//! - [`values`]: argument types whose drops are logged and whose contents can be checked: small and
//!   256-byte values, zero-sized and over-aligned ones, with and without drop glue;
//! - [`leaf`]: the one future that suspends (`suspend(label)`), which the walker can also make
//!   panic, to poison the future around it at a chosen state;
//! - [`walk`]: the walker: steps a future through every state with a waker that counts wakes, then
//!   drops, copies (`ptr::read`), poisons and polls after completion in each state.
//!
//! Everything a program prints is deterministic and the same for every toolchain, except the lines
//! that start with `layout ` (sizes and alignments, which the fork is there to change); the runner
//! compares the rest.

#![allow(dead_code, unused_imports)]

pub mod leaf;
pub mod values;
pub mod walk;

pub use leaf::suspend;
pub use values::{Al4k, Al64, Al64Copy, Big, Small, Z, Zd};
pub use walk::{Walk, done, init, walk};
