//! Generic async fns instantiated with arguments with drop glue (`Small`, `Big`, `String`,
//! `Vec`) and without (`u32`, arrays, `()`), directly and through a generic delegation chain.

mod support;
use std::fmt::Debug;
use support::*;

async fn hold<T: Debug, U: Debug>(t: T, u: U, keep: bool) -> Option<U> {
    println!("  hold: start {t:?}");
    suspend("hold-1").await;
    println!("  hold: after 1 {t:?} {u:?}");
    drop(t);
    suspend("hold-2").await;
    if keep { Some(u) } else { None }
}

async fn chain<T: Debug + Clone>(t: T) -> usize {
    let copy = t.clone();
    let kept = hold(t, copy, true).await;
    println!("  chain: {kept:?}");
    format!("{kept:?}").len()
}

async fn by_ref_generic<T: Debug>(r: &T, owned: T) -> String {
    suspend("by-ref").await;
    format!("{r:?}/{owned:?}")
}

fn main() {
    init();
    walk("hold<u32, [u8; 40]>", || hold(1u32, [2u8; 40], true));
    walk("hold<Small, Big>", || hold(Small::new("t", 3), Big::new("u", 4), true));
    walk("hold<Big, Small> not kept", || {
        hold(Big::new("t", 5), Small::new("u", 6), false)
    });
    walk("hold<String, Vec<u64>>", || {
        hold(String::from("seven"), vec![8u64, 9, 10], true)
    });
    walk("hold<(), ()>", || hold((), (), true));
    walk("chain<u64>", || chain(11u64));
    walk("chain<String>", || chain(String::from("twelve")));
    let shared = String::from("shared");
    walk("by_ref_generic<String>", || {
        by_ref_generic(&shared, String::from("owned"))
    });
    done();
}
