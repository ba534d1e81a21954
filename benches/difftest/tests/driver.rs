//! The driver end to end, through the binary `scripts/difftest.sh` runs: stable against itself
//! finds nothing, and a planted miscompile (a fake toolchain) is caught, saved and reduced.

mod common;

use difftest::build::{build_and_run, Compiler, Limits};
use difftest::compare::{compare, DiffKind};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn difftest(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_difftest"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

fn summary(out: &Path) -> Value {
    let json = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a summary JSON");
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

#[test]
fn stable_against_itself_finds_nothing() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--seeds",
        "3",
        "--start",
        "10",
        "--opt",
        "0,3",
        "--out",
        o,
    ]);
    assert_eq!(code, 0, "{log}");
    let s = summary(out.path());
    assert_eq!(s["schema"], "difftest/3");
    assert_eq!(s["totals"]["comparisons"], 6, "{s:#}");
    assert_eq!(s["totals"]["identical"], 6, "{s:#}");
    assert_eq!(s["differences"].as_array().unwrap().len(), 0);
    assert!(log.contains("[   3/3]"), "progress lines missing:\n{log}");
}

/// The statement the fake toolchain alters: the first read of a statement's local into `acc`.
const PLANTED: &str = "acc = mix(acc, v.val());";

/// A fake toolchain: the real stable rustc, but the program it compiles is first edited by the
/// sed script `edit`, as a compiler bug would change one statement's meaning.
fn fake_toolchain(dir: &Path, name: &str, edit: &str) -> std::path::PathBuf {
    let real = common::stable().info.rustc;
    let script = dir.join(name);
    let body = format!(
        "#!/usr/bin/env bash\nset -e\nargs=()\nfor a in \"$@\"; do\n  if [[ \"$a\" == *.rs ]]; then\n    \
         p=\"$(dirname \"$a\")/planted_$(basename \"$a\")\"\n    sed '{edit}' \"$a\" > \"$p\"\n    \
         args+=(\"$p\")\n  else\n    args+=(\"$a\")\n  fi\ndone\nexec {real} \"${{args[@]}}\"\n",
        real = real.display()
    );
    std::fs::write(&script, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

/// The first `PLANTED` statement gets `acc ^ 1` instead of `acc`.
fn planted_miscompile(dir: &Path) -> std::path::PathBuf {
    let edit = format!("0,/{}/s//acc = mix(acc ^ 1, v.val());/", regex_escape(PLANTED));
    fake_toolchain(dir, "rustc-planted", &edit)
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if ".*[]^$/\\".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn planted_difference_is_caught_and_reduced() {
    // A seed whose root fn runs the planted statement before anything can end it early.
    let seed = 7;
    let source = difftest::source_for_seed(seed);
    assert!(
        source.contains(PLANTED),
        "seed {seed} no longer contains the planted statement"
    );
    let tmp = tempfile::tempdir().unwrap();
    let fake = planted_miscompile(tmp.path());
    let out = tmp.path().join("out");
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--toolchain",
        fake.to_str().unwrap(),
        "--seeds",
        "1",
        "--start",
        &seed.to_string(),
        "--opt",
        "0",
        "--reduce-budget",
        "80",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "the driver must fail on a difference:\n{log}");
    let s = summary(&out);
    let diffs = s["differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{s:#}");
    assert_eq!(diffs[0]["difference"]["kind"], "transcript");
    let red = &diffs[0]["reduction"];
    assert!(
        red["stmts_after"].as_u64().unwrap() < red["stmts_before"].as_u64().unwrap(),
        "{red}"
    );

    // The reproducer folder is complete, and its reduced program is smaller and still differs.
    let dir = Path::new(diffs[0]["dir"].as_str().unwrap());
    for f in ["README.md", "source.rs", "a.txt", "b.txt", "reduced.rs"] {
        assert!(dir.join(f).is_file(), "{f} missing in {}", dir.display());
    }
    assert_eq!(std::fs::read_to_string(dir.join("source.rs")).unwrap(), source);
    let reduced = std::fs::read_to_string(dir.join("reduced.rs")).unwrap();
    assert!(
        reduced.len() < source.len(),
        "reduced {} bytes vs {}",
        reduced.len(),
        source.len()
    );
    let check = tempfile::tempdir().unwrap();
    let src = check.path().join("reduced.rs");
    std::fs::write(&src, &reduced).unwrap();
    let fake_tc = Compiler::from_spec(fake.to_str().unwrap()).unwrap();
    let o0 = "0".parse().unwrap();
    let a = build_and_run(&common::stable(), &src, check.path(), "a", &o0, Limits::default());
    let b = build_and_run(&fake_tc, &src, check.path(), "b", &o0, Limits::default());
    let d = compare(&a, &b).expect("the reduced program must still differ");
    assert_eq!(d.kind, DiffKind::Transcript, "{d:?}");
}

/// With the fork linked (`scripts/fork.sh link`) and built, a few seeds must also behave the
/// same under stable and the fork. Without a usable fork there is nothing to compare, and the
/// test says so on stderr.
#[test]
fn stable_against_the_fork_when_linked() {
    let fork = harness::toolchain::FORK_TOOLCHAIN;
    match harness::Toolchain::parse(fork).resolve() {
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
        // Linked but still being built: no std for the host yet.
        Ok(tc) if !tc.has_core_for(&harness::Target::new(harness::target::HOST)) => {
            eprintln!("skipped: {fork} has no core/std for the host yet");
            return;
        }
        Ok(_) => {}
    }
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--toolchain",
        fork,
        "--seeds",
        "3",
        "--start",
        "20",
        "--out",
        o,
    ]);
    assert_eq!(code, 0, "stable and {fork} differ:\n{log}");
    let s = summary(out.path());
    assert_eq!(s["totals"]["identical"], 6, "{s:#}");
}

