//! Toolchains: anything with a rustc.
//!
//! A toolchain is named the way users name it: a rustup toolchain (`stable`, `nightly`, `1.43.0`,
//! `async-fork` once the fork is linked) or a path to a rustc binary. Resolving it yields the facts
//! every result records: `rustc -vV`, the real binary (never the rustup proxy, whose overhead and
//! indirection would pollute instruction counts), the sysroot, the targets that have a `core`, and
//! for our fork the patch series it was built from. A toolchain that is not installed is an error
//! value the caller reports and skips, never a panic.

use crate::target::Target;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Name of the rustup toolchain the fork is linked as (see `scripts/fork.sh link`).
pub const FORK_TOOLCHAIN: &str = "async-fork";
/// File the fork pipeline writes into the stage1 sysroot (see `rust/pipeline/build.sh`).
pub const FORK_STAMP: &str = "lib/rustlib/async-fork.json";

/// A toolchain as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Toolchain {
    Rustup(String),
    Path(PathBuf),
}

impl Toolchain {
    /// A name containing a path separator is a rustc binary, anything else a rustup toolchain.
    pub fn parse(spec: &str) -> Toolchain {
        if spec.contains('/') {
            Toolchain::Path(PathBuf::from(spec))
        } else {
            Toolchain::Rustup(spec.trim_start_matches('+').to_string())
        }
    }

    pub fn label(&self) -> String {
        match self {
            Toolchain::Rustup(n) => n.clone(),
            Toolchain::Path(p) => p.display().to_string(),
        }
    }

    /// Find the real rustc binary and ask it about itself.
    pub fn resolve(&self) -> Result<ToolchainInfo, ToolchainError> {
        let rustc = match self {
            Toolchain::Rustup(name) => rustup_which(name, "rustc")?,
            Toolchain::Path(p) => {
                if !p.is_file() {
                    return Err(ToolchainError::NotInstalled {
                        toolchain: self.label(),
                        detail: format!("{} is not a file", p.display()),
                    });
                }
                p.clone()
            }
        };
        let verbose = run_capture(&rustc, &["-vV"]).map_err(|detail| ToolchainError::NotRunnable {
            toolchain: self.label(),
            detail,
        })?;
        let version = VersionInfo::parse(&verbose).ok_or_else(|| ToolchainError::NotRunnable {
            toolchain: self.label(),
            detail: format!("unexpected `rustc -vV` output: {}", verbose.trim()),
        })?;
        let sysroot = run_capture(&rustc, &["--print", "sysroot"])
            .map(|s| PathBuf::from(s.trim()))
            .map_err(|detail| ToolchainError::NotRunnable {
                toolchain: self.label(),
                detail,
            })?;
        let targets_with_core = targets_with_core(&sysroot);
        let fork = std::fs::read_to_string(sysroot.join(FORK_STAMP))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        Ok(ToolchainInfo {
            name: self.label(),
            rustc,
            sysroot,
            version,
            targets_with_core,
            fork,
            flags: Vec::new(),
        })
    }
}

/// A toolchain as measured, with extra rustc flags: `async-fork -Zsome-switch=no` on a command line
/// is the toolchain `async-fork` run with `-Zsome-switch=no`, so one compiler can be compared with a
/// switch on and off. Returns the toolchain part and the flags.
pub fn split_flags(spec: &str) -> (&str, Vec<String>) {
    let mut words = spec.split_whitespace();
    let toolchain = words.next().unwrap_or("");
    (toolchain, words.map(str::to_string).collect())
}

