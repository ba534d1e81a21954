//! `future-sizes`: measure the corpus's futures on every toolchain and check they behave alike.
//!
//! Generates the corpus program once, builds and runs it with each toolchain at each opt level
//! (sequentially: the machine is shared), writes `<out-dir>/future-sizes.{json,md}`, prints the
//! Markdown, and exits non-zero when a build failed, a case's output differs from the baseline's,
//! or a size differs between opt levels. Missing toolchains are reported and skipped.

use anyhow::{bail, Context, Result};
use clap::Parser;
use future_sizes::report::{Report, SCHEMA};
use future_sizes::run::{build_and_run, Limits};
use future_sizes::{corpus, program};
use harness::envelope::{command_line, Envelope};
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Future sizes of the async corpus per toolchain, against ideal sizes and the baseline")]
struct Cli {
    /// Toolchains (`--toolchain "async-fork -Zswitch=no"`, reported under that whole name). The
    /// baseline sizes and outputs are compared with defaults to stable here.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// Opt level(s) to build at; the tables use the first, the others check that sizes and outputs
    /// do not depend on it.
    #[arg(long = "opt-level", value_delimiter = ',', default_values_t = [0u8, 3])]
    opt_levels: Vec<u8>,
    /// The corpus directory.
    #[arg(long, default_value_os_t = corpus::default_dir())]
    cases: PathBuf,
    /// Where future-sizes.json and future-sizes.md go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../results/future-sizes"))]
    out_dir: PathBuf,
    /// Where the generated program and its binaries go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/future-sizes"))]
    work_dir: PathBuf,
    /// A toolchain spec whose sizes must equal the baseline's on every case (a fork with a patch's
    /// switch turned off); repeatable. Any difference makes the run fail.
    #[arg(long = "same-sizes-as-baseline", value_name = "SPEC")]
    same_sizes: Vec<ToolchainSpec>,
    /// A fork with one switch turned off (`"async-fork -Zswitch=no"`): the same toolchain without
    /// flags must be no larger than it in any case (a switch never makes a future larger);
    /// repeatable. Any larger case makes the run fail.
    #[arg(long = "no-larger-than", value_name = "SPEC")]
    no_larger_than: Vec<ToolchainSpec>,
    /// Seconds one compile may take.
    #[arg(long, default_value_t = 600)]
    compile_timeout: u64,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if cli.opt_levels.is_empty() {
        bail!("--opt-level needs at least one level");
    }
    let cases = corpus::load_dir(&cli.cases)?;
    let mut args = cli.toolchains.clone();
    if args.baseline.is_none() {
        args.baseline = Some("stable".parse().expect("a valid spec"));
    }
    let resolved = args.resolve("future-sizes");
    let Some(baseline) = resolved.baseline().map(|t| t.name.clone()) else {
        bail!("no usable toolchain");
    };

    std::fs::create_dir_all(&cli.work_dir).with_context(|| format!("creating {}", cli.work_dir.display()))?;
    let source = cli.work_dir.join("corpus.rs");
    std::fs::write(&source, program::generate(&cases)).with_context(|| format!("writing {}", source.display()))?;
    let limits = Limits {
        compile: Duration::from_secs(cli.compile_timeout),
        ..future_sizes::run::LIMITS
    };
    let mut builds = Vec::new();
    for tc in &resolved.usable {
        for &opt in &cli.opt_levels {
            eprintln!("future-sizes: {} at opt-level {opt}", tc.name);
            let b = build_and_run(tc, &source, opt, &cli.work_dir, &limits);
            if b.outcome != "ok" {
                eprintln!("future-sizes: {} O{opt}: {}", tc.name, b.outcome);
            }
            builds.push(b);
        }
    }

    let envelope = Envelope::new(SCHEMA, command_line(), resolved.usable, resolved.unavailable);
    let corpus_dir = display_relative(&cli.cases);
    let report = Report::new(envelope, &baseline, cli.opt_levels.clone(), corpus_dir, cases, builds);
    let md = report.markdown();
    let written = harness::report::write_pair(&cli.out_dir, "future-sizes", &report, &md)?;
    println!("{md}");
    eprintln!("future-sizes: wrote {} and future-sizes.md", written.json.display());
    let mut unlike = Vec::new();
    for spec in &cli.same_sizes {
        match report.sizes_unlike_baseline(&spec.to_string()) {
            Ok(d) if d.is_empty() => eprintln!("future-sizes: `{spec}` has {baseline}'s size in every case"),
            Ok(d) => unlike.push(format!(
                "`{spec}` differs from {baseline} in {} cases: {}",
                d.len(),
                d.join("; ")
            )),
            Err(e) => unlike.push(e),
        }
    }
    for spec in &cli.no_larger_than {
        let plain = ToolchainSpec::plain(spec.toolchain.clone()).to_string();
        match report.sizes_larger_than(&plain, &spec.to_string()) {
            Ok(d) if d.is_empty() => eprintln!("future-sizes: `{plain}` is no larger than `{spec}` in any case"),
            Ok(d) => unlike.push(format!(
                "`{plain}` is larger than `{spec}` in {} cases: {}",
                d.len(),
                d.join("; ")
            )),
            Err(e) => unlike.push(e),
        }
    }
    for u in &unlike {
        eprintln!("future-sizes: error: {u}");
    }
    if !report.all_consistent() {
        bail!("a build failed, an output differs from {baseline}'s, or a size depends on the opt level (see above)");
    }
    if !unlike.is_empty() {
        bail!("sizes that must equal {baseline}'s, or be no larger than with a switch off, are not (see above)");
    }
    Ok(())
}

/// The corpus path relative to the repository when it is inside it, for a stable results file.
fn display_relative(p: &std::path::Path) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match (p.canonicalize(), repo.canonicalize()) {
        (Ok(p), Ok(repo)) => p
            .strip_prefix(&repo)
            .map(|r| r.display().to_string())
            .unwrap_or(p.display().to_string()),
        _ => p.display().to_string(),
    }
}
