//! `summary.md`: what was run, on what, and tables of ratios against the baseline toolchain.

use super::fit;
use super::stats::{self, Metric};
use crate::benchmark::{Profile, Scenario};
use crate::execute::metric::MetricSource;
use crate::results::{ResultsFile, RunState, Status};
use harness::report::Table;
use std::fmt::Write as _;

/// The metric that ratios and graphs use: instructions when the run counted them, else CPU time.
pub fn primary_metric(data: &ResultsFile) -> Metric {
    match data.run.metric {
        MetricSource::None => Metric::Cpu,
        _ => Metric::Instructions,
    }
}

/// The table cell for one toolchain: min value, and its ratio to the baseline's.
pub fn cell(value: Option<f64>, base: Option<f64>, metric: Metric, is_base: bool) -> String {
    match (value, base) {
        (Some(v), _) if is_base => metric.format(v),
        (Some(v), Some(b)) => match stats::ratio(v, b) {
            Some(r) => format!("{} ({:.2}x)", metric.format(v), r),
            None => metric.format(v),
        },
        (Some(v), None) => metric.format(v),
        (None, _) => "-".into(),
    }
}

/// The first lines of a run's summary: command, date and duration, state, machine. `running`
/// says what an unfinished run's state means for the tool that wrote it.
pub fn write_run_header(s: &mut String, data: &ResultsFile, running: &str) {
    let (r, e) = (&data.run, &data.envelope);
    let state = match &data.state {
        RunState::Complete => "complete".to_string(),
        RunState::Running => format!("**incomplete** ({running})"),
        RunState::Interrupted { reason } => format!("**interrupted**: {reason}"),
    };
    let _ = writeln!(s, "- Command: `{}`", e.command);
    let _ = writeln!(
        s,
        "- Date: {} (duration {})",
        e.date,
        r.duration_s.map(|d| format!("{d:.0} s")).unwrap_or("-".into())
    );
    let _ = writeln!(s, "- State: {state}");
    let _ = writeln!(
        s,
        "- Machine: {} ({} cores, {} GiB), {}, kernel {}",
        e.machine.cpu_model, e.machine.cores, e.machine.memory_gib, e.machine.os, e.machine.kernel
    );
}

