//! `codegen`: the command behind scripts/codegen.sh and scripts/seed-claims.sh.

use anyhow::Context;
use clap::{Parser, Subcommand};
use codegen_runner::case::{CaseRunner, Status};
use codegen_runner::directives::{discover, TestFile};
use codegen_runner::filecheck::FileCheck;
use codegen_runner::report::{MatrixReport, SCHEMA};
use codegen_runner::{matrix, seed};
use harness::envelope::{command_line, Envelope};
use harness::toolchain::ToolchainArgs;
use harness::Target;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Assembly tests across toolchains and targets, checked with LLVM FileCheck")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run every test on every toolchain x target and print the matrix.
    Run {
        /// Toolchains, with rustc flags put after each test's own (`-t 'nightly -Zasync-panic=no'`).
        #[command(flatten)]
        toolchains: ToolchainArgs,
        /// Target triple; repeat. Default: every target the tests name.
        #[arg(long = "target")]
        targets: Vec<String>,
        /// Write the full results (with rustc -vV of every toolchain) here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Directory of test files.
        #[arg(long, default_value = "codegen-tests/assembly")]
        suite: PathBuf,
        /// Only tests whose file name contains this.
        #[arg(long)]
        filter: Option<String>,
        /// Where emitted assembly is kept for inspection.
        #[arg(long, default_value = "codegen-tests/out")]
        out_dir: PathBuf,
    },
    /// Reproduce the seed's claims (no_std async, `xx` instruction count, future size) per toolchain.
    SeedClaims {
        #[command(flatten)]
        toolchains: ToolchainArgs,
        /// Writes OUT.md and OUT.json.
        #[arg(long, default_value = "results/seed-claims")]
        out: PathBuf,
        #[arg(long, default_value = "codegen-tests/seed")]
        seed_dir: PathBuf,
        /// Instead of measuring anew, re-measure the toolchains recorded in this JSON and compare.
        #[arg(long)]
        check: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Run {
            toolchains,
            targets,
            json,
            suite,
            filter,
            out_dir,
        } => {
            let mut tests = Vec::new();
            let mut errors = Vec::new();
            for path in discover(&suite).with_context(|| format!("reading suite {}", suite.display()))? {
                if filter
                    .as_ref()
                    .is_some_and(|f| !path.to_string_lossy().contains(f.as_str()))
                {
                    continue;
                }
                match TestFile::load(&path) {
                    Ok(t) => tests.push(t),
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                for e in &errors {
                    eprintln!("error: {e}");
                }
                anyhow::bail!("{} test file(s) have invalid directives", errors.len());
            }
            anyhow::ensure!(!tests.is_empty(), "no tests found in {}", suite.display());
            let filecheck = FileCheck::locate()?;
            let resolved = toolchains.resolve("codegen");
            let (infos, unavailable) = (resolved.usable, resolved.unavailable);
            anyhow::ensure!(!infos.is_empty(), "none of the requested toolchains is usable");
            std::fs::create_dir_all(&out_dir)?;
            let targets: Vec<Target> = targets.into_iter().map(Target::new).collect();
            let runner = CaseRunner {
                filecheck: &filecheck,
                out_dir: &out_dir,
            };
            let started = std::time::Instant::now();
            let cases = matrix::run_matrix(&runner, &tests, &infos, &targets, |c, done, total| {
                eprintln!(
                    "[{done}/{total} {:.1}s] {} on {} ({}): {}",
                    started.elapsed().as_secs_f64(),
                    c.label(),
                    c.toolchain,
                    c.target,
                    c.status.cell()
                );
            });
            let report = MatrixReport {
                envelope: Envelope::new(SCHEMA, command_line(), infos, unavailable),
                cases,
            };
            println!("\n{}", report.table());
            let details = report.details(true);
            if !details.is_empty() {
                println!("{details}");
            }
            let sizes = report.sizes();
            if !sizes.is_empty() {
                println!("Future sizes (bytes, ratio to ideal):\n\n{sizes}");
            }
            if let Some(path) = json {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                }
                harness::report::write_json(&path, &report)?;
                eprintln!("wrote {}", path.display());
            }
            let count = |s: Status| report.cases.iter().filter(|c| c.status == s).count();
            let problems = report.problems();
            println!("expected failures: {}", count(Status::ExpectedFailure));
            println!(
                "codegen: {} passed, {problems} failed, {} skipped",
                count(Status::Pass) + count(Status::ExpectedFailure),
                count(Status::Skip)
            );
            if problems > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Cmd::SeedClaims {
            check: Some(recorded),
            seed_dir,
            ..
        } => seed::check(&recorded, &seed_dir),
        Cmd::SeedClaims {
            toolchains,
            out,
            seed_dir,
            check: None,
        } => seed::run(&toolchains, &out, &seed_dir),
    }
}
