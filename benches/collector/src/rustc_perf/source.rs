//! rustc-perf's collector from the fork's pinned source tree: where the tree is, the copy it is
//! built in (the tree itself is never written to), and the build.
//!
//! The tree is `src/tools/rustc-perf` of the fork's source (Debian's rustc 1.95.0 source
//! package), which `scripts/fork.sh fetch prepare` unpacks into the fork cache; no build of the fork
//! is needed. Its workspace has a member `site` (the web front end) that needs a git dependency the
//! package does not carry, so the copy leaves `site` out of the workspace; `collector` and
//! `rustc-fake` (the wrapper `collector` runs in place of rustc) do not use it.

use anyhow::{bail, Context as _};
use harness::process::{self, Cmd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The fork cache, as `rust/pipeline/lib.sh` computes it.
pub fn fork_cache() -> PathBuf {
    if let Some(c) = std::env::var_os("ASYNC_FORK_CACHE") {
        return PathBuf::from(c);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("async-fork")
}

/// `TREE_NAME` of `rust/pin.env` (`rustc-1.95.0-src`).
pub fn pinned_tree_name(repo: &Path) -> anyhow::Result<String> {
    let pin = repo.join("rust/pin.env");
    let text = std::fs::read_to_string(&pin).with_context(|| format!("reading {}", pin.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("TREE_NAME="))
        .map(|v| v.trim().trim_matches('"').to_string())
        .with_context(|| format!("no TREE_NAME in {}", pin.display()))
}

/// The default place of rustc-perf's tree: `<fork cache>/src/<TREE_NAME>/src/tools/rustc-perf`.
pub fn default_source(repo: &Path) -> anyhow::Result<PathBuf> {
    Ok(fork_cache()
        .join("src")
        .join(pinned_tree_name(repo)?)
        .join("src/tools/rustc-perf"))
}

/// Check that `dir` is a rustc-perf tree; the error says how to get one.
pub fn check_tree(dir: &Path) -> anyhow::Result<()> {
    let needed = ["Cargo.toml", "collector/Cargo.toml", "collector/compile-benchmarks"];
    if let Some(missing) = needed.iter().find(|p| !dir.join(p).exists()) {
        bail!(
            "rustc-perf's source tree is missing: {} does not exist.\n\
             It is part of the fork's pinned rustc source; `scripts/fork.sh fetch prepare` unpacks it \
             (no build of the fork is needed), or name a rustc-perf checkout with --source DIR.",
            dir.join(missing).display()
        );
    }
    Ok(())
}

/// The workspace manifest of the copy: `site` out of `members` (it needs a git dependency), into
/// `exclude` (cargo would otherwise take it for a member through its path), and its profile
/// section removed (a profile for a package outside the workspace is a warning per build).
pub fn workspace_without_site(manifest: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut in_site_profile = false;
    let mut changed = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_site_profile = t == "[profile.release.package.site]";
        }
        if in_site_profile {
            changed = true;
            continue;
        }
        if t.starts_with("members") && t.contains("\"site\"") {
            let l = line
                .replace(", \"site\"", "")
                .replace("\"site\", ", "")
                .replace("\"site\"", "");
            out.push_str(&l);
            changed = true;
        } else if t.starts_with("exclude") && t.ends_with(']') && !t.contains("\"site\"") {
            let open = line.rfind(']').unwrap_or(line.len());
            let inner = line[..open].trim_end();
            let sep = if inner.ends_with('[') { "" } else { ", " };
            out.push_str(&format!("{inner}{sep}\"site\"]"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if !changed {
        bail!("the workspace manifest has no `site` member to leave out (a changed rustc-perf layout?)");
    }
    if !out.contains("exclude") {
        out = out.replacen("[workspace]\n", "[workspace]\nexclude = [\"site\"]\n", 1);
    }
    Ok(out)
}

/// Copy rustc-perf's tree to `dest` (once; `fresh` starts over) and adjust its workspace.
/// `dest/.copied-from` names the source, so a copy of another tree is replaced.
pub fn prepare_copy(source: &Path, dest: &Path, fresh: bool) -> anyhow::Result<()> {
    let marker = dest.join(".copied-from");
    let from = source.canonicalize().unwrap_or_else(|_| source.to_path_buf());
    let same = std::fs::read_to_string(&marker)
        .map(|m| m.trim() == from.display().to_string())
        .unwrap_or(false);
    if same && !fresh {
        return Ok(());
    }
    if dest.exists() {
        std::fs::remove_dir_all(dest).with_context(|| format!("removing {}", dest.display()))?;
    }
    copy_dir(source, dest, &[Path::new("target")])?;
    let manifest = dest.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    harness::report::write_text(&manifest, &workspace_without_site(&text)?)?;
    std::fs::write(&marker, format!("{}\n", from.display())).with_context(|| format!("writing {}", marker.display()))
}

/// Copy a directory tree (files, directories, symlinks as links), leaving out `skip` (relative
/// to `from`'s top level).
pub fn copy_dir(from: &Path, to: &Path, skip: &[&Path]) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| s.as_os_str() == name) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let ty = entry.file_type()?;
        if ty.is_dir() {
            copy_dir(&src, &dst, &[])?;
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)
                .with_context(|| format!("linking {}", dst.display()))?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
        }
    }
    Ok(())
}

/// The two binaries `profile_local` needs, side by side (`collector` finds `rustc-fake` beside
/// its own executable).
pub fn binaries(copy: &Path) -> (PathBuf, PathBuf) {
    let dir = copy.join("target/release");
    (dir.join("collector"), dir.join("rustc-fake"))
}

/// How the build went.
#[derive(Clone, Debug)]
pub struct Built {
    pub collector: PathBuf,
    pub duration: Duration,
    /// Cargo's command line, for the record.
    pub command: String,
}

/// Build `collector` and `rustc-fake` in the copy with the rustup toolchain `toolchain` (cargo
/// decides what is stale; a second build is a few seconds). Cargo's output goes to `log`. The
/// error carries cargo's first error line and names the log.
pub fn build(copy: &Path, toolchain: &str, log: &Path, timeout: Duration) -> anyhow::Result<Built> {
    let args: Vec<String> = [
        &format!("+{toolchain}"),
        "build",
        "--release",
        "-p",
        "collector",
        "--bin",
        "collector",
        "--bin",
        "rustc-fake",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let cmd = Cmd {
        program: "cargo".into(),
        args,
        cwd: copy.to_path_buf(),
        env: None,
    };
    let started = Instant::now();
    let m = process::run(&cmd, timeout).with_context(|| format!("running {}", cmd.display()))?;
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(log, format!("$ {}\n{}{}", cmd.display(), m.stdout, m.stderr))
        .with_context(|| format!("writing {}", log.display()))?;
    let (collector, fake) = binaries(copy);
    if !m.outcome.is_success() || !collector.is_file() || !fake.is_file() {
        let first = m
            .stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or_else(|| m.stderr.lines().last().unwrap_or("no output"))
            .trim()
            .to_string();
        bail!(
            "building rustc-perf's collector failed ({}): {first}; cargo's output is in {}",
            m.outcome.summary(),
            log.display()
        );
    }
    Ok(Built {
        collector,
        duration: started.elapsed(),
        command: format!("(cd {} && {})", copy.display(), cmd.display()),
    })
}

/// rustc-perf's collector stops when a build changes a benchmark's `Cargo.lock`. A lockfile that
/// lists packages no manifest asks for any more (Debian's source package removes the Windows-only
/// dependencies of `tokio-webpush-simple`'s patched `native-tls`) is changed by the first build;
/// so the copy's lockfile is brought in line with its manifests first, by `cargo metadata`, which
/// keeps every locked version and only drops (or adds) what the manifests say. Returns what
/// changed, for the record, or why it could not be done; `None` when the lockfile was right.
pub fn sync_lockfile(dir: &Path, toolchain: &str) -> Option<String> {
    let lock = dir.join("Cargo.lock");
    let before = std::fs::read_to_string(&lock).ok()?;
    if !dir.join("Cargo.toml").is_file() {
        return None;
    }
    let out = std::process::Command::new("cargo")
        .arg(format!("+{toolchain}"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .stdout(std::process::Stdio::null())
        .output();
    let after = std::fs::read_to_string(&lock).unwrap_or_default();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Some(format!(
                "Cargo.lock could not be checked against the manifests: {}",
                crate::rustc_perf::outputs::failure_reason(&String::from_utf8_lossy(&o.stderr), "")
            ))
        }
        Err(e) => return Some(format!("Cargo.lock could not be checked against the manifests: {e}")),
    }
    if after == before {
        return None;
    }
    let (old, new) = (locked_packages(&before), locked_packages(&after));
    let removed: Vec<&String> = old.iter().filter(|p| !new.contains(p)).collect();
    let added: Vec<&String> = new.iter().filter(|p| !old.contains(p)).collect();
    if removed.is_empty() && added.is_empty() {
        // Only cargo's own formatting.
        return None;
    }
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    Some(format!(
        "Cargo.lock brought in line with the manifests before measuring (`cargo metadata`, locked versions kept): removed [{}], added [{}]",
        list(&removed),
        list(&added)
    ))
}

/// `name version` of every package in a lockfile.
pub fn locked_packages(lock: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut name: Option<&str> = None;
    for l in lock.lines() {
        if l.starts_with("[[package]]") {
            name = None;
        } else if let Some(n) = l.strip_prefix("name = ") {
            name = Some(n.trim_matches('"'));
        } else if let (Some(v), Some(n)) = (l.strip_prefix("version = "), name) {
            out.push(format!("{n} {}", v.trim_matches('"')));
            name = None;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[workspace]\nmembers = [\"collector\", \"collector/benchlib\", \"site\", \"database\", \"intern\"]\nexclude = [\"rust/src\"]\nresolver = \"2\"\n\n[workspace.dependencies]\nanyhow = \"1\"\n\n[profile.release.package.site]\ndebug = 1\n\n[profile.release.package.collector]\ndebug = 1\n";

    #[test]
    fn site_leaves_the_workspace() {
        let m = workspace_without_site(MANIFEST).unwrap();
        assert!(
            m.contains("members = [\"collector\", \"collector/benchlib\", \"database\", \"intern\"]\n"),
            "{m}"
        );
        assert!(m.contains("exclude = [\"rust/src\", \"site\"]\n"), "{m}");
        assert!(!m.contains("package.site"), "{m}");
        assert!(m.contains("[profile.release.package.collector]\ndebug = 1\n"), "{m}");
        // A manifest without `site` is a layout this code does not know.
        assert!(workspace_without_site(&m).is_err());
    }

    #[test]
    fn lockfile_packages() {
        let v1 = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b 0.2.0 (registry+x)\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"0.2.0\"\n\n[metadata]\n\"checksum b 0.2.0\" = \"00\"\n";
        assert_eq!(locked_packages(v1), ["a 0.1.0", "b 0.2.0"]);
        let v4 = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n";
        assert_eq!(locked_packages(v4), ["a 0.1.0"]);
    }

    #[test]
    fn a_lockfile_listing_more_than_the_manifests_is_synced() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("src")).unwrap();
        std::fs::write(d.join("src/lib.rs"), "").unwrap();
        std::fs::write(
            d.join("Cargo.toml"),
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[workspace]\n",
        )
        .unwrap();
        let lock = "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"0.1.0\"\n";
        std::fs::write(d.join("Cargo.lock"), lock).unwrap();
        assert_eq!(sync_lockfile(d, "stable"), None);
        let extra = format!("{lock}\n[[package]]\nname = \"gone\"\nversion = \"1.0.0\"\n");
        std::fs::write(d.join("Cargo.lock"), extra).unwrap();
        let note = sync_lockfile(d, "stable").unwrap();
        assert!(note.contains("removed [gone 1.0.0], added []"), "{note}");
        assert_eq!(
            locked_packages(&std::fs::read_to_string(d.join("Cargo.lock")).unwrap()),
            ["x 0.1.0"]
        );
    }

    #[test]
    fn a_missing_tree_says_how_to_get_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_tree(&dir.path().join("rustc-perf")).unwrap_err().to_string();
        assert!(err.contains("scripts/fork.sh fetch prepare"), "{err}");
        assert!(err.contains("rustc-perf's source tree is missing"), "{err}");
    }

    #[test]
    fn copies_leave_out_the_target_directory() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("target/release")).unwrap();
        std::fs::create_dir_all(src.join("collector/compile-benchmarks/a")).unwrap();
        std::fs::write(src.join("Cargo.toml"), MANIFEST).unwrap();
        std::fs::write(src.join("collector/Cargo.toml"), "").unwrap();
        std::fs::write(src.join("collector/compile-benchmarks/a/x"), "1").unwrap();
        check_tree(&src).unwrap();
        let dest = dir.path().join("copy");
        prepare_copy(&src, &dest, false).unwrap();
        assert!(dest.join("collector/compile-benchmarks/a/x").is_file());
        assert!(!dest.join("target").exists());
        assert!(!std::fs::read_to_string(dest.join("Cargo.toml"))
            .unwrap()
            .contains("\"site\","));
        // A second call keeps the copy (and what was built in it).
        std::fs::create_dir_all(dest.join("target")).unwrap();
        prepare_copy(&src, &dest, false).unwrap();
        assert!(dest.join("target").exists());
        prepare_copy(&src, &dest, true).unwrap();
        assert!(!dest.join("target").exists());
    }
}
