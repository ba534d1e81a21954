//! `--memcheck` end to end: a planted layout bug that memcheck alone sees is caught and saved
//! with its reproducer, a clean toolchain stays clean, and the future-size corpus program runs
//! clean under memcheck on stable. Skipped (with a note) where valgrind is missing, unless
//! DIFFTEST_MEMCHECK_REQUIRED=1 (scripts/test.sh sets it: setup installs valgrind).

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn valgrind_or_skip() -> bool {
    let found = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("DIFFTEST_MEMCHECK_REQUIRED").as_deref() != Ok("1"),
            "valgrind is required (DIFFTEST_MEMCHECK_REQUIRED=1) but does not run"
        );
        eprintln!("skipped: no valgrind");
    }
    found
}

fn difftest(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_difftest"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn difftest_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_difftest"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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

/// A fake compiler with a planted layout bug: the real stable rustc, but every future the
/// program's executor boxes is put in a heap block one byte smaller than the future's type (as a
/// compiler that computes a coroutine's size too small would). One byte stays inside malloc's
/// rounding, so natively nothing breaks and the program prints exactly what it should; only
/// memcheck, which knows the size asked for, sees the accesses past the block.
fn shrinking_compiler(dir: &Path) -> PathBuf {
    let real = common::stable().info.rustc;
    let shrunk = r#"
fn shrunk<F: Future>(f: F) -> Pin<Box<F>> {
    let size = std::mem::size_of::<F>().saturating_sub(1).max(1);
    let layout = std::alloc::Layout::from_size_align(size, std::mem::align_of::<F>()).unwrap();
    unsafe {
        let p = std::alloc::alloc(layout) as *mut F;
        p.write(f);
        Box::into_pin(Box::from_raw(p))
    }
}
"#;
    std::fs::write(dir.join("shrunk.rs"), shrunk).unwrap();
    let script = dir.join("rustc-shrinking");
    let body = format!(
        "#!/usr/bin/env bash\nset -e\nargs=()\nfor a in \"$@\"; do\n  if [[ \"$a\" == *.rs ]]; then\n    \
         p=\"$(dirname \"$a\")/planted_$(basename \"$a\")\"\n    \
         sed 's/let mut f = Box::pin(f);/let mut f = shrunk(f);/' \"$a\" > \"$p\"\n    \
         cat {shrunk} >> \"$p\"\n    args+=(\"$p\")\n  else\n    args+=(\"$a\")\n  fi\ndone\n\
         exec {real} \"${{args[@]}}\"\n",
        shrunk = dir.join("shrunk.rs").display(),
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

#[test]
fn a_future_in_too_small_a_block_is_caught_by_memcheck() {
    if !valgrind_or_skip() {
        return;
    }
    let seed = 4;
    assert!(
        difftest::source_for_seed(seed).contains("let mut f = Box::pin(f);"),
        "the prelude no longer boxes futures: the planted edit misses"
    );
    let tmp = tempfile::tempdir().unwrap();
    let fake = shrinking_compiler(tmp.path());
    let run = |out: &Path, memcheck: bool| {
        let mut args = vec![
            "--toolchain".to_string(),
            "stable".into(),
            "--toolchain".into(),
            fake.display().to_string(),
            "--seeds".into(),
            "1".into(),
            "--start".into(),
            seed.to_string(),
            "--opt".into(),
            "0".into(),
            "--reduce-budget".into(),
            "0".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        if memcheck {
            args.push("--memcheck".into());
        }
        difftest(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    // Without memcheck the planted bug goes unseen: the transcripts are the same.
    let (code, log) = run(&tmp.path().join("native"), false);
    assert_eq!(code, 0, "natively the planted bug should not show:\n{log}");
    let out = tmp.path().join("out");
    let (code, log) = run(&out, true);
    assert_eq!(code, 1, "the planted bug must be a difference:\n{log}");
    let s = summary(&out);
    assert_eq!(s["schema"], "difftest/3");
    assert!(s["memcheck"].as_str().unwrap().starts_with("valgrind"), "{s:#}");
    let diffs = s["differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{s:#}");
    let d = &diffs[0]["difference"];
    assert_eq!(d["kind"], "memcheck", "{d}");
    assert_eq!(d["side"], "b", "{d}");
    assert!(d["detail"].as_str().unwrap().contains("Invalid"), "{d}");
    assert_eq!(s["totals"]["memcheck_runs"], 2, "{s:#}");
    assert_eq!(s["totals"]["memcheck_unclean"], 1, "only the planted side: {s:#}");
    let dir = Path::new(diffs[0]["dir"].as_str().unwrap());
    let b = std::fs::read_to_string(dir.join("b.txt")).unwrap();
    assert!(
        b.contains("Invalid write"),
        "the reproducer keeps valgrind's report:\n{b}"
    );
    let a = std::fs::read_to_string(dir.join("a.txt")).unwrap();
    assert!(a.contains("memcheck: clean"), "{a}");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("--memcheck") && readme.contains(&format!("gen --seed {seed}")),
        "{readme}"
    );
    assert!(dir.join("source.rs").is_file());
}

#[test]
fn stable_is_clean_under_memcheck() {
    if !valgrind_or_skip() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let (code, log) = difftest(&[
        "--toolchain",
        "stable",
        "--seeds",
        "2",
        "--start",
        "30",
        "--opt",
        "0",
        "--memcheck",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{log}");
    let s = summary(out.path());
    assert_eq!(s["totals"]["memcheck_runs"], 4, "{s:#}");
    assert_eq!(s["totals"]["memcheck_unclean"], 0, "{s:#}");
    assert!(log.contains("4 runs under memcheck"), "{log}");
}

#[test]
fn the_future_size_corpus_is_clean_under_memcheck_on_stable() {
    if !valgrind_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let work = tmp.path().join("work");
    // A relative work folder, as the default is, from the folder the tool runs in.
    let (code, log) = difftest_in(
        tmp.path(),
        &[
            "memcheck-corpus",
            "--toolchain",
            "stable",
            "--opt",
            "0",
            "--out",
            out.to_str().unwrap(),
            "--work-dir",
            "work",
        ],
    );
    assert_eq!(code, 0, "{log}");
    let s = summary(&out);
    assert_eq!(s["clean"], true, "{s:#}");
    assert!(s["cases"].as_u64().unwrap() > 10, "{s:#}");
    assert_eq!(s["builds"][0]["memcheck"]["errors"], 0, "{s:#}");
    assert!(work.join("future_size_corpus.rs").is_file());
}