pub fn render(data: &ResultsFile, graphs: &[String]) -> String {
    let mut s = String::new();
    let (r, e) = (&data.run, &data.envelope);
    let _ = writeln!(s, "# Compile-time benchmarks: run `{}`\n", r.run_id);
    write_run_header(&mut s, data, "the collector stopped without finishing");
    let _ = writeln!(
        s,
        "- Instructions: {}{}; time and memory: {} native run(s) per case (min and median below), callgrind runs per case: {}",
        r.metric.name(),
        r.metric_note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
        r.reps,
        r.instr_reps
    );
    let _ = writeln!(
        s,
        "- Measured: the leaf crate's rustc invocation only, replayed from cargo's exact command line."
    );
    let _ = writeln!(s, "- Baseline for ratios: `{}`\n", r.baseline);

    s.push_str("## Toolchains\n\n");
    let mut t = Table::new(["toolchain", "rustc", "LLVM", "real rustc"]);
    for tc in &e.toolchains {
        t.row([
            tc.name.clone(),
            tc.describe(),
            tc.version.llvm_version.clone().unwrap_or_else(|| "-".into()),
            format!("`{}`", tc.rustc.display()),
        ]);
    }
    s.push_str(&t.render());
    for u in &e.unavailable_toolchains {
        let _ = writeln!(s, "\nNot measured: {u}");
    }
    s.push('\n');

    let tcs = data.toolchain_names();
    let base = r.baseline.clone();
    let metric = primary_metric(data);
    let hand: Vec<&str> = data
        .workloads
        .iter()
        .filter(|w| w.generated.is_none())
        .map(|w| w.name.as_str())
        .collect();

    let _ = writeln!(s, "## {} (min), ratio to `{base}`\n", capitalise(metric.label()));
    for &p in &r.profiles {
        table(&mut s, data, &hand, p, &r.scenarios, &tcs, &base, metric, false);
    }
    for m in [Metric::Wall, Metric::Cpu, Metric::MaxRss] {
        if m == metric {
            continue;
        }
        let _ = writeln!(s, "## {} (median), ratio to `{base}`\n", capitalise(m.label()));
        for &p in &r.profiles {
            table(&mut s, data, &hand, p, &r.scenarios, &tcs, &base, m, true);
        }
    }

    let sets = fit::scaling_sets(data);
    if !sets.is_empty() {
        let _ = writeln!(s, "## Scaling (generated workloads, scenario full)\n");
        s.push_str("Exponent k of a least-squares fit cost ~ size^k on log-log axes (1 = linear).\n\n");
        let mut t = Table::new([
            "family",
            "profile",
            "toolchain",
            "exponent k",
            "R²",
            "points",
            "smallest -> largest",
        ]);
        for (family, p) in &sets {
            for series in fit::scaling(data, *family, *p, metric) {
                let (first, last) = (series.points.first().unwrap(), series.points.last().unwrap());
                let range = format!(
                    "{} ({:.0}) -> {} ({:.0})",
                    metric.format(first.1),
                    first.0,
                    metric.format(last.1),
                    last.0
                );
                let (k, r2, points) = match series.fit {
                    Some(f) => (format!("{:.2}", f.exponent), format!("{:.3}", f.r2), f.points),
                    None => ("-".into(), "-".into(), series.points.len()),
                };
                t.row([
                    family.name().to_string(),
                    p.to_string(),
                    series.toolchain.clone(),
                    k,
                    r2,
                    points.to_string(),
                    range,
                ]);
            }
        }
        s.push_str(&t.render());
        s.push('\n');
        let _ = writeln!(
            s,
            "### Generated workloads (min {}), ratio to `{base}`\n",
            metric.label()
        );
        let gen: Vec<&str> = data
            .workloads
            .iter()
            .filter(|w| w.generated.is_some())
            .map(|w| w.name.as_str())
            .collect();
        for &p in &r.sweep_profiles {
            table(&mut s, data, &gen, p, &[Scenario::Full], &tcs, &base, metric, false);
        }
    }

    let profiled: Vec<_> = data.cases.iter().filter(|c| !c.self_profile.is_empty()).collect();
    if !profiled.is_empty() {
        s.push_str("## Top queries by self time (-Zself-profile, scenario full)\n\n");
        for c in profiled {
            let top: Vec<String> = c
                .self_profile
                .iter()
                .take(5)
                .map(|q| format!("`{}` {:.1} ms", q.query, q.self_time_s * 1e3))
                .collect();
            let _ = writeln!(
                s,
                "- {} / {} / {}: {}",
                c.toolchain,
                c.workload,
                c.profile,
                top.join(", ")
            );
        }
        s.push('\n');
    }

    if !data.runtime.is_empty() {
        s.push_str("## Runtime (criterion: poll the generated workload to completion on the host)\n\n");
        let names: Vec<&str> = {
            let mut v: Vec<&str> = data.runtime.iter().map(|r| r.workload.as_str()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut t = Table::new(["workload"].into_iter().chain(tcs.iter().map(String::as_str)));
        for w in names {
            let b = data
                .runtime
                .iter()
                .find(|r| r.workload == w && r.toolchain == base)
                .map(|r| r.median_ns);
            let cells: Vec<String> = tcs
                .iter()
                .map(
                    |t| match data.runtime.iter().find(|r| r.workload == w && &r.toolchain == t) {
                        Some(r) => match b.and_then(|b| stats::ratio(r.median_ns, b)).filter(|_| t != &base) {
                            Some(x) => format!("{:.1} ns ({x:.2}x)", r.median_ns),
                            None => format!("{:.1} ns", r.median_ns),
                        },
                        None => "-".into(),
                    },
                )
                .collect();
            t.row([w.to_string()].into_iter().chain(cells));
        }
        s.push_str(&t.render());
        s.push('\n');
    }

    let bad: Vec<_> = data.cases.iter().filter(|c| c.status != Status::Measured).collect();
    if !bad.is_empty() {
        s.push_str("## Cases not measured\n\n");
        let mut t = Table::new(["toolchain", "workload", "profile", "scenario", "status"]);
        for c in bad {
            t.row([
                c.toolchain.clone(),
                c.workload.clone(),
                c.profile.to_string(),
                c.scenario.to_string(),
                c.status.describe(),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
    }

    let mut notes: Vec<(String, String)> = Vec::new();
    for c in &data.cases {
        for n in &c.notes {
            let key = (c.toolchain.clone(), n.clone());
            if !notes.contains(&key) {
                notes.push(key);
            }
        }
    }
    if !notes.is_empty() {
        s.push_str("## Measurement notes\n\n");
        for (t, n) in notes {
            let _ = writeln!(s, "- {t}: {n}");
        }
        s.push('\n');
    }

    if !graphs.is_empty() {
        s.push_str("## Graphs\n\n");
        for g in graphs {
            let _ = writeln!(s, "![{g}]({g})\n");
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn table(
    s: &mut String,
    data: &ResultsFile,
    workloads: &[&str],
    p: Profile,
    scenarios: &[Scenario],
    tcs: &[String],
    base: &str,
    metric: Metric,
    use_median: bool,
) {
    let _ = writeln!(s, "**{p}**\n");
    let mut t = Table::new(
        ["workload", "scenario"]
            .into_iter()
            .chain(tcs.iter().map(String::as_str)),
    );
    for w in workloads {
        for &sc in scenarios {
            if data.case(base, w, p, sc).is_none() && tcs.iter().all(|t| data.case(t, w, p, sc).is_none()) {
                continue;
            }
            let get = |t: &str| match use_median {
                true => stats::case_median(data, t, w, p, sc, metric),
                false => stats::case_min(data, t, w, p, sc, metric),
            };
            let b = get(base);
            let cells: Vec<String> = tcs
                .iter()
                .map(|t| match data.case(t, w, p, sc).map(|c| &c.status) {
                    Some(Status::Unsupported { .. }) => "unsupported".into(),
                    Some(Status::Failed { .. }) => "failed".into(),
                    Some(Status::Skipped { .. }) => "skipped".into(),
                    _ => cell(get(t), b, metric, t == base),
                })
                .collect();
            t.row([w.to_string(), sc.to_string()].into_iter().chain(cells));
        }
    }
    s.push_str(&t.render());
    s.push('\n');
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::empty;

    #[test]
    fn ratios_against_the_baseline() {
        let mut f = empty(&[("1.42.0", "1.42.0"), ("1.43.0", "1.43.0")]);
        f.workloads.push(crate::benchmark::workload::WorkloadRecord {
            name: "act".into(),
            category: "primary".into(),
            artifact: "library".into(),
            target: None,
            generated: None,
            size: None,
            path: None,
        });
        for (tc, n) in [
            ("1.42.0", [15_090_000_000u64, 15_100_000_000]),
            ("1.43.0", [209_000_000, 210_000_000]),
        ] {
            let c = f.case_or_insert(tc, "act", Profile::Check, Scenario::Full);
            c.instructions = n.to_vec();
            c.status = Status::Measured;
        }
        let md = render(&f, &[]);
        // Min of each, and 209 M / 15.09 G = 0.0139 -> "0.01x".
        assert!(md.contains("| act | full | 15.09 G | 209.00 M (0.01x) |"), "{md}");
        assert!(md.contains("Not measured: toolchain `nope`"), "{md}");
        assert_eq!(
            cell(Some(300.0), Some(200.0), Metric::Instructions, false),
            "300.00 (1.50x)"
        );
        assert_eq!(cell(None, Some(200.0), Metric::Instructions, false), "-");
        // An unsupported case is named as such, with its error in the list of cases not measured.
        f.case_or_insert("1.43.0", "act", Profile::Check, Scenario::Full).status = Status::Unsupported {
            first_error: "error[E0658]: async fn is unstable".into(),
        };
        let md = render(&f, &[]);
        assert!(md.contains("| act | full | 15.09 G | unsupported |"), "{md}");
        assert!(
            md.contains("unsupported on this toolchain: error[E0658]: async fn is unstable"),
            "{md}"
        );
    }
}
