//! `bench rustc-perf` without rustc-perf: the error paths that must not need the collector's
//! 15-minute build. A missing tree stops with how to get it; a collector that cannot be built
//! leaves every case failed with cargo's error; a benchmark that fails on a toolchain is failed with
//! the collector's error while the others are measured, their counts read from the callgrind files
//! a fake `collector` writes in rustc-perf's naming.

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("rustc-perf")
        .args(args)
        .env_remove("HARNESS_SCRIPT")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A rustc-perf tree with benchmarks `good` and `bad` (and a workspace with a `site` member).
fn tree(root: &Path) -> PathBuf {
    let t = root.join("rustc-perf");
    for b in ["good", "bad"] {
        let d = t.join("collector/compile-benchmarks").join(b);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("perf-config.json"),
            "{\"category\": \"primary\", \"artifact\": \"library\"}",
        )
        .unwrap();
    }
    std::fs::write(
        t.join("collector/Cargo.toml"),
        "[package]\nname = \"collector\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    // `collector/src` is missing: cargo fails at once when it is asked to build this.
    std::fs::write(
        t.join("Cargo.toml"),
        "[workspace]\nmembers = [\"collector\", \"site\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    t
}

/// A `collector` that writes callgrind files as rustc-perf's does (Check: 1000, Debug: 2000
/// instructions) and fails on benchmark `bad`.
fn fake_collector(root: &Path) -> PathBuf {
    let path = root.join("collector");
    let script = r#"#!/bin/sh
[ "$1 $2" = "profile_local callgrind" ] || { echo "unexpected: $*" >&2; exit 2; }
shift 3
while [ $# -gt 0 ]; do
  case "$1" in
    --id) id=$2 ;; --exact-match) b=$2 ;; --profiles) profiles=$2 ;;
    --scenarios) scenarios=$2 ;; --out-dir) out=$2 ;;
  esac
  shift 2
done
[ -f "collector/compile-benchmarks/$b/perf-config.json" ] || { echo "error: no benchmark $b here" >&2; exit 1; }
if [ "$b" = bad ]; then
  echo "Executing benchmark bad (1/1)" >&2
  echo "collector error: Failed to profile 'bad' with Callgrind, recorded: boom" >&2
  exit 1
fi
for p in $(echo "$profiles" | tr , ' '); do
  for s in $(echo "$scenarios" | tr , ' '); do
    case $p in Check) n=1000 ;; *) n=2000 ;; esac
    printf 'events: Ir\nsummary: %s\n\ntotals: %s\n' $n $n > "$out/clgout-$id-$b-$p-$s"
  done
done
"#;
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn results(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

fn case<'a>(r: &'a Value, workload: &str, profile: &str) -> &'a Value {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["workload"] == workload && c["profile"] == profile)
        .unwrap_or_else(|| panic!("no case {workload} {profile}"))
}

