//! Toolchains: anything with a rustc, named once on the command line and carried as one type to
//! the results file.
//!
//! A toolchain is named the way users name it: a rustup toolchain (`stable`, `nightly`, `1.43.0`,
//! `async-fork` once the fork is linked) or a path to a rustc binary, optionally followed by rustc
//! flags in the same argument (`"async-fork -Zrelocate-coroutine-upvars=no"`): a [`ToolchainSpec`].
//! Resolving it yields a [`ToolchainInfo`], the facts every result records: `rustc -vV`, the real
//! binary (never the rustup proxy, whose overhead and indirection would pollute instruction counts),
//! the sysroot, the flags (a field of their own), how each target's `core` is provided
//! ([`CoreProvision`]), and for our fork the patch series it was built from. A toolchain that is not
//! installed is an error value the caller reports and skips, never a panic.
//!
//! # How a tool takes toolchains
//!
//! Every tool flattens the one argument group [`ToolchainArgs`] (`-t/--toolchain SPEC`, repeatable;
//! `--baseline SPEC`; `--build-std`) into its clap parser and resolves it once; nothing after that
//! sees a toolchain as a string:
//!
//! ```no_run
//! use clap::Parser;
//! use harness::toolchain::ToolchainArgs;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     toolchains: ToolchainArgs,
//! }
//!
//! let cli = Cli::parse();
//! // Default set when none is named; prints `my-tool: skipping ...` for the unusable ones.
//! let toolchains = cli.toolchains.resolve("my-tool");
//! let target = harness::Target::new(harness::target::CORTEX_M4F);
//! for tc in &toolchains.usable {
//!     // tc.rustc: the real binary; tc.flags: the spec's rustc flags, put after your own.
//!     match tc.core_for(&target) {
//!         None => eprintln!("skipping {}: {}", tc.name, tc.target_unavailable(&target).unwrap()),
//!         Some(_) => {
//!             // A cargo build: env and extra arguments (RUSTC, the flags, -Zbuild-std when asked).
//!             let cargo = tc.cargo_settings(Some(&target));
//!             let _ = (cargo.env, cargo.args, tc.dir_name());
//!         }
//!     }
//! }
//! // The baseline: `--baseline` if usable, else the first usable toolchain.
//! let _baseline = toolchains.baseline();
//! // Reports: harness::envelope::Envelope::new(schema, command, toolchains.usable, toolchains.unavailable)
//! ```

use crate::target::Target;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

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
        let rust_src = sysroot.join(RUST_SRC).join("core/Cargo.toml").is_file();
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
            rust_src,
            build_std: false,
        })
    }
}

/// Where rustup's `rust-src` component puts the standard library's sources in a sysroot.
pub const RUST_SRC: &str = "lib/rustlib/src/rust/library";

/// A toolchain as named on a command line: the toolchain and the rustc flags it is measured with.
/// `async-fork -Zsome-switch=no` is the toolchain `async-fork` run with `-Zsome-switch=no`, so one
/// compiler can be compared with a switch on and off. Parsed once (clap's value parser); its
/// [`Display`](fmt::Display) is the canonical name results use (whitespace normalised).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolchainSpec {
    pub toolchain: Toolchain,
    pub flags: Vec<String>,
}

impl ToolchainSpec {
    /// A toolchain without flags.
    pub fn plain(toolchain: Toolchain) -> Self {
        ToolchainSpec {
            toolchain,
            flags: Vec::new(),
        }
    }

    /// Find the real rustc and ask it about itself; the result carries the flags, and its name is
    /// the whole spec, so reports keep `async-fork` and `async-fork -Zswitch=no` apart. `-Z` flags
    /// on a toolchain that rejects them (a release) make the spec unusable, said up front instead
    /// of as a compile error in every case.
    pub fn resolve(&self) -> Result<ToolchainInfo, ToolchainError> {
        let mut info = self.toolchain.resolve()?;
        if self.flags.is_empty() {
            return Ok(info);
        }
        info.name = self.to_string();
        info.flags = self.flags.clone();
        if self.flags.iter().any(|f| f.starts_with("-Z")) && !info.accepts_z() {
            return Err(ToolchainError::NotRunnable {
                toolchain: info.name,
                detail: format!(
                    "-Z flags need a nightly or dev rustc, and {} is a release",
                    info.version.version_line
                ),
            });
        }
        Ok(info)
    }
}