/// A program that crashes under one toolchain, and one that only one toolchain rejects, are
/// both differences, classified as such (reduction off: the planted test covers it).
#[test]
fn crash_and_one_sided_rejection_are_differences() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "rustc-abort",
            "s/^fn main() {$/fn main() { std::process::abort();/",
            "crash",
        ),
        (
            "rustc-reject",
            "0,/yield_now().await;/s//yield_now().await; compile_error!(\"planted\");/",
            "compile_one_side",
        ),
    ];
    // Extra rustc flags in a toolchain spec reach rustc: an unknown one is a rejection.
    let specs: Vec<(String, &str, &str)> = cases
        .iter()
        .map(|(name, edit, kind)| {
            (
                fake_toolchain(tmp.path(), name, edit).display().to_string(),
                *name,
                *kind,
            )
        })
        .chain([("stable -Cno-such-option=1".to_string(), "flags", "compile_one_side")])
        .collect();
    for (spec, name, kind) in specs {
        let out = tmp.path().join(name).with_extension("out");
        let (code, log) = difftest(&[
            "--toolchain",
            "stable",
            "--toolchain",
            &spec,
            "--seeds",
            "1",
            "--start",
            "3",
            "--opt",
            "0",
            "--reduce-budget",
            "0",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{name}: the driver must fail:\n{log}");
        let s = summary(&out);
        let d = &s["differences"][0]["difference"];
        assert_eq!(d["kind"], kind, "{name}: {s:#}");
        assert_eq!(d["side"], "b", "{name}: {s:#}");
    }
}

/// With a time budget that is already spent, no seed runs, and the summary says so.
#[test]
fn time_budget_stops_early_and_says_so() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--seeds",
        "5",
        "--max-minutes",
        "0",
        "--out",
        o,
    ]);
    assert_eq!(code, 0, "{log}");
    let s = summary(out.path());
    assert_eq!(s["totals"]["seeds_run"], 0, "{s:#}");
    assert_eq!(s["totals"]["stopped_early"], true, "{s:#}");
    assert!(log.contains("0 of 5 seeds run"), "{log}");
}

/// A toolchain whose files change during the campaign (a fork being rebuilt) stops it: the seed
/// that saw the change is discarded, the summary says why, and the exit status is 2.
#[test]
fn a_toolchain_changing_during_the_campaign_stops_it() {
    let tmp = tempfile::tempdir().unwrap();
    let real = common::stable().info.rustc;
    let script = tmp.path().join("rustc-rebuilt");
    // Every compile appends to the script itself, as a rebuild replaces the binary.
    let body = format!(
        "#!/usr/bin/env bash\ncase \"$*\" in *.rs*) echo '# rebuilt' >> \"$0\";; esac\nexec {} \"$@\"\n",
        real.display()
    );
    std::fs::write(&script, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = tmp.path().join("out");
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--toolchain",
        script.to_str().unwrap(),
        "--seeds",
        "3",
        "--opt",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{log}");
    let s = summary(&out);
    assert_eq!(s["totals"]["seeds_run"], 0, "{s:#}");
    assert!(
        s["totals"]["toolchain_changed"]
            .as_str()
            .unwrap()
            .contains("changed on disk"),
        "{s:#}"
    );
}
