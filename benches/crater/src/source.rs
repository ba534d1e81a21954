//! A crate's own source, as published, fetched by cargo, made into a project its tests can run in.
//!
//! Nothing is vendored into this repository: for `name = "=version"` cargo resolves and unpacks
//! the registry package into its cache (`cargo metadata` on a one-dependency project in the work
//! folder), and the unpacked folder is copied into `<work>/src/<name>-<version>`, fresh for every
//! run. Two changes make the copy a project of its own: an empty `[workspace]` table (so cargo
//! does not take a surrounding folder's workspace for its own) and the committed lockfile
//! `locks/<name>-<version>.lock` as its `Cargo.lock` (so `--locked` builds the same dependency
//! graph everywhere). With `patch_self`, a third: the crate patched to its own copy, as its
//! project's workspace does, for dev-dependencies that depend on it; with `dev_dependencies`,
//! the dev-dependencies publishing dropped (pinned). A package that left its
//! tests out of the upload has nothing to run; the list only holds crates whose packages carry
//! them, and the report gives every crate's counts.

use crate::manifest::CrateSpec;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The unpacked registry package of `c` (fetched by cargo when it is not cached yet).
pub fn fetch(c: &CrateSpec, work: &Path) -> Result<PathBuf> {
    let dir = work.join("fetch").join(c.id());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"crater-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\npath = \"lib.rs\"\n\n[dependencies]\n{} = \"={}\"\n\n[workspace]\n",
            c.name, c.version
        ),
    )?;
    std::fs::write(dir.join("lib.rs"), "")?;
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(dir.join("Cargo.toml"))
        .exec()
        .with_context(|| format!("cargo metadata for {} (fetching it from the registry)", c.id()))?;
    let pkg = meta
        .packages
        .iter()
        .find(|p| p.name.as_str() == c.name && p.version.to_string() == c.version)
        .with_context(|| format!("cargo did not resolve {}", c.id()))?;
    let root = pkg
        .manifest_path
        .parent()
        .context("a manifest path without a folder")?
        .as_std_path()
        .to_path_buf();
    Ok(root)
}

/// A fresh copy of the package at `<work>/src/<id>`, a workspace of its own, with `lock` (when
/// given) as its lockfile.
pub fn prepare(c: &CrateSpec, package: &Path, work: &Path, lock: Option<&Path>) -> Result<PathBuf> {
    let dest = work.join("src").join(c.id());
    if dest.exists() {
        std::fs::remove_dir_all(&dest).with_context(|| format!("removing {}", dest.display()))?;
    }
    copy_dir(package, &dest)?;
    let manifest = dest.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        text.push_str("\n[workspace]\n");
    }
    for (dep, req) in &c.dev_dependencies {
        let header = format!("[dev-dependencies.{dep}]");
        if text.lines().any(|l| l.trim() == header) {
            bail!("{}: the package already declares the dev-dependency {dep}", c.id());
        }
        text.push_str(&format!("\n{header}\nversion = \"{req}\"\n"));
    }
    if c.patch_self {
        text.push_str(&format!("\n[patch.crates-io]\n{} = {{ path = \".\" }}\n", c.name));
    }
    std::fs::write(&manifest, text)?;
    let _ = std::fs::remove_file(dest.join("Cargo.lock"));
    if let Some(lock) = lock {
        if !lock.is_file() {
            bail!(
                "no lockfile {} for {} (make it: scripts/crater.sh lock --crate {})",
                lock.display(),
                c.id(),
                c.name
            );
        }
        std::fs::copy(lock, dest.join("Cargo.lock"))?;
    }
    Ok(dest)
}

/// Resolve `c`'s dependencies (dev-dependencies included) anew and write its lockfile to `lock`.
pub fn make_lock(c: &CrateSpec, work: &Path, lock: &Path) -> Result<()> {
    let package = fetch(c, work)?;
    let dir = prepare(c, &package, work, None)?;
    let out = std::process::Command::new("cargo")
        .arg("generate-lockfile")
        .current_dir(&dir)
        .output()
        .context("running cargo generate-lockfile")?;
    if !out.status.success() {
        bail!(
            "cargo generate-lockfile for {}: {}",
            c.id(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    if let Some(parent) = lock.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(dir.join("Cargo.lock"), lock)?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_dir(&src, &dst)?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
        }
        // Cargo's unpacked packages hold no symlinks; anything else is not source.
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_becomes_its_own_workspace_with_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let pkg = tmp.path().join("pkg");
        std::fs::create_dir_all(pkg.join("tests")).unwrap();
        std::fs::write(pkg.join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"1.0.0\"\n").unwrap();
        std::fs::write(pkg.join("tests/t.rs"), "#[test] fn t() {}").unwrap();
        std::fs::write(pkg.join("Cargo.lock"), "stale").unwrap();
        let lock = tmp.path().join("x.lock");
        std::fs::write(&lock, "# the committed lock").unwrap();
        let c = CrateSpec {
            name: "x".into(),
            version: "1.0.0".into(),
            why: String::new(),
            cargo_args: vec![],
            test_args: vec![],
            doc: true,
            timeout_minutes: None,
            patch_self: true,
            dev_dependencies: [("helper".to_string(), "=1.0.0".to_string())].into(),
        };
        let work = tmp.path().join("work");
        let dest = prepare(&c, &pkg, &work, Some(&lock)).unwrap();
        assert_eq!(dest, work.join("src/x-1.0.0"));
        let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
        assert!(
            manifest.ends_with(
                "\n[workspace]\n\n[dev-dependencies.helper]\nversion = \"=1.0.0\"\n\n[patch.crates-io]\nx = { path = \".\" }\n"
            ),
            "{manifest}"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("Cargo.lock")).unwrap(),
            "# the committed lock"
        );
        assert!(dest.join("tests/t.rs").is_file());
        // Again: a fresh copy, the table added once.
        let dest = prepare(&c, &pkg, &work, Some(&lock)).unwrap();
        let manifest = std::fs::read_to_string(dest.join("Cargo.toml")).unwrap();
        assert_eq!(manifest.matches("[workspace]").count(), 1);
        // A missing lock is an error that says how to make one.
        let e = prepare(&c, &pkg, &work, Some(&tmp.path().join("none.lock"))).unwrap_err();
        assert!(e.to_string().contains("crater.sh lock --crate x"), "{e}");
    }
}
