//! Argument types. Values with drop glue print `drop <value>` when dropped, so the log records the
//! drop order; [`Big`] prints a checksum of its 256 bytes in its `Debug` and its drop, so a byte
//! changed by another state's data shows in the log.

use std::fmt;

/// 16 bytes with drop glue.
pub struct Small {
    pub tag: &'static str,
    pub v: u64,
}

impl Small {
    pub fn new(tag: &'static str, v: u64) -> Small {
        Small { tag, v }
    }
}

impl fmt::Debug for Small {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.tag, self.v)
    }
}

impl Drop for Small {
    fn drop(&mut self) {
        println!("  drop {self:?}");
    }
}

/// 256 bytes of data (plus the tag) with drop glue.
pub struct Big {
    pub tag: &'static str,
    pub words: [u64; 32],
}

impl Big {
    /// Every word derived from `seed`, so two `Big`s with different seeds differ everywhere.
    pub fn new(tag: &'static str, seed: u64) -> Big {
        let mut words = [0u64; 32];
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for w in &mut words {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *w = x;
        }
        Big { tag, words }
    }

    /// A checksum of every word (order-sensitive).
    pub fn sum(&self) -> u64 {
        self.words
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, w| (h ^ w).wrapping_mul(0x0100_0000_01b3))
            % 1_000_000
    }
}

impl fmt::Debug for Big {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.tag, self.sum())
    }
}

impl Drop for Big {
    fn drop(&mut self) {
        println!("  drop {self:?}");
    }
}

/// A zero-sized value with drop glue.
pub struct Zd(pub &'static str);

impl fmt::Debug for Zd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zd({})", self.0)
    }
}

impl Drop for Zd {
    fn drop(&mut self) {
        println!("  drop {self:?}");
    }
}

/// A zero-sized `Copy` value.
#[derive(Clone, Copy, Debug, Default)]
pub struct Z;

/// 64-byte aligned, with drop glue. `aligned()` says whether it sits where its type says.
#[repr(align(64))]
pub struct Al64 {
    pub v: u64,
}

impl Al64 {
    pub fn aligned(&self) -> bool {
        std::ptr::from_ref(self).is_aligned()
    }
}

impl fmt::Debug for Al64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Al64({}, aligned {})", self.v, self.aligned())
    }
}

impl Drop for Al64 {
    fn drop(&mut self) {
        println!("  drop {self:?}");
    }
}

/// 64-byte aligned `Copy` value.
#[derive(Clone, Copy)]
#[repr(align(64))]
pub struct Al64Copy {
    pub v: [u32; 3],
}

impl fmt::Debug for Al64Copy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let aligned = std::ptr::from_ref(self).is_aligned();
        write!(f, "Al64Copy({:?}, aligned {aligned})", self.v)
    }
}

/// 4096-byte aligned `Copy` value (a page: the future is at least two pages).
#[derive(Clone, Copy)]
#[repr(align(4096))]
pub struct Al4k {
    pub v: u16,
}

impl fmt::Debug for Al4k {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let aligned = std::ptr::from_ref(self).is_aligned();
        write!(f, "Al4k({}, aligned {aligned})", self.v)
    }
}
