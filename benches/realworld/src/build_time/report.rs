//! `build-time.json` (harness envelope first, then every single timed build) and its Markdown
//! summary: per application and core class, per toolchain, the builds that succeeded, wall and
//! CPU time (minimum and median), peak memory, and the ratios of the medians to the baseline's.
//!
//! The file is rewritten after every build, so it is complete only when `builds` holds `planned`
//! entries; the summary says when it is not.

use crate::plan::CoreClass;
use harness::envelope::Envelope;
use harness::report::Table;
use harness::rustc::Finished;
use harness::toolchain::CoreProvision;
use harness::units::UnitCost;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

pub const SCHEMA: &str = "realworld-build-time/1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BuildTimeReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub method: Method,
    /// The toolchain (name, as in the envelope) ratios are relative to.
    pub baseline: Option<String>,
    pub reps: u32,
    /// How many builds the run scheduled; fewer in `builds` means it was interrupted (or is
    /// still going).
    pub planned: usize,
    /// Builds not attempted, and why (no core, `cargo fetch` failed).
    #[serde(default)]
    pub skipped: Vec<Skip>,
    /// `toolchain: note` about how its builds were made (linker, `RUSTC_BOOTSTRAP`), each once.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Every timed build, in the order they ran.
    pub builds: Vec<Measurement>,
}

/// What was measured and how, in words, for the JSON and the summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Method {
    pub target: String,
    pub profile: String,
    /// The timed cargo command.
    pub build: String,
    pub metric: String,
    pub order: String,
    /// `CARGO_BUILD_JOBS` of the timed builds.
    pub jobs: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skip {
    pub app: String,
    pub toolchain: String,
    pub class: CoreClass,
    pub reason: String,
}

/// How one timed build ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuildOutcome {
    Ok,
    /// Compile error, ICE, timeout, or cargo could not be started: the first error line.
    Failed {
        first_error: String,
    },
}

/// What one cargo process cost, from its `wait4` rusage: user and system time include every
/// process cargo waited for (rustc, build scripts, the linker); max RSS is the largest single
/// process's peak.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub wall_secs: f64,
    pub user_secs: f64,
    pub sys_secs: f64,
    pub max_rss_kib: u64,
}

impl Cost {
    pub fn of(finished: &Finished) -> Cost {
        let ms = |d: std::time::Duration| (d.as_secs_f64() * 1000.0).round() / 1000.0;
        Cost {
            wall_secs: ms(finished.wall),
            user_secs: ms(finished.user),
            sys_secs: ms(finished.sys),
            max_rss_kib: finished.max_rss_kib,
        }
    }

    /// CPU time: user + system.
    pub fn cpu_secs(&self) -> f64 {
        self.user_secs + self.sys_secs
    }
}

/// One timed build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub app: String,
    pub toolchain: String,
    pub class: CoreClass,
    pub core: CoreProvision,
    /// Counted from 1.
    pub rep: u32,
    pub outcome: BuildOutcome,
    /// Absent only when cargo could not be started.
    #[serde(flatten)]
    pub cost: Option<Cost>,
    /// The machine's 1-minute load average when the build started (from `/proc/loadavg`): wall
    /// time means little on a machine that was busy with something else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_before: Option<f64>,
    /// Every compilation of the build and its cost (the timing wrapper's log; empty in files
    /// written before it, or when the wrapper was not used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitCost>,
}

