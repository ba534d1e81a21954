//! Workloads are data: a folder in rustc-perf's compile-benchmark layout (`Cargo.toml` with an
//! empty `[workspace]`, `src/`, `perf-config.json`), or a generated crate named by its spec
//! (`gen-tree-d4-f2`, see `workload-gen`). Adding a folder under `benches/workloads/` adds a
//! workload; no code changes.
//!
//! A folder stands alone as rustc-perf needs it: its own `Cargo.lock`, nothing outside it, and a
//! `perf-config.json` that rustc-perf's `BenchmarkConfig` reads as we do (`tests/workload_folders.rs`
//! checks all of it, building each folder copied alone). We read `category`, `artifact` (both
//! required, as there) and `cargo_opts`; a `--target X` in `cargo_opts` makes the workload a
//! cross-compiled one (the `#![no_std]` Cortex-M4F workload), which a toolchain without that
//! target's `core` skips.

use anyhow::{bail, Context as _};
use harness::Target;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use workload_gen::{Family, Spec};

/// The fields of rustc-perf's `perf-config.json` that we use (`category` and `artifact` are
/// required there too); the workload test refuses folders that use any other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerfConfig {
    pub category: String,
    pub artifact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo_opts: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A hand-written crate in this folder.
    Dir(PathBuf),
    /// Generated from its spec when the run materialises it.
    Generated(Spec),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub name: String,
    pub source: Source,
    pub config: PerfConfig,
    /// The cargo package name, from `Cargo.toml`.
    pub package: String,
}

/// What a results file says about a workload, so that it can be rebuilt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadRecord {
    pub name: String,
    pub category: String,
    pub artifact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// For generated workloads: the spec, which regenerates the sources byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Spec>,
    /// For generated workloads: the x axis of the scaling graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Repository-relative folder of a hand-written workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Workload {
    pub fn from_dir(dir: &Path) -> anyhow::Result<Workload> {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("workload folder without a name")?
            .to_string();
        let cfg_path = dir.join("perf-config.json");
        let text = std::fs::read_to_string(&cfg_path).with_context(|| format!("reading {}", cfg_path.display()))?;
        let config: PerfConfig = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid perf-config", cfg_path.display()))?;
        let manifest = dir.join("Cargo.toml");
        let toml = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        let package = package_name(&toml).with_context(|| format!("no [package] name in {}", manifest.display()))?;
        Ok(Workload {
            name,
            source: Source::Dir(dir.to_path_buf()),
            config,
            package,
        })
    }

    pub fn generated(spec: Spec) -> Workload {
        Workload {
            name: spec.name(),
            source: Source::Generated(spec),
            config: PerfConfig {
                category: "secondary".into(),
                artifact: "library".into(),
                cargo_opts: None,
            },
            package: spec.name(),
        }
    }

    /// The crate name rustc sees (`--crate-name`), which identifies the leaf invocation.
    pub fn crate_name(&self) -> String {
        self.package.replace('-', "_")
    }

    /// Extra cargo arguments from `perf-config.json`.
    pub fn cargo_opts(&self) -> Vec<String> {
        self.config
            .cargo_opts
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    /// The target the workload is built for, when it is not the host.
    pub fn target(&self) -> Option<Target> {
        let opts = self.cargo_opts();
        let pos = opts.iter().position(|o| o == "--target")?;
        opts.get(pos + 1).map(|t| Target::new(t.clone()))
    }

    pub fn spec(&self) -> Option<Spec> {
        match &self.source {
            Source::Generated(s) => Some(*s),
            Source::Dir(_) => None,
        }
    }

    /// Write the crate into `dest`: a fresh copy per toolchain, committed `Cargo.lock` included
    /// (in the format without a `version` line, which the cargo of 1.43 and today's nightly both
    /// read and leave as it is), with a target directory of its own.
    pub fn materialize(&self, dest: &Path) -> anyhow::Result<()> {
        match &self.source {
            Source::Generated(spec) => spec.write(dest),
            Source::Dir(dir) => copy_tree(dir, dest),
        }
    }

    pub fn record(&self, repo: &Path) -> WorkloadRecord {
        WorkloadRecord {
            name: self.name.clone(),
            category: self.config.category.clone(),
            artifact: self.config.artifact.clone(),
            target: self.target(),
            generated: self.spec(),
            size: self.spec().map(|s| s.size()),
            path: match &self.source {
                Source::Dir(d) => Some(d.strip_prefix(repo).unwrap_or(d).display().to_string()),
                Source::Generated(_) => None,
            },
        }
    }
}

