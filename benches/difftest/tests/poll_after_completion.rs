//! Differential check of `-Zasync-panic` (issue 13): a program that polls futures after they
//! completed or panicked (`fixtures/poll_after_completion.rs`) prints the same transcript when
//! built by the fork and by an upstream nightly that has the option, with the option in both
//! positions, at opt-level 0 and 3. Also that the two positions really differ, so the comparison
//! is not between two programs that never reach the changed paths.
//!
//! Needs the fork and `nightly-2026-10-29` (or the nightly named in ASYNC_PANIC_NIGHTLY). Without
//! them the test says so and passes, unless ASYNC_FORK_REQUIRED=1 (as `scripts/test.sh` sets once
//! it has built the fork), where a missing toolchain is a failure.

use difftest::build::{build_and_run, Compiler, Limits};
use std::path::Path;

fn compiler(spec: &str) -> Result<Compiler, String> {
    let c = Compiler::from_spec(spec).map_err(|e| e.to_string())?;
    match c.info.knows_z_option("async-panic") {
        true => Ok(c),
        false => Err(format!("{} has no -Zasync-panic", c.info.name)),
    }
}

fn transcript(c: &Compiler, dir: &Path, opt: &str) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/poll_after_completion.rs");
    let stem = format!("pac-{}-O{opt}", c.info.dir_name());
    let b = build_and_run(c, &src, dir, &stem, &opt.parse().unwrap(), Limits::default());
    assert!(
        b.compile.is_success(),
        "{}: {}\n{}",
        b.toolchain,
        b.compile.summary(),
        b.compile_stderr
    );
    let run = b.run.expect("a built program is run");
    assert!(run.outcome.is_success(), "{}: {}", b.toolchain, run.outcome.summary());
    run.stdout
}

#[test]
fn fork_and_nightly_agree_on_polls_after_completion() {
    let nightly = std::env::var("ASYNC_PANIC_NIGHTLY").unwrap_or_else(|_| "nightly-2026-10-29".into());
    let required = std::env::var("ASYNC_FORK_REQUIRED").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let mut by_position = Vec::new();
    for flag in ["", " -Zasync-panic=no"] {
        let pair = (
            compiler(&format!("async-fork{flag}")),
            compiler(&format!("{nightly}{flag}")),
        );
        let (fork, upstream) = match pair {
            (Ok(f), Ok(n)) => (f, n),
            (f, n) => {
                let why: Vec<String> = [f.err(), n.err()].into_iter().flatten().collect();
                assert!(!required, "ASYNC_FORK_REQUIRED=1, but: {}", why.join("; "));
                eprintln!("skipped: {}", why.join("; "));
                return;
            }
        };
        for opt in ["0", "3"] {
            let (a, b) = (
                transcript(&fork, dir.path(), opt),
                transcript(&upstream, dir.path(), opt),
            );
            assert_eq!(
                a, b,
                "`{}` and `{}` differ at opt-level {opt}",
                fork.info.name, upstream.info.name
            );
            by_position.push(a);
        }
    }
    assert!(
        by_position[0].contains("resumed after completion"),
        "{}",
        by_position[0]
    );
    assert!(!by_position[2].contains("resumed after"), "{}", by_position[2]);
    assert_ne!(by_position[0], by_position[2], "the option changed nothing");
}
