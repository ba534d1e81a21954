//! The entry points in `scripts/` are thin and locate nothing themselves: each runs its tool with
//! `cargo run`, so a user's `CARGO_TARGET_DIR` (or a `.cargo/config.toml` build directory) is where
//! the tool is built and run from. A script that ran `target/release/<bin>` would run a stale or
//! missing binary there.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The scripts that run a harness tool (the fork pipeline, the test driver and set-up are not tools).
fn tool_scripts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("scripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !matches!(n.as_ref(), "fork.sh" | "test.sh" | "setup.sh")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn scripts_run_tools_through_cargo_not_a_target_path() {
    let scripts = tool_scripts();
    assert!(scripts.len() >= 6, "{scripts:?}");
    for s in scripts {
        let text = std::fs::read_to_string(&s).unwrap();
        let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
        assert!(
            !code.iter().any(|l| l.contains("target/")),
            "{} names a path under target/; run the tool with `cargo run`",
            s.display()
        );
        assert!(
            code.iter()
                .any(|l| l.contains("cargo run") || l.contains("scripts/bench.sh")),
            "{} does not run its tool with `cargo run`",
            s.display()
        );
    }
}

/// Two entry points, built and run with `CARGO_TARGET_DIR` elsewhere: the binaries land there, and
/// the scripts run them from there. (A directory kept under target/ so reruns are incremental.)
#[test]
fn entry_points_work_with_another_cargo_target_dir() {
    let alt = repo().join("target/alt-cargo-target-dir");
    let run = |script: &str, args: &[&str]| {
        let out = Command::new(repo().join("scripts").join(script))
            .args(args)
            .env("CARGO_TARGET_DIR", &alt)
            .env_remove("HARNESS_COMMAND")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{script} {args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let program = run("difftest.sh", &["gen", "--seed", "1"]);
    assert!(program.contains("fn main"), "{program}");
    assert!(alt.join("release/difftest").is_file());
    let help = run("codegen.sh", &["--help"]);
    assert!(help.contains("--toolchain"), "{help}");
    assert!(alt.join("release/codegen").is_file());
}
