//! The Markdown rendering of a results file: what ran, the verdict, the toolchains with their
//! `rustc -vV` and the fork's series, one row per program, the future sizes each toolchain's
//! layout gives (printed, not compared), and every problem with its reproducer.

use crate::results::{LogCheck, NativeRecord, Results, State};
use harness::report::Table;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn markdown(r: &Results) -> String {
    let mut s = String::new();
    let names: Vec<&str> = r.envelope.toolchains.iter().map(|t| t.name.as_str()).collect();
    let _ = writeln!(s, "# State walk: {}\n", names.join(" vs "));
    let _ = writeln!(s, "- command: `{}`", r.envelope.command);
    if let Some(c) = &r.repo_commit {
        let _ = writeln!(s, "- repository at: {c}");
    }
    let m = &r.envelope.machine;
    let _ = writeln!(
        s,
        "- date: {}, machine: {} ({} cores), {}",
        r.envelope.date, m.cpu_model, m.cores, m.os
    );
    let state = match &r.state {
        State::Running => "**running** (partial)".to_string(),
        State::Complete => "complete".to_string(),
        State::Interrupted { reason } => format!("**interrupted**: {reason}"),
    };
    let _ = writeln!(
        s,
        "- state: {state}; {} of {} steps, {:.0} s",
        r.steps_done, r.steps_planned, r.duration_secs
    );
    let opts: Vec<String> = r.settings.opts.iter().map(|o| o.to_string()).collect();
    let _ = writeln!(
        s,
        "- native builds: `rustc {} <program's compile-flags> <toolchain's flags>` at opt levels {}; every log is compared with `{}` at opt level {}",
        r.settings.rustc_args,
        opts.join(", "),
        r.settings.baseline,
        opts.first().map_or("-", |o| o.as_str())
    );
    match &r.settings.memcheck {
        Some(mc) => {
            let _ = writeln!(
                s,
                "- memcheck: {} `valgrind {}` on every build",
                mc.version,
                mc.args.join(" ")
            );
        }
        None => s.push_str("- memcheck: not run (`--no-memcheck`)\n"),
    }
    for mi in &r.settings.miri {
        let _ = writeln!(
            s,
            "- Miri: `{}` ({}; {}), sysroot from `cargo miri setup`",
            mi.toolchain.name, mi.version, mi.toolchain.version.version_line
        );
    }
    for why in &r.settings.miri_unavailable {
        let _ = writeln!(s, "- Miri not run: {why}");
    }
    if r.settings.miri.is_empty() && r.settings.miri_unavailable.is_empty() {
        s.push_str("- Miri: not run (`--no-miri`)\n");
    }
    for e in &r.envelope.unavailable_toolchains {
        let _ = writeln!(s, "- skipped: {e}");
    }

    let v = &r.verdict;
    let _ = writeln!(s, "\n## Verdict: {}\n", if v.clean { "clean" } else { "NOT clean" });
    let mut t = Table::headerless(2).numeric_from(1);
    t.row(["programs", &v.programs.to_string()]);
    t.row(["futures walked (per build)", &v.walked.futures.to_string()]);
    t.row([
        "states walked (per build: unresumed, each suspend, returned, each poisoned)",
        &v.walked.states.to_string(),
    ]);
    t.row(["operations (per build)", &v.walked.operations.to_string()]);
    t.row(["native runs", &v.native_runs.to_string()]);
    t.row(["failed builds or runs", &v.native_failures.to_string()]);
    t.row(["logs that differ from the baseline's", &v.log_differences.to_string()]);
    t.row(["runs under memcheck", &v.memcheck_runs.to_string()]);
    t.row(["memcheck errors", &v.memcheck_errors.to_string()]);
    t.row(["runs not clean under memcheck", &v.memcheck_unclean.to_string()]);
    t.row(["Miri runs", &v.miri_runs.to_string()]);
    t.row(["Miri errors (UB, leaks, failures)", &v.miri_errors.to_string()]);
    t.row([
        "Miri logs that differ from the baseline's",
        &v.miri_log_differences.to_string(),
    ]);
    s.push_str(&t.render());

    s.push_str("\n## Toolchains\n\n");
    let mut t = Table::new([
        "role",
        "toolchain",
        "rustc -vV",
        "commit",
        "LLVM",
        "fork series",
        "flags",
    ]);
    let roles = r.envelope.toolchains.iter().enumerate().map(|(i, tc)| match i {
        0 => ("baseline", tc),
        _ => ("compared", tc),
    });
    let miri_infos = r.settings.miri.iter().map(|m| ("Miri", &m.toolchain));
    for (role, tc) in roles.chain(miri_infos) {
        let series = tc
            .fork
            .as_ref()
            .map(|f| format!("{} ({})", &f.series_hash[..f.series_hash.len().min(8)], f.patches.len()))
            .unwrap_or_default();
        t.row([
            role.to_string(),
            tc.name.clone(),
            tc.version.version_line.clone(),
            tc.version.commit_hash.clone().unwrap_or_default(),
            tc.version.llvm_version.clone().unwrap_or_default(),
            series,
            tc.flags.join(" "),
        ]);
    }
    s.push_str(&t.render());
    // Each fork build once, with the specs that used it.
    let mut forks: Vec<(&harness::toolchain::ForkStamp, Vec<String>)> = Vec::new();
    for tc in &r.envelope.toolchains {
        let Some(f) = &tc.fork else { continue };
        match forks.iter_mut().find(|(g, _)| *g == f) {
            Some((_, names)) => names.push(format!("`{}`", tc.name)),
            None => forks.push((f, vec![format!("`{}`", tc.name)])),
        }
    }
    for (f, names) in forks {
        let _ = writeln!(
            s,
            "\n{}: the fork at series `{}` (upstream {}, built {}): {}",
            names.join(", "),
            f.series_hash,
            f.upstream,
            f.built_at,
            f.patches.join(", ")
        );
    }

    s.push_str("\n## Programs\n\nEach cell: how the log compares with the baseline's, and memcheck's error count.\n\n");
    let mut columns: Vec<String> = Vec::new();
    for n in &r.native {
        if !columns.contains(&n.label()) {
            columns.push(n.label());
        }
    }
    let mut miri_columns: Vec<String> = Vec::new();
    for m in &r.miri {
        if !miri_columns.contains(&m.miri) {
            miri_columns.push(m.miri.clone());
        }
    }
    let mut header = vec!["program".to_string(), "futures".into(), "states".into(), "ops".into()];
    header.extend(columns.iter().cloned());
    header.extend(miri_columns.iter().map(|m| format!("Miri {m}")));
    let mut t = Table::new(header).numeric_from(1);
    for p in &r.programs {
        let natives: Vec<&NativeRecord> = r.native.iter().filter(|n| n.program == p.name).collect();
        let totals = natives
            .iter()
            .find_map(|n| n.run.as_ref().filter(|r| r.log.check == LogCheck::Baseline))
            .and_then(|r| r.log.totals);
        let mut row = vec![
            p.name.clone(),
            totals.map_or("-".into(), |t| t.futures.to_string()),
            totals.map_or("-".into(), |t| t.states.to_string()),
            totals.map_or("-".into(), |t| t.operations.to_string()),
        ];
        for c in &columns {
            row.push(
                natives
                    .iter()
                    .find(|n| &n.label() == c)
                    .map_or("-".into(), |n| native_cell(n)),
            );
        }
        for c in &miri_columns {
            let cell = r
                .miri
                .iter()
                .find(|m| m.program == p.name && &m.miri == c)
                .map_or("-".into(), |m| match (&m.problem, &m.log.check) {
                    (Some(_), _) => "**error**".to_string(),
                    (None, LogCheck::Differs(d)) => format!("**differs** (line {})", d.line),
                    (None, LogCheck::NoBaseline) => "clean, not compared".to_string(),
                    (None, _) => format!("clean, same ({:.0} s)", m.stage.secs),
                });
            row.push(cell);
        }
        t.row(row);
    }
    s.push_str(&t.render());

    sizes(&mut s, r);

    let mut problems = Vec::new();
    for n in &r.native {
        for p in n.problems() {
            problems.push((format!("{} {}", n.program, n.label()), p, n.reproducer.clone()));
        }
    }
    for m in &r.miri {
        for p in m.problems() {
            problems.push((format!("{} Miri {}", m.program, m.miri), p, m.reproducer.clone()));
        }
    }
    if !problems.is_empty() {
        s.push_str("\n## Problems\n\n");
        for (what, p, repro) in problems {
            let _ = write!(s, "- {what}: {p}");
            if let Some(path) = repro {
                let _ = write!(s, " (reproducer: `{}`)", path.display());
            }
            s.push('\n');
        }
    }
    s
}

