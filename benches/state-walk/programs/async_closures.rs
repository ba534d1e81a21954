//! Async closures (edition 2024): arguments by value, captures by reference and by move, a
//! closure called twice (`AsyncFn`), one whose body consumes its capture (`AsyncFnOnce`), one
//! passed to an async fn that awaits it twice.

mod support;
use support::*;

async fn call_twice(f: impl AsyncFn(u64) -> u64, a: Small) -> u64 {
    let x = f(1).await;
    println!("  call_twice: first {x} {a:?}");
    let y = f(2).await;
    x + y + a.v
}

fn main() {
    init();
    let with_args = async |d: Small, b: Big, n: u64| {
        suspend("args-1").await;
        println!("  closure: after 1 {d:?} n={n}");
        suspend("args-2").await;
        println!("  closure: after 2 {b:?}");
        d.v + b.sum() + n
    };
    walk("arguments by value", || {
        with_args(Small::new("d", 1), Big::new("b", 2), 3)
    });

    let env = Small::new("env", 4);
    let by_ref = async |n: u64| {
        suspend("by-ref").await;
        println!("  closure: after 1 {env:?} n={n}");
        env.v + n
    };
    walk("capture by reference", || by_ref(5));

    let owned = Big::new("owned", 6);
    let by_move = async move |s: Small| {
        suspend("by-move").await;
        println!("  closure: after 1 {owned:?} {s:?}");
        owned.sum() + s.v
    };
    walk("capture by move, called by reference", || by_move(Small::new("s", 7)));

    walk("capture consumed (AsyncFnOnce), closure made per future", || {
        let cap = Small::new("cap", 8);
        let big = Big::new("big", 9);
        let once = async move |n: u64| {
            let cap = cap;
            suspend("once-1").await;
            println!("  closure: after 1 {cap:?} {big:?} n={n}");
            suspend("once-2").await;
            cap.v + n
        };
        once(10)
    });

    let adder = async |x: u64| {
        suspend("adder").await;
        x * 100
    };
    walk("closure awaited twice by an async fn", || {
        call_twice(&adder, Small::new("a", 11))
    });
    drop((by_move, env));
    done();
}
