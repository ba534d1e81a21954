//@ unstable-features
//@ compile-flags: -Zextra-const-ub-checks
//! Futures built by const evaluation: `const` items whose values are unresumed async blocks
//! (`const_async_blocks`), capturing values with and without drop glue, big, zero-sized,
//! over-aligned, references, one capture used in place beside one moved on entry. Const eval
//! validates each const's final value at its type (the coroutine's fields included), and with
//! `-Zextra-const-ub-checks` every typed copy made while evaluating; the `ptr::read` copies below
//! are such copies. Only the unresumed state exists in const eval (a future cannot be polled
//! there); at run time each const's value is then walked through every state like any future.

#![feature(const_async_blocks, type_alias_impl_trait)]

mod support;
use std::future::Future;
use std::mem::forget;
use std::ptr;
use support::*;

type Mixed = impl Future<Output = u64>;
type Refs = impl Future<Output = u64>;
type Odd = impl Future<Output = u64>;
type Nested = impl Future<Output = u64>;

#[define_opaque(Mixed)]
const fn mixed(a: Small, b: Big, x: u64) -> Mixed {
    async move {
        let b = b;
        suspend("mixed-1").await;
        println!("  block: after 1 {a:?} {b:?} x={x}");
        suspend("mixed-2").await;
        a.v + b.sum() + x
    }
}

static SHARED: Small = Small { tag: "static", v: 7 };
static WORDS: [u64; 3] = [8, 9, 10];

#[define_opaque(Refs)]
const fn refs(s: &'static Small, w: &'static [u64; 3], p: *const u64) -> Refs {
    async move {
        suspend("refs").await;
        // Safety: `p` points into `WORDS`, a static.
        let last = unsafe { *p.add(2) };
        println!("  block: after 1 {s:?} {w:?} last={last}");
        s.v + w[0] + last
    }
}

#[define_opaque(Odd)]
const fn odd(z: Zd, u: Z, a: Al64, c: Al64Copy, t: (u8, bool, char)) -> Odd {
    async move {
        let a = a;
        suspend("odd-1").await;
        println!("  block: after 1 {z:?} {u:?} {a:?} {c:?} {t:?}");
        drop(z);
        suspend("odd-2").await;
        a.v + u64::from(c.v[0]) + u64::from(t.0)
    }
}

#[define_opaque(Nested)]
const fn nested(outer: Small, inner: Big) -> Nested {
    async move {
        let inner = async move {
            let b = inner;
            suspend("inner").await;
            b.sum()
        };
        suspend("outer").await;
        let n = inner.await;
        println!("  block: after inner {outer:?}");
        n + outer.v
    }
}

/// Typed copies of an unresumed future inside const eval (checked with -Zextra-const-ub-checks):
/// copy, forget the original, copy the copy back, forget the rest; the size is the result.
const fn copied<F>(f: F) -> usize {
    // Safety: a bitwise move; exactly one of the two is forgotten at each step, and none dropped.
    let copy = unsafe { ptr::read(&f) };
    forget(f);
    let back = unsafe { ptr::read(&copy) };
    forget(copy);
    let n = size_of::<F>();
    forget(back);
    n
}

const MIXED: Mixed = mixed(Small { tag: "a", v: 1 }, big("b", 2), 3);
const REFS: Refs = refs(&SHARED, &WORDS, WORDS.as_ptr());
const ODD: Odd = odd(Zd("z"), Z, Al64 { v: 4 }, Al64Copy { v: [5, 6, 0] }, (11, true, 'x'));
const NESTED: Nested = nested(Small { tag: "outer", v: 12 }, big("inner", 13));

const COPIED: [usize; 4] = [
    copied(mixed(Small { tag: "a", v: 1 }, big("b", 2), 3)),
    copied(refs(&SHARED, &WORDS, WORDS.as_ptr())),
    copied(odd(
        Zd("z"),
        Z,
        Al64 { v: 4 },
        Al64Copy { v: [5, 6, 0] },
        (11, true, 'x'),
    )),
    copied(nested(Small { tag: "outer", v: 12 }, big("inner", 13))),
];

/// `Big::new` is not const; the same words from a const loop.
const fn big(tag: &'static str, seed: u64) -> Big {
    let mut words = [0u64; 32];
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut i = 0;
    while i < 32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        words[i] = x;
        i += 1;
    }
    Big { tag, words }
}

fn main() {
    init();
    println!("layout const-eval typed copies: sizes {COPIED:?}");
    println!(
        "  big(b, 2) equals Big::new(b, 2): {}",
        big("b", 2).words == Big::new("b", 2).words
    );
    walk("const MIXED", || MIXED);
    walk("const REFS", || REFS);
    walk("const ODD", || ODD);
    walk("const NESTED", || NESTED);
    done();
}
