//! End-to-end tests of `bench run` with fake compilers: an unknown toolchain, a toolchain that
//! rejects a workload (as 1.42 rejects async in no_std), a rustc that aborts, and Ctrl-C. Each must
//! give a clear message and a results file with everything else intact.
//!
//! The fake rustc is a shell script in front of the real stable rustc: it answers `-vV` as an old
//! release and misbehaves only on the leaf crate `wl_b`. Runs use `--metric none` (no callgrind) and
//! one profile and scenario, so each test takes a few seconds.

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn real_rustc() -> String {
    let out = Command::new("rustup")
        .args(["which", "--toolchain", "stable", "rustc"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Two tiny workloads, `wl-a` and `wl-b`, in rustc-perf layout.
fn workloads(root: &Path) -> PathBuf {
    let dir = root.join("workloads");
    for name in ["wl-a", "wl-b"] {
        let w = dir.join(name);
        std::fs::create_dir_all(w.join("src")).unwrap();
        std::fs::write(
            w.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2018\"\n\n[workspace]\n"),
        )
        .unwrap();
        std::fs::write(w.join("src/lib.rs"), "pub async fn f() -> u32 { 1 }\n").unwrap();
        std::fs::write(
            w.join("perf-config.json"),
            "{\"category\": \"primary\", \"artifact\": \"library\"}\n",
        )
        .unwrap();
    }
    dir
}

/// A rustc that claims to be 1.42.0 and does `on_wl_b` (shell) when compiling crate `wl_b`.
fn fake_rustc(root: &Path, on_wl_b: &str) -> PathBuf {
    let path = root.join("fake-rustc");
    let script = format!(
        r#"#!/bin/sh
for a in "$@"; do
  if [ "$a" = "-vV" ]; then
    printf 'rustc 1.42.0 (b8cedc004 2020-03-09)\nbinary: rustc\ncommit-hash: b8cedc00407a4c56a3bda1ed605c6fc166655447\ncommit-date: 2020-03-09\nhost: x86_64-unknown-linux-gnu\nrelease: 1.42.0\nLLVM version: 9.0\n'
    exit 0
  fi
done
case " $* " in
  *" --crate-name wl_b "*) {on_wl_b} ;;
esac
exec '{real}' "$@"
"#,
        real = real_rustc()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn bench(root: &Path, toolchains: &[&str]) -> (Output, Value) {
    bench_in(root, toolchains, "full", &root.join("work"))
}

/// The `bench run` command of [`bench_in`], without `-q`.
fn bench_command(root: &Path, toolchains: &[&str], scenario: &str, work: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bench"));
    cmd.env_remove("HARNESS_COMMAND").env_remove("HARNESS_SCRIPT");
    cmd.args([
        "run",
        "--metric",
        "none",
        "-p",
        "check",
        "-s",
        scenario,
        "--reps",
        "1",
        "--no-self-profile",
    ])
    .args(["-w", "wl-a", "-w", "wl-b"])
    .arg("--workloads-dir")
    .arg(root.join("workloads"))
    .arg("--work-dir")
    .arg(work)
    .arg("--out")
    .arg(root.join("out"));
    for t in toolchains {
        cmd.args(["-t", t]);
    }
    cmd
}

/// `bench run` of both workloads in `scenario`, building under `work`.
fn bench_in(root: &Path, toolchains: &[&str], scenario: &str, work: &Path) -> (Output, Value) {
    let mut cmd = bench_command(root, toolchains, scenario, work);
    cmd.arg("-q");
    let out = cmd.output().unwrap();
    let json = std::fs::read_to_string(root.join("out/results.json")).expect("results.json is written");
    (out, serde_json::from_str(&json).expect("results.json is valid JSON"))
}

fn case<'a>(v: &'a Value, toolchain: &str, workload: &str) -> &'a Value {
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["toolchain"].as_str().unwrap().ends_with(toolchain) && c["workload"] == workload)
        .unwrap_or_else(|| panic!("no case {toolchain}/{workload} in {v:#}"))
}

