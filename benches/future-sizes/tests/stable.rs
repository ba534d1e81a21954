//! The generated corpus program against a real compiler (stable): it builds, runs every case,
//! and no stable size is below its stated ideal (an ideal above what stable already achieves is
//! a wrong ideal). Also: a case that does not compile is a reported build failure, not a panic.
//! Debug-built harness, opt-level 0 program: a few seconds.

use future_sizes::corpus::{self, Case};
use future_sizes::program::generate;
use future_sizes::run::{build_and_run, LIMITS};
use harness::{Toolchain, ToolchainInfo};

fn stable() -> ToolchainInfo {
    Toolchain::parse("stable")
        .resolve()
        .expect("the stable toolchain is required by these tests")
}

#[test]
fn corpus_builds_and_runs_on_stable() {
    let cases = corpus::load_dir(&corpus::default_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("corpus.rs");
    std::fs::write(&source, generate(&cases)).unwrap();
    let build = build_and_run(&stable(), &source, 0, dir.path(), &LIMITS);
    assert_eq!(build.outcome, "ok");
    let t = build.transcript.unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert!(t.missing(names.iter().copied()).is_empty(), "{:?}", t.missing(names));
    for c in &cases {
        let size = t.sizes[&c.name];
        assert!(
            size >= c.ideal,
            "{}: stable is {size} bytes, below the stated ideal {}",
            c.name,
            c.ideal
        );
        let out = &t.outputs[&c.name];
        assert!(
            out.iter()
                .any(|l| l.starts_with("complete ready") || l.starts_with("complete panicked")),
            "{}: never completed: {out:?}",
            c.name
        );
    }
}

#[test]
fn broken_case_is_a_build_failure() {
    let broken = corpus::parse(
        "broken",
        "//@ ideal: 2\n//@ reason: does not matter here\n//@ by-value: yes\n//@ future: f(1)\n\
         async fn f(x: u8) -> u8 { x + \"no\" }\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("corpus.rs");
    std::fs::write(&source, generate(&[broken as Case])).unwrap();
    let build = build_and_run(&stable(), &source, 0, dir.path(), &LIMITS);
    assert!(
        build.outcome.starts_with("build failed: compile error"),
        "{}",
        build.outcome
    );
    assert!(build.transcript.is_none());
}
