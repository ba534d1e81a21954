//! `results/crater/crater.json` (harness envelope first, every step with every test's status,
//! the comparisons) and `crater.md` (the tables). Rewritten after every step, atomically, so an
//! interrupted run keeps everything it finished; `state` says whether the run completed.

use crate::compare::{compare, Comparison};
use crate::libtest::Counts;
use crate::manifest::CrateSpec;
use crate::run::{Profile, Step, StepStatus};
use harness::envelope::Envelope;
use harness::report::Table;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

pub const SCHEMA: &str = "crater/1";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Complete,
    Interrupted,
}

/// A crate of the run, as listed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrateEntry {
    pub name: String,
    pub version: String,
    pub why: String,
    pub cargo_args: Vec<String>,
    pub test_args: Vec<String>,
    pub doc: bool,
    #[serde(default)]
    pub patch_self: bool,
    #[serde(default)]
    pub dev_dependencies: std::collections::BTreeMap<String, String>,
}

impl From<&CrateSpec> for CrateEntry {
    fn from(c: &CrateSpec) -> Self {
        CrateEntry {
            name: c.name.clone(),
            version: c.version.clone(),
            why: c.why.clone(),
            cargo_args: c.cargo_args.clone(),
            test_args: c.test_args.clone(),
            doc: c.doc,
            patch_self: c.patch_self,
            dev_dependencies: c.dev_dependencies.clone(),
        }
    }
}

/// A step that was not run, and why (a toolchain that stayed unusable, a source that could not
/// be fetched).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Skipped {
    #[serde(rename = "crate")]
    pub krate: String,
    pub toolchain: String,
    pub profile: Option<Profile>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// `cargo -V` of the cargo that drove every build.
    pub cargo: String,
    /// `git describe` of this repository.
    pub repo_commit: Option<String>,
    pub baseline: String,
    pub profiles: Vec<Profile>,
    pub jobs: usize,
    pub timeout_minutes: f64,
    pub crates: Vec<CrateEntry>,
    pub steps: Vec<Step>,
    pub skipped: Vec<Skipped>,
    pub comparisons: Vec<Comparison>,
    pub state: State,
    pub elapsed_secs: f64,
    /// Why doc tests were not run, when they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_tests_skipped: Option<String>,
}

impl Results {
    /// Recompute the comparisons from the steps: every non-baseline step against the baseline's
    /// step of the same crate and profile.
    pub fn recompare(&mut self) {
        let mut out = Vec::new();
        for s in self.steps.iter().filter(|s| s.toolchain != self.baseline) {
            if let Some(b) = self
                .steps
                .iter()
                .find(|b| b.toolchain == self.baseline && b.krate == s.krate && b.profile == s.profile)
            {
                out.push(compare(b, s));
            }
        }
        self.comparisons = out;
    }

    /// Tests run per toolchain (every step, every profile).
    pub fn tests_per_toolchain(&self) -> Vec<(String, Counts)> {
        let mut out: Vec<(String, Counts)> = Vec::new();
        for s in &self.steps {
            match out.iter_mut().find(|(t, _)| *t == s.toolchain) {
                Some((_, c)) => c.add(s.counts),
                None => out.push((s.toolchain.clone(), s.counts)),
            }
        }
        out
    }
}

fn status_text(s: &StepStatus) -> String {
    match s {
        StepStatus::Complete => "complete".into(),
        StepStatus::BuildFailed { first_error } => format!("build failed: {first_error}"),
        StepStatus::TimedOut { during } => format!("TIMED OUT ({during})"),
        StepStatus::Interrupted => "interrupted".into(),
    }
}