impl FromStr for ToolchainSpec {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut words = spec.split_whitespace();
        let Some(toolchain) = words.next() else {
            return Err("an empty toolchain spec (expected `NAME [RUSTC FLAGS]`)".into());
        };
        Ok(ToolchainSpec {
            toolchain: Toolchain::parse(toolchain),
            flags: words.map(str::to_string).collect(),
        })
    }
}

impl fmt::Display for ToolchainSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.toolchain.label())?;
        for flag in &self.flags {
            write!(f, " {flag}")?;
        }
        Ok(())
    }
}

/// How a target's `core` (and `alloc`) reaches a build with a toolchain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoreProvision {
    /// Prebuilt in the sysroot: rustup's `rust-std` component for that target.
    RustStd,
    /// Prebuilt in the fork's stage1 sysroot, by the fork itself (`scripts/fork.sh build`).
    ForkSysroot,
    /// Built with the program from the toolchain's `rust-src` by cargo's `-Zbuild-std=core,alloc`
    /// (only when asked with `--build-std`: a core built at the program's settings does not compare
    /// like with like against a prebuilt one). A release takes `-Z` only with `RUSTC_BOOTSTRAP=1`.
    BuildStd { needs_bootstrap: bool },
}

impl fmt::Display for CoreProvision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CoreProvision::RustStd => "rust-std",
            CoreProvision::ForkSysroot => "fork sysroot",
            CoreProvision::BuildStd { needs_bootstrap: false } => "-Zbuild-std",
            CoreProvision::BuildStd { needs_bootstrap: true } => "-Zbuild-std (RUSTC_BOOTSTRAP=1)",
        })
    }
}

/// The two ways of providing `core` that measurements keep apart: a `core` built at a program's
/// own profile (`opt-level = "s"`, fat LTO) is not the prebuilt one, so sizes and ratios are only
/// compared within one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CoreClass {
    /// The `core` in the sysroot: rustup's `rust-std`, or the fork's stage1 sysroot.
    Prebuilt,
    /// `core` and `alloc` built from the toolchain's `rust-src` with the program's profile.
    BuildStd,
}

impl CoreClass {
    pub const ALL: [CoreClass; 2] = [CoreClass::Prebuilt, CoreClass::BuildStd];

    pub fn name(self) -> &'static str {
        match self {
            CoreClass::Prebuilt => "prebuilt",
            CoreClass::BuildStd => "build-std",
        }
    }
}