fn measured(c: &Value) -> bool {
    c["status"]["status"] == "measured" && c["wall_s"].as_array().is_some_and(|a| !a.is_empty())
}

#[test]
fn unknown_toolchain_is_listed_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let (out, v) = bench(tmp.path(), &["stable", "no-such-toolchain-xyz"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipping toolchain `no-such-toolchain-xyz` is not installed"),
        "{stderr}"
    );
    assert_eq!(
        v["envelope"]["unavailable_toolchains"][0]["NotInstalled"]["toolchain"],
        "no-such-toolchain-xyz"
    );
    assert!(
        measured(case(&v, "stable", "wl-a")) && measured(case(&v, "stable", "wl-b")),
        "{v:#}"
    );
    assert_eq!(v["state"]["state"], "complete");
}

#[test]
fn workload_rejected_by_an_old_toolchain_is_unsupported() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let fake = fake_rustc(tmp.path(), "echo 'error[E0658]: async fn is unstable' >&2; exit 1");
    let (out, v) = bench(tmp.path(), &["stable", fake.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let b = case(&v, "fake-rustc", "wl-b");
    assert_eq!(b["status"]["status"], "unsupported", "{b:#}");
    assert_eq!(b["status"]["first_error"], "error[E0658]: async fn is unstable");
    assert!(measured(case(&v, "fake-rustc", "wl-a")));
    assert!(measured(case(&v, "stable", "wl-b")));
    let summary = std::fs::read_to_string(tmp.path().join("out/summary.md")).unwrap();
    assert!(
        summary.contains("unsupported on this toolchain: error[E0658]: async fn is unstable"),
        "{summary}"
    );
}

/// `-t "TOOLCHAIN FLAGS"`: the flags go to the measured rustc invocation only, the case is reported
/// under the whole spec, and `-Z` on a release is refused up front.
#[test]
fn toolchain_flags_reach_the_measured_invocation() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let (out, v) = bench(
        tmp.path(),
        &[
            "stable",
            "stable  --cfg bench_flag",
            "stable -Copt-level=9",
            "stable -Zunstable-options",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let flagged = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["toolchain"] == "stable --cfg bench_flag" && c["workload"] == "wl-a")
        .unwrap_or_else(|| panic!("no case for the flagged toolchain in {v:#}"));
    assert!(measured(flagged), "{flagged:#}");
    assert!(
        flagged["command"].as_str().unwrap().ends_with(" --cfg bench_flag"),
        "{flagged:#}"
    );
    // The flags are a field of the toolchain in results.json, not only part of its name.
    let recorded = v["envelope"]["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "stable --cfg bench_flag")
        .unwrap_or_else(|| panic!("no flagged toolchain in {v:#}"));
    assert_eq!(
        recorded["flags"],
        serde_json::json!(["--cfg", "bench_flag"]),
        "{recorded:#}"
    );
    assert!(!case(&v, "stable", "wl-a")["command"]
        .as_str()
        .unwrap()
        .contains("bench_flag"));
    // A flag rustc rejects makes the cases unsupported with rustc's own words: it did reach rustc.
    let bad = case(&v, "stable -Copt-level=9", "wl-a");
    assert_eq!(bad["status"]["status"], "unsupported", "{bad:#}");
    assert!(
        bad["status"]["first_error"]
            .as_str()
            .unwrap()
            .contains("optimization level"),
        "{bad:#}"
    );
    assert!(
        stderr.contains("`stable -Zunstable-options`") && stderr.contains("nightly or dev"),
        "{stderr}"
    );
    assert_eq!(
        v["envelope"]["unavailable_toolchains"][0]["NotRunnable"]["toolchain"],
        "stable -Zunstable-options"
    );
}

/// Where a run builds must not change what rustc computes: the absolute paths of the sources
/// enter the crate hash (SVH), hence every fingerprint in the incremental cache, and two runs in two
/// scratch directories counted `incr-unchanged` up to 0.75% apart. The finalized incremental
/// session directory ends with the SVH, so two runs in directories of different names and lengths
/// must end their sessions with the same one.
#[test]
fn crate_hash_does_not_depend_on_the_work_dir() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let mut hashes = Vec::new();
    for work in ["work-a", "another-work-dir"] {
        let work = tmp.path().join(work);
        let (out, v) = bench_in(tmp.path(), &["stable"], "incr-unchanged", &work);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(measured(case(&v, "stable", "wl-a")), "{v:#}");
        let incr = work.join("stable/wl-a/check/incr");
        let mut svh: Vec<String> = std::fs::read_dir(&incr)
            .unwrap_or_else(|e| panic!("{}: {e}", incr.display()))
            .flat_map(|crate_dir| std::fs::read_dir(crate_dir.unwrap().path()).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("s-") && !n.ends_with(".lock"))
            .map(|n| n.rsplit('-').next().unwrap().to_string())
            .collect();
        svh.sort();
        svh.dedup();
        assert_eq!(
            svh.len(),
            1,
            "one finished session hash expected in {}: {svh:?}",
            incr.display()
        );
        hashes.push(svh.remove(0));
    }
    assert_eq!(hashes[0], hashes[1], "the crate hash depends on the work directory");
}

#[test]
fn rustc_crash_fails_that_case_only() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let fake = fake_rustc(tmp.path(), "kill -ABRT $$");
    let (out, v) = bench(tmp.path(), &["stable", fake.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // stderr is a pipe here (no terminal, and -q): the failure is still said there, with the case.
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("fake-rustc / wl-b / check / full") && l.contains("SIGABRT")),
        "{stderr}"
    );
    let b = case(&v, "fake-rustc", "wl-b");
    assert_eq!(b["status"]["status"], "failed", "{b:#}");
    assert!(b["status"]["reason"].as_str().unwrap().contains("SIGABRT"), "{b:#}");
    assert!(measured(case(&v, "fake-rustc", "wl-a")));
    assert!(measured(case(&v, "stable", "wl-a")) && measured(case(&v, "stable", "wl-b")));
}

