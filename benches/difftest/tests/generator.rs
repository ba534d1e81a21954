//! The generator is a pure function of the seed, and seeds give different programs.

use difftest::{generate, source_for_seed};

#[test]
fn same_seed_same_bytes() {
    for seed in [0, 1, 42, 499, u64::MAX] {
        assert_eq!(source_for_seed(seed), source_for_seed(seed), "seed {seed}");
    }
}

#[test]
fn different_seeds_differ() {
    let sources: Vec<String> = (0..100).map(source_for_seed).collect();
    for i in 0..sources.len() {
        for j in i + 1..sources.len() {
            assert_ne!(sources[i], sources[j], "seeds {i} and {j} gave the same program");
        }
    }
}

/// The pinned first lines of seed 0: if the generator or its random source changes, every seed
/// names another program and old reproducers no longer regenerate. Update deliberately.
#[test]
fn seed_zero_is_pinned() {
    let p = generate(0);
    let sig: Vec<(usize, usize)> = p.fns.iter().map(|f| (f.params.len(), f.body.len())).collect();
    assert_eq!(sig, PINNED_SEED0, "the program of seed 0 changed");
}

const PINNED_SEED0: &[(usize, usize)] = &[(0, 5), (2, 4), (3, 2), (1, 4), (1, 5), (0, 2), (1, 4)];

/// Across many seeds, every construct the issue lists appears somewhere.
#[test]
fn constructs_are_covered() {
    let all: String = (0..200).map(source_for_seed).collect();
    for needle in [
        "yield_now().await",         // suspension points
        "addr_of_mut!(v)",           // raw pointer to a local
        "addr_of!(p",                // raw pointer to an argument (by reference)
        "addr_of_mut!(p",            // raw pointer to an argument (by value)
        "let r = &v;",               // borrow across awaits
        "async move {",              // value moved into a future
        "let fut = async {",         // by-reference async block
        ".await?",                   // ? on Result
        "Err(e) => log",             // Result matched
        "return Ok(acc)",            // early return in a fallible fn
        "for i",                     // loops with awaits
        "poll_n(f",                  // dropped before completion
        ", 0) {",                    // never polled
        "poll_fn(",                  // select
        "catch_unwind(std::panic::", // panics caught
        "panic!(",                   // panics
        ": (D<",                     // tuple pattern arguments
        "W(mut p",                   // struct pattern arguments
        ": &D<",                     // by-reference arguments
        "D<1024>",                   // issue 5's Big
    ] {
        assert!(
            all.contains(needle),
            "no generated program among 200 contains `{needle}`"
        );
    }
}