impl fmt::Display for CoreClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a cargo build with a toolchain needs beyond its own arguments: environment (the real rustc,
/// the spec's flags, `RUSTC_BOOTSTRAP` for build-std) and arguments (`-Zbuild-std`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CargoSettings {
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
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
    /// `quick` (the stage1 build patch work uses) or `release` (`fork.sh build --release`).
    /// Absent in stamps written before the release build existed, which were all quick builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// The settings of a release build, as `fork.sh` applied them (x.py `--set`s, the compiler
    /// crates' flags, the allocator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    /// The knobs of a release build (`static-llvm lld relr cgu1-lto jemalloc pgo` or a subset,
    /// rust/README.md); absent in release stamps written before knobs could be chosen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knobs: Vec<String>,
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
    /// Is `rust-src` installed (the sources `-Zbuild-std` builds `core` from)? Absent in files
    /// written before harness 0.2.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rust_src: bool,
    /// Was `-Zbuild-std` allowed for targets without a prebuilt `core` (`--build-std`)? Absent
    /// (false) in files written before harness 0.2.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub build_std: bool,
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

    /// Does this toolchain's name equal the spec (the canonical spelling of [`ToolchainSpec`])?
    pub fn is(&self, spec: &ToolchainSpec) -> bool {
        self.name == spec.to_string()
    }

    /// The cargo that drives this toolchain: the one beside its rustc (rustup toolchains have
    /// one), else stable's (the fork's stage1 sysroot has no cargo; a recent cargo drives any
    /// recent rustc), else whatever `cargo` is on PATH.
    pub fn cargo(&self) -> PathBuf {
        let beside = self.rustc.with_file_name("cargo");
        if beside.is_file() {
            return beside;
        }
        rustup_which("stable", "cargo").unwrap_or_else(|_| PathBuf::from("cargo"))
    }

    /// How `target`'s `core` is provided, or `None` when code for it cannot be built.
    pub fn core_for(&self, target: &Target) -> Option<CoreProvision> {
        if self.has_core_for(target) {
            return Some(match self.fork {
                Some(_) => CoreProvision::ForkSysroot,
                None => CoreProvision::RustStd,
            });
        }
        (self.build_std && self.rust_src).then(|| CoreProvision::BuildStd {
            needs_bootstrap: !self.accepts_z(),
        })
    }

    /// `Some(reason)` when code for `target` cannot be built with this toolchain.
    pub fn target_unavailable(&self, target: &Target) -> Option<String> {
        if self.core_for(target).is_some() {
            return None;
        }
        let base = self.name.split_whitespace().next().unwrap_or(&self.name);
        let hint = match (base.contains('/'), self.build_std) {
            (true, _) => String::new(),
            (false, false) => format!(" (rustup target add --toolchain {base} {target}, or --build-std)"),
            (false, true) => {
                format!(" and no rust-src for --build-std (rustup component add --toolchain {base} rust-src)")
            }
        };
        Some(format!("no core for {target} in toolchain {}{hint}", self.name))
    }

    /// What `cargo build [--target target]` with this toolchain needs: `RUSTC` (the real binary),
    /// the spec's flags as `CARGO_ENCODED_RUSTFLAGS` (with `--target`, cargo gives them to the
    /// target's crates only, not to build scripts), and `-Zbuild-std=core,alloc` with
    /// `RUSTC_BOOTSTRAP=1` when that is how `target`'s core is provided.
    pub fn cargo_settings(&self, target: Option<&Target>) -> CargoSettings {
        self.cargo_settings_for(target.and_then(|t| self.core_for(t)))
    }

    /// How `target`'s core is provided in `class` (whatever `--build-std` said), or why it
    /// cannot be.
    pub fn provision_in(&self, target: &Target, class: CoreClass) -> Result<CoreProvision, String> {
        let base = self.name.split_whitespace().next().unwrap_or(&self.name);
        match class {
            CoreClass::Prebuilt if self.has_core_for(target) => Ok(match self.fork {
                Some(_) => CoreProvision::ForkSysroot,
                None => CoreProvision::RustStd,
            }),
            CoreClass::Prebuilt => Err(format!(
                "no prebuilt core for {target} in {} (rustup target add --toolchain {base} {target})",
                self.name
            )),
            CoreClass::BuildStd if self.rust_src => Ok(CoreProvision::BuildStd {
                needs_bootstrap: !self.accepts_z(),
            }),
            CoreClass::BuildStd => Err(format!(
                "no rust-src in {} for -Zbuild-std (rustup component add --toolchain {base} rust-src)",
                self.name
            )),
        }
    }

    /// [`Self::cargo_settings`] for a core provided as `provision` (`None`: a host build).
    pub fn cargo_settings_for(&self, provision: Option<CoreProvision>) -> CargoSettings {
        let mut s = CargoSettings {
            env: vec![
                ("RUSTC".into(), self.rustc.display().to_string()),
                ("CARGO_ENCODED_RUSTFLAGS".into(), self.flags.join("\x1f")),
            ],
            args: Vec::new(),
        };
        if let Some(CoreProvision::BuildStd { .. }) = provision {
            s.args.push("-Zbuild-std=core,alloc".into());
            // A release rustc needs it for -Z, and so does the cargo that drives the build when it
            // is a release's (tools run the cargo that runs them, not the toolchain's own).
            s.env.push(("RUSTC_BOOTSTRAP".into(), "1".into()));
        }
        s
    }

    /// The toolchain as a directory name, for per-toolchain build and target directories:
    /// `async-fork -Zx=no` -> `async-fork_-Zx_no`, `/opt/x/rustc` -> `_opt_x_rustc`.
    pub fn dir_name(&self) -> String {
        dir_name(&self.name)
    }

    /// Short identity for tables: release, plus the fork's series where there is one.
    pub fn describe(&self) -> String {
        match &self.fork {
            // Stamps that say which build they are get it in every table; older ones (all quick
            // builds) keep the text their committed results were rendered with.
            Some(f) => format!(
                "{} [{} series {}{}]",
                self.version.version_line,
                f.fork,
                &f.series_hash[..9.min(f.series_hash.len())],
                match (f.build.as_deref(), f.knobs.is_empty()) {
                    (None, _) => String::new(),
                    (Some(b), true) => format!(", {b} build"),
                    (Some(b), false) => format!(", {b} build: {}", f.knobs.join(" ")),
                }
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

/// A toolchain name as a directory name: ASCII letters, digits, `.` and `-` kept, anything else `_`.
pub fn dir_name(name: &str) -> String {
    name.chars()
        .map(|c| match c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            true => c,
            false => '_',
        })
        .collect()
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

/// Add the targets `rustup` lacks to the rustup toolchain `name` (`rustup target add`, quietly).
/// Returns the targets it still lacks, with rustup's reason; the caller reports them, and the
/// toolchain's cases for them are skipped (see [`ToolchainInfo::target_unavailable`]).
/// What is installed is read from the toolchain's sysroot (a target whose `core` is there is left
/// alone), not from `rustup target list`: a linked toolchain (the fork, its snapshots) has its
/// cores there too, and rustup can neither list nor add targets for it.
pub fn add_rustup_targets(name: &str, targets: &[&str]) -> Vec<(String, String)> {
    let in_sysroot = Command::new("rustup")
        .args(["run", name, "rustc", "--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| targets_with_core(Path::new(String::from_utf8_lossy(&o.stdout).trim())))
        .unwrap_or_default();
    let mut missing = Vec::new();
    for &t in targets {
        if in_sysroot.iter().any(|c| c.triple() == t) {
            continue;
        }
        eprintln!("rustup target add --toolchain {name} {t}");
        match Command::new("rustup")
            .args(["target", "add", "--toolchain", name, t])
            .output()
        {
            Ok(o) if o.status.success() => {}
            Ok(o) => missing.push((
                t.to_string(),
                crate::rustc::first_error_line(&String::from_utf8_lossy(&o.stderr)),
            )),
            Err(e) => missing.push((t.to_string(), format!("cannot run rustup: {e}"))),
        }
    }
    missing
}

/// The default set every tool runs when none is named: stable, plus nightly and the fork if present.
pub fn default_specs() -> Vec<ToolchainSpec> {
    let installed = installed_rustup_toolchains();
    let mut set = vec![ToolchainSpec::plain(Toolchain::Rustup("stable".into()))];
    for optional in ["nightly", FORK_TOOLCHAIN] {
        if installed.iter().any(|n| n == optional) {
            set.push(ToolchainSpec::plain(Toolchain::Rustup(optional.into())));
        }
    }
    set
}

/// The toolchain options every tool takes, flattened into its clap parser (see the module doc).
#[derive(clap::Args, Clone, Debug, Default, PartialEq)]
pub struct ToolchainArgs {
    /// Toolchain: a rustup name or a path to rustc, optionally followed by rustc flags in the same
    /// argument (`-t 'async-fork -Zrelocate-coroutine-upvars=no'`); repeat. Default: stable, plus
    /// nightly and async-fork when installed.
    #[arg(long = "toolchain", short = 't', value_name = "SPEC", help_heading = "Toolchains")]
    pub toolchains: Vec<ToolchainSpec>,
    /// The toolchain comparisons are relative to (a spec as given to --toolchain). Default: the
    /// first usable toolchain.
    #[arg(long, value_name = "SPEC", help_heading = "Toolchains")]
    pub baseline: Option<ToolchainSpec>,
    /// Build `core` and `alloc` from rust-src (`-Zbuild-std`, with RUSTC_BOOTSTRAP=1 on a release)
    /// for targets a toolchain has no prebuilt `core` for, instead of skipping them.
    #[arg(long, help_heading = "Toolchains")]
    pub build_std: bool,
}

impl ToolchainArgs {
    /// The named specs, or `default` when none was named.
    pub fn specs_or(&self, default: impl FnOnce() -> Vec<ToolchainSpec>) -> Vec<ToolchainSpec> {
        match self.toolchains.is_empty() {
            true => default(),
            false => self.toolchains.clone(),
        }
    }

    /// Resolve the named toolchains (or [`default_specs`]), printing `tool: skipping ...` for each
    /// unusable one.
    pub fn resolve(&self, tool: &str) -> Toolchains {
        self.resolve_specs(tool, self.specs_or(default_specs))
    }

    /// Resolve `specs` with these options (`--baseline`, `--build-std`), printing `tool: ...` for
    /// each unusable toolchain and for a baseline that is not among the usable ones.
    pub fn resolve_specs(&self, tool: &str, specs: Vec<ToolchainSpec>) -> Toolchains {
        let t = Toolchains::resolve(&specs, self.baseline.as_ref(), self.build_std);
        for e in &t.unavailable {
            eprintln!("{tool}: skipping {e}");
        }
        if let (Some(b), Some(used)) = (&self.baseline, t.baseline()) {
            if !used.is(b) {
                eprintln!(
                    "{tool}: baseline `{b}` is not among the usable toolchains; using `{}`",
                    used.name
                );
            }
        }
        t
    }
}

/// The toolchains of a run: the usable ones in the order named, why the others cannot be used, and
/// which one is the baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Toolchains {
    pub usable: Vec<ToolchainInfo>,
    pub unavailable: Vec<ToolchainError>,
    baseline: usize,
}

impl Toolchains {
    /// Resolve every spec; the baseline is `baseline` when usable, else the first usable one.
    pub fn resolve(specs: &[ToolchainSpec], baseline: Option<&ToolchainSpec>, build_std: bool) -> Toolchains {
        let mut t = Toolchains::default();
        for spec in specs {
            match spec.resolve() {
                Ok(mut info) => {
                    info.build_std = build_std;
                    t.usable.push(info);
                }
                Err(e) => t.unavailable.push(e),
            }
        }
        if let Some(b) = baseline {
            t.baseline = t.usable.iter().position(|i| i.is(b)).unwrap_or(0);
        }
        t
    }

    /// The toolchain comparisons are relative to; `None` when no toolchain is usable.
    pub fn baseline(&self) -> Option<&ToolchainInfo> {
        self.usable.get(self.baseline)
    }

    /// The usable toolchain named by `spec`.
    pub fn find(&self, spec: &ToolchainSpec) -> Option<&ToolchainInfo> {
        self.usable.iter().find(|i| i.is(spec))
    }
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

    fn spec(s: &str) -> ToolchainSpec {
        s.parse().unwrap()
    }

    #[test]
    fn flags_after_the_toolchain() {
        assert_eq!(spec("stable"), ToolchainSpec::plain(Toolchain::Rustup("stable".into())));
        let s = spec(" async-fork  -Zfoo=no -Cbar ");
        assert_eq!(s.toolchain, Toolchain::Rustup("async-fork".into()));
        assert_eq!(s.flags, vec!["-Zfoo=no".to_string(), "-Cbar".into()]);
        assert_eq!(s.to_string(), "async-fork -Zfoo=no -Cbar");
        assert!("".parse::<ToolchainSpec>().is_err());
        assert_eq!(spec("stable --cfg x").flags, vec!["--cfg".to_string(), "x".into()]);
    }

    #[test]
    fn specs_with_flags() {
        let info = spec("stable").resolve().unwrap();
        assert_eq!((info.name.as_str(), info.flags.len()), ("stable", 0));
        let info = spec("  stable   -Copt-level=1 ").resolve().unwrap();
        assert_eq!(info.name, "stable -Copt-level=1");
        assert_eq!(info.flags, vec!["-Copt-level=1".to_string()]);
        assert!(info.is(&spec("stable  -Copt-level=1")));
        let err = spec("stable -Zself-profile").resolve().unwrap_err().to_string();
        assert!(
            err.contains("`stable -Zself-profile`") && err.contains("nightly or dev"),
            "{err}"
        );
        assert!(spec("no-such-toolchain-xyz -Zx").resolve().is_err());
    }

    #[test]
    fn flags_are_a_field_in_json() {
        let info = spec("stable -Copt-level=1").resolve().unwrap();
        let v: serde_json::Value = serde_json::to_value(&info).unwrap();
        assert_eq!(v["flags"], serde_json::json!(["-Copt-level=1"]));
        // Files written before the field existed still load.
        let mut old = serde_json::to_value(spec("stable").resolve().unwrap()).unwrap();
        let o = old.as_object_mut().unwrap();
        o.remove("rust_src");
        o.remove("build_std");
        let back: ToolchainInfo = serde_json::from_value(old).unwrap();
        assert!(back.flags.is_empty() && !back.build_std);
    }

    #[test]
    fn clap_group_parses_specs_once() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            t: ToolchainArgs,
        }
        let cli = Cli::try_parse_from([
            "x",
            "-t",
            "stable",
            "--toolchain=stable -Copt-level=1",
            "--baseline",
            "stable -Copt-level=1",
        ])
        .unwrap();
        assert_eq!(cli.t.toolchains.len(), 2);
        assert_eq!(cli.t.toolchains[1].flags, vec!["-Copt-level=1".to_string()]);
        let t = cli.t.resolve("test");
        assert_eq!(t.baseline().unwrap().name, "stable -Copt-level=1");
        assert_eq!(t.usable[1].flags, vec!["-Copt-level=1".to_string()]);
        assert!(Cli::try_parse_from(["x", "-t", ""]).is_err());
        // An unknown baseline falls back to the first usable toolchain.
        let t = Toolchains::resolve(&[spec("stable")], Some(&spec("nightly-1999-01-01")), false);
        assert_eq!(t.baseline().unwrap().name, "stable");
    }

    #[test]
    fn stamps_say_which_build_they_are() {
        // A stamp from before the field: a quick build, and tables keep their old text.
        let old = r#"{"fork": "async-fork", "series_hash": "72215b8524b2", "patches": [],
            "tree_commit": "x", "upstream": "1.95.0", "debian": "1.95.0+dfsg1-2", "built_at": "t"}"#;
        let stamp: ForkStamp = serde_json::from_str(old).unwrap();
        assert_eq!(stamp.build, None);
        let mut info = fake_info(true, true);
        info.fork = Some(stamp.clone());
        assert!(
            info.describe().ends_with("[async-fork series 72215b852]"),
            "{}",
            info.describe()
        );
        // A release stamp names itself and its settings survive a round trip.
        let release = ForkStamp {
            build: Some("release".into()),
            settings: vec!["llvm.link-shared=false".into()],
            ..stamp
        };
        let back: ForkStamp = serde_json::from_str(&serde_json::to_string(&release).unwrap()).unwrap();
        assert_eq!(back, release);
        info.fork = Some(release.clone());
        assert!(
            info.describe()
                .ends_with("[async-fork series 72215b852, release build]"),
            "{}",
            info.describe()
        );
        // A release stamp with its knobs names them, so a table of knobs says which is which.
        info.fork = Some(ForkStamp {
            knobs: vec!["static-llvm".into(), "lld".into()],
            ..release
        });
        assert!(
            info.describe()
                .ends_with("[async-fork series 72215b852, release build: static-llvm lld]"),
            "{}",
            info.describe()
        );
    }

    fn fake_info(fork: bool, accepts_z: bool) -> ToolchainInfo {
        let mut info = spec("stable").resolve().unwrap();
        info.targets_with_core = vec![Target::host()];
        info.rust_src = true;
        if accepts_z {
            info.version.release = "1.97.0-nightly".into();
        }
        if fork {
            info.fork = Some(ForkStamp {
                fork: "async-fork".into(),
                series_hash: "0".into(),
                patches: vec![],
                tree_commit: "0".into(),
                upstream: "1.95.0".into(),
                debian: "0".into(),
                built_at: "0".into(),
                build: None,
                settings: vec![],
                knobs: vec![],
            });
        }
        info
    }

    #[test]
    fn core_provision() {
        let m4 = Target::new(crate::target::CORTEX_M4F);
        let mut release = fake_info(false, false);
        assert_eq!(release.core_for(&Target::host()), Some(CoreProvision::RustStd));
        assert_eq!(release.core_for(&m4), None);
        assert!(release.target_unavailable(&m4).unwrap().contains("--build-std"));
        assert!(release.cargo_settings(Some(&m4)).args.is_empty());
        release.build_std = true;
        assert_eq!(
            release.core_for(&m4),
            Some(CoreProvision::BuildStd { needs_bootstrap: true })
        );
        let cargo = release.cargo_settings(Some(&m4));
        assert_eq!(cargo.args, vec!["-Zbuild-std=core,alloc".to_string()]);
        assert!(cargo.env.contains(&("RUSTC_BOOTSTRAP".into(), "1".into())));
        assert!(release.target_unavailable(&m4).is_none());
        release.rust_src = false;
        assert!(release.target_unavailable(&m4).unwrap().contains("rust-src"));

        let mut nightly = fake_info(false, true);
        nightly.build_std = true;
        assert_eq!(
            nightly.core_for(&m4),
            Some(CoreProvision::BuildStd { needs_bootstrap: false })
        );
        // The cargo that drives the build may be a release's, so -Zbuild-std always gets it.
        assert!(nightly
            .cargo_settings(Some(&m4))
            .env
            .contains(&("RUSTC_BOOTSTRAP".into(), "1".into())));
        let fork = fake_info(true, true);
        assert_eq!(fork.core_for(&Target::host()), Some(CoreProvision::ForkSysroot));
    }

    #[test]
    fn cargo_settings_carry_the_flags() {
        let info = spec("stable -Copt-level=1 -Cdebuginfo=0").resolve().unwrap();
        let cargo = info.cargo_settings(None);
        assert!(cargo.env.contains(&(
            "CARGO_ENCODED_RUSTFLAGS".into(),
            "-Copt-level=1\x1f-Cdebuginfo=0".into()
        )));
        assert!(cargo.env.contains(&("RUSTC".into(), info.rustc.display().to_string())));
        assert_eq!(info.dir_name(), "stable_-Copt-level_1_-Cdebuginfo_0");
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

    /// A linked toolchain has its Cortex-M cores in its sysroot, and rustup can neither list nor
    /// add targets for it: no target may be reported missing. Runs where the fork is linked.
    #[test]
    fn linked_toolchain_cores_are_found_in_its_sysroot() {
        if !installed_rustup_toolchains().iter().any(|n| n == "async-fork") {
            eprintln!("skipped: async-fork is not linked");
            return;
        }
        let missing = add_rustup_targets("async-fork", &crate::target::EMBEDDED_TARGETS);
        assert!(missing.is_empty(), "{missing:?}");
    }
}
