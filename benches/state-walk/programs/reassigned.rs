//! Arguments reassigned after an await (the old value dropped there), before the first await,
//! swapped, moved out and back, and moved out on one branch only (a drop flag kept across awaits).

mod support;
use support::*;

async fn reassign_after(mut a: Small, mut b: Big, mut x: u64) -> u64 {
    suspend("after-1").await;
    a = Small::new("a2", a.v + 100);
    x += 1;
    println!("  body: after 1 {a:?} x={x}");
    suspend("after-2").await;
    b = Big::new("b2", b.words[0] % 1000);
    x *= 2;
    println!("  body: after 2 {b:?} x={x}");
    suspend("after-3").await;
    a.v + b.sum() + x
}

async fn reassign_before(mut a: Small, mut t: (u32, u32)) -> u64 {
    println!("  body: start {a:?} {t:?}");
    a = Small::new("a-before", 7);
    t = (t.1, t.0);
    suspend("before").await;
    println!("  body: after 1 {a:?} {t:?}");
    a.v + u64::from(t.0)
}

async fn swapped(mut a: Small, mut b: Small) -> u64 {
    suspend("swap-1").await;
    std::mem::swap(&mut a, &mut b);
    suspend("swap-2").await;
    println!("  body: after 2 {a:?} {b:?}");
    a.v * 10 + b.v
}

async fn out_and_back(mut a: Big) -> Big {
    let kept = a;
    suspend("out").await;
    println!("  body: after 1 holding {kept:?}");
    a = kept;
    suspend("back").await;
    a.words[0] ^= 1;
    a
}

fn consume(s: Small) -> u64 {
    println!("  consume {s:?}");
    s.v
}

async fn moved_on_one_branch(a: Small, b: Small, take: bool) -> u64 {
    suspend("branch-1").await;
    let n = if take { consume(a) } else { 0 };
    suspend("branch-2").await;
    println!("  body: after 2 take={take} {b:?}");
    n + b.v
}

fn main() {
    init();
    walk("reassign_after", || {
        reassign_after(Small::new("a", 1), Big::new("b", 2), 3)
    });
    walk("reassign_before", || reassign_before(Small::new("a", 4), (5, 6)));
    walk("swapped", || swapped(Small::new("a", 7), Small::new("b", 8)));
    walk("out_and_back", || out_and_back(Big::new("a", 9)));
    walk("moved_on_one_branch (taken)", || {
        moved_on_one_branch(Small::new("a", 10), Small::new("b", 11), true)
    });
    walk("moved_on_one_branch (kept)", || {
        moved_on_one_branch(Small::new("a", 12), Small::new("b", 13), false)
    });
    done();
}