/// The first `name = "..."` of the `[package]` table; enough for our own manifests.
fn package_name(toml: &str) -> Option<String> {
    let mut in_package = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(v) = line
                .strip_prefix("name")
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix('='))
            {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Every hand-written workload in `dir` (folders with a `perf-config.json`), sorted by name.
pub fn discover(dir: &Path) -> anyhow::Result<Vec<Workload>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading workloads in {}", dir.display()))? {
        let path = entry?.path();
        if path.join("perf-config.json").is_file() {
            found.push(Workload::from_dir(&path)?);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Turn the names given on the command line into workloads: a folder name under `dir`, a generated
/// spec (`gen-chain-16`), a whole family's default sweep (`family:tree`), or every folder of a
/// perf-config category (`category:primary`). `all` is every folder.
pub fn resolve(names: &[String], dir: &Path) -> anyhow::Result<Vec<Workload>> {
    let mut out: Vec<Workload> = Vec::new();
    for name in names {
        let mut add = |w: Workload| {
            if !out.iter().any(|o| o.name == w.name) {
                out.push(w)
            }
        };
        if name == "all" {
            discover(dir)?.into_iter().for_each(&mut add);
        } else if let Some(category) = name.strip_prefix("category:") {
            discover(dir)?
                .into_iter()
                .filter(|w| w.config.category == category)
                .for_each(&mut add);
        } else if let Some(fam) = name.strip_prefix("family:") {
            let family = Family::parse(fam).with_context(|| {
                let known: Vec<_> = Family::ALL.iter().map(|f| f.name()).collect();
                format!("unknown workload family `{fam}` (known: {})", known.join(", "))
            })?;
            family
                .default_sweep()
                .into_iter()
                .map(Workload::generated)
                .for_each(&mut add);
        } else if let Some(spec) = Spec::parse(name) {
            add(Workload::generated(spec));
        } else if dir.join(name).join("perf-config.json").is_file() {
            add(Workload::from_dir(&dir.join(name))?);
        } else if name.starts_with("gen-") {
            bail!("`{name}` is not a valid generated workload (e.g. gen-tree-d4-f2, gen-chain-16, gen-nested-8, gen-closures-8)");
        } else {
            let known: Vec<_> = discover(dir)?.into_iter().map(|w| w.name).collect();
            bail!(
                "unknown workload `{name}` (folders in {}: {})",
                dir.display(),
                known.join(", ")
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        let t = "[package]\nname = \"await-call-tree\"\nversion = \"0.1.0\"\n[workspace]\n";
        assert_eq!(package_name(t).as_deref(), Some("await-call-tree"));
        assert_eq!(package_name("[workspace]\nname = \"x\"\n"), None);
    }

    #[test]
    fn repository_workloads_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads");
        let all = discover(&dir).unwrap();
        let names: Vec<_> = all.iter().map(|w| w.name.as_str()).collect();
        for want in ["await-call-tree", "await-call-tree-polled", "no-std-async"] {
            assert!(names.contains(&want), "{names:?}");
        }
        let nostd = all.iter().find(|w| w.name == "no-std-async").unwrap();
        assert_eq!(nostd.target(), Some(Target::new("thumbv7em-none-eabihf")));
        assert_eq!(nostd.crate_name(), "no_std_async");
    }

    #[test]
    fn resolves_names_specs_and_families() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads");
        let w = resolve(
            &["await-call-tree".into(), "gen-chain-8".into(), "family:tree".into()],
            &dir,
        )
        .unwrap();
        assert_eq!(w[0].name, "await-call-tree");
        assert_eq!(w[1].spec(), Some(Spec::sized(Family::Chain, 8)));
        assert!(w.len() > 3);
        let err = resolve(&["no-such-workload".into()], &dir).unwrap_err().to_string();
        assert!(err.contains("unknown workload `no-such-workload`"), "{err}");
        assert!(resolve(&["family:bogus".into()], &dir).is_err());
    }
}