#[test]
fn a_missing_tree_says_how_to_get_it() {
    let d = tempfile::tempdir().unwrap();
    let o = bench(&["-t", "stable", "--source", d.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rustc-perf's source tree is missing"), "{}", text(&o));
    assert!(err.contains("scripts/fork.sh fetch prepare"), "{}", text(&o));
}

#[test]
fn a_failing_benchmark_is_reported_and_the_rest_measured() {
    let d = tempfile::tempdir().unwrap();
    let t = tree(d.path());
    let out = d.path().join("out");
    let o = bench(&[
        "-t",
        "stable",
        "-t",
        "stable -Copt-level=1",
        "--source",
        t.to_str().unwrap(),
        "--collector",
        fake_collector(d.path()).to_str().unwrap(),
        "-b",
        "bad,good",
        "-p",
        "check,debug",
        "--out",
        out.to_str().unwrap(),
        "--work-dir",
        d.path().join("work").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("[1/2] stable / bad (check,debug; full)"), "{}", text(&o));
    assert!(err.contains("1 left after this"), "{}", text(&o));
    let r = results(&out);
    assert_eq!(r["envelope"]["schema"], "compile-bench/1");
    assert_eq!(r["state"]["state"], "complete");
    assert_eq!(case(&r, "good", "check")["instructions"], serde_json::json!([1000]));
    assert_eq!(case(&r, "good", "debug")["instructions"], serde_json::json!([2000]));
    let bad = &case(&r, "bad", "check")["status"];
    assert_eq!(bad["status"], "failed");
    assert!(
        bad["reason"]
            .as_str()
            .unwrap()
            .contains("collector error: Failed to profile 'bad'"),
        "{bad}"
    );
    // A spec with rustc flags is not something rustc-perf can run; it is listed, not measured.
    let unavailable = r["envelope"]["unavailable_toolchains"].to_string();
    assert!(unavailable.contains("without extra rustc flags"), "{unavailable}");
    assert_eq!(r["rustc_perf"]["build"]["status"], "prebuilt");
    assert_eq!(r["rustc_perf"]["bench_local"]["status"], "skipped");
    let check = &r["rustc_perf"]["toolchain_checks"][0];
    assert_eq!(
        (check["changed"].as_bool(), check["attempts"].as_u64()),
        (Some(false), Some(1))
    );
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| good | full | 1.00 k |"), "{md}");
    assert!(md.contains("| bad | full | failed |"), "{md}");
    // The common part is a results file our collector reads (compare, report).
    let o = Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(["compare", out.to_str().unwrap(), out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_collector_that_cannot_be_built_fails_every_case_with_the_reason() {
    let d = tempfile::tempdir().unwrap();
    let t = tree(d.path());
    let out = d.path().join("out");
    let o = bench(&[
        "-t",
        "stable",
        "--source",
        t.to_str().unwrap(),
        "--build-toolchain",
        "stable",
        "--build-dir",
        d.path().join("build").to_str().unwrap(),
        "-b",
        "good",
        "-p",
        "check",
        "--out",
        out.to_str().unwrap(),
        "--work-dir",
        d.path().join("work").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = results(&out);
    assert_eq!(r["rustc_perf"]["build"]["status"], "failed");
    let reason = case(&r, "good", "check")["status"]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.starts_with("rustc-perf's collector could not be built"),
        "{reason}"
    );
    assert!(reason.contains("build.log"), "{reason}");
    // The copy left `site` out of the workspace; the tree itself is untouched.
    let copy = std::fs::read_to_string(d.path().join("build/src/Cargo.toml")).unwrap();
    assert!(
        !copy.contains("\"site\", ") && copy.contains("exclude = [\"site\"]"),
        "{copy}"
    );
    assert!(std::fs::read_to_string(t.join("Cargo.toml"))
        .unwrap()
        .contains("\"site\""));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("could not be built"), "{md}");
}

#[test]
fn the_fork_waits_while_the_marker_exists() {
    let d = tempfile::tempdir().unwrap();
    let t = tree(d.path());
    let out = d.path().join("out");
    let marker = d.path().join("fork-busy");
    std::fs::write(&marker, "").unwrap();
    let gone = marker.clone();
    let remover = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        std::fs::remove_file(gone).unwrap();
    });
    let o = bench(&[
        "-t",
        "async-fork",
        "-t",
        "stable",
        "--wait-while",
        marker.to_str().unwrap(),
        "--source",
        t.to_str().unwrap(),
        "--collector",
        fake_collector(d.path()).to_str().unwrap(),
        "-b",
        "good",
        "-p",
        "check",
        "--out",
        out.to_str().unwrap(),
        "--work-dir",
        d.path().join("work").to_str().unwrap(),
    ]);
    remover.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    // The fork goes last, after stable, once the marker is gone (then it is measured when it is
    // linked on this machine, else listed as unavailable).
    assert!(err.contains("async-fork is measured last"), "{}", text(&o));
    let stable = err.find("[1/2] stable / good").expect("stable first");
    let wait = err.find("waiting while").expect("a wait");
    assert!(stable < wait, "{}", text(&o));
    let r = results(&out);
    assert_eq!(r["run"]["baseline"], "stable");
    assert_eq!(case(&r, "good", "check")["instructions"], serde_json::json!([1000]));
    let fork_listed = r["envelope"]["toolchains"].to_string().contains("\"async-fork\"")
        || r["envelope"]["unavailable_toolchains"]
            .to_string()
            .contains("async-fork");
    assert!(fork_listed, "{r}");
}

#[test]
fn resume_keeps_what_the_same_compiler_measured() {
    let d = tempfile::tempdir().unwrap();
    let t = tree(d.path());
    let out = d.path().join("out");
    let collector = fake_collector(d.path());
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = [
            "-t",
            "stable",
            "--source",
            t.to_str().unwrap(),
            "--collector",
            collector.to_str().unwrap(),
            "-b",
            "good,bad",
            "-p",
            "check",
            "--out",
            out.to_str().unwrap(),
            "--work-dir",
            d.path().join("work").to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        bench(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Now every collector run fails: `good` is kept from the first run, `bad` is tried again.
    std::fs::write(&collector, "#!/bin/sh\necho 'collector error: no more' >&2\nexit 1\n").unwrap();
    let o = run(&["--resume"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("stable / good: kept from the run of"), "{}", text(&o));
    let r = results(&out);
    let good = case(&r, "good", "check");
    assert_eq!(good["instructions"], serde_json::json!([1000]));
    assert!(good["notes"].to_string().contains("kept by --resume"), "{good}");
    // Kept again: still one note, naming the run that measured it.
    let o = run(&["--resume"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let again = results(&out);
    assert_eq!(case(&again, "good", "check")["notes"], good["notes"]);
    assert!(case(&r, "bad", "check")["status"]["reason"]
        .as_str()
        .unwrap()
        .contains("no more"));
}
