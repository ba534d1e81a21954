//! Each check of the state walk catches what it is there to catch, on planted programs
//! (tests/fixtures/): a log that differs, a layout line that differs (not a difference), a run
//! that panics, an uninitialised read under memcheck and under Miri, an unknown toolchain.
//!
//! Memcheck needs valgrind and Miri the `miri` component of nightly-2026-10-29 (scripts/setup.sh
//! installs both); without them those tests say they skip, unless `DIFFTEST_MEMCHECK_REQUIRED=1`
//! or `STATE_WALK_MIRI_REQUIRED=1` (scripts/test.sh sets the first) makes the absence a failure.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MIRI: &str = "nightly-2026-10-29";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Run the tool with `args` into a fresh folder; (exit code, results JSON, markdown, out folder).
fn walk(args: &[&str]) -> (i32, Value, String, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_state-walk"))
        .args(["--programs", fixtures().to_str().unwrap()])
        .args(["--out", out.path().to_str().unwrap()])
        .args(["--work-dir", out.path().join("work").to_str().unwrap()])
        .args(["--name", "r", "--wait-minutes", "0"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let json = std::fs::read_to_string(out.path().join("r.json"))
        .unwrap_or_else(|e| panic!("no results ({e}); stderr:\n{stderr}"));
    let md = std::fs::read_to_string(out.path().join("r.md")).unwrap();
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_str(&json).unwrap(),
        md,
        out,
    )
}

fn have_valgrind() -> bool {
    let ok = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("DIFFTEST_MEMCHECK_REQUIRED").as_deref() == Ok("1") {
        panic!("valgrind is required (DIFFTEST_MEMCHECK_REQUIRED=1) but does not run");
    }
    if !ok {
        eprintln!("skipping: no valgrind");
    }
    ok
}

fn have_miri() -> bool {
    let ok = Command::new("rustup")
        .args(["which", "--toolchain", MIRI, "miri"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("STATE_WALK_MIRI_REQUIRED").as_deref() == Ok("1") {
        panic!("Miri of {MIRI} is required (STATE_WALK_MIRI_REQUIRED=1) but not installed");
    }
    if !ok {
        eprintln!("skipping: no Miri for {MIRI}");
    }
    ok
}

#[test]
fn a_log_difference_is_reported_with_a_reproducer_and_layout_lines_are_not_compared() {
    let (code, r, md, out) = walk(&[
        "-t",
        "stable",
        "-t",
        "stable --cfg flip",
        "--opt",
        "0",
        "--no-miri",
        "--no-memcheck",
        "--only",
        "flip",
        "--only",
        "layout_only",
    ]);
    assert_eq!(code, 1, "{md}");
    let v = &r["verdict"];
    assert_eq!(v["log_differences"], 1, "{md}");
    assert_eq!(v["native_failures"], 0, "{md}");
    assert_eq!(v["clean"], false);
    let flipped = r["native"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["program"] == "flip" && n["toolchain"] == "stable --cfg flip")
        .unwrap();
    let check = &flipped["run"]["log"]["check"];
    assert_eq!(check["kind"], "differs");
    assert_eq!(check["line"], 2);
    assert_eq!(check["expected"], "  drop a=1");
    assert_eq!(check["got"], "  drop b=2");
    let repro = PathBuf::from(flipped["reproducer"].as_str().unwrap());
    assert!(std::fs::read_to_string(&repro).unwrap().contains("--cfg flip"));
    let layout_only = r["native"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["program"] == "layout_only" && n["toolchain"] == "stable --cfg flip")
        .unwrap();
    assert_eq!(layout_only["run"]["log"]["check"]["kind"], "same");
    assert!(md.contains("| layout_only / layout_only | 16 | 8 (0.500) |"), "{md}");
    assert!(out.path().join("r-logs/flip.log").is_file());
}

#[test]
fn a_program_that_panics_is_a_failure_and_an_unknown_toolchain_is_skipped() {
    let (code, r, md, _out) = walk(&[
        "-t",
        "stable",
        "-t",
        "no-such-toolchain-here",
        "--opt",
        "0",
        "--no-miri",
        "--no-memcheck",
        "--only",
        "panics",
    ]);
    assert_eq!(code, 1, "{md}");
    assert_eq!(r["verdict"]["native_failures"], 1);
    let problem = r["native"][0]["run"]["problem"].as_str().unwrap();
    assert!(problem.contains("planted failure"), "{problem}");
    let skipped = r["unavailable_toolchains"].to_string();
    assert!(skipped.contains("no-such-toolchain-here"), "{skipped}");
    assert!(md.contains("skipped: toolchain `no-such-toolchain-here`"), "{md}");
}

#[test]
fn a_missing_toolchain_fails_the_run_only_when_required() {
    let args = [
        "-t",
        "stable",
        "-t",
        "no-such-toolchain-here",
        "--opt",
        "0",
        "--no-miri",
        "--no-memcheck",
    ];
    let (code, r, md, _out) = walk(&[&args[..], &["--only", "layout_only"]].concat());
    assert_eq!((code, &r["verdict"]["clean"]), (0, &Value::Bool(true)), "{md}");
    let (code, _, md, _out) = walk(&[&args[..], &["--only", "layout_only", "--require-toolchains"]].concat());
    assert_eq!(code, 1, "{md}");
}

#[test]
fn memcheck_reports_an_uninitialised_read_at_both_opt_levels() {
    if !have_valgrind() {
        return;
    }
    let (code, r, md, _out) = walk(&["-t", "stable", "--opt", "0,3", "--no-miri", "--only", "uninit"]);
    assert_eq!(code, 1, "{md}");
    let v = &r["verdict"];
    assert_eq!(v["memcheck_runs"], 2);
    assert_eq!(v["memcheck_unclean"], 2, "{md}");
    assert!(v["memcheck_errors"].as_u64().unwrap() >= 2);
    for n in r["native"].as_array().unwrap() {
        let first = n["memcheck"]["first_error"].as_str().unwrap();
        assert!(first.contains("uninitialised"), "{first}");
        let repro = std::fs::read_to_string(n["reproducer"].as_str().unwrap()).unwrap();
        assert!(repro.contains("--track-origins=yes"), "{repro}");
    }
}

#[test]
fn miri_reports_undefined_behaviour_and_a_clean_program_passes() {
    if !have_miri() {
        return;
    }
    let (code, r, md, _out) = walk(&[
        "-t",
        "stable",
        "--opt",
        "0",
        "--no-memcheck",
        "--miri",
        MIRI,
        "--only",
        "uninit",
        "--only",
        "layout_only",
    ]);
    assert_eq!(code, 1, "{md}");
    assert_eq!(r["verdict"]["miri_runs"], 2);
    assert_eq!(r["verdict"]["miri_errors"], 1, "{md}");
    let miri = r["miri"].as_array().unwrap();
    let ub = miri.iter().find(|m| m["program"] == "uninit").unwrap();
    let problem = ub["problem"].as_str().unwrap();
    assert!(
        problem.contains("Undefined Behavior") && problem.contains("uninit"),
        "{problem}"
    );
    let clean = miri.iter().find(|m| m["program"] == "layout_only").unwrap();
    assert!(clean.get("problem").is_none());
    assert_eq!(clean["log"]["check"]["kind"], "same");
}
