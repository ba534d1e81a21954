//! The pinned list of crates (`benches/crater/crates.toml`): data, so adding a crate needs no code.
//!
//! ```toml
//! [[crate]]
//! name = "async-lock"
//! version = "3.5.0"              # exact; the registry package of this version is what is tested
//! why = "async Mutex/RwLock/Semaphore/Barrier: futures that hold guards across awaits"
//! cargo_args = ["--features", "std"]   # added to `cargo test` (targets, features); optional
//! test_args = ["--skip", "net::"]      # added to every test binary's command line; optional
//! doc = true                           # also run the doc tests (default true)
//! patch_self = false                   # dev-dependencies that depend on this crate get this copy
//! dev_dependencies = { futures-test = "=0.3.34" }   # what the published package lost
//! timeout_minutes = 30                 # per toolchain and profile (default: --timeout-minutes)
//! ```
//!
//! Each crate has its lockfile beside the list, `locks/<name>-<version>.lock`, used with
//! `--locked`, so its dev-dependencies are the same on every machine and every toolchain.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CrateSpec {
    pub name: String,
    pub version: String,
    /// What async code the crate's tests exercise (shown in the report).
    pub why: String,
    #[serde(default)]
    pub cargo_args: Vec<String>,
    #[serde(default)]
    pub test_args: Vec<String>,
    #[serde(default = "yes")]
    pub doc: bool,
    pub timeout_minutes: Option<f64>,
    /// Add `[patch.crates-io] <name> = { path = "." }`: a dev-dependency that itself depends on
    /// the crate (tokio-test on tokio) then uses the copy under test, as in the project's own
    /// workspace, instead of a second copy of the crate whose traits would not match.
    #[serde(default)]
    pub patch_self: bool,
    /// Dev-dependencies (name -> exact version requirement) the tests use and the published
    /// package no longer declares: a project's own helper crates are path dependencies of its
    /// workspace, which publishing drops (futures' tests use futures-test).
    #[serde(default)]
    pub dev_dependencies: std::collections::BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

impl CrateSpec {
    /// `async-lock-3.5.0`: the name of its lockfile and work folder.
    pub fn id(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "crate")]
    crates: Vec<CrateSpec>,
}

/// `benches/crater`: the list and the locks.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The committed lockfile of `c` under `dir`.
pub fn lock_path(dir: &Path, c: &CrateSpec) -> PathBuf {
    dir.join("locks").join(format!("{}.lock", c.id()))
}

/// Parse the list; a malformed entry stops with the reason.
pub fn parse(text: &str) -> Result<Vec<CrateSpec>> {
    let f: File = toml::from_str(text).context("crates.toml")?;
    let mut seen = std::collections::BTreeSet::new();
    for c in &f.crates {
        let parts: Vec<&str> = c.version.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
            bail!(
                "crate {}: version `{}` is not an exact release (x.y.z)",
                c.name,
                c.version
            );
        }
        if !seen.insert(c.name.clone()) {
            bail!("crate {} is listed twice", c.name);
        }
        if let Some((d, v)) = c.dev_dependencies.iter().find(|(_, v)| !v.starts_with('=')) {
            bail!(
                "crate {}: dev-dependency {d} = \"{v}\" is not pinned (write \"=x.y.z\")",
                c.name
            );
        }
        if c.timeout_minutes.is_some_and(|t| t <= 0.0) {
            bail!("crate {}: timeout_minutes must be positive", c.name);
        }
    }
    Ok(f.crates)
}

/// Load `dir/crates.toml`.
pub fn load(dir: &Path) -> Result<Vec<CrateSpec>> {
    let path = dir.join("crates.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("in {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_defaults_and_options() {
        let cs = parse(
            "[[crate]]\nname = \"a\"\nversion = \"1.2.3\"\nwhy = \"x\"\n\n\
             [[crate]]\nname = \"b\"\nversion = \"0.1.0\"\nwhy = \"y\"\ncargo_args = [\"--test\", \"t\"]\n\
             doc = false\ntimeout_minutes = 5\n",
        )
        .unwrap();
        assert_eq!(cs.len(), 2);
        assert!(cs[0].doc && cs[0].cargo_args.is_empty() && cs[0].timeout_minutes.is_none());
        assert_eq!(cs[1].cargo_args, ["--test", "t"]);
        assert!(!cs[1].doc);
        assert_eq!(cs[1].id(), "b-0.1.0");
    }

    #[test]
    fn rejects_what_would_not_pin() {
        for (text, want) in [
            ("[[crate]]\nname = \"a\"\nversion = \"1\"\nwhy = \"\"\n", "exact release"),
            ("[[crate]]\nname = \"a\"\nversion = \"^1.2.3\"\nwhy = \"\"\n", "exact release"),
            (
                "[[crate]]\nname = \"a\"\nversion = \"1.0.0\"\nwhy = \"\"\n[[crate]]\nname = \"a\"\nversion = \"1.0.1\"\nwhy = \"\"\n",
                "twice",
            ),
            ("[[crate]]\nname = \"a\"\nversion = \"1.0.0\"\nwhy = \"\"\ntypo = 1\n", "unknown field"),
            (
                "[[crate]]\nname = \"a\"\nversion = \"1.0.0\"\nwhy = \"\"\ndev_dependencies = { t = \"0.3\" }\n",
                "not pinned",
            ),
        ] {
            let e = format!("{:#}", parse(text).unwrap_err());
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    /// The committed list parses, and every crate in it has its committed lockfile.
    #[test]
    fn the_committed_list_is_complete() {
        let dir = default_dir();
        let cs = load(&dir).unwrap();
        assert!(cs.len() >= 8, "issue 14 asks for at least eight crates");
        for c in &cs {
            let lock = lock_path(&dir, c);
            let text = std::fs::read_to_string(&lock).unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
            assert!(
                text.contains(&format!("name = \"{}\"\nversion = \"{}\"", c.name, c.version)),
                "{} does not lock {} itself",
                lock.display(),
                c.id()
            );
        }
    }
}