/// Resolve a toolchain spec with flags (see [`split_flags`]). The result is named by the whole spec,
/// flags included and whitespace normalised, so that reports keep `async-fork` and
/// `async-fork -Zswitch=no` apart. `-Z` flags on a toolchain that rejects them (a release) make the
/// spec unusable, said up front instead of as a compile error in every case.
pub fn resolve_spec(spec: &str) -> Result<(ToolchainInfo, Vec<String>), ToolchainError> {
    let (toolchain, flags) = split_flags(spec);
    let mut info = Toolchain::parse(toolchain).resolve()?;
    if flags.is_empty() {
        return Ok((info, flags));
    }
    info.name = format!("{} {}", info.name, flags.join(" "));
    info.flags = flags.clone();
    if flags.iter().any(|f| f.starts_with("-Z")) && !info.accepts_z() {
        return Err(ToolchainError::NotRunnable {
            toolchain: info.name,
            detail: format!(
                "-Z flags need a nightly or dev rustc, and {} is a release",
                info.version.version_line
            ),
        });
    }
    Ok((info, flags))
}

/// Why a toolchain cannot be used. Callers print it and skip that toolchain.
#[derive(Debug, Clone, thiserror::Error, Serialize, Deserialize, PartialEq)]
pub enum ToolchainError {
    #[error("toolchain `{toolchain}` is not installed: {detail}")]
    NotInstalled { toolchain: String, detail: String },
    #[error("toolchain `{toolchain}` does not run: {detail}")]
    NotRunnable { toolchain: String, detail: String },
}

/// What `rustc -vV` says, parsed, with the full text kept for the record.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VersionInfo {
    /// First line, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version_line: String,
    pub release: String,
    pub commit_hash: Option<String>,
    pub commit_date: Option<String>,
    pub host: String,
    pub llvm_version: Option<String>,
    pub verbose: String,
}

impl VersionInfo {
    pub fn parse(text: &str) -> Option<VersionInfo> {
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                .filter(|v| v != "unknown")
        };
        Some(VersionInfo {
            version_line: text.lines().next()?.trim().to_string(),
            release: field("release:")?,
            commit_hash: field("commit-hash:"),
            commit_date: field("commit-date:"),
            host: field("host:")?,
            llvm_version: field("LLVM version:"),
            verbose: text.to_string(),
        })
    }

    /// `1.95.0-nightly` -> (1, 95, 0).
    pub fn semver(&self) -> Option<(u32, u32, u32)> {
        parse_release(&self.release)
    }

    pub fn llvm_major(&self) -> Option<u32> {
        self.llvm_version.as_deref()?.split('.').next()?.parse().ok()
    }
}

/// `1.44.0`, `1.97.0-nightly`, `1.44` -> numeric triple.
pub fn parse_release(s: &str) -> Option<(u32, u32, u32)> {
    let core = s.split(['-', ' ']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u32>());
    let major = it.next()?.ok()?;
    let minor = it.next()?.ok()?;
    let patch = match it.next() {
        Some(p) => p.ok()?,
        None => 0,
    };
    Some((major, minor, patch))
}

/// What the fork pipeline records about the series a stage1 compiler was built from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ForkStamp {
    pub fork: String,
    pub series_hash: String,
    pub patches: Vec<String>,
    pub tree_commit: String,
    pub upstream: String,
    pub debian: String,
    pub built_at: String,
}

/// Everything a result needs to say about the compiler that produced it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ToolchainInfo {
    /// The name the user gave (`stable`, `1.43.0`, a path).
    pub name: String,
    /// The real rustc binary, not the rustup proxy.
    pub rustc: PathBuf,
    pub sysroot: PathBuf,
    pub version: VersionInfo,
    /// Targets whose `core` is installed in the sysroot.
    pub targets_with_core: Vec<Target>,
    /// Set for our fork: the series it carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fork: Option<ForkStamp>,
    /// Extra rustc flags every build with this toolchain gets (`async-fork -Zswitch=no`), as a
    /// field of its own in every result; absent when there are none, as in results written before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

impl ToolchainInfo {
    pub fn has_core_for(&self, target: &Target) -> bool {
        self.targets_with_core.iter().any(|t| t == target)
    }

    /// Is this toolchain at least release `min` (e.g. `1.44.0`)? Nightlies count as their release.
    pub fn at_least(&self, min: &str) -> bool {
        match (self.version.semver(), parse_release(min)) {
            (Some(have), Some(want)) => have >= want,
            _ => true,
        }
    }

