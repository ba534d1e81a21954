//! One step end to end on a tiny local crate (no registry): cargo's JSON names the executables,
//! each is run and read, a crashing binary becomes a failure of its own, the doc tests count,
//! and comparing the step with a run where one more test fails finds exactly that regression.

use crater::compare::compare;
use crater::libtest::Status;
use crater::manifest::CrateSpec;
use crater::run::{run_step, Profile, StepConfig, StepStatus};
use std::path::Path;
use std::time::Duration;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A crate whose lib has a passing test, one that fails when `lib_fails`, and an ignored one; an
/// integration test binary that aborts; and one doc test.
fn mini(dir: &Path, lib_fails: bool) {
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"mini\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    write(
        dir,
        "src/lib.rs",
        &format!(
            "/// ```\n/// assert_eq!(mini::two(), 2);\n/// ```\npub fn two() -> u32 {{ 2 }}\n\n\
             #[cfg(test)]\nmod tests {{\n    #[test]\n    fn passes() {{ assert_eq!(super::two(), 2); }}\n    \
             #[test]\n    fn sometimes() {{ assert!({}); }}\n    #[test]\n    #[ignore = \"slow\"]\n    fn slow() {{}}\n}}\n",
            !lib_fails
        ),
    );
    write(
        dir,
        "tests/crash.rs",
        "#[test]\nfn aborts() { std::process::abort(); }\n",
    );
    // Steps build with --locked, as with the committed lockfiles.
    write(
        dir,
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"mini\"\nversion = \"0.1.0\"\n",
    );
}

#[test]
fn a_step_reads_every_binary_and_a_regression_is_found() {
    let stable: harness::ToolchainSpec = "stable".parse().unwrap();
    let tc = stable.resolve().expect("stable is needed by this test");
    let tmp = tempfile::tempdir().unwrap();
    let spec = CrateSpec {
        name: "mini".into(),
        version: "0.1.0".into(),
        why: String::new(),
        cargo_args: vec![],
        test_args: vec![],
        doc: true,
        timeout_minutes: None,
        patch_self: false,
        dev_dependencies: Default::default(),
    };
    let mut steps = Vec::new();
    for (i, lib_fails) in [false, true].into_iter().enumerate() {
        let dir = tmp.path().join(format!("src{i}"));
        mini(&dir, lib_fails);
        let cfg = StepConfig {
            spec: &spec,
            dir: &dir,
            toolchain: &tc,
            profile: Profile::Debug,
            target_dir: tmp.path().join(format!("target{i}")),
            jobs: 2,
            timeout: Duration::from_secs(600),
            doc_tests: true,
        };
        let step = run_step(&cfg);
        assert_eq!(step.status, StepStatus::Complete, "{step:#?}");
        let labels: Vec<&str> = step.binaries.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["lib", "test:crash", "doc"], "{step:#?}");
        let all = step.all_tests();
        let get = |b: &str, t: &str| all.get(&(b.to_string(), t.to_string())).copied();
        assert_eq!(get("lib", "tests::passes"), Some(Status::Passed));
        assert_eq!(get("lib", "tests::slow"), Some(Status::Ignored));
        assert_eq!(
            get("lib", "tests::sometimes"),
            Some(if lib_fails { Status::Failed } else { Status::Passed })
        );
        // The aborting binary: its own failure, nothing passes silently.
        let crash = &step.binaries[1];
        assert!(crash.outcome.starts_with("crashed"), "{crash:#?}");
        assert_eq!((crash.counts.passed, crash.counts.failed), (0, 1), "{crash:#?}");
        assert_eq!(step.binaries[2].counts.passed, 1, "{:#?}", step.binaries[2]);
        assert_eq!(step.counts.passed, if lib_fails { 2 } else { 3 });
        steps.push(step);
    }
    let c = compare(&steps[0], &steps[1]);
    let ids: Vec<String> = c.regressions.iter().map(|d| d.id()).collect();
    assert_eq!(ids, ["lib tests::sometimes"]);
    assert_eq!(c.failing_on_both.len(), 1, "the crash fails on both: {c:#?}");
}
