//! Every folder under `benches/workloads/` is a rustc-perf compile benchmark that stands alone.
//!
//! rustc-perf's collector reads a benchmark folder's `perf-config.json` into its `BenchmarkConfig`,
//! copies the folder by itself into a temporary directory (`cp -pLR`), refuses to build when that
//! copy has no `Cargo.lock` ("cannot resolve Cargo.lock"), and fails when the build changes the
//! lockfile. It cannot run here, so this test checks what its loader and its copy need:
//!
//! - `perf-config.json` parses as `BenchmarkConfig` does (same fields, types, defaults and enum
//!   spellings; a field it does not know is refused here, since rustc-perf would silently ignore a
//!   misspelled one), uses only the fields our collector also honours, and parses as our collector
//!   reads it;
//! - `Cargo.toml` has its own `[workspace]` table (rustc-perf's own test checks this too);
//! - `Cargo.lock` is committed, and no symlink leads out of the folder;
//! - the folder copied alone into an empty temporary directory resolves (`cargo metadata --locked
//!   --offline`) with every local package and source file inside the copy, builds (`cargo build
//!   --locked --offline` plus the config's `cargo_opts`, with stable), and leaves `Cargo.lock` as
//!   committed.
//!
//! The negative tests below show that each rule can fail: a folder without its lockfile, a folder
//! whose source lies outside it, a misspelled config field.

use anyhow::{bail, ensure, Context as _};
use harness::{Target, Toolchain, ToolchainInfo};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// rustc-perf's `BenchmarkConfig` (`collector/src/compile/benchmark/mod.rs` of the rustc-perf in
/// rustc 1.95.0's source tree), field for field; only `deny_unknown_fields` is ours.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the fields are read by serde; their presence is what is checked
struct BenchmarkConfig {
    cargo_opts: Option<String>,
    cargo_rustc_opts: Option<String>,
    cargo_toml: Option<String>,
    #[serde(default)]
    disabled: bool,
    #[serde(default = "default_runs")]
    runs: usize,
    #[serde(default)]
    touch_file: Option<String>,
    category: Category,
    #[serde(default)]
    excluded_profiles: HashSet<Profile>,
    #[serde(default)]
    excluded_scenarios: HashSet<Scenario>,
    artifact: ArtifactType,
    #[serde(default)]
    package: Option<String>,
}

fn default_runs() -> usize {
    3
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Category {
    Primary,
    Secondary,
    Stable,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ArtifactType {
    Binary,
    Library,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Hash)]
enum Profile {
    Check,
    Debug,
    Doc,
    DocJson,
    Opt,
    Clippy,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Hash)]
enum Scenario {
    Full,
    IncrFull,
    IncrUnchanged,
    IncrPatched,
}

/// The `perf-config.json` fields our collector reads. A workload using any other field would be
/// measured differently by rustc-perf and by us, so it is refused until the collector honours it.
const FIELDS_WE_HONOUR: [&str; 3] = ["category", "artifact", "cargo_opts"];

fn workloads_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads");
    dir.canonicalize().unwrap_or(dir)
}

/// Is `path` inside `dir`, `..` components included in the judgement (cargo reports a `[lib]
/// path = "../x.rs"` as written, joined to the manifest's folder)?
fn inside(path: &Path, dir: &Path) -> bool {
    path.starts_with(dir) && !path.components().any(|c| c == std::path::Component::ParentDir)
}

fn stable() -> ToolchainInfo {
    Toolchain::Rustup("stable".into())
        .resolve()
        .expect("the stable toolchain (scripts/setup.sh installs it)")
}

/// What checking one folder found out.
#[derive(Debug)]
struct Checked {
    /// `cargo build` ran in the isolated copy (false: the target's `core` is missing, so only
    /// `cargo metadata` ran).
    built: bool,
}

fn check_config(dir: &Path) -> anyhow::Result<Option<Target>> {
    let path = dir.join("perf-config.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: BenchmarkConfig = serde_json::from_str(&text)
        .with_context(|| format!("{} is not what rustc-perf's BenchmarkConfig reads", path.display()))?;
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)?;
    for field in fields.keys() {
        ensure!(
            FIELDS_WE_HONOUR.contains(&field.as_str()),
            "{}: field `{field}` is read by rustc-perf but not by our collector (it honours {})",
            path.display(),
            FIELDS_WE_HONOUR.join(", ")
        );
    }
    let ours = collector::benchmark::workload::Workload::from_dir(dir)?;
    // rustc-perf splits `cargo_opts` on whitespace, as we do.
    let theirs: Vec<String> = config
        .cargo_opts
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect();
    ensure!(
        ours.cargo_opts() == theirs,
        "{}: our collector and rustc-perf read different cargo_opts",
        path.display()
    );
    Ok(ours.target())
}

