//! Storage: `results/<run-id>/results.json`, written after every measurement.
//!
//! # Schema (`compile-bench/1`)
//! ```text
//! {
//!   "envelope":  harness Envelope: schema, harness_version, command, date, machine,
//!                toolchains (name, real rustc path, sysroot, `rustc -vV` parsed and verbatim,
//!                targets with core, fork stamp), unavailable_toolchains (name + reason)
//!   "run":       run_id, collector_version, metric ("perf" | "callgrind" | "none"), metric_note,
//!                reps (native timed runs per case), instr_reps (counted runs per case), baseline,
//!                profiles, scenarios, sweep_profiles, started, finished, duration_s
//!   "workloads": [{ name, category, artifact, target?, generated? (spec), size?, path? }]
//!   "cases":     [{ toolchain, workload, profile ("check"|"debug"|"opt"),
//!                   scenario ("full"|"incr-full"|"incr-unchanged"),
//!                   status: {"status": "measured"} | {"status": "unsupported", "first_error"}
//!                         | {"status": "failed", "reason"} | {"status": "skipped", "reason"}
//!                         | {"status": "pending"},
//!                   command (the replayed rustc command line),
//!                   instructions: [u64], wall_s: [f64], cpu_s: [f64] (user+sys), max_rss_kib: [u64],
//!                   self_profile: [{ query, self_time_s, invocations }],
//!                   notes: [string] (deviations, e.g. callgrind on a stripped rustc executable) }]
//!   "runtime":   [{ toolchain, workload, mean_ns, median_ns }]   (criterion, optional)
//!   "state":     {"state": "running"} | {"state": "complete"} | {"state": "interrupted", "reason"}
//! }
//! ```
//! Every array of samples holds one value per repetition; reports use their min and median. The
//! file is rewritten whole (to a temporary file, then renamed) after every sample, so a crash,
//! a failing case or Ctrl-C leaves a valid file with everything measured so far, and `state` says
//! whether the run finished.

use crate::benchmark::workload::WorkloadRecord;
use crate::benchmark::{Profile, Scenario};
use crate::execute::metric::MetricSource;
use crate::execute::selfprofile::QueryTime;
use anyhow::Context as _;
use harness::envelope::Envelope;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SCHEMA: &str = "compile-bench/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub envelope: Envelope,
    pub run: RunInfo,
    pub workloads: Vec<WorkloadRecord>,
    pub cases: Vec<Case>,
    #[serde(default)]
    pub runtime: Vec<RuntimeResult>,
    pub state: RunState,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    pub collector_version: String,
    pub metric: MetricSource,
    /// Why the metric is what it is (e.g. perf unavailable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_note: Option<String>,
    pub reps: usize,
    pub instr_reps: usize,
    pub baseline: String,
    pub profiles: Vec<Profile>,
    pub scenarios: Vec<Scenario>,
    pub sweep_profiles: Vec<Profile>,
    pub started: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    Running,
    Complete,
    Interrupted { reason: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Not measured yet (a run that stopped early leaves these).
    Pending,
    Measured,
    /// The toolchain rejects the workload (e.g. async in no_std before 1.44).
    Unsupported {
        first_error: String,
    },
    /// ICE, crash, timeout, or a failure of the harness itself.
    Failed {
        reason: String,
    },
    /// Not attempted (e.g. no `core` for the workload's target).
    Skipped {
        reason: String,
    },
}