    /// Does this rustc take `-Z` flags? Nightly and dev builds do (the fork is built as a dev
    /// channel), releases do not.
    pub fn accepts_z(&self) -> bool {
        let r = &self.version.release;
        r.contains("nightly") || r.contains("dev") || self.fork.is_some()
    }

    /// Does this rustc know the unstable option `-Z<option>` (`async-panic`)? Asked of the
    /// compiler itself (`rustc -Z help`), since the set of `-Z` options changes from nightly to
    /// nightly and the fork adds its own. A release, which takes no `-Z`, knows none.
    pub fn knows_z_option(&self, option: &str) -> bool {
        if !self.accepts_z() {
            return false;
        }
        let Ok(help) = run_capture(&self.rustc, &["-Z", "help"]) else {
            return false;
        };
        help.lines().any(|l| {
            l.trim_start()
                .strip_prefix("-Z")
                .map(|rest| rest.trim_start().split(['=', ' ']).next() == Some(option))
                .unwrap_or(false)
        })
    }

    /// `Some(reason)` when code for `target` cannot be built with this toolchain.
    pub fn target_unavailable(&self, target: &Target) -> Option<String> {
        if self.has_core_for(target) {
            return None;
        }
        let hint = match self.name.contains('/') {
            true => String::new(),
            false => format!(" (rustup target add --toolchain {} {})", self.name, target),
        };
        Some(format!("no core for {target} in toolchain {}{hint}", self.name))
    }

    /// Short identity for tables: release, plus the fork's series where there is one.
    pub fn describe(&self) -> String {
        match &self.fork {
            Some(f) => format!(
                "{} [{} series {}]",
                self.version.version_line,
                f.fork,
                &f.series_hash[..9.min(f.series_hash.len())]
            ),
            None => self.version.version_line.clone(),
        }
    }
}