pub fn markdown(r: &Results) -> String {
    let mut m = String::new();
    writeln!(m, "# Real crates' test suites (crater)\n").unwrap();
    writeln!(m, "- command: `{}`", r.envelope.command).unwrap();
    if let Some(c) = &r.repo_commit {
        writeln!(m, "- repository at: {c}").unwrap();
    }
    writeln!(
        m,
        "- date: {}, machine: {} ({} cores), `CARGO_BUILD_JOBS={}`, {} per crate, toolchain and profile",
        r.envelope.date,
        r.envelope.machine.cpu_model,
        r.envelope.machine.cores,
        r.jobs,
        format_minutes(r.timeout_minutes)
    )
    .unwrap();
    writeln!(m, "- cargo: {}", r.cargo).unwrap();
    if let Some(why) = &r.doc_tests_skipped {
        writeln!(m, "- doc tests not run: {why}").unwrap();
    }
    for tc in &r.envelope.toolchains {
        writeln!(m, "- toolchain `{}`: {}", tc.name, tc.describe()).unwrap();
    }
    for u in &r.envelope.unavailable_toolchains {
        writeln!(m, "- unavailable: {u}").unwrap();
    }
    let mut ids: Vec<(String, String)> = r
        .steps
        .iter()
        .map(|s| (s.toolchain.clone(), s.toolchain_id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    for tc in r.envelope.toolchains.iter().map(|t| &t.name) {
        let seen: Vec<&String> = ids.iter().filter(|(t, _)| t == tc).map(|(_, i)| i).collect();
        if seen.len() > 1 {
            writeln!(
                m,
                "- **`{tc}` changed during the run**: its steps ran on {}",
                seen.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            )
            .unwrap();
        }
    }
    writeln!(
        m,
        "- state: {}, {:.0} min",
        match r.state {
            State::Running => "running (or stopped without finishing)",
            State::Complete => "complete",
            State::Interrupted => "interrupted",
        },
        r.elapsed_secs / 60.0
    )
    .unwrap();
    writeln!(m, "\nTests run, every crate and profile:\n").unwrap();
    let mut t = Table::new(["toolchain", "passed", "failed", "ignored", "total"]);
    for (tc, c) in r.tests_per_toolchain() {
        t.row([
            format!("`{tc}`"),
            c.passed.to_string(),
            c.failed.to_string(),
            c.ignored.to_string(),
            c.total().to_string(),
        ]);
    }
    write!(m, "{t}").unwrap();
    let regressions: usize = r.comparisons.iter().map(|c| c.regressions.len()).sum();
    writeln!(
        m,
        "\n**Regressions against `{}`** (passing there, failing on another toolchain): **{regressions}**\n",
        r.baseline
    )
    .unwrap();

    writeln!(m, "## Per crate\n").unwrap();
    let mut t = Table::new([
        "crate",
        "profile",
        "toolchain",
        "passed",
        "failed",
        "ignored",
        "status",
        "build s",
        "total s",
        "vs baseline",
    ]);
    for s in &r.steps {
        let verdict = r
            .comparisons
            .iter()
            .find(|c| c.krate == s.krate && c.profile == s.profile && c.other == s.toolchain)
            .map(|c| c.verdict())
            .unwrap_or_else(|| {
                if s.toolchain == r.baseline {
                    "(baseline)".into()
                } else {
                    "-".into()
                }
            });
        t.row([
            format!("{} {}", s.krate, s.version),
            s.profile.to_string(),
            format!("`{}`", s.toolchain),
            s.counts.passed.to_string(),
            s.counts.failed.to_string(),
            s.counts.ignored.to_string(),
            status_text(&s.status),
            format!("{:.0}", s.build_secs),
            format!("{:.0}", s.secs),
            verdict,
        ]);
    }
    write!(m, "{t}").unwrap();

    let listed: Vec<&Comparison> = r
        .comparisons
        .iter()
        .filter(|c| {
            !c.regressions.is_empty() || !c.failing_on_both.is_empty() || !c.fixed.is_empty() || !c.not_run.is_empty()
        })
        .collect();
    if !listed.is_empty() {
        writeln!(m, "\n## Failing tests\n").unwrap();
        for c in listed {
            writeln!(
                m,
                "### {} ({}), `{}` against `{}`\n",
                c.krate, c.profile, c.other, c.baseline
            )
            .unwrap();
            for (title, list) in [
                ("Regressions (pass on the baseline, fail here)", &c.regressions),
                ("Failing on the baseline too (not a regression)", &c.failing_on_both),
                ("Fixed (fail on the baseline, pass here)", &c.fixed),
                ("Not run here (step stopped early)", &c.not_run),
            ] {
                if list.is_empty() {
                    continue;
                }
                writeln!(m, "{title}:\n").unwrap();
                for d in list.iter().take(50) {
                    writeln!(m, "- `{}` `{}`", d.binary, d.test).unwrap();
                }
                if list.len() > 50 {
                    writeln!(m, "- ... and {} more (all in crater.json)", list.len() - 50).unwrap();
                }
                m.push('\n');
            }
        }
    }
    if !r.skipped.is_empty() {
        writeln!(m, "\n## Not run\n").unwrap();
        for s in &r.skipped {
            let p = s.profile.map(|p| format!(" {p}")).unwrap_or_default();
            writeln!(m, "- {}{p} with `{}`: {}", s.krate, s.toolchain, s.reason).unwrap();
        }
    }
    writeln!(m, "\n## Crates\n").unwrap();
    let mut t = Table::new([
        "crate",
        "version",
        "cargo arguments, manifest",
        "test arguments",
        "doc tests",
        "why",
    ]);
    for c in &r.crates {
        t.row([
            c.name.clone(),
            c.version.clone(),
            setup(c),
            if c.test_args.is_empty() {
                "-".into()
            } else {
                format!("`{}`", c.test_args.join(" "))
            },
            if c.doc { "yes".into() } else { "no".into() },
            c.why.clone(),
        ]);
    }
    write!(m, "{t}").unwrap();
    m
}

/// The cargo arguments and what was added to the package's manifest.
fn setup(c: &CrateEntry) -> String {
    let mut parts = Vec::new();
    if !c.cargo_args.is_empty() {
        parts.push(format!("`{}`", c.cargo_args.join(" ")));
    }
    for (d, v) in &c.dev_dependencies {
        parts.push(format!("dev-dependency `{d} {v}` added"));
    }
    if c.patch_self {
        parts.push(format!("`{}` patched to the copy under test", c.name));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

fn format_minutes(m: f64) -> String {
    format!("{m:.0} min")
}
