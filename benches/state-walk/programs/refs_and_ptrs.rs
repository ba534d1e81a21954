//! References and raw pointers to arguments, taken before an await and read (or written) after
//! it; reference and raw-pointer arguments themselves.

mod support;
use support::*;

async fn ref_after_await(a: Big, b: u64) -> u64 {
    let r = &a;
    let rb = &b;
    suspend("ref-1").await;
    println!("  body: after 1 {r:?} {rb}");
    suspend("ref-2").await;
    r.sum() + *rb
}

async fn raw_after_await(a: Small, b: [u32; 8]) -> u64 {
    let p = &raw const a;
    let q = b.as_ptr();
    suspend("raw").await;
    // Safety: `a` and `b` live in this future until it returns, which is pinned.
    let (v, last) = unsafe { ((*p).v, *q.add(7)) };
    println!("  body: after 1 v={v} last={last}");
    v + u64::from(last)
}

async fn write_through_ptr(mut a: Small, mut n: u64) -> u64 {
    let p = &raw mut a;
    let q = &raw mut n;
    suspend("write-1").await;
    // Safety: as above; nothing else refers to `a` or `n` meanwhile.
    unsafe {
        (*p).v += 10;
        *q *= 3;
    }
    suspend("write-2").await;
    println!("  body: after 2 {a:?} n={n}");
    a.v + n
}

async fn mut_ref_held(mut b: Big, k: usize) -> u64 {
    let m = &mut b;
    suspend("held-1").await;
    m.words[k] = 42;
    suspend("held-2").await;
    println!("  body: after 2 {b:?} words[{k}]={}", b.words[k]);
    b.sum()
}

async fn ref_args(r: &Big, s: &Small, x: &u64) -> u64 {
    suspend("ref-args").await;
    println!("  body: after 1 {r:?} {s:?} x={x}");
    r.sum() + s.v + x
}

async fn mut_ref_arg(m: &mut Small, b: &mut [u64; 4]) -> u64 {
    suspend("mut-arg-1").await;
    m.v += 1;
    b[3] += m.v;
    suspend("mut-arg-2").await;
    println!("  body: after 2 {m:?} {b:?}");
    m.v + b[3]
}

async fn raw_arg(p: *const u64, len: usize) -> u64 {
    suspend("raw-arg").await;
    // Safety: the caller keeps `len` values alive at `p` until the future is gone.
    let s: u64 = (0..len).map(|i| unsafe { *p.add(i) }).sum();
    println!("  body: after 1 sum={s}");
    s
}

const HOLDS_MUT: &str = "a live &mut into the future across the await";

fn main() {
    init();
    walk("ref_after_await", || ref_after_await(Big::new("a", 1), 2));
    walk("raw_after_await", || {
        raw_after_await(Small::new("a", 3), [4, 5, 6, 7, 8, 9, 10, 11])
    });
    walk("write_through_ptr", || write_through_ptr(Small::new("a", 12), 13));
    Walk::new("mut_ref_held")
        .no_suspended_copy(HOLDS_MUT)
        .run(|| mut_ref_held(Big::new("b", 14), 5));
    let (big, small, x) = (Big::new("r", 15), Small::new("s", 16), 17u64);
    walk("ref_args", || ref_args(&big, &small, &x));
    // `&mut` arguments borrowed from an outer future's own locals.
    Walk::new("mut_ref_arg (in an outer async block)")
        .no_suspended_copy(HOLDS_MUT)
        .run(|| async {
            let mut s = Small::new("m", 18);
            let mut arr = [19, 20, 21, 22];
            let n = mut_ref_arg(&mut s, &mut arr).await;
            println!("  outer: {s:?} {arr:?}");
            n
        });
    let values = [23u64, 24, 25];
    walk("raw_arg", || raw_arg(values.as_ptr(), values.len()));
    drop((big, small));
    done();
}
