//! The campaign summary: JSON (harness envelope first, so the numbers can be reproduced) and a
//! Markdown note for humans, both under the output folder.

use crate::campaign::{Config, Failure, Totals};
use anyhow::Result;
use harness::envelope::Envelope;
use harness::report::Table;
use harness::toolchain::ToolchainError;
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

/// 3: `caps`, `memcheck` (valgrind's version, or null), the memcheck totals, difference kind
/// `memcheck`; the generator learned issue 14's hazards, so a seed names another program than
/// under 2. 2: opt levels are strings (`"0"`, `"s"`); 1 had numbers.
pub const SCHEMA: &str = "difftest/3";

#[derive(Serialize)]
pub struct Summary<'a> {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The commit the generator was built from (a seed names a program only for one generator).
    pub repo_commit: Option<String>,
    pub seed_start: u64,
    pub seeds: u64,
    pub opts: &'a [crate::build::OptLevel],
    /// Whether programs used async closures (only when every toolchain is 1.85 or newer).
    pub async_closures: bool,
    /// `valgrind --version` when every program also ran under memcheck.
    pub memcheck: Option<String>,
    /// `reference vs other` for each compared pair.
    pub pairs: Vec<String>,
    pub totals: &'a Totals,
    pub differences: &'a [Failure],
}

/// Write `<out>/<name>.json` and `<out>/<name>.md`; returns their paths.
pub fn write(
    cfg: &Config,
    name: &str,
    command: String,
    unavailable: Vec<ToolchainError>,
    totals: &Totals,
    failures: &[Failure],
) -> Result<(PathBuf, PathBuf)> {
    let labels = crate::campaign::labels(&cfg.toolchains);
    let pairs: Vec<String> = labels[1..].iter().map(|b| format!("{} vs {b}", labels[0])).collect();
    let summary = Summary {
        envelope: Envelope::new(
            SCHEMA,
            command,
            cfg.toolchains.iter().map(|c| c.info.clone()).collect(),
            unavailable,
        ),
        repo_commit: repo_commit(),
        seed_start: cfg.start,
        seeds: cfg.seeds,
        opts: &cfg.opts,
        async_closures: cfg.caps.async_closures,
        memcheck: cfg.memcheck.as_ref().map(|m| m.version.clone()),
        pairs: pairs.clone(),
        totals,
        differences: failures,
    };
    let w = harness::report::write_pair(&cfg.out, name, &summary, &markdown(&summary, cfg))?;
    Ok((w.json, w.markdown))
}

/// `git describe --always --dirty` of the repository the tool runs in, if there is one.
fn repo_commit() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty", "--exclude", "*"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn markdown(s: &Summary, cfg: &Config) -> String {
    let t = s.totals;
    let mut m = String::new();
    writeln!(m, "# difftest: {}\n", s.pairs.join(", ")).unwrap();
    writeln!(m, "- command: `{}`", s.envelope.command).unwrap();
    if let Some(c) = &s.repo_commit {
        writeln!(m, "- repository at: {c}").unwrap();
    }
    writeln!(
        m,
        "- date: {}, machine: {} ({} cores)",
        s.envelope.date, s.envelope.machine.cpu_model, s.envelope.machine.cores
    )
    .unwrap();
    for tc in cfg.toolchains.iter().map(|c| &c.info) {
        writeln!(m, "- toolchain `{}`: {}", tc.name, tc.describe()).unwrap();
    }
    for u in &s.envelope.unavailable_toolchains {
        writeln!(m, "- unavailable: {u}").unwrap();
    }
    writeln!(
        m,
        "- seeds {}..{} ({} run), opt levels {}",
        s.seed_start,
        s.seed_start + s.seeds,
        t.seeds_run,
        s.opts.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ")
    )
    .unwrap();
    if !s.async_closures {
        writeln!(m, "- programs without async closures (a toolchain is older than 1.85)").unwrap();
    }
    if let Some(v) = &s.memcheck {
        writeln!(
            m,
            "- every program built also ran under memcheck ({v}, `{}`)",
            crate::memcheck::Memcheck::args(std::path::Path::new("LOG"))
                .iter()
                .map(String::as_str)
                .filter(|a| !a.starts_with("--log-file"))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .unwrap();
    }
    if let Some(c) = &t.toolchain_changed {
        writeln!(m, "- **aborted**: {c}").unwrap();
    }
    if t.stopped_early {
        writeln!(
            m,
            "- **stopped early** (time budget): {} of {} seeds run",
            t.seeds_run, s.seeds
        )
        .unwrap();
    }
    let mut totals = Table::headerless(2);
    totals
        .row([
            "programs compared (seed x opt x pair)".to_string(),
            t.comparisons.to_string(),
        ])
        .row(["identical".to_string(), t.identical.to_string()])
        .row(["differences".to_string(), s.differences.len().to_string()])
        .row(["builds".to_string(), t.builds.to_string()])
        .row(["statements generated".to_string(), t.statements_generated.to_string()])
        .row(["wall time".to_string(), format!("{:.0} s", t.elapsed_secs)])
        .row([
            "of which compiling / running".to_string(),
            format!("{:.0} s / {:.1} s", t.compile_secs, t.run_secs),
        ]);
    if s.memcheck.is_some() {
        totals
            .row(["runs under memcheck".to_string(), t.memcheck_runs.to_string()])
            .row(["of which not clean".to_string(), t.memcheck_unclean.to_string()])
            .row(["time under memcheck".to_string(), format!("{:.0} s", t.memcheck_secs)]);
    }
    write!(m, "\n{totals}").unwrap();
    if !t.future_bytes.is_empty() {
        writeln!(m, "\nSum of all printed future sizes (not compared):\n").unwrap();
        for (k, v) in &t.future_bytes {
            writeln!(m, "- {k}: {v} bytes").unwrap();
        }
    }
    if !s.differences.is_empty() {
        writeln!(m, "\n## Differences\n").unwrap();
        let mut table = Table::new(["seed", "opt", "pair", "kind", "detail", "reduced", "folder"]);
        for f in s.differences {
            let red = f
                .reduction
                .as_ref()
                .map(|r| format!("{} -> {} stmts", r.stmts_before, r.stmts_after))
                .unwrap_or_else(|| "-".into());
            table.row([
                f.seed.to_string(),
                f.opt.to_string(),
                format!("{} vs {}", f.a, f.b),
                format!("{:?} ({})", f.difference.kind, f.difference.side),
                f.difference.detail.clone(),
                red,
                format!("`{}`", f.dir.display()),
            ]);
        }
        write!(m, "{table}").unwrap();
    }
    m
}
