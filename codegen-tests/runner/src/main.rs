//! `codegen`: the command behind scripts/codegen.sh and scripts/seed-claims.sh.

use anyhow::Context;
use clap::{Parser, Subcommand};
use codegen_runner::case::{CaseRunner, Status};
use codegen_runner::directives::{discover, TestFile};
use codegen_runner::filecheck::FileCheck;
use codegen_runner::report::{MatrixReport, SCHEMA};
use codegen_runner::{matrix, seed};
use harness::cores::BuiltCores;
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
    /// One function's assembly on each toolchain, side by side (or as a diff): through
    /// cargo-show-asm where it can build, else the runner's own `rustc --emit asm`, compiled as the
    /// test file's revision for the target says.
    Show {
        /// The function (a `#[no_mangle]` symbol, or a name the mangled symbol contains).
        function: String,
        #[command(flatten)]
        toolchains: ToolchainArgs,
        /// Target triple: picks the file's revision for it. Default: the host.
        #[arg(long)]
        target: Option<String>,
        /// The revision to compile (when several share a target, e.g. x86_64 and x86_64_unwind).
        #[arg(long)]
        revision: Option<String>,
        /// The test file; default: the one file in --suite that defines `fn FUNCTION`.
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, default_value = "codegen-tests/assembly")]
        suite: PathBuf,
        /// A unified diff of each toolchain against the first instead of columns.
        #[arg(long)]
        diff: bool,
        /// Scratch directory (the one-file cargo project, target directories, emitted assembly).
        #[arg(long, default_value = "codegen-tests/out/show")]
        work_dir: PathBuf,
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
            // Cores from rust-src (`--build-std`) are kept beside the emitted assembly, so a rerun
            // reuses them.
            let cores = BuiltCores::new(out_dir.join("cores"));
            let runner = CaseRunner {
                filecheck: &filecheck,
                cores: &cores,
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
        Cmd::Show {
            function,
            toolchains,
            target,
            revision,
            file,
            suite,
            diff,
            work_dir,
        } => show(&function, &toolchains, target, revision, file, &suite, diff, &work_dir),
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

#[allow(clippy::too_many_arguments)]
fn show(
    function: &str,
    toolchains: &ToolchainArgs,
    target: Option<String>,
    revision: Option<String>,
    file: Option<PathBuf>,
    suite: &std::path::Path,
    diff: bool,
    work_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use codegen_runner::show;
    let path = show::locate(function, file.as_deref(), suite)?;
    let test = TestFile::load(&path)?;
    let wanted = target.map(Target::new).unwrap_or_else(Target::host);
    let rev = show::pick_revision(&test, &wanted, revision.as_deref())?;
    let cores = BuiltCores::new(work_dir.join("cores"));
    let req = show::Request {
        function,
        test: &test,
        revision: rev,
        work_dir,
        cores: &cores,
    };
    if req.target() != wanted && revision.is_some() {
        eprintln!(
            "codegen show: revision `{}` compiles for {}, not {wanted}",
            revision.as_deref().unwrap_or_default(),
            req.target()
        );
    }
    std::fs::create_dir_all(work_dir).with_context(|| format!("creating {}", work_dir.display()))?;
    // A named rustup toolchain without the target's `core` gets it from rustup (as the firmware
    // tool does), so that an old release says what its compiler thinks of the code, not only that
    // a library was missing.
    let specs = toolchains.specs_or(harness::toolchain::default_specs);
    let mut resolved = toolchains.resolve_specs("codegen show", specs.clone());
    let target = req.target();
    let mut added = false;
    let mut rustup_refused = std::collections::HashMap::new();
    for tc in &resolved.usable {
        let base = tc.name.split_whitespace().next().unwrap_or(&tc.name);
        let rustup = specs
            .iter()
            .any(|s| matches!(&s.toolchain, harness::Toolchain::Rustup(n) if n == base));
        if rustup && !tc.has_core_for(&target) {
            for (t, why) in harness::toolchain::add_rustup_targets(base, &[target.triple()]) {
                eprintln!("codegen show: no {t} for {base}: {why}");
                rustup_refused.insert(tc.name.clone(), why);
            }
            added = true;
        }
    }
    if added {
        resolved = toolchains.resolve_specs("codegen show", specs);
    }
    anyhow::ensure!(
        !resolved.usable.is_empty(),
        "none of the requested toolchains is usable"
    );
    let flags = rev.settings.compile_flags.join(" ");
    println!(
        "`{function}` from {}{} for {}: {flags}\n",
        path.display(),
        rev.name.as_deref().map(|r| format!(" [{r}]")).unwrap_or_default(),
        req.target()
    );
    let mut sides = Vec::new();
    for (i, tc) in resolved.usable.iter().enumerate() {
        eprintln!("[{}/{}] {}", i + 1, resolved.usable.len(), tc.name);
        let mut side = req.side(tc);
        if let (Err(why), Some(rustup)) = (&mut side.body, rustup_refused.get(&tc.name)) {
            why.push_str(&format!("; rustup: {rustup}"));
        }
        sides.push(side);
    }
    for e in &resolved.unavailable {
        println!("- not shown: {e}");
    }
    println!(
        "{}",
        if diff {
            show::diff(&sides)
        } else {
            show::side_by_side(&sides)
        }
    );
    let notes = show::notes(&sides);
    if !notes.is_empty() {
        println!("{notes}");
    }
    anyhow::ensure!(
        sides.iter().any(|s| s.body.is_ok()),
        "no toolchain could show `{function}`"
    );
    Ok(())
}