impl Measurement {
    /// The cost of a successful build.
    fn ok_cost(&self) -> Option<Cost> {
        (self.outcome == BuildOutcome::Ok).then_some(self.cost).flatten()
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn min(values: &[f64]) -> Option<f64> {
    values.iter().copied().min_by(f64::total_cmp)
}

/// One toolchain's builds of one application in one core class, summarised over the successful
/// ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub app: String,
    pub class: CoreClass,
    pub toolchain: String,
    pub attempted: usize,
    pub ok: usize,
    pub wall_min: Option<f64>,
    pub wall_median: Option<f64>,
    pub cpu_min: Option<f64>,
    pub cpu_median: Option<f64>,
    pub max_rss_kib: Option<u64>,
}

/// The summary of `toolchain`'s builds of `app` in `class` among `builds`.
pub fn summarize(builds: &[Measurement], app: &str, class: CoreClass, toolchain: &str) -> Summary {
    let mine: Vec<&Measurement> = builds
        .iter()
        .filter(|b| b.app == app && b.class == class && b.toolchain == toolchain)
        .collect();
    let ok: Vec<Cost> = mine.iter().filter_map(|b| b.ok_cost()).collect();
    let wall: Vec<f64> = ok.iter().map(|c| c.wall_secs).collect();
    let cpu: Vec<f64> = ok.iter().map(Cost::cpu_secs).collect();
    Summary {
        app: app.into(),
        class,
        toolchain: toolchain.into(),
        attempted: mine.len(),
        ok: ok.len(),
        wall_min: min(&wall),
        wall_median: median(&wall),
        cpu_min: min(&cpu),
        cpu_median: median(&cpu),
        max_rss_kib: ok.iter().map(|c| c.max_rss_kib).max(),
    }
}

/// Where one build's CPU time went: compilations for the host (build scripts, proc macros and
/// their dependencies), compilations for the target, and the rest (cargo itself, running the
/// build scripts, the wrapper's own start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    pub host: f64,
    pub target: f64,
    pub rest: f64,
}

impl Split {
    /// `None` for a build that failed or has no logged compilations.
    pub fn of(m: &Measurement) -> Option<Split> {
        let cost = m.ok_cost()?;
        if m.units.is_empty() {
            return None;
        }
        let sum = |host: bool| -> f64 {
            m.units
                .iter()
                .filter(|u| u.target.is_none() == host)
                .map(UnitCost::cpu_secs)
                .sum()
        };
        let (host, target) = (sum(true), sum(false));
        Some(Split {
            host,
            target,
            rest: cost.cpu_secs() - host - target,
        })
    }
}

/// The median split of `toolchain`'s successful builds of `app` in `class`, and how many builds
/// it is over.
pub fn median_split(builds: &[Measurement], app: &str, class: CoreClass, toolchain: &str) -> Option<(Split, usize)> {
    let splits: Vec<Split> = builds
        .iter()
        .filter(|b| b.app == app && b.class == class && b.toolchain == toolchain)
        .filter_map(Split::of)
        .collect();
    let med = |f: fn(&Split) -> f64| median(&splits.iter().map(f).collect::<Vec<_>>());
    Some((
        Split {
            host: med(|s| s.host)?,
            target: med(|s| s.target)?,
            rest: med(|s| s.rest)?,
        },
        splits.len(),
    ))
}

/// Per compilation (by [`UnitCost::label`]), the median CPU time over `toolchain`'s successful
/// builds of `app` in `class` that ran it.
pub fn unit_medians(builds: &[Measurement], app: &str, class: CoreClass, toolchain: &str) -> Vec<(String, f64)> {
    let mut by_label: Vec<(String, Vec<f64>)> = Vec::new();
    for b in builds
        .iter()
        .filter(|b| b.app == app && b.class == class && b.toolchain == toolchain && b.ok_cost().is_some())
    {
        // A label compiled twice in one build (a crate for two targets' hosts) counts as their sum.
        let mut in_build: Vec<(String, f64)> = Vec::new();
        for u in &b.units {
            match in_build.iter_mut().find(|(l, _)| *l == u.label()) {
                Some((_, c)) => *c += u.cpu_secs(),
                None => in_build.push((u.label(), u.cpu_secs())),
            }
        }
        for (label, cpu) in in_build {
            match by_label.iter_mut().find(|(l, _)| *l == label) {
                Some((_, v)) => v.push(cpu),
                None => by_label.push((label, vec![cpu])),
            }
        }
    }
    by_label
        .into_iter()
        .filter_map(|(l, v)| median(&v).map(|m| (l, m)))
        .collect()
}

