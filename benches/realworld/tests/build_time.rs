//! `--build-time` with real cargo on a tiny application without dependencies (no network, a
//! second per build): a compiler that fails every compilation is recorded with its first error
//! line, and the run goes on to time the other toolchain's builds; every compilation goes through
//! the `realworld` binary as the timing wrapper and is logged with its cost; an unknown toolchain
//! is listed as unavailable, not fatal.

mod common;

use harness::envelope::Envelope;
use harness::target::CORTEX_M4F;
use harness::{Target, ToolchainSpec};
use realworld::app::App;
use realworld::build::BuildSettings;
use realworld::build_time::cargo::CleanBuild;
use realworld::build_time::report::{BuildOutcome, BuildTimeReport, Method, SCHEMA};
use realworld::plan::CoreClass;
use std::path::Path;
use std::time::Duration;

/// A `no_std` binary for the Cortex-M4F that needs no crate but `core`, with its lock file (the
/// timed builds are `--locked`).
fn tiny_app(dir: &Path) -> App {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
         [profile.release]\npanic = \"abort\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"tiny\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "#![no_std]\n#![no_main]\n\n#[panic_handler]\nfn panic(_: &core::panic::PanicInfo) -> ! {\n    loop {}\n}\n",
    )
    .unwrap();
    App {
        name: "tiny".into(),
        dir: dir.to_path_buf(),
    }
}

#[test]
fn a_failing_compiler_is_recorded_and_the_other_toolchain_is_timed() {
    let stable = "stable".parse::<ToolchainSpec>().unwrap().resolve().unwrap();
    let target = Target::new(CORTEX_M4F);
    if !stable.has_core_for(&target) {
        eprintln!("skipped: stable has no core for {target} (rustup target add {target})");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fake = common::failing_rustc(dir.path(), &stable.rustc);
    let failing = ToolchainSpec::plain(harness::Toolchain::Path(fake)).resolve().unwrap();
    let toolchains = [failing.clone(), stable.clone()];
    let apps = [tiny_app(&dir.path().join("tiny"))];
    let settings = BuildSettings {
        target: &target,
        work_dir: dir.path(),
        timeout: Duration::from_secs(300),
    };
    let mut report = BuildTimeReport {
        envelope: Envelope::new(SCHEMA, "test".into(), toolchains.to_vec(), vec![]),
        method: Method {
            target: CORTEX_M4F.into(),
            profile: "release".into(),
            build: String::new(),
            metric: String::new(),
            order: String::new(),
            jobs: "1".into(),
        },
        baseline: Some(stable.name.clone()),
        reps: 2,
        planned: 0,
        skipped: vec![],
        notes: vec![],
        builds: vec![],
    };
    let out = dir.path().join("out");
    let mut builder = CleanBuild {
        settings: &settings,
        wrapper: Some(env!("CARGO_BIN_EXE_realworld").into()),
    };
    realworld::build_time::run(
        &mut report,
        &toolchains,
        &apps,
        &[CoreClass::Prebuilt],
        &target,
        &out,
        &mut builder,
    )
    .unwrap();
    let order: Vec<&str> = report.builds.iter().map(|b| b.toolchain.as_str()).collect();
    assert_eq!(
        order,
        [&failing.name, &stable.name, &stable.name, &failing.name],
        "{report:#?}"
    );
    for b in &report.builds {
        let cost = b.cost.expect("cargo ran");
        match b.toolchain == failing.name {
            true => assert!(
                matches!(&b.outcome, BuildOutcome::Failed { first_error } if first_error.contains("injected failure")),
                "{b:?}"
            ),
            false => {
                assert_eq!(b.outcome, BuildOutcome::Ok, "{b:?}");
                assert!(
                    cost.cpu_secs() > 0.0 && cost.wall_secs > 0.0 && cost.max_rss_kib > 0,
                    "{b:?}"
                );
            }
        }
        // The one compilation, for the target, logged through the wrapper; the failing
        // compiler's too, as failed. Its CPU time is part of the build's. The rest are cargo's
        // queries (`rustc -vV`, `--print`).
        let compilations: Vec<_> = b.units.iter().filter(|u| !u.is_query()).collect();
        assert!(b.units.len() > compilations.len(), "{:?}", b.units);
        let [unit] = compilations.as_slice() else {
            panic!("{:?}", b.units)
        };
        assert_eq!(
            (
                unit.crate_name.as_str(),
                unit.package.as_deref(),
                unit.target.as_deref()
            ),
            ("tiny", Some("tiny"), Some(target.triple())),
            "{unit:?}"
        );
        assert_eq!(unit.success, b.toolchain == stable.name, "{unit:?}");
        assert!(unit.cpu_secs() <= cost.cpu_secs(), "{unit:?} {cost:?}");
    }
    // The files on disk are the finished run; every build's target directory is gone.
    let (on_disk, md): (BuildTimeReport, String) = harness::report::read_pair(&out, "build-time").unwrap();
    assert_eq!((on_disk.planned, on_disk.builds.len()), (4, 4));
    assert!(md.contains("failed: error: injected failure"), "{md}");
    assert!(md.contains("| 2 of 2 |") && md.contains("| 0 of 2 |"), "{md}");
    assert!(md.contains(&format!("| `{}` | 2 | ", stable.name)), "{md}");
    let left: Vec<_> = std::fs::read_dir(builder.scratch()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_unknown_toolchain_is_listed_not_fatal() {
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_realworld"))
        .args(["--build-time", "-t", "no-such-toolchain-xyz", "--out-dir"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (report, _): (BuildTimeReport, String) = harness::report::read_pair(out.path(), "build-time").unwrap();
    let unavailable = format!("{:?}", report.envelope.unavailable_toolchains);
    assert!(unavailable.contains("no-such-toolchain-xyz"), "{unavailable}");
    assert_eq!((report.planned, report.builds.len()), (0, 0));
}