#[test]
fn ctrl_c_keeps_what_was_measured() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    // Only in the measured replay (the wrapper's variables are gone there), the compiler sends
    // SIGINT to its parent, the collector, as a terminal's Ctrl-C would.
    let fake = fake_rustc(
        tmp.path(),
        r#"if [ -z "$BENCH_RUSTC_WRAPPER" ]; then kill -INT $PPID; sleep 1; fi"#,
    );
    let (out, v) = bench(tmp.path(), &[fake.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted; saving what was measured"), "{stderr}");
    assert_eq!(v["state"]["state"], "interrupted");
    assert!(measured(case(&v, "fake-rustc", "wl-a")), "{v:#}");
    assert_eq!(case(&v, "fake-rustc", "wl-b")["status"]["status"], "pending");
    let summary = std::fs::read_to_string(tmp.path().join("out/summary.md")).unwrap();
    assert!(summary.contains("**interrupted**"), "{summary}");
}

#[test]
fn corrupt_results_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("results.json");
    std::fs::write(&f, "{\"envelope\": {\"schema\": \"compile-bench/1\", ").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("compare")
        .arg(&f)
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("is corrupt: not valid JSON"), "{stderr}");
}

/// Without `-q` and with stderr redirected to a file (as under CI or `2> log`), the progress bar is
/// hidden; a failing case must still be reported there, not only in results.json.
#[test]
fn a_failing_case_is_reported_in_a_redirected_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    workloads(tmp.path());
    let fake = fake_rustc(tmp.path(), "kill -ABRT $$");
    let log = tmp.path().join("stderr.log");
    let status = bench_command(tmp.path(), &[fake.to_str().unwrap()], "full", &tmp.path().join("work"))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .status()
        .unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("fake-rustc / wl-b / check / full") && l.contains("SIGABRT")),
        "{text}"
    );
}
