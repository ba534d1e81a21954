//! `difftest memcheck-corpus`: the future-size corpus (benches/future-sizes) under memcheck.
//!
//! The corpus tool builds one runnable std program from its cases (each case's future is built
//! three times: dropped unpolled, cancelled after its first `Pending`, run to completion) and
//! compares what it prints between toolchains. That program is exactly the kind of code a
//! layout patch must not break, written by hand for the layouts it exercises, so it is worth the
//! same memcheck run as the generated programs: built with each toolchain at each opt level, run
//! natively and under valgrind (see [`crate::memcheck`]); the run fails on any memcheck error or
//! any output that differs under valgrind. The program text comes from the corpus crate itself,
//! so a new case is checked without a change here.

use crate::build::{build_and_check, Compiler, Limits, OptLevel};
use crate::memcheck::{Memcheck, MemcheckRun};
use anyhow::{Context, Result};
use harness::envelope::{command_line, Envelope};
use harness::report::Table;
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const SCHEMA: &str = "difftest-memcheck-corpus/1";

#[derive(clap::Args, Debug)]
pub struct CorpusArgs {
    /// Default: stable, plus async-fork when linked and built.
    #[command(flatten)]
    pub toolchains: ToolchainArgs,
    /// Opt levels, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,3")]
    pub opt: Vec<OptLevel>,
    /// The corpus directory.
    #[arg(long, default_value_os_t = future_sizes::corpus::default_dir())]
    pub cases: PathBuf,
    /// Where the summary (`<name>.json`, `<name>.md`) goes.
    #[arg(long, default_value = "results/difftest")]
    pub out: PathBuf,
    /// Summary file name; default `corpus-memcheck-<toolchains>`.
    #[arg(long)]
    pub name: Option<String>,
    /// Where the program and its binaries are kept.
    #[arg(long, default_value = "target/memcheck-corpus")]
    pub work_dir: PathBuf,
    #[arg(long, default_value_t = 600)]
    pub compile_timeout: u64,
    #[arg(long, default_value_t = 60)]
    pub run_timeout: u64,
    /// Seconds the program may run under memcheck.
    #[arg(long, default_value_t = 900)]
    pub memcheck_timeout: u64,
}

/// One toolchain at one opt level.
#[derive(Clone, Debug, Serialize)]
pub struct CorpusBuild {
    pub toolchain: String,
    pub opt: OptLevel,
    pub compile: String,
    pub compile_command: String,
    /// The native run: `ok`, or how it failed.
    pub native: Option<String>,
    pub memcheck: Option<MemcheckRun>,
}

