//! The runner's own tests: a wrong expectation must fail with FileCheck's diagnostic, bad
//! headers must be reported with file and line, and the expectation logic (expected failure,
//! unexpected pass, skip) must classify fake old toolchains correctly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A suite directory holding one copy of the seed fold test, edited by `edit`.
fn suite_with_fold(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(repo().join("codegen-tests/assembly/seed_fold.rs")).unwrap();
    std::fs::write(dir.path().join("seed_fold.rs"), edit(&src)).unwrap();
    dir
}

fn run_suite(dir: &Path, extra: &[&str]) -> Output {
    let suite = dir.to_str().unwrap();
    let out = dir.join("out");
    let mut args = vec![
        "run",
        "--suite",
        suite,
        "--out-dir",
        out.to_str().unwrap(),
        "--target",
        "x86_64-unknown-linux-gnu",
    ];
    args.extend_from_slice(extra);
    codegen(&args)
}

#[test]
fn unchanged_fold_test_passes() {
    let dir = suite_with_fold(|s| s.to_string());
    let o = run_suite(dir.path(), &["--toolchain", "stable"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 passed, 0 failed"), "{}", text(&o));
}

#[test]
fn wrong_expected_instruction_fails_with_filecheck_message() {
    let dir = suite_with_fold(|s| s.replace("// x86_64-NEXT: mov eax, 9", "// x86_64-NEXT: mov eax, 10"));
    let o = run_suite(dir.path(), &["--toolchain", "stable"]);
    let t = text(&o);
    assert!(!o.status.success(), "a wrong expectation passed:\n{t}");
    assert!(
        t.contains("error: x86_64-NEXT: expected string not found in input"),
        "no FileCheck diagnostic:\n{t}"
    );
    assert!(t.contains("mov eax, 10"), "{t}");
}

#[test]
fn unknown_directive_is_reported_with_file_and_line() {
    let dir = suite_with_fold(|s| s.replacen("//@ edition: 2018", "//@ editon: 2018", 1));
    let o = run_suite(dir.path(), &["--toolchain", "stable"]);
    let t = text(&o);
    assert!(!o.status.success());
    let line = std::fs::read_to_string(dir.path().join("seed_fold.rs"))
        .unwrap()
        .lines()
        .position(|l| l.contains("editon"))
        .unwrap()
        + 1;
    assert!(
        t.contains(&format!("seed_fold.rs:{line}: unknown or malformed directive `editon`")),
        "{t}"
    );
}

#[test]
fn missing_toolchain_is_skipped_with_a_message() {
    let dir = suite_with_fold(|s| s.to_string());
    let o = run_suite(
        dir.path(),
        &["--toolchain", "no-such-toolchain", "--toolchain", "stable"],
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        t.contains("codegen: skipping toolchain `no-such-toolchain` is not installed"),
        "{t}"
    );
}

/// A rustc that claims to be release `release` and either forwards to stable or fails.
fn fake_rustc(dir: &Path, release: &str, forward: bool) -> PathBuf {
    let real = Command::new("rustup")
        .args(["which", "--toolchain", "stable", "rustc"])
        .output()
        .unwrap();
    let real = String::from_utf8_lossy(&real.stdout).trim().to_string();
    let sysroot = Command::new(&real).args(["--print", "sysroot"]).output().unwrap();
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let body = if forward {
        format!("exec {real} \"$@\"")
    } else {
        "echo 'error[E0658]: async fn is unstable' >&2; exit 1".into()
    };
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n-vV) printf 'rustc {release}\\nbinary: rustc\\ncommit-hash: unknown\\ncommit-date: unknown\\nhost: x86_64-unknown-linux-gnu\\nrelease: {release}\\nLLVM version: 22.1.2\\n' ;;\n--print) case \"$2\" in sysroot) echo {sysroot} ;; *) exec {real} \"$@\" ;; esac ;;\n*) {body} ;;\nesac\n"
    );
    let path = dir.join(format!("rustc-{release}-{forward}"));
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn old_toolchain_failure_is_expected_and_old_pass_is_flagged() {
    let dir = suite_with_fold(|s| s.to_string());
    let failing = fake_rustc(dir.path(), "1.40.0", false);
    let o = run_suite(dir.path(), &["--toolchain", failing.to_str().unwrap()]);
    let t = text(&o);
    assert!(o.status.success(), "an expected failure must not fail the run:\n{t}");
    assert!(t.contains("xfail") && t.contains("needs 1.44.0"), "{t}");

    let passing = fake_rustc(dir.path(), "1.40.0", true);
    let o = run_suite(dir.path(), &["--toolchain", passing.to_str().unwrap()]);
    let t = text(&o);
    assert!(!o.status.success(), "an unexpected pass must be flagged:\n{t}");
    assert!(t.contains("XPASS"), "{t}");
}

