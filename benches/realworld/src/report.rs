//! The results of a run (`realworld.json`, harness envelope first) and its Markdown summary.
//!
//! Ratios are formed only between two measured builds of the same application in the same
//! [`CoreClass`]: the baseline's (`--baseline`, default the first toolchain) for every toolchain,
//! and, for each toolchain that is our fork, against each toolchain that is not.

use crate::measure::{FutureSizes, TaskStorage};
use crate::plan::CoreClass;
use firmware_runner::measure::{PanicSites, Sections};
use harness::envelope::Envelope;
use harness::report::Table;
use harness::toolchain::CoreProvision;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write;

pub const SCHEMA: &str = "realworld/1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub method: Method,
    /// The toolchain (name, as in the envelope) ratios are relative to.
    pub baseline: Option<String>,
    pub builds: Vec<BuildResult>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Method {
    pub target: String,
    pub profile: String,
    pub task_storage: String,
    pub future_sizes: String,
    pub panic_sites: String,
    pub core_classes: String,
}

/// How one build ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    Measured,
    /// The build (or its type-size pass) failed: the step and the first error line.
    Failed {
        step: String,
        first_error: String,
    },
    /// Not attempted, and why (no core for the target, no rust-src).
    Skipped {
        reason: String,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BuildResult {
    pub app: String,
    pub toolchain: String,
    pub class: CoreClass,
    /// How `core` was provided; absent for a skipped build.
    pub core: Option<CoreProvision>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_secs: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Sections>,
    /// Static storage per task (embassy `POOL`, RTIC `__rtic_internal_*_EXEC`).
    #[serde(default)]
    pub tasks: TaskStorage,
    /// Every future type of the application crate and its size.
    #[serde(default)]
    pub futures: FutureSizes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panic_sites: Option<PanicSites>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl BuildResult {
    pub fn measured(&self) -> bool {
        self.status == Status::Measured
    }
    pub fn task_ram(&self) -> u64 {
        self.tasks.values().sum()
    }
    pub fn flash(&self) -> Option<u64> {
        self.sections.as_ref().map(Sections::flash)
    }
    pub fn ram(&self) -> Option<u64> {
        self.sections.as_ref().map(Sections::ram)
    }
}

/// `a / b` of two measured builds of the same application and class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub app: String,
    pub class: CoreClass,
    pub subject: String,
    pub reference: String,
    pub task_ram: Option<f64>,
    pub flash: Option<f64>,
    pub static_ram: Option<f64>,
    /// Geometric mean of size ratios over the futures both builds have.
    pub futures_geomean: Option<f64>,
    pub futures_compared: usize,
}

fn div(a: Option<u64>, b: Option<u64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0 => Some(a as f64 / b as f64),
        _ => None,
    }
}

/// The ratio of two builds, or `None` if they are not comparable (different application or class,
/// or one not measured).
pub fn ratio(subject: &BuildResult, reference: &BuildResult) -> Option<Ratio> {
    if subject.app != reference.app || subject.class != reference.class || !subject.measured() || !reference.measured()
    {
        return None;
    }
    let pairs: Vec<f64> = subject
        .futures
        .iter()
        .filter_map(|(ty, &a)| {
            reference
                .futures
                .get(ty)
                .filter(|&&b| b > 0 && a > 0)
                .map(|&b| a as f64 / b as f64)
        })
        .collect();
    let geomean = (!pairs.is_empty()).then(|| (pairs.iter().map(|r| r.ln()).sum::<f64>() / pairs.len() as f64).exp());
    Some(Ratio {
        app: subject.app.clone(),
        class: subject.class,
        subject: subject.toolchain.clone(),
        reference: reference.toolchain.clone(),
        task_ram: div(Some(subject.task_ram()), Some(reference.task_ram())),
        flash: div(subject.flash(), reference.flash()),
        static_ram: div(subject.ram(), reference.ram()),
        futures_geomean: geomean,
        futures_compared: pairs.len(),
    })
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.3}")).unwrap_or_else(|| "-".into())
}

