//! Tuple, struct, array and nested pattern arguments, `_` parts that are never bound (they stay
//! in the future until its end), `ref` and `mut` bindings.

mod support;
use support::*;

struct Pair {
    left: Small,
    right: Big,
}

async fn tuple_and_array((a, b): (Small, u64), [x, y]: [u32; 2]) -> u64 {
    suspend("tuple").await;
    println!("  body: after 1 {a:?} b={b} x={x} y={y}");
    a.v + b + u64::from(x * y)
}

async fn struct_and_wildcard(Pair { left, right }: Pair, (_, keep): (Small, Small)) -> u64 {
    println!("  body: start {left:?}");
    suspend("struct-1").await;
    drop(left);
    suspend("struct-2").await;
    println!("  body: after 2 {right:?} {keep:?}");
    right.sum() + keep.v
}

async fn nested(((a, b), c): ((Small, Small), Big), (mut n, ref r): (u64, Small)) -> u64 {
    n += 1;
    suspend("nested-1").await;
    println!("  body: after 1 {a:?} {b:?} {c:?} n={n} {r:?}");
    drop(b);
    suspend("nested-2").await;
    n += a.v + r.v;
    n + c.sum()
}

async fn wildcard_args(_: Small, n: u64, _: Big) -> u64 {
    suspend("wild").await;
    println!("  body: after 1 n={n}");
    n
}

async fn ref_pattern(&(a, b): &(u64, u64), Pair { ref left, .. }: Pair) -> u64 {
    suspend("ref").await;
    println!("  body: after 1 a={a} b={b} {left:?}");
    a + b + left.v
}

fn main() {
    init();
    walk("tuple_and_array", || tuple_and_array((Small::new("a", 1), 2), [3, 4]));
    walk("struct_and_wildcard", || {
        let pair = Pair {
            left: Small::new("l", 5),
            right: Big::new("r", 6),
        };
        struct_and_wildcard(pair, (Small::new("ignored", 7), Small::new("keep", 8)))
    });
    walk("nested", || {
        nested(
            ((Small::new("a", 9), Small::new("b", 10)), Big::new("c", 11)),
            (12, Small::new("r", 13)),
        )
    });
    walk("wildcard_args", || {
        wildcard_args(Small::new("w1", 14), 15, Big::new("w2", 16))
    });
    let pairs = (17u64, 18u64);
    walk("ref_pattern", || {
        ref_pattern(
            &pairs,
            Pair {
                left: Small::new("l", 19),
                right: Big::new("r", 20),
            },
        )
    });
    done();
}
