//! `Copy` arguments handed to awaited callees: delegation chains three deep, arrays and tuples
//! passed down and still read by the caller after the callee returned.

mod support;
use support::*;

async fn level3(x: u64, y: u32) -> u64 {
    suspend("l3").await;
    println!("  level3: x={x} y={y}");
    x * 3 + u64::from(y)
}

async fn level2(x: u64, y: u32) -> u64 {
    let r = level3(x, y).await;
    suspend("l2").await;
    println!("  level2: x={x} y={y}");
    r + x
}

async fn level1(x: u64, y: u32, d: Small) -> u64 {
    let r = level2(x + 1, y).await;
    println!("  level1: x={x} y={y} {d:?}");
    r + level3(x, y + 1).await + d.v
}

async fn sum_array(a: [u8; 64], k: usize) -> u64 {
    suspend("array").await;
    let s: u64 = a.iter().map(|&b| u64::from(b)).sum();
    println!("  sum_array: a[{k}]={} sum={s}", a[k]);
    s
}

async fn array_down_and_after(a: [u8; 64], k: usize) -> u64 {
    let s = sum_array(a, k).await;
    suspend("array-after").await;
    println!("  array_down_and_after: a[0]={} a[63]={} k={k}", a[0], a[63]);
    s + u64::from(a[k])
}

async fn tuple_leaf(t: (u8, u64, u16)) -> u64 {
    suspend("tuple").await;
    println!("  tuple_leaf: {t:?}");
    u64::from(t.0) + t.1 + u64::from(t.2)
}

async fn tuple_chain(t: (u8, u64, u16), again: bool) -> u64 {
    let mut n = tuple_leaf(t).await;
    if again {
        n += tuple_leaf((t.0 + 1, t.1, t.2)).await;
    }
    println!("  tuple_chain: {t:?} again={again}");
    n
}

/// The callee gets a copy; the caller keeps the `Big` and reads both afterwards.
async fn mixed(x: u64, b: Big, f: f64) -> String {
    let r = level2(x, 7).await;
    println!("  mixed: x={x} f={f} {b:?}");
    format!("{r}/{}", b.sum())
}

fn main() {
    init();
    walk("level3", || level3(5, 6));
    walk("level1", || level1(10, 20, Small::new("d", 30)));
    let mut bytes = [0u8; 64];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    walk("array_down_and_after", || array_down_and_after(bytes, 33));
    walk("tuple_chain", || tuple_chain((1, u64::MAX / 3, 0xbeef), true));
    walk("mixed", || mixed(99, Big::new("b", 100), 2.5));
    done();
}
