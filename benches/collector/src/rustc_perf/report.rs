//! `summary.md` of a `bench rustc-perf` run: the instrument, the toolchains (with their check
//! before and after), a table of instructions per profile with ratios to the baseline, and every
//! case that was not measured with its reason.

use super::RunFile;
use crate::report::stats::{self, Metric};
use crate::report::summary::{cell, write_run_header};
use crate::results::Status;
use harness::report::Table;
use std::fmt::Write as _;

pub fn render(f: &RunFile) -> String {
    let (r, e, p) = (&f.results.run, &f.results.envelope, &f.rustc_perf);
    let mut s = String::new();
    let _ = writeln!(s, "# rustc-perf's collector on async benchmarks: run `{}`\n", r.run_id);
    write_run_header(&mut s, &f.results, "stopped without finishing");
    let _ = writeln!(
        s,
        "- Instrument: rustc-perf's `collector` {} from `{}`; {}: {}",
        p.collector_version.as_deref().unwrap_or("(version unknown)"),
        p.source.display(),
        p.build.status,
        match p.build.duration_s {
            Some(d) => format!("`{}` ({d:.0} s)", p.build.detail),
            None => format!("`{}`", p.build.detail),
        }
    );
    let _ = writeln!(s, "- Measured per toolchain and benchmark: `{}`", p.command);
    let _ = writeln!(
        s,
        "- Instructions: {}",
        r.metric_note.as_deref().unwrap_or(r.metric.name())
    );
    let _ = writeln!(
        s,
        "- Time and memory: {}: {}",
        p.bench_local.status, p.bench_local.reason
    );
    let _ = writeln!(s, "- Baseline for ratios: `{}`\n", r.baseline);

    s.push_str("## Toolchains\n\n");
    let mut t = Table::new([
        "toolchain",
        "rustc",
        "LLVM",
        "real rustc",
        "cargo",
        "unchanged while measured",
    ]);
    for tc in &e.toolchains {
        let check = p.toolchain_checks.iter().find(|c| c.toolchain == tc.name);
        t.row([
            tc.name.clone(),
            tc.describe(),
            tc.version.llvm_version.clone().unwrap_or_else(|| "-".into()),
            format!("`{}`", tc.rustc.display()),
            check.map(|c| format!("`{}`", c.cargo.display())).unwrap_or("-".into()),
            match check {
                None => "not measured".into(),
                Some(c) if c.after.is_none() => "not finished".into(),
                Some(c) if c.changed => format!("**no** (attempt {})", c.attempts),
                Some(c) if c.attempts > 1 => format!("yes (attempt {}; it changed during attempt 1)", c.attempts),
                Some(_) => "yes".into(),
            },
        ]);
    }
    s.push_str(&t.render());
    for u in &e.unavailable_toolchains {
        let _ = writeln!(s, "\nNot measured: {u}");
    }
    s.push('\n');

    s.push_str("## Benchmarks\n\n");
    let mut t = Table::new(["benchmark", "from", "category", "artifact"]);
    for b in &p.benchmarks {
        let from = match b.origin.as_str() {
            "ours" => format!("our `{}`", b.source.file_name().unwrap_or_default().to_string_lossy()),
            _ => "rustc-perf".to_string(),
        };
        t.row([b.name.clone(), from, b.category.clone(), b.artifact.clone()]);
    }
    s.push_str(&t.render());
    s.push('\n');

    let tcs = f.results.toolchain_names();
    let base = r.baseline.as_str();
    let data = &f.results;
    let _ = writeln!(
        s,
        "## Instructions (callgrind Ir of the leaf crate), ratio to `{base}`\n"
    );
    for &prof in &r.profiles {
        let _ = writeln!(s, "**{prof}**\n");
        let mut t = Table::new(
            ["benchmark", "scenario"]
                .into_iter()
                .chain(tcs.iter().map(String::as_str)),
        )
        .numeric_from(2);
        for b in &p.benchmarks {
            for &sc in &r.scenarios {
                let get = |tc: &str| stats::case_min(data, tc, &b.name, prof, sc, Metric::Instructions);
                let b0 = get(base);
                let cells: Vec<String> = tcs
                    .iter()
                    .map(|tc| match data.case(tc, &b.name, prof, sc).map(|c| &c.status) {
                        Some(Status::Failed { .. }) => "failed".into(),
                        Some(Status::Pending) => "not reached".into(),
                        Some(Status::Skipped { .. }) => "skipped".into(),
                        Some(Status::Unsupported { .. }) => "unsupported".into(),
                        _ => cell(get(tc), b0, Metric::Instructions, tc == base),
                    })
                    .collect();
                t.row([b.name.clone(), sc.to_string()].into_iter().chain(cells));
            }
        }
        s.push_str(&t.render());
        s.push('\n');
    }

    let bad: Vec<_> = data.cases.iter().filter(|c| c.status != Status::Measured).collect();
    if !bad.is_empty() {
        s.push_str("## Cases not measured\n\n");
        let mut t = Table::new(["toolchain", "benchmark", "profile", "scenario", "status"]);
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

    let mut notes: Vec<String> = p
        .benchmarks
        .iter()
        .filter_map(|b| b.note.as_ref().map(|n| format!("{}: {n}", b.name)))
        .collect();
    for c in &data.cases {
        for n in &c.notes {
            let line = format!("{} / {}: {n}", c.toolchain, c.workload);
            if !notes.contains(&line) && !p.benchmarks.iter().any(|b| b.note.as_ref() == Some(n)) {
                notes.push(line);
            }
        }
    }
    if !notes.is_empty() {
        s.push_str("## Notes\n\n");
        for n in notes {
            let _ = writeln!(s, "- {n}");
        }
        s.push('\n');
    }

    s.push_str("## `rustc -vV` of each toolchain, before its measurement\n\n");
    for c in &p.toolchain_checks {
        let _ = writeln!(s, "`{}`:\n\n```\n{}```\n", c.toolchain, c.before);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::render;
    use crate::results::tests::empty;
    use crate::results::RunState;

    #[test]
    fn tables_ratios_and_failures() {
        let mut results = empty(&[("1.95.0", "1.95.0"), ("async-fork", "1.95.0-dev")]);
        for (tc, n) in [("1.95.0", 79_385_422u64), ("async-fork", 158_770_844)] {
            let c = results.case_or_insert(tc, "await-call-tree", Profile::Check, Scenario::Full);
            c.instructions = vec![n];
            c.status = Status::Measured;
        }
        results
            .case_or_insert("1.95.0", "hyper-1.6.0", Profile::Check, Scenario::Full)
            .status = Status::Failed {
            reason: "collector error: Failed to profile 'hyper-1.6.0'".into(),
        };
        results.state = RunState::Complete;
        let file = RunFile {
            results,
            rustc_perf: Section {
                schema: SECTION_SCHEMA.into(),
                source: "/tree/src/tools/rustc-perf".into(),
                collector_version: Some("0.1.0".into()),
                build: BuildInfo {
                    status: "built".into(),
                    detail: "cargo +1.95.0 build".into(),
                    collector: None,
                    duration_s: Some(930.0),
                },
                command: "collector profile_local callgrind ...".into(),
                bench_local: Part {
                    status: "skipped".into(),
                    reason: "perf stat does not work here".into(),
                },
                benchmarks: ["await-call-tree", "hyper-1.6.0"]
                    .iter()
                    .map(|n| BenchmarkInfo {
                        name: n.to_string(),
                        origin: "rustc-perf".into(),
                        source: PathBuf::from("/x").join(n),
                        category: "primary".into(),
                        artifact: "library".into(),
                        note: None,
                    })
                    .collect(),
                toolchain_checks: vec![],
                priority: None,
            },
        };
        let md = render(&file);
        assert!(
            md.contains("| await-call-tree | full | 79.39 M | 158.77 M (2.00x) |"),
            "{md}"
        );
        assert!(md.contains("| hyper-1.6.0 | full | failed | - |"), "{md}");
        assert!(
            md.contains("failed: collector error: Failed to profile 'hyper-1.6.0'"),
            "{md}"
        );
        assert!(
            md.contains("Time and memory: skipped: perf stat does not work here"),
            "{md}"
        );
        // The file round-trips, and our collector's loader reads its common part.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        file.save(&path).unwrap();
        assert_eq!(RunFile::load(dir.path()).unwrap(), file);
        assert_eq!(crate::results::load(&path).unwrap(), file.results);
    }
}