impl CorpusBuild {
    /// Compiled, ran natively, clean under memcheck.
    pub fn clean(&self) -> bool {
        self.native.as_deref() == Some("ok") && self.memcheck.as_ref().is_some_and(|m| m.problem().is_none())
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    envelope: Envelope,
    valgrind: &'a str,
    cases: usize,
    program: String,
    builds: &'a [CorpusBuild],
    clean: bool,
    elapsed_secs: f64,
}

/// Build and check; `Ok(true)` when every build was clean.
pub fn run(args: &CorpusArgs, default: fn() -> Vec<ToolchainSpec>) -> Result<bool> {
    let memcheck = Memcheck::find(Duration::from_secs(args.memcheck_timeout))?;
    let cases = future_sizes::corpus::load_dir(&args.cases)?;
    let source = future_sizes::program::generate(&cases);
    std::fs::create_dir_all(&args.work_dir).with_context(|| format!("creating {}", args.work_dir.display()))?;
    // Absolute: the compiles and runs happen inside the work folder.
    let work = std::fs::canonicalize(&args.work_dir)?;
    let src = work.join("future_size_corpus.rs");
    std::fs::write(&src, &source)?;
    let specs = args.toolchains.specs_or(default);
    let resolved = args.toolchains.resolve_specs("memcheck-corpus", specs);
    anyhow::ensure!(!resolved.usable.is_empty(), "no usable toolchain");
    let limits = Limits {
        compile: Duration::from_secs(args.compile_timeout),
        run: Duration::from_secs(args.run_timeout),
    };
    let started = Instant::now();
    let total = resolved.usable.len() * args.opt.len();
    let mut builds = Vec::new();
    for tc in &resolved.usable {
        let compiler = Compiler::plain(tc.clone());
        for opt in &args.opt {
            eprintln!(
                "[{}/{total}] {} O{opt}: building {} cases, then running natively and under memcheck (elapsed {:.0}s)",
                builds.len() + 1,
                tc.name,
                cases.len(),
                started.elapsed().as_secs_f64()
            );
            let stem = format!("corpus-{}-O{opt}", tc.dir_name());
            let b = build_and_check(&compiler, &src, &work, &stem, opt, limits, Some(&memcheck));
            let build = CorpusBuild {
                toolchain: tc.name.clone(),
                opt: opt.clone(),
                compile: b.compile.summary(),
                compile_command: b.compile_command.clone(),
                native: b.run.as_ref().map(|r| r.outcome.summary()),
                memcheck: b.memcheck.clone(),
            };
            let verdict = match (&build.memcheck, build.native.as_deref()) {
                (None, _) => format!("not built: {}", build.compile),
                (Some(_), Some(n)) if n != "ok" => format!("native run failed: {n}"),
                (Some(m), _) => m
                    .problem()
                    .unwrap_or_else(|| format!("clean ({:.0}s under memcheck)", m.secs)),
            };
            eprintln!("  {} O{opt}: {verdict}", tc.name);
            builds.push(build);
        }
    }
    let clean = builds.iter().all(CorpusBuild::clean);
    let name = args.name.clone().unwrap_or_else(|| {
        let names: Vec<String> = resolved.usable.iter().map(|t| t.dir_name().replace('_', "-")).collect();
        format!("corpus-memcheck-{}", names.join("-"))
    });
    let summary = Summary {
        envelope: Envelope::new(
            SCHEMA,
            command_line(),
            resolved.usable.clone(),
            resolved.unavailable.clone(),
        ),
        valgrind: &memcheck.version,
        cases: cases.len(),
        program: src.display().to_string(),
        builds: &builds,
        clean,
        elapsed_secs: started.elapsed().as_secs_f64(),
    };
    let w = harness::report::write_pair(&args.out, &name, &summary, &markdown(&summary, &resolved.usable))?;
    eprintln!(
        "memcheck-corpus: {} builds, {} clean ({:.0}s); summary {}, {}",
        builds.len(),
        builds.iter().filter(|b| b.clean()).count(),
        summary.elapsed_secs,
        w.json.display(),
        w.markdown.display()
    );
    Ok(clean)
}

fn markdown(s: &Summary, toolchains: &[harness::ToolchainInfo]) -> String {
    let mut m = String::new();
    writeln!(m, "# The future-size corpus under memcheck\n").unwrap();
    writeln!(m, "- command: `{}`", s.envelope.command).unwrap();
    writeln!(
        m,
        "- date: {}, machine: {} ({} cores)",
        s.envelope.date, s.envelope.machine.cpu_model, s.envelope.machine.cores
    )
    .unwrap();
    for tc in toolchains {
        writeln!(m, "- toolchain `{}`: {}", tc.name, tc.describe()).unwrap();
    }
    for u in &s.envelope.unavailable_toolchains {
        writeln!(m, "- unavailable: {u}").unwrap();
    }
    writeln!(
        m,
        "- {} cases in one program, each future dropped unpolled, cancelled and completed; {}",
        s.cases, s.valgrind
    )
    .unwrap();
    writeln!(m, "- verdict: **{}**\n", if s.clean { "clean" } else { "NOT CLEAN" }).unwrap();
    let mut t = Table::new([
        "toolchain",
        "opt",
        "compile",
        "native run",
        "memcheck",
        "errors",
        "s under memcheck",
    ]);
    for b in s.builds {
        let (verdict, errors, secs) = match &b.memcheck {
            Some(r) => (
                r.problem().unwrap_or_else(|| "clean".into()),
                r.errors.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
                format!("{:.1}", r.secs),
            ),
            None => ("not run".into(), "-".into(), "-".into()),
        };
        t.row([
            format!("`{}`", b.toolchain),
            b.opt.to_string(),
            b.compile.clone(),
            b.native.clone().unwrap_or_else(|| "-".into()),
            verdict,
            errors,
            secs,
        ]);
    }
    write!(m, "{t}").unwrap();
    m
}
