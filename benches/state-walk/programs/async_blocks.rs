//! async blocks: one capture used in place and one moved into a local on entry (the shape whose
//! variant fields and upvars no longer line up once the moved one is relocated), blocks that
//! borrow their environment, nested blocks, captures handed to an awaited callee.

mod support;
use std::future::Future;
use support::*;

fn in_place_and_moved(a: Small, b: Big, x: u64) -> impl Future<Output = u64> {
    async move {
        let b = b;
        println!("  block: start {a:?} x={x}");
        suspend("mixed-1").await;
        println!("  block: after 1 {a:?} {b:?}");
        suspend("mixed-2").await;
        a.v + b.sum() + x
    }
}

fn moved_then_in_place(a: Big, b: Small) -> impl Future<Output = u64> {
    async move {
        let a = a;
        suspend("mtip").await;
        println!("  block: after 1 {b:?} {a:?}");
        b.v + a.sum()
    }
}

fn borrowing<'a>(a: &'a Big, s: &'a Small) -> impl Future<Output = u64> + 'a {
    async move {
        suspend("borrow").await;
        println!("  block: after 1 {a:?} {s:?}");
        a.sum() + s.v
    }
}

async fn callee(b: Big, n: u64) -> u64 {
    suspend("callee").await;
    println!("  callee: {b:?} n={n}");
    b.sum() + n
}

fn handed_down(b: Big, n: u64, keep: Small) -> impl Future<Output = u64> {
    async move {
        let r = callee(b, n).await;
        println!("  block: after callee {keep:?}");
        r + keep.v
    }
}

fn nested(a: Small, b: Small) -> impl Future<Output = u64> {
    async move {
        let inner = async move {
            let b = b;
            suspend("inner").await;
            println!("  inner: {b:?}");
            b.v
        };
        suspend("outer").await;
        let n = inner.await;
        println!("  outer: {a:?}");
        n + a.v
    }
}

fn main() {
    init();
    walk("in_place_and_moved", || {
        in_place_and_moved(Small::new("a", 1), Big::new("b", 2), 3)
    });
    walk("moved_then_in_place", || {
        moved_then_in_place(Big::new("a", 4), Small::new("b", 5))
    });
    let (big, small) = (Big::new("env", 6), Small::new("env", 7));
    walk("borrowing", || borrowing(&big, &small));
    walk("handed_down", || {
        handed_down(Big::new("b", 8), 9, Small::new("keep", 10))
    });
    walk("nested", || nested(Small::new("a", 11), Small::new("b", 12)));
    walk("inline block with a copied capture", || {
        let n = 13u64;
        let s = Small::new("s", 14);
        async move {
            suspend("inline").await;
            println!("  block: after 1 n={n} {s:?}");
            n + s.v
        }
    });
    drop((big, small));
    done();
}
