//! async fns taking values with drop glue by value, big (256 bytes) and small, read back after
//! each await, dropped in the body, returned, never awaited, left unused.

mod support;
use support::*;

async fn small_and_big(a: Small, b: Big, c: Small) -> u64 {
    println!("  body: start {a:?} {b:?} {c:?}");
    suspend("sb-1").await;
    println!("  body: after 1 {a:?} {c:?}");
    drop(c);
    suspend("sb-2").await;
    println!("  body: after 2 {a:?} {b:?}");
    a.v + b.sum()
}

async fn returns_its_argument(a: Big, b: Small) -> Big {
    suspend("ret-1").await;
    println!("  body: after 1 {b:?}");
    suspend("ret-2").await;
    a
}

async fn never_awaits(a: Small, b: Big) -> u64 {
    println!("  body: {a:?} {b:?}");
    a.v ^ b.sum()
}

async fn unused(a: Small, _b: Small, _: Big) {
    suspend("unused").await;
    println!("  body: after 1 {a:?}");
}

async fn inner(a: Big, s: Small) -> u64 {
    println!("  inner: start {a:?}");
    suspend("inner").await;
    println!("  inner: after 1 {a:?} {s:?}");
    a.sum() + s.v
}

async fn handed_to_callee(a: Big, b: Small, c: Small) -> u64 {
    let n = inner(a, c).await;
    println!("  body: after inner {b:?}");
    suspend("handed").await;
    n + b.v
}

async fn two_bigs(a: Big, b: Big) -> u64 {
    suspend("two-1").await;
    let x = a.sum();
    drop(a);
    suspend("two-2").await;
    println!("  body: after 2 {b:?}");
    x ^ b.sum()
}

fn main() {
    init();
    walk("small_and_big", || {
        small_and_big(Small::new("a", 1), Big::new("b", 2), Small::new("c", 3))
    });
    walk("returns_its_argument", || {
        returns_its_argument(Big::new("a", 4), Small::new("b", 5))
    });
    walk("never_awaits", || never_awaits(Small::new("a", 6), Big::new("b", 7)));
    walk("unused", || {
        unused(Small::new("a", 8), Small::new("b", 9), Big::new("c", 10))
    });
    walk("handed_to_callee", || {
        handed_to_callee(Big::new("a", 11), Small::new("b", 12), Small::new("c", 13))
    });
    walk("two_bigs", || two_bigs(Big::new("a", 14), Big::new("b", 15)));
    done();
}
