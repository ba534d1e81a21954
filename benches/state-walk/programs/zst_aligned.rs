//! Zero-sized arguments with and without drop glue, and over-aligned ones (64 and 4096 bytes),
//! with and without drop glue; each prints whether it still sits at an address its type allows.

mod support;
use support::*;

async fn zsts(a: Zd, b: Z, c: (), d: Small, e: [Big; 0]) -> u64 {
    suspend("zst-1").await;
    println!("  body: after 1 {a:?} {b:?} {c:?} {d:?} {}", e.len());
    drop(a);
    suspend("zst-2").await;
    d.v
}

async fn only_zsts(a: Zd, b: Zd) {
    suspend("only-zst").await;
    println!("  body: after 1 {a:?} {b:?}");
}

async fn aligned(a: Al64, b: Al64Copy, c: u8, d: Small) -> u64 {
    println!("  body: start {a:?} {b:?}");
    suspend("al-1").await;
    println!("  body: after 1 {a:?} {b:?} c={c} {d:?}");
    suspend("al-2").await;
    println!("  body: after 2 {a:?}");
    a.v + u64::from(b.v[2]) + u64::from(c)
}

async fn page_aligned(x: u8, p: Al4k, a: Al64) -> u64 {
    suspend("page").await;
    println!("  body: after 1 x={x} {p:?} {a:?}");
    u64::from(p.v) + a.v + u64::from(x)
}

async fn aligned_callee(a: Al64Copy) -> u32 {
    suspend("al-callee").await;
    println!("  callee: {a:?}");
    a.v[0]
}

async fn aligned_chain(a: Al64Copy, s: Small) -> u32 {
    let r = aligned_callee(a).await;
    println!("  chain: {a:?} {s:?}");
    r + a.v[1]
}

fn main() {
    init();
    walk("zsts", || zsts(Zd("a"), Z, (), Small::new("d", 1), []));
    walk("only_zsts", || only_zsts(Zd("a"), Zd("b")));
    walk("aligned", || {
        aligned(Al64 { v: 2 }, Al64Copy { v: [3, 4, 5] }, 6, Small::new("d", 7))
    });
    walk("page_aligned", || page_aligned(8, Al4k { v: 9 }, Al64 { v: 10 }));
    walk("aligned_chain", || {
        aligned_chain(Al64Copy { v: [11, 12, 13] }, Small::new("s", 14))
    });
    done();
}