fn fmt_opt(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

impl Report {
    fn find(&self, app: &str, class: CoreClass, toolchain: &str) -> Option<&BuildResult> {
        self.builds
            .iter()
            .find(|b| b.app == app && b.class == class && b.toolchain == toolchain)
    }

    /// Is `toolchain` our fork: its sysroot carries the fork's stamp, or it is the rustup toolchain
    /// the fork is linked as (whose stamp a rebuild of the sysroot may have removed for a while).
    fn is_fork(&self, toolchain: &str) -> bool {
        self.envelope.toolchains.iter().any(|t| {
            t.name == toolchain
                && (t.fork.is_some() || t.name.split_whitespace().next() == Some(harness::toolchain::FORK_TOOLCHAIN))
        })
    }

    /// Every ratio the summary shows: each toolchain to the baseline, and each fork toolchain to
    /// each toolchain that is not the fork, within one application and class.
    pub fn ratios(&self) -> Vec<Ratio> {
        let mut out = Vec::new();
        for b in self.builds.iter().filter(|b| b.measured()) {
            if let Some(base) = self.baseline.as_deref().and_then(|t| self.find(&b.app, b.class, t)) {
                if base.toolchain != b.toolchain {
                    out.extend(ratio(b, base));
                }
            }
            if !self.is_fork(&b.toolchain) {
                continue;
            }
            for reference in self.builds.iter().filter(|r| {
                r.app == b.app
                    && r.class == b.class
                    && !self.is_fork(&r.toolchain)
                    && Some(&r.toolchain) != self.baseline.as_ref()
            }) {
                out.extend(ratio(b, reference));
            }
        }
        out
    }

    /// The applications in the order of their first build.
    fn apps(&self) -> Vec<String> {
        let mut apps: Vec<String> = Vec::new();
        for b in &self.builds {
            if !apps.contains(&b.app) {
                apps.push(b.app.clone());
            }
        }
        apps
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let e = &self.envelope;
        let _ = writeln!(md, "# Real-world firmware: task RAM, futures and flash per toolchain\n");
        let _ = writeln!(
            md,
            "`{}` on {} ({} cores), {}. Target `{}`, {}.\n",
            e.command, e.machine.cpu_model, e.machine.cores, e.date, self.method.target, self.method.profile
        );
        let mut toolchains = Table::new(["toolchain", "rustc", "flags"]);
        for t in &e.toolchains {
            toolchains.row([format!("`{}`", t.name), t.describe(), t.flags.join(" ")]);
        }
        md.push_str(&toolchains.render());
        for u in &e.unavailable_toolchains {
            let _ = writeln!(md, "\nNot measured: {u}");
        }
        let _ = writeln!(md, "\n{}\n", self.method.core_classes);
        let ratios = self.ratios();
        for app in self.apps() {
            let _ = writeln!(md, "## {app}\n");
            md.push_str(&self.build_table(&app, &ratios).render());
            self.task_table(&mut md, &app);
            self.future_table(&mut md, &app);
        }
        let _ = writeln!(md, "## Ratios (same application, same core class)\n");
        let mut t = Table::new([
            "application",
            "core",
            "toolchain",
            "/ reference",
            "task RAM",
            "flash",
            "static RAM",
            "futures (geomean, n)",
        ])
        .numeric_from(4);
        for r in &ratios {
            t.row([
                r.app.clone(),
                r.class.to_string(),
                format!("`{}`", r.subject),
                format!("`{}`", r.reference),
                fmt_ratio(r.task_ram),
                fmt_ratio(r.flash),
                fmt_ratio(r.static_ram),
                format!("{} ({})", fmt_ratio(r.futures_geomean), r.futures_compared),
            ]);
        }
        md.push_str(&t.render());
        let _ = writeln!(
            md,
            "\nMethod: {} {} {}",
            self.method.task_storage, self.method.future_sizes, self.method.panic_sites
        );
        md
    }

    /// One row per build of `app`: its numbers, or why there are none.
    fn build_table(&self, app: &str, ratios: &[Ratio]) -> Table {
        let mut t = Table::new([
            "toolchain",
            "core",
            "task RAM",
            "flash",
            "static RAM",
            ".text",
            ".rodata",
            ".data",
            ".bss",
            "panic sites",
            "task RAM / base",
            "flash / base",
        ])
        .numeric_from(2);
        for b in self.builds.iter().filter(|b| b.app == app) {
            let name = format!("`{}`", b.toolchain);
            let core = b.core.map(|c| c.to_string()).unwrap_or_else(|| b.class.to_string());
            let s = match (&b.status, &b.sections) {
                (Status::Measured, Some(s)) => s,
                (Status::Failed { step, first_error }, _) => {
                    t.row([name, core, format!("{step} failed: {first_error}")]);
                    continue;
                }
                (Status::Skipped { reason }, _) => {
                    t.row([name, core, format!("skipped: {reason}")]);
                    continue;
                }
                (Status::Measured, None) => {
                    t.row([name, core, format!("no sections: {}", b.notes.join("; "))]);
                    continue;
                }
            };
            let (task_ratio, flash_ratio) = match ratios.iter().find(|r| {
                r.app == app
                    && r.class == b.class
                    && r.subject == b.toolchain
                    && Some(&r.reference) == self.baseline.as_ref()
            }) {
                _ if Some(&b.toolchain) == self.baseline.as_ref() => ("1 (base)".into(), "1 (base)".into()),
                Some(r) => (fmt_ratio(r.task_ram), fmt_ratio(r.flash)),
                None => ("-".into(), "-".into()),
            };
            t.row([
                name,
                core,
                b.task_ram().to_string(),
                s.flash().to_string(),
                s.ram().to_string(),
                s.text.to_string(),
                s.rodata.to_string(),
                s.data.to_string(),
                s.bss.to_string(),
                fmt_opt(b.panic_sites.as_ref().map(|p| p.total)),
                task_ratio,
                flash_ratio,
            ]);
        }
        t
    }

    /// The measured builds of `app`: the columns of its per-task and per-future tables.
    fn columns(&self, app: &str) -> Vec<&BuildResult> {
        self.builds.iter().filter(|b| b.app == app && b.measured()).collect()
    }

    fn task_table(&self, md: &mut String, app: &str) {
        let cols = self.columns(app);
        let tasks: BTreeSet<&String> = cols.iter().flat_map(|b| b.tasks.keys()).collect();
        if !tasks.is_empty() {
            let _ = writeln!(md, "\nTask storage (bytes):\n");
            md.push_str(&matrix(&cols, &tasks, |b, k| b.tasks.get(k).copied()).render());
        }
    }

    fn future_table(&self, md: &mut String, app: &str) {
        let cols = self.columns(app);
        let futures: BTreeSet<&String> = cols.iter().flat_map(|b| b.futures.keys()).collect();
        if !futures.is_empty() {
            let _ = writeln!(
                md,
                "\n<details><summary>{} futures of the application crate (bytes)</summary>\n",
                futures.len()
            );
            md.push_str(&matrix(&cols, &futures, |b, k| b.futures.get(k).copied()).render());
            let _ = writeln!(md, "\n</details>\n");
        }
    }
}

/// Rows (task or future names) x columns (builds).
fn matrix(cols: &[&BuildResult], rows: &BTreeSet<&String>, get: impl Fn(&BuildResult, &str) -> Option<u64>) -> Table {
    let header = std::iter::once(String::new()).chain(cols.iter().map(|c| format!("`{}` {}", c.toolchain, c.class)));
    let mut t = Table::new(header).numeric_from(1);
    for row in rows {
        let cells = std::iter::once(format!("`{row}`")).chain(cols.iter().map(|c| fmt_opt(get(c, row))));
        t.row(cells);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(app: &str, toolchain: &str, class: CoreClass, task: u64, flash: u64) -> BuildResult {
        BuildResult {
            app: app.into(),
            toolchain: toolchain.into(),
            class,
            core: None,
            status: Status::Measured,
            cargo: None,
            build_secs: None,
            sections: Some(Sections {
                text: flash,
                ..Sections::default()
            }),
            tasks: [("t".to_string(), task)].into(),
            futures: [("{async fn body of a::f()}".to_string(), task / 2)].into(),
            panic_sites: None,
            notes: vec![],
        }
    }

    #[test]
    fn ratios_only_within_one_app_and_class() {
        let a = build("x", "fork", CoreClass::Prebuilt, 80, 900);
        let b = build("x", "1.95.0", CoreClass::Prebuilt, 100, 1000);
        let r = ratio(&a, &b).unwrap();
        assert_eq!((r.task_ram, r.flash), (Some(0.8), Some(0.9)));
        assert_eq!((r.futures_geomean, r.futures_compared), (Some(0.8), 1));
        assert!(ratio(&a, &build("x", "1.99.1", CoreClass::BuildStd, 100, 1000)).is_none());
        assert!(ratio(&a, &build("y", "1.95.0", CoreClass::Prebuilt, 100, 1000)).is_none());
        let mut failed = b.clone();
        failed.status = Status::Failed {
            step: "build".into(),
            first_error: "error: x".into(),
        };
        assert!(ratio(&a, &failed).is_none());
    }
}