/// A toolchain spec's rustc flags reach every compile (after the test's own flags), and the JSON
/// records them as the toolchain's field (the matrix JSON has the envelope flattened).
#[test]
fn toolchain_flags_reach_the_compile_and_the_json() {
    let dir = suite_with_fold(|s| s.to_string());
    let json = dir.path().join("matrix.json");
    let o = run_suite(
        dir.path(),
        &["-t", "stable -Cdebug-assertions=off", "--json", json.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        v["toolchains"][0]["flags"],
        serde_json::json!(["-Cdebug-assertions=off"])
    );
    let command = v["cases"][0]["command"].as_str().unwrap();
    assert!(command.ends_with(" -Cdebug-assertions=off"), "{command}");
}

/// Is `toolchain` installed with rust-src but without a prebuilt `core` for `target`?
fn has_src_but_no_core(toolchain: &str, target: &str) -> bool {
    let Ok(o) = Command::new("rustc")
        .args([&format!("+{toolchain}"), "--print", "sysroot"])
        .output()
    else {
        return false;
    };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    o.status.success()
        && sysroot.join("lib/rustlib/src/rust/library/core").is_dir()
        && !sysroot.join("lib/rustlib").join(target).join("lib").is_dir()
}

/// `--build-std` makes a toolchain without a prebuilt Cortex-M `core` (a release or a dated
/// nightly here: rustup serves them only rust-src) run the Cortex-M revision with a core built
/// from rust-src, and the fold is checked as on any other toolchain; without it the case is
/// skipped with the hint. Both a release and a nightly, because their cargos lay out a build's
/// files differently (1.99: one `deps/`; 1.101: a directory per unit).
#[test]
fn build_std_gives_cortex_m_cases_a_core_from_rust_src() {
    let target = "thumbv7em-none-eabihf";
    for toolchain in ["1.99.1", "nightly-2026-10-29"] {
        if !has_src_but_no_core(toolchain, target) {
            eprintln!("not run on {toolchain}: not installed with rust-src and without {target}'s core (scripts/setup.sh installs it so)");
            continue;
        }
        let dir = suite_with_fold(|s| s.to_string());
        let suite = dir.path().to_str().unwrap();
        // A relative out-dir, as the default is: the cores built under it must be found by rustc
        // calls whatever the working directory of the cargo that built them.
        let out_parent = tempfile::tempdir_in(repo().join("target")).unwrap();
        let out = out_parent.path().join("out");
        let out = out.strip_prefix(repo()).unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec![
                "run",
                "--suite",
                suite,
                "--out-dir",
                out.to_str().unwrap(),
                "--target",
                target,
                "--toolchain",
                toolchain,
            ];
            args.extend_from_slice(extra);
            codegen(&args)
        };
        let skipped = run(&[]);
        let t = text(&skipped);
        assert!(skipped.status.success(), "{t}");
        assert!(
            t.contains("0 passed, 0 failed, 1 skipped") && t.contains("or --build-std"),
            "{toolchain}: {t}"
        );
        let built = run(&["--build-std"]);
        let t = text(&built);
        assert!(built.status.success(), "{t}");
        assert!(t.contains("1 passed, 0 failed, 0 skipped"), "{toolchain}: {t}");
        assert!(
            t.contains(&format!("building core and alloc for {target} with {toolchain}")),
            "{t}"
        );
    }
}
