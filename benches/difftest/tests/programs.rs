//! Generated programs compile and run on stable at opt 0 and 3, print a complete transcript,
//! and print the same transcript twice (they are deterministic, else every comparison is noise).

mod common;

use difftest::build::{build_and_run, Limits};
use difftest::compare::{sizes, transcript};
use difftest::prelude::TRANSCRIPT_MARKER;
use harness::rustc::Invocation;

const SEEDS: [u64; 5] = [0, 1, 2, 3, 4];

#[test]
fn fixed_seeds_build_and_run_on_stable() {
    let tc = common::stable();
    let dir = tempfile::tempdir().unwrap();
    for seed in SEEDS {
        let src = dir.path().join(format!("s{seed}.rs"));
        std::fs::write(&src, difftest::source_for_seed(seed)).unwrap();
        for opt in ["0", "3"] {
            let level = opt.parse().unwrap();
            let b = build_and_run(
                &tc,
                &src,
                dir.path(),
                &format!("s{seed}-O{opt}"),
                &level,
                Limits::default(),
            );
            assert!(
                b.compile.is_success(),
                "seed {seed} O{opt}: {}\n{}",
                b.compile.summary(),
                b.compile_stderr
            );
            let run = b.run.as_ref().unwrap();
            assert!(
                run.outcome.is_success(),
                "seed {seed} O{opt}: {}",
                run.outcome.summary()
            );
            let t = transcript(&run.stdout);
            assert!(t.starts_with(TRANSCRIPT_MARKER), "seed {seed}: {t}");
            assert!(
                t.contains("\npolls = ") && t.contains("\nwakes = "),
                "seed {seed}: incomplete\n{t}"
            );
            let program = difftest::generate(seed);
            assert_eq!(
                sizes(&run.stdout).len(),
                program.fns.len(),
                "seed {seed}: sizes section"
            );
            // The same binary, run again, says the same thing.
            let again = Invocation::new(dir.path().join(format!("s{seed}-O{opt}")))
                .run()
                .unwrap();
            assert_eq!(transcript(&again.stdout), t, "seed {seed} O{opt} is not deterministic");
        }
    }
}

/// Programs the reducer makes by removing parameters still compile (type- and borrow-check only).
#[test]
fn programs_without_a_parameter_still_compile() {
    let tc = common::stable();
    let dir = tempfile::tempdir().unwrap();
    for seed in [0u64, 1, 2] {
        let p = difftest::generate(seed);
        for f in p.fns.iter().filter(|f| !f.params.is_empty()) {
            let q = p.without_param(f.index, f.params[0].0);
            let src = dir.path().join(format!("s{seed}_f{}.rs", f.index));
            std::fs::write(&src, difftest::render(&q)).unwrap();
            let out = std::process::Command::new(&tc.info.rustc)
                .args(["--edition", "2021", "--emit=metadata", "-o"])
                .arg(dir.path().join("out.rmeta"))
                .arg(&src)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "seed {seed} without f{} p{}: {}",
                f.index,
                f.params[0].0,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