fn rustup_which(name: &str, tool: &str) -> Result<PathBuf, ToolchainError> {
    let out = Command::new("rustup")
        .args(["which", "--toolchain", name, tool])
        .output()
        .map_err(|e| ToolchainError::NotInstalled {
            toolchain: name.into(),
            detail: format!("cannot run rustup: {e}"),
        })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("rustup which failed")
            .trim();
        return Err(ToolchainError::NotInstalled {
            toolchain: name.into(),
            detail: first.to_string(),
        });
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn run_capture(bin: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!(
            "`{} {}` failed: {}",
            bin.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn targets_with_core(sysroot: &Path) -> Vec<Target> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(sysroot.join("lib/rustlib")) else {
        return found;
    };
    for e in entries.flatten() {
        let lib = e.path().join("lib");
        let has_core = std::fs::read_dir(&lib)
            .map(|files| {
                files.flatten().any(|f| {
                    let n = f.file_name();
                    let n = n.to_string_lossy();
                    n.starts_with("libcore-") && n.ends_with(".rlib")
                })
            })
            .unwrap_or(false);
        if has_core {
            found.push(Target::new(e.file_name().to_string_lossy().into_owned()));
        }
    }
    found.sort();
    found
}

/// The rustup toolchains installed here, by name (`stable-x86_64-unknown-linux-gnu` is `stable`).
pub fn installed_rustup_toolchains() -> Vec<String> {
    let Ok(out) = Command::new("rustup").args(["toolchain", "list"]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| {
            n.strip_suffix(&format!("-{}", crate::target::HOST))
                .unwrap_or(n)
                .to_string()
        })
        .collect()
}

/// The default set every tool runs when none is named: stable, plus nightly and the fork if present.
pub fn default_toolchains() -> Vec<Toolchain> {
    let installed = installed_rustup_toolchains();
    let mut set = vec![Toolchain::Rustup("stable".into())];
    for optional in ["nightly", FORK_TOOLCHAIN] {
        if installed.iter().any(|n| n == optional) {
            set.push(Toolchain::Rustup(optional.into()));
        }
    }
    set
}

/// Resolve every named toolchain; the unusable ones come back as errors beside the usable ones.
pub fn resolve_all(specs: &[Toolchain]) -> (Vec<ToolchainInfo>, Vec<ToolchainError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for spec in specs {
        match spec.resolve() {
            Ok(info) => ok.push(info),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// The usable toolchains of a set of specs with flags, each with its flags (same order), and why
/// the others cannot be used: [`resolve_all`] for [`resolve_spec`].
pub type ResolvedSpecs = (Vec<ToolchainInfo>, Vec<Vec<String>>, Vec<ToolchainError>);

/// Resolve every spec with [`resolve_spec`]; the unusable ones come back as errors.
pub fn resolve_specs(specs: &[String]) -> ResolvedSpecs {
    let (mut toolchains, mut flags, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for spec in specs {
        match resolve_spec(spec) {
            Ok((info, extra)) => {
                toolchains.push(info);
                flags.push(extra);
            }
            Err(e) => errors.push(e),
        }
    }
    (toolchains, flags, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STABLE: &str = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860\ncommit-date: 2026-04-14\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 22.1.2\n";

    #[test]
    fn parses_verbose_version() {
        let v = VersionInfo::parse(STABLE).unwrap();
        assert_eq!(v.release, "1.95.0");
        assert_eq!(v.semver(), Some((1, 95, 0)));
        assert_eq!(v.llvm_major(), Some(22));
        assert_eq!(
            v.commit_hash.as_deref(),
            Some("59807616e1fa2540724bfbac14d7976d7e4a3860")
        );
        assert_eq!(v.version_line, "rustc 1.95.0 (59807616e 2026-04-14)");
    }

    #[test]
    fn unknown_fields_are_none() {
        let v = VersionInfo::parse(
            "rustc 1.43.0\nbinary: rustc\ncommit-hash: unknown\nhost: x86_64-unknown-linux-gnu\nrelease: 1.43.0\n",
        )
        .unwrap();
        assert_eq!(v.commit_hash, None);
        assert_eq!(v.llvm_version, None);
    }

    #[test]
    fn release_ordering() {
        assert_eq!(parse_release("1.97.0-nightly"), Some((1, 97, 0)));
        assert_eq!(parse_release("1.44"), Some((1, 44, 0)));
        assert!(parse_release("1.43.0") < parse_release("1.44.0"));
        assert_eq!(parse_release("garbage"), None);
    }

    #[test]
    fn flags_after_the_toolchain() {
        assert_eq!(split_flags("stable"), ("stable", vec![]));
        assert_eq!(
            split_flags(" async-fork  -Zfoo=no -Cbar "),
            ("async-fork", vec!["-Zfoo=no".into(), "-Cbar".into()])
        );
    }

    #[test]
    fn specs_with_flags() {
        let (info, flags) = resolve_spec("stable").unwrap();
        assert_eq!((info.name.as_str(), flags.len()), ("stable", 0));
        let (info, flags) = resolve_spec("  stable   -Copt-level=1 ").unwrap();
        assert_eq!(info.name, "stable -Copt-level=1");
        assert_eq!(flags, vec!["-Copt-level=1".to_string()]);
        let err = resolve_spec("stable -Zself-profile").unwrap_err().to_string();
        assert!(
            err.contains("`stable -Zself-profile`") && err.contains("nightly or dev"),
            "{err}"
        );
        assert!(resolve_spec("no-such-toolchain-xyz -Zx").is_err());
    }

    #[test]
    fn spec_parsing() {
        assert_eq!(Toolchain::parse("+nightly"), Toolchain::Rustup("nightly".into()));
        assert_eq!(Toolchain::parse("/opt/rustc"), Toolchain::Path("/opt/rustc".into()));
    }

    #[test]
    fn missing_toolchain_is_an_error_not_a_panic() {
        let err = Toolchain::parse("no-such-toolchain-xyz").resolve().unwrap_err();
        assert!(matches!(err, ToolchainError::NotInstalled { .. }), "{err}");
        let err = Toolchain::parse("/nonexistent/rustc").resolve().unwrap_err();
        assert!(err.to_string().contains("not installed"), "{err}");
    }
}