/// How many of the compilations with the largest differences the summary lists per toolchain.
const TOP_UNITS: usize = 8;

/// `subject / reference` of the median CPU time and of the median wall time.
pub fn ratios(subject: &Summary, reference: &Summary) -> (Option<f64>, Option<f64>) {
    let div = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    (
        div(subject.cpu_median, reference.cpu_median),
        div(subject.wall_median, reference.wall_median),
    )
}

fn secs(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

fn ratio(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

impl BuildTimeReport {
    /// Is every scheduled build in the file?
    pub fn complete(&self) -> bool {
        self.builds.len() >= self.planned
    }

    /// The (application, class) pairs in the order of their first build or skip.
    fn groups(&self) -> Vec<(String, CoreClass)> {
        let mut groups: Vec<(String, CoreClass)> = Vec::new();
        let seen = self
            .builds
            .iter()
            .map(|b| (&b.app, b.class))
            .chain(self.skipped.iter().map(|s| (&s.app, s.class)));
        for (app, class) in seen {
            if !groups.iter().any(|(a, c)| a == app && *c == class) {
                groups.push((app.clone(), class));
            }
        }
        groups
    }

    /// One summary per toolchain (envelope order) that has builds of `app` in `class`.
    pub fn summaries(&self, app: &str, class: CoreClass) -> Vec<Summary> {
        self.envelope
            .toolchains
            .iter()
            .map(|t| summarize(&self.builds, app, class, &t.name))
            .filter(|s| s.attempted > 0)
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let e = &self.envelope;
        let m = &e.machine;
        let _ = writeln!(
            md,
            "# Real-world firmware: time of a clean release build per toolchain\n"
        );
        let _ = writeln!(
            md,
            "`{}` on {} ({} cores, {} GiB, {}, Linux {}), {}. Target `{}`, {}.\n",
            e.command,
            m.cpu_model,
            m.cores,
            m.memory_gib,
            m.os,
            m.kernel,
            e.date,
            self.method.target,
            self.method.profile
        );
        if !self.complete() {
            let _ = writeln!(
                md,
                "**Partial:** {} of {} builds done (the run was interrupted or is still going).\n",
                self.builds.len(),
                self.planned
            );
        }
        let _ = writeln!(
            md,
            "Each build: {} {} {} `CARGO_BUILD_JOBS={}`. Repetitions: {}.\n",
            self.method.build, self.method.metric, self.method.order, self.method.jobs, self.reps
        );
        let mut toolchains = Table::new(["toolchain", "rustc", "flags"]);
        for t in &e.toolchains {
            toolchains.row([format!("`{}`", t.name), t.describe(), t.flags.join(" ")]);
        }
        md.push_str(&toolchains.render());
        for u in &e.unavailable_toolchains {
            let _ = writeln!(md, "\nNot measured: {u}");
        }
        if !self.notes.is_empty() {
            let _ = writeln!(md);
            for n in &self.notes {
                let _ = writeln!(md, "- {n}");
            }
        }
        for (app, class) in self.groups() {
            let _ = writeln!(md, "\n## {app}, {class} core\n");
            md.push_str(&self.table(&app, class).render());
            for b in self.builds.iter().filter(|b| b.app == app && b.class == class) {
                if let BuildOutcome::Failed { first_error } = &b.outcome {
                    let _ = writeln!(md, "\n- `{}` rep {}: failed: {first_error}", b.toolchain, b.rep);
                }
            }
            for s in self.skipped.iter().filter(|s| s.app == app && s.class == class) {
                let _ = writeln!(md, "\n- `{}`: not built: {}", s.toolchain, s.reason);
            }
            self.split_markdown(&mut md, &app, class);
        }
        md
    }

    /// Where the CPU time of `app`'s builds in `class` went, per toolchain, and the compilations
    /// that differ most from the baseline's: nothing when no build logged its compilations.
    fn split_markdown(&self, md: &mut String, app: &str, class: CoreClass) {
        let splits: Vec<(String, Split, usize)> = self
            .envelope
            .toolchains
            .iter()
            .filter_map(|t| median_split(&self.builds, app, class, &t.name).map(|(s, n)| (t.name.clone(), s, n)))
            .collect();
        if splits.is_empty() {
            return;
        }
        let _ = writeln!(
            md,
            "\nWhere the CPU time goes (medians per part over the builds that logged their compilations; \
             host: build scripts, proc macros and their dependencies, compiled for the host, and cargo's \
             rustc queries; rest: cargo itself and the running of build scripts):\n"
        );
        let mut t = Table::new([
            "toolchain",
            "builds",
            "host compilations (s)",
            "target compilations (s)",
            "rest (s)",
            "host / base",
            "target / base",
            "rest / base",
        ])
        .numeric_from(1);
        let base = self
            .baseline
            .as_deref()
            .and_then(|b| splits.iter().find(|(n, _, _)| n == b))
            .map(|(_, s, _)| *s);
        for (name, s, n) in &splits {
            let r = |a: f64, b: Option<f64>| match b {
                Some(b) if b > 0.0 => format!("{:.3}", a / b),
                _ => "-".into(),
            };
            t.row([
                format!("`{name}`"),
                n.to_string(),
                format!("{:.2}", s.host),
                format!("{:.2}", s.target),
                format!("{:.2}", s.rest),
                r(s.host, base.map(|b| b.host)),
                r(s.target, base.map(|b| b.target)),
                r(s.rest, base.map(|b| b.rest)),
            ]);
        }
        md.push_str(&t.render());
        let Some(base_name) = self.baseline.as_deref().filter(|_| base.is_some()) else {
            return;
        };
        let base_units = unit_medians(&self.builds, app, class, base_name);
        for (name, _, _) in splits.iter().filter(|(n, _, _)| n != base_name) {
            let mine = unit_medians(&self.builds, app, class, name);
            let mut diffs: Vec<(String, f64, f64)> = mine
                .iter()
                .filter_map(|(l, c)| {
                    base_units
                        .iter()
                        .find(|(b, _)| b == l)
                        .map(|(_, b)| (l.clone(), *b, *c))
                })
                .collect();
            diffs.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
            if diffs.is_empty() {
                continue;
            }
            let _ = writeln!(
                md,
                "\nThe {} compilations whose median CPU time differs most between `{name}` and `{base_name}`:\n",
                diffs.len().min(TOP_UNITS)
            );
            let mut t =
                Table::new(["compilation", "base (s)", "this (s)", "difference (s)", "this / base"]).numeric_from(1);
            for (label, b, c) in diffs.iter().take(TOP_UNITS) {
                t.row([
                    format!("`{label}`"),
                    format!("{b:.2}"),
                    format!("{c:.2}"),
                    format!("{:+.2}", c - b),
                    match *b > 0.0 {
                        true => format!("{:.3}", c / b),
                        false => "-".into(),
                    },
                ]);
            }
            md.push_str(&t.render());
        }
    }

    /// The table of `app` in `class`: a row per toolchain.
    pub fn table(&self, app: &str, class: CoreClass) -> Table {
        let mut t = Table::new([
            "toolchain",
            "builds ok",
            "wall min (s)",
            "wall median (s)",
            "CPU min (s)",
            "CPU median (s)",
            "max RSS (MiB)",
            "CPU / base",
            "wall / base",
        ])
        .numeric_from(1);
        let summaries = self.summaries(app, class);
        let base = self
            .baseline
            .as_deref()
            .and_then(|b| summaries.iter().find(|s| s.toolchain == b));
        for s in &summaries {
            let (cpu, wall) = match base {
                Some(b) if b.toolchain == s.toolchain => ("1 (base)".to_string(), "1 (base)".to_string()),
                Some(b) => {
                    let (cpu, wall) = ratios(s, b);
                    (ratio(cpu), ratio(wall))
                }
                None => ("-".into(), "-".into()),
            };
            t.row([
                format!("`{}`", s.toolchain),
                format!("{} of {}", s.ok, s.attempted),
                secs(s.wall_min),
                secs(s.wall_median),
                secs(s.cpu_min),
                secs(s.cpu_median),
                s.max_rss_kib
                    .map(|k| format!("{:.0}", k as f64 / 1024.0))
                    .unwrap_or_else(|| "-".into()),
                cpu,
                wall,
            ]);
        }
        t
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn measurement(toolchain: &str, rep: u32, wall: f64, cpu: f64, ok: bool) -> Measurement {
        Measurement {
            app: "app".into(),
            toolchain: toolchain.into(),
            class: CoreClass::Prebuilt,
            core: CoreProvision::RustStd,
            rep,
            outcome: match ok {
                true => BuildOutcome::Ok,
                false => BuildOutcome::Failed {
                    first_error: "error: could not compile `app`".into(),
                },
            },
            cost: Some(Cost {
                wall_secs: wall,
                user_secs: cpu - 1.0,
                sys_secs: 1.0,
                max_rss_kib: 1024 * rep as u64,
            }),
            load_before: None,
            units: vec![],
        }
    }

    #[test]
    fn medians_and_minima_of_the_successful_builds() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        let builds = [
            measurement("a", 1, 10.0, 9.0, true),
            measurement("a", 2, 14.0, 13.0, true),
            measurement("a", 3, 12.0, 11.0, true),
            // A failed build (even a fast one) counts as attempted, not in the times.
            measurement("a", 4, 1.0, 1.0, false),
            measurement("b", 1, 20.0, 18.0, true),
        ];
        let a = summarize(&builds, "app", CoreClass::Prebuilt, "a");
        assert_eq!((a.attempted, a.ok), (4, 3));
        assert_eq!((a.wall_min, a.wall_median), (Some(10.0), Some(12.0)));
        assert_eq!((a.cpu_min, a.cpu_median), (Some(9.0), Some(11.0)));
        assert_eq!(a.max_rss_kib, Some(3 * 1024));
        let b = summarize(&builds, "app", CoreClass::Prebuilt, "b");
        let (cpu, wall) = ratios(&b, &a);
        assert_eq!((cpu.unwrap() * 1000.0).round(), 1636.0); // 18 / 11
        assert_eq!((wall.unwrap() * 1000.0).round(), 1667.0); // 20 / 12
        let none = summarize(&builds, "app", CoreClass::BuildStd, "a");
        assert_eq!((none.attempted, none.cpu_median), (0, None));
        assert_eq!(ratios(&none, &a), (None, None));
    }

    fn unit(name: &str, host: bool, cpu: f64) -> UnitCost {
        UnitCost {
            package: Some(name.into()),
            crate_name: name.into(),
            target: (!host).then(|| "thumbv7em-none-eabihf".to_string()),
            crate_type: "lib".into(),
            user_secs: cpu,
            sys_secs: 0.0,
            wall_secs: cpu,
            success: true,
        }
    }

    #[test]
    fn splits_the_cpu_time_into_host_target_and_rest_and_lists_the_largest_differences() {
        let mut builds = Vec::new();
        for rep in 1..=3 {
            let f = rep as f64;
            // Base: 10 s in all, host 4 + f/10 (syn) + 1 (serde), target 3.
            let mut a = measurement("base", rep, 11.0, 10.0, true);
            a.units = vec![
                unit("syn", true, 4.0 + f / 10.0),
                unit("serde", true, 1.0),
                unit("app", false, 3.0),
            ];
            // Fork: syn takes 3 s more, the target crate 0.5 s more, the rest 0.2 s more.
            let mut b = measurement("fork", rep, 15.0, 13.5 + f / 10.0, true);
            b.units = vec![
                unit("syn", true, 7.0 + f / 10.0),
                unit("serde", true, 1.0),
                unit("app", false, 3.5),
            ];
            builds.extend([a, b]);
        }
        // A failed build and one without a log are left out of the split.
        builds.push(measurement("fork", 4, 1.0, 1.0, false));
        builds.push(measurement("fork", 5, 13.0, 13.0, true));
        let (base, n) = median_split(&builds, "app", CoreClass::Prebuilt, "base").unwrap();
        assert_eq!(n, 3);
        assert!(
            (base.host - 5.2).abs() < 1e-9 && base.target == 3.0 && (base.rest - 1.8).abs() < 1e-9,
            "{base:?}"
        );
        let (fork, _) = median_split(&builds, "app", CoreClass::Prebuilt, "fork").unwrap();
        assert!((fork.host - 8.2).abs() < 1e-9 && fork.target == 3.5, "{fork:?}");
        assert_eq!(median_split(&builds, "app", CoreClass::BuildStd, "fork"), None);
        let toolchains: Vec<harness::ToolchainInfo> = ["base", "fork"]
            .iter()
            .map(|n| harness::ToolchainInfo {
                name: n.to_string(),
                rustc: "/nonexistent/rustc".into(),
                sysroot: "/nonexistent".into(),
                version: harness::toolchain::VersionInfo::parse(
                    "rustc 1.95.0\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n",
                )
                .unwrap(),
                targets_with_core: vec![],
                fork: None,
                flags: vec![],
                rust_src: false,
                build_std: false,
            })
            .collect();
        let r = BuildTimeReport {
            envelope: Envelope::new(SCHEMA, "test".into(), toolchains, vec![]),
            method: Method {
                target: "t".into(),
                profile: "p".into(),
                build: String::new(),
                metric: String::new(),
                order: String::new(),
                jobs: "1".into(),
            },
            baseline: Some("base".into()),
            reps: 3,
            planned: builds.len(),
            skipped: vec![],
            notes: vec![],
            builds,
        };
        let md = r.markdown();
        assert!(
            md.contains("| `base` | 3 | 5.20 | 3.00 | 1.80 | 1.000 | 1.000 | 1.000 |"),
            "{md}"
        );
        assert!(
            md.contains("| `fork` | 3 | 8.20 | 3.50 | 2.00 | 1.577 | 1.167 | 1.111 |"),
            "{md}"
        );
        let top = md.split("differs most between `fork` and `base`").nth(1).expect(&md);
        let rows: Vec<&str> = top.lines().filter(|l| l.starts_with("| `")).collect();
        assert_eq!(
            rows,
            [
                "| `syn (host)` | 4.20 | 7.20 | +3.00 | 1.714 |",
                "| `app` | 3.00 | 3.50 | +0.50 | 1.167 |",
                "| `serde (host)` | 1.00 | 1.00 | +0.00 | 1.000 |"
            ],
            "{md}"
        );
    }

    #[test]
    fn a_build_that_could_not_start_has_no_cost_and_reads_back() {
        let mut m = measurement("a", 1, 1.0, 2.0, false);
        m.cost = None;
        let json = serde_json::to_value(&m).unwrap();
        assert!(json.get("wall_secs").is_none(), "{json}");
        assert_eq!(serde_json::from_value::<Measurement>(json).unwrap(), m);
        let m = measurement("a", 1, 1.0, 2.0, true);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["wall_secs"], 1.0);
        assert_eq!(json["outcome"]["kind"], "ok");
        assert_eq!(serde_json::from_value::<Measurement>(json).unwrap(), m);
    }
}