/// Symlinks are refused outright: rustc-perf copies what they point at, so a link is a path
/// outside the folder in disguise.
fn no_symlinks(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        ensure!(!kind.is_symlink(), "{} is a symlink", entry.path().display());
        if kind.is_dir() && entry.file_name() != "target" {
            no_symlinks(&entry.path())?;
        }
    }
    Ok(())
}

/// A plain recursive copy (what `cp -R` does), leaving out a local `target/` build directory.
fn copy_alone(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == "target" {
            continue;
        }
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_alone(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// A cargo command for `tc` with nothing of the caller's environment that changes a build.
fn cargo(tc: &ToolchainInfo, cwd: &Path) -> Command {
    let mut c = Command::new(collector::execute::capture::cargo_for(&tc.rustc));
    c.current_dir(cwd)
        .env("RUSTC", &tc.rustc)
        .env("CARGO_TARGET_DIR", cwd.join("target"));
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "RUSTUP_TOOLCHAIN",
    ] {
        c.env_remove(var);
    }
    c
}

/// How to write a lockfile every measured cargo reads.
const LOCK_HINT: &str = "commit one in the format without a `version` line (copy another workload's \
     Cargo.lock and change the package name; cargo 1.43 to today's nightly leave it unchanged)";

fn check_folder(dir: &Path, tc: &ToolchainInfo) -> anyhow::Result<Checked> {
    let name = dir.file_name().context("folder without a name")?;
    let target = check_config(dir)?;
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .with_context(|| format!("reading {}", dir.join("Cargo.toml").display()))?;
    ensure!(
        manifest.lines().any(|l| l.trim() == "[workspace]"),
        "{}/Cargo.toml has no [workspace] table of its own",
        dir.display()
    );
    let lock = dir.join("Cargo.lock");
    ensure!(
        lock.is_file(),
        "{} is missing: rustc-perf refuses a benchmark without one (\"cannot resolve Cargo.lock\"); \
         {LOCK_HINT}",
        lock.display()
    );
    let committed_lock = std::fs::read(&lock)?;
    // Cargo 1.47 and older stop at a `version = 3` or `4` line ("lock file version 4 requires
    // `-Znext-lockfile-bump`"), so a lockfile written by today's cargo would turn every old
    // release's case into a cargo failure.
    ensure!(
        !String::from_utf8_lossy(&committed_lock)
            .lines()
            .take_while(|l| !l.starts_with('['))
            .any(|l| l.trim_start().starts_with("version")),
        "{} starts with a `version = N` line, which old releases' cargo cannot read; {LOCK_HINT}",
        lock.display()
    );
    no_symlinks(dir)?;

    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().canonicalize()?.join(name);
    copy_alone(dir, &copy)?;

    let mut meta = cargo_metadata::MetadataCommand::new();
    meta.cargo_path(collector::execute::capture::cargo_for(&tc.rustc))
        .manifest_path(copy.join("Cargo.toml"))
        .current_dir(&copy)
        .env("RUSTC", &tc.rustc)
        .other_options(vec!["--locked".into(), "--offline".into()]);
    let metadata = meta
        .exec()
        .with_context(|| format!("`cargo metadata --locked --offline` of {} copied alone", dir.display()))?;
    for package in metadata.packages.iter().filter(|p| p.source.is_none()) {
        ensure!(
            inside(package.manifest_path.as_std_path(), &copy),
            "{}: package `{}` lives outside the folder ({})",
            dir.display(),
            package.name,
            package.manifest_path
        );
        for t in &package.targets {
            ensure!(
                inside(t.src_path.as_std_path(), &copy),
                "{}: target `{}` of `{}` is built from outside the folder ({})",
                dir.display(),
                t.name,
                package.name,
                t.src_path
            );
        }
    }

    let built = match &target {
        Some(t) if !tc.has_core_for(t) => {
            eprintln!(
                "{}: {} has no core for {t}; checked with cargo metadata only",
                dir.display(),
                tc.name
            );
            false
        }
        _ => {
            let opts = collector::benchmark::workload::Workload::from_dir(dir)?.cargo_opts();
            let mut args: Vec<String> = ["build", "--locked", "--offline"].map(String::from).to_vec();
            args.extend(opts);
            let out = cargo(tc, &copy).args(&args).arg("--quiet").output()?;
            if !out.status.success() {
                bail!(
                    "`cargo {}` of {} copied alone failed:\n{}",
                    args.join(" "),
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            true
        }
    };
    ensure!(
        std::fs::read(copy.join("Cargo.lock"))? == committed_lock,
        "building {} changed its Cargo.lock (rustc-perf fails when the build changes it); \
         commit the lockfile cargo writes",
        dir.display()
    );
    Ok(Checked { built })
}

#[test]
fn every_workload_folder_stands_alone() {
    let tc = stable();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(workloads_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(folders.len() >= 4, "workload folders: {folders:?}");
    let mut failures = Vec::new();
    let mut built = 0;
    for dir in &folders {
        match check_folder(dir, &tc) {
            Ok(c) => built += c.built as usize,
            Err(e) => failures.push(format!("{}: {e:#}", dir.file_name().unwrap().to_string_lossy())),
        }
    }
    assert!(
        failures.is_empty(),
        "workload folders that do not stand alone:\n{}",
        failures.join("\n")
    );
    eprintln!(
        "{} workload folders stand alone, {built} built with {}",
        folders.len(),
        tc.describe()
    );
}

/// Copy a workload into a fresh directory (to be broken by a test).
fn scratch_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join(name);
    copy_alone(&workloads_dir().join(name), &dir).unwrap();
    (scratch, dir)
}

#[test]
fn a_folder_without_its_lockfile_fails() {
    let (_keep, dir) = scratch_copy("await-call-tree");
    check_folder(&dir, &stable()).expect("the intact copy passes");
    std::fs::remove_file(dir.join("Cargo.lock")).unwrap();
    let err = format!("{:#}", check_folder(&dir, &stable()).unwrap_err());
    assert!(err.contains("Cargo.lock is missing"), "{err}");
}

#[test]
fn a_lockfile_old_cargo_cannot_read_fails() {
    let (_keep, dir) = scratch_copy("await-call-tree");
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    let v4 = lock.replacen("[[package]]", "version = 4\n\n[[package]]", 1);
    std::fs::write(dir.join("Cargo.lock"), v4).unwrap();
    let err = format!("{:#}", check_folder(&dir, &stable()).unwrap_err());
    assert!(err.contains("old releases' cargo cannot read"), "{err}");
}

#[test]
fn a_folder_built_from_outside_itself_fails() {
    let (keep, dir) = scratch_copy("await-call-tree");
    // The shape no-std-async-host once had: its library source in the neighbouring folder.
    let shared = keep.path().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::rename(dir.join("src/lib.rs"), shared.join("lib.rs")).unwrap();
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        manifest.replace("path = \"src/lib.rs\"", "path = \"../shared/lib.rs\""),
    )
    .unwrap();
    let err = format!("{:#}", check_folder(&dir, &stable()).unwrap_err());
    assert!(
        err.contains("outside the folder") || err.contains("copied alone"),
        "{err}"
    );

    // Even an absolute path, which a copy alone would still reach, is caught.
    std::fs::write(
        dir.join("Cargo.toml"),
        manifest.replace(
            "path = \"src/lib.rs\"",
            &format!("path = \"{}\"", shared.join("lib.rs").display()),
        ),
    )
    .unwrap();
    let err = format!("{:#}", check_folder(&dir, &stable()).unwrap_err());
    assert!(err.contains("outside the folder"), "{err}");
}

#[test]
fn a_config_rustc_perf_would_read_differently_fails() {
    let (_keep, dir) = scratch_copy("await-call-tree");
    let cases = [
        (r#"{"category": "primary"}"#, "missing field `artifact`"),
        (
            r#"{"category": "primary", "artifact": "library", "cargo-opts": "--release"}"#,
            "unknown field",
        ),
        (r#"{"category": "Primary", "artifact": "library"}"#, "unknown variant"),
        (
            r#"{"category": "primary", "artifact": "library", "runs": 1}"#,
            "not by our collector",
        ),
    ];
    for (config, want) in cases {
        std::fs::write(dir.join("perf-config.json"), config).unwrap();
        let err = format!("{:#}", check_config(&dir).unwrap_err());
        assert!(err.contains(want), "{config}: {err}");
    }
}

/// `no-std-async-host` is the same crate as `no-std-async` built for the host; each folder holds
/// its own copy of the source, and the copies must not drift apart.
#[test]
fn no_std_async_host_is_the_same_source() {
    let dir = workloads_dir();
    let a = std::fs::read_to_string(dir.join("no-std-async/src/lib.rs")).unwrap();
    let b = std::fs::read_to_string(dir.join("no-std-async-host/src/lib.rs")).unwrap();
    assert!(
        a == b,
        "benches/workloads/no-std-async-host/src/lib.rs differs from no-std-async's: copy it over"
    );
}

/// The collector measures the folder as committed, lockfile included.
#[test]
fn the_collector_copies_the_lockfile() {
    let scratch = tempfile::tempdir().unwrap();
    let src = workloads_dir().join("await-call-tree");
    collector::benchmark::workload::Workload::from_dir(&src)
        .unwrap()
        .materialize(scratch.path())
        .unwrap();
    assert_eq!(
        std::fs::read(scratch.path().join("Cargo.lock")).unwrap(),
        std::fs::read(src.join("Cargo.lock")).unwrap()
    );
}