impl Status {
    /// One line for tables.
    pub fn describe(&self) -> String {
        match self {
            Status::Pending => "not measured (run stopped)".into(),
            Status::Measured => "measured".into(),
            Status::Unsupported { first_error } => format!("unsupported on this toolchain: {first_error}"),
            Status::Failed { reason } => format!("failed: {reason}"),
            Status::Skipped { reason } => format!("skipped: {reason}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub toolchain: String,
    pub workload: String,
    pub profile: Profile,
    pub scenario: Scenario,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default)]
    pub instructions: Vec<u64>,
    #[serde(default)]
    pub wall_s: Vec<f64>,
    #[serde(default)]
    pub cpu_s: Vec<f64>,
    #[serde(default)]
    pub max_rss_kib: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_profile: Vec<QueryTime>,
    /// How the measurement deviated from the plain method, if it did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Case {
    pub fn new(toolchain: &str, workload: &str, profile: Profile, scenario: Scenario) -> Case {
        Case {
            toolchain: toolchain.into(),
            workload: workload.into(),
            profile,
            scenario,
            status: Status::Pending,
            command: None,
            instructions: Vec::new(),
            wall_s: Vec::new(),
            cpu_s: Vec::new(),
            max_rss_kib: Vec::new(),
            self_profile: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn key(&self) -> (&str, &str, Profile, Scenario) {
        (&self.toolchain, &self.workload, self.profile, self.scenario)
    }
}

/// Criterion's estimate for polling one generated workload to completion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuntimeResult {
    pub toolchain: String,
    pub workload: String,
    pub mean_ns: f64,
    pub median_ns: f64,
}

impl ResultsFile {
    pub fn case(&self, toolchain: &str, workload: &str, profile: Profile, scenario: Scenario) -> Option<&Case> {
        self.cases
            .iter()
            .find(|c| c.key() == (toolchain, workload, profile, scenario))
    }

    /// The case with this key; a key the run did not plan (a typo, a toolchain renamed on the
    /// way) is an error rather than a new case.
    pub fn case_mut(
        &mut self,
        toolchain: &str,
        workload: &str,
        profile: Profile,
        scenario: Scenario,
    ) -> anyhow::Result<&mut Case> {
        self.cases
            .iter_mut()
            .find(|c| c.key() == (toolchain, workload, profile, scenario))
            .with_context(|| format!("no case {toolchain} / {workload} / {profile} / {scenario} in this run"))
    }

    /// The case with this key, added when missing (for building a file case by case).
    pub fn case_or_insert(
        &mut self,
        toolchain: &str,
        workload: &str,
        profile: Profile,
        scenario: Scenario,
    ) -> &mut Case {
        let pos = match self
            .cases
            .iter()
            .position(|c| c.key() == (toolchain, workload, profile, scenario))
        {
            Some(p) => p,
            None => {
                self.cases.push(Case::new(toolchain, workload, profile, scenario));
                self.cases.len() - 1
            }
        };
        &mut self.cases[pos]
    }

    /// Toolchain names in the envelope's order (the order they were given).
    pub fn toolchain_names(&self) -> Vec<String> {
        self.envelope.toolchains.iter().map(|t| t.name.clone()).collect()
    }
}

/// The results file of a run being measured, saved after every change.
pub struct Store {
    path: PathBuf,
    pub data: ResultsFile,
}

impl Store {
    pub fn create(path: &Path, data: ResultsFile) -> anyhow::Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let store = Store {
            path: path.to_path_buf(),
            data,
        };
        store.save()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write atomically: a reader (or a crash) never sees a half-written file.
    pub fn save(&self) -> anyhow::Result<()> {
        harness::report::write_json(&self.path, &self.data)
    }

    /// Change the data and save it.
    pub fn update<R>(&mut self, f: impl FnOnce(&mut ResultsFile) -> R) -> anyhow::Result<R> {
        let r = f(&mut self.data);
        self.save()?;
        Ok(r)
    }
}

/// Read a results file (or the `results.json` in a run directory), with a clear error when it is
/// missing, truncated, corrupt or of another schema.
pub fn load(path: &Path) -> anyhow::Result<ResultsFile> {
    let file = if path.is_dir() {
        path.join("results.json")
    } else {
        path.to_path_buf()
    };
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("cannot read results file {}", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is corrupt: not valid JSON ({e}); it may have been truncated. Rerun the benchmark or restore the file.",
            file.display()
        )
    })?;
    let schema = value.pointer("/envelope/schema").and_then(|s| s.as_str()).unwrap_or("");
    if schema != SCHEMA {
        anyhow::bail!(
            "{} is not a compile-benchmark results file: schema is `{schema}`, expected `{SCHEMA}`",
            file.display()
        );
    }
    serde_json::from_value(value)
        .map_err(|e| anyhow::anyhow!("{} is corrupt: it does not match schema {SCHEMA} ({e})", file.display()))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use harness::machine::Machine;
    use harness::toolchain::{ToolchainError, ToolchainInfo, VersionInfo};

