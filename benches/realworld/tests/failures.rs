//! Bad input is reported, never a crash: a compiler that rejects the application (its first error
//! line is kept and the other builds still run), an unknown toolchain, a missing core or rust-src.

mod common;

use harness::target::CORTEX_M4F;
use harness::{Target, ToolchainSpec};
use realworld::build::BuildSettings;
use realworld::plan::CoreClass;
use realworld::report::Status;
use std::time::Duration;

#[test]
fn a_failing_compiler_is_reported_with_its_first_error_and_the_run_goes_on() {
    let stable = "stable".parse::<ToolchainSpec>().unwrap().resolve().unwrap();
    let dir = std::env::temp_dir().join(format!("realworld-fake-rustc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = common::failing_rustc(&dir, &stable.rustc);
    let toolchain = ToolchainSpec::plain(harness::Toolchain::Path(fake)).resolve().unwrap();
    let target = Target::new(CORTEX_M4F);
    let apps = realworld::app::discover(&realworld::crate_dir().join("apps")).unwrap();
    let mut unusable = toolchain.clone();
    unusable.name = "no-core".into();
    unusable.targets_with_core.clear();
    unusable.rust_src = false;
    let settings = BuildSettings {
        target: &target,
        work_dir: &dir,
        timeout: Duration::from_secs(300),
    };
    let results = realworld::run::run(&[toolchain, unusable], &apps[..2], &CoreClass::ALL, &settings);
    assert_eq!(results.len(), 8);
    let failed: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Failed { first_error, .. } => Some(first_error.as_str()),
            _ => None,
        })
        .collect();
    // Both applications were attempted with the prebuilt core, each failing with the first error.
    assert!(failed.len() >= 2, "{results:#?}");
    assert!(failed.iter().all(|e| e.contains("injected failure")), "{failed:?}");
    let skipped: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Skipped { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert!(skipped.iter().any(|r| r.contains("no prebuilt core")), "{skipped:?}");
    assert!(skipped.iter().any(|r| r.contains("rust-src")), "{skipped:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_toolchain_is_listed_not_fatal() {
    let bin = env!("CARGO_BIN_EXE_realworld");
    let out = std::env::temp_dir().join(format!("realworld-unknown-{}", std::process::id()));
    let run = std::process::Command::new(bin)
        .args(["-t", "no-such-toolchain-xyz", "--out-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("realworld.json")).unwrap()).unwrap();
    let unavailable = json["unavailable_toolchains"].to_string();
    assert!(unavailable.contains("no-such-toolchain-xyz"), "{unavailable}");
    let _ = std::fs::remove_dir_all(&out);
}