fn native_cell(n: &NativeRecord) -> String {
    let Some(run) = &n.run else {
        return format!("**build failed**: {}", n.compile.outcome.summary());
    };
    let mut cell = match (&run.problem, &run.log.check) {
        (Some(p), _) => format!("**run failed**: {p}"),
        (None, LogCheck::Baseline) => "baseline".to_string(),
        (None, LogCheck::Same) => "same".to_string(),
        (None, LogCheck::Differs(d)) => format!("**differs** (line {})", d.line),
        (None, LogCheck::NoBaseline) => "not compared".to_string(),
    };
    if let Some(m) = &n.memcheck {
        match m.problem() {
            None => cell.push_str(&format!(", mc {}", m.errors.unwrap_or(0))),
            Some(_) => cell.push_str(&format!(", **mc {}**", m.errors.map_or("?".into(), |e| e.to_string()))),
        }
    }
    cell
}

/// Sizes per future from each toolchain's build at the first opt level, with the ratio to the
/// baseline's, and the geometric mean of the ratios per toolchain.
fn sizes(s: &mut String, r: &Results) {
    let Some(first_opt) = r.settings.opts.first() else {
        return;
    };
    let toolchains: Vec<&str> = r.envelope.toolchains.iter().map(|t| t.name.as_str()).collect();
    // (program, future) -> toolchain -> size
    let mut by_future: BTreeMap<(usize, String), BTreeMap<&str, u64>> = BTreeMap::new();
    let order = |p: &str| r.programs.iter().position(|x| x.name == p).unwrap_or(usize::MAX);
    for n in r.native.iter().filter(|n| &n.opt == first_opt) {
        let Some(run) = &n.run else { continue };
        for (i, l) in run.layouts.iter().enumerate() {
            if let Some(size) = l.size() {
                let key = (order(&n.program) * 1000 + i, format!("{} / {}", n.program, l.future));
                by_future.entry(key).or_default().insert(n.toolchain.as_str(), size);
            }
        }
    }
    if by_future.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n## Future sizes (bytes, opt level {first_opt}; printed by the programs, not compared)\n"
    );
    let mut header = vec!["program / future".to_string()];
    header.extend(toolchains.iter().map(|t| t.to_string()));
    let base = toolchains[0];
    let mut t = Table::new(header).numeric_from(1);
    let mut log_sums = vec![(0.0f64, 0usize); toolchains.len()];
    for ((_, name), sizes) in &by_future {
        let b = sizes.get(base).copied();
        let mut row = vec![name.clone()];
        for (i, tc) in toolchains.iter().enumerate() {
            row.push(match (sizes.get(tc), b) {
                (Some(&x), Some(b)) if i > 0 && b > 0 => {
                    log_sums[i].0 += (x as f64 / b as f64).ln();
                    log_sums[i].1 += 1;
                    format!("{x} ({:.3})", x as f64 / b as f64)
                }
                (Some(x), _) => x.to_string(),
                (None, _) => "-".into(),
            });
        }
        t.row(row);
    }
    let mut geo = vec![format!("geometric mean of the ratios to {base}")];
    geo.push(String::new());
    for (sum, n) in log_sums.iter().skip(1) {
        geo.push(match n {
            0 => "-".into(),
            _ => format!("{:.3}", (sum / *n as f64).exp()),
        });
    }
    t.row(geo);
    s.push_str(&t.render());
}