    pub fn toolchain(name: &str, release: &str) -> ToolchainInfo {
        let verbose = format!("rustc {release}\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: {release}\n");
        ToolchainInfo {
            name: name.into(),
            rustc: format!("/fake/{name}/rustc").into(),
            sysroot: format!("/fake/{name}").into(),
            version: VersionInfo::parse(&verbose).unwrap(),
            targets_with_core: vec![],
            fork: None,
            flags: Vec::new(),
            rust_src: false,
            build_std: false,
        }
    }

    /// A results file with the given toolchains and no cases.
    pub fn empty(toolchains: &[(&str, &str)]) -> ResultsFile {
        ResultsFile {
            envelope: Envelope {
                schema: SCHEMA.into(),
                harness_version: "0".into(),
                command: "bench test".into(),
                date: "2026-01-01T00:00:00Z".into(),
                machine: Machine::current(),
                toolchains: toolchains.iter().map(|(n, r)| toolchain(n, r)).collect(),
                unavailable_toolchains: vec![ToolchainError::NotInstalled {
                    toolchain: "nope".into(),
                    detail: "not installed".into(),
                }],
            },
            run: RunInfo {
                run_id: "test".into(),
                collector_version: "0".into(),
                metric: MetricSource::Callgrind,
                metric_note: None,
                reps: 1,
                instr_reps: 1,
                baseline: toolchains[0].0.into(),
                profiles: vec![Profile::Check],
                scenarios: vec![Scenario::Full],
                sweep_profiles: vec![Profile::Debug],
                started: "2026-01-01T00:00:00Z".into(),
                finished: None,
                duration_s: None,
            },
            workloads: vec![],
            cases: vec![],
            runtime: vec![],
            state: RunState::Running,
        }
    }

    #[test]
    fn a_case_the_run_did_not_plan_is_an_error() {
        let mut f = empty(&[("stable", "1.95.0")]);
        f.case_or_insert("stable", "a", Profile::Check, Scenario::Full);
        assert!(f.case_mut("stable", "a", Profile::Check, Scenario::Full).is_ok());
        let err = f.case_mut("stabel", "a", Profile::Check, Scenario::Full).unwrap_err();
        assert!(err.to_string().contains("no case stabel / a / check / full"), "{err}");
        assert_eq!(f.cases.len(), 1);
    }

    #[test]
    fn store_keeps_earlier_cases_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run/results.json");
        let mut store = Store::create(&path, empty(&[("stable", "1.95.0")])).unwrap();
        store
            .update(|f| {
                let c = f.case_or_insert("stable", "a", Profile::Check, Scenario::Full);
                c.instructions.push(100);
                c.status = Status::Measured;
            })
            .unwrap();
        // A later case fails: the earlier one is still in the file on disk.
        store
            .update(|f| {
                f.case_or_insert("stable", "b", Profile::Check, Scenario::Full).status = Status::Failed {
                    reason: "crashed: killed by signal 6 (SIGABRT)".into(),
                }
            })
            .unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back, store.data);
        assert_eq!(
            back.case("stable", "a", Profile::Check, Scenario::Full)
                .unwrap()
                .instructions,
            vec![100]
        );
        assert!(matches!(
            back.case("stable", "b", Profile::Check, Scenario::Full).unwrap().status,
            Status::Failed { .. }
        ));
        // Loading by directory works too.
        assert_eq!(load(path.parent().unwrap()).unwrap(), back);
    }

    #[test]
    fn corrupt_files_give_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        let good = serde_json::to_string(&empty(&[("stable", "1.95.0")])).unwrap();
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("is corrupt") && err.contains("truncated"), "{err}");
        std::fs::write(&path, r#"{"envelope": {"schema": "codegen-matrix/1"}}"#).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("not a compile-benchmark results file"), "{err}");
        std::fs::write(&path, good.replace("\"cases\":[]", "\"cases\":7")).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("does not match schema"), "{err}");
        let err = load(&dir.path().join("missing.json")).unwrap_err().to_string();
        assert!(err.contains("cannot read results file"), "{err}");
    }
}
