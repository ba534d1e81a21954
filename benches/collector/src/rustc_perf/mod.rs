//! `bench rustc-perf` (`scripts/bench.sh rustc-perf`): rustc-perf's own collector as a second
//! instrument beside ours.
//!
//! It builds `collector` and `rustc-fake` from rustc-perf's tree in the fork's pinned source
//! ([`source`]), lays out a directory that `collector` takes for its own checkout (a
//! `collector/compile-benchmarks/` with copies of the chosen benchmarks: rustc-perf's async ones and
//! our workload folders, the latter named `our-<folder>`), and runs, per toolchain and benchmark,
//! `collector profile_local callgrind RUSTC --exact-match BENCHMARK ...`. The instruction counts are
//! read from the callgrind files it writes ([`outputs`]) and stored as a `compile-bench/1` results
//! file (the schema of our collector, so `bench compare` reads it) plus a `rustc_perf` section
//! (the tree, the build, what was skipped, each toolchain's `rustc -vV` before and after its
//! measurement), and summarised in `summary.md` ([`report`]).
//!
//! Time and memory come from rustc-perf's `bench_local`, which reads hardware counters through
//! `perf stat`; where `perf stat -e instructions:u` does not work that part is recorded as skipped
//! with the reason.
//!
//! Failure policy, as in `bench run`: a toolchain that cannot be resolved is listed as unavailable;
//! a collector that cannot be built leaves every case `failed` with cargo's first error (exit
//! code 1); a benchmark that fails on one toolchain is `failed` with the collector's error and the
//! rest runs. A toolchain whose files change while it is measured (`rustc -vV` or the size and
//! time of `librustc_driver` differ before and after, or the `--wait-while` marker appears while
//! the fork is measured) is measured again, up to [`MAX_ATTEMPTS`] times in all.

pub mod outputs;
pub mod report;
pub mod source;

use crate::benchmark::workload::WorkloadRecord;
use crate::benchmark::{Profile, Scenario};
use crate::execute::metric::{self, MetricChoice, MetricSource};
use crate::results::{self, Case, ResultsFile, RunInfo, RunState, Status};
use crate::run::{interrupted, INTERRUPTED};
use anyhow::{bail, Context as _};
use harness::envelope::Envelope;
use harness::process::{self, Cmd};
use harness::rustc::Outcome;
use harness::toolchain::{
    installed_rustup_toolchains, Toolchain, ToolchainArgs, ToolchainError, ToolchainInfo, ToolchainSpec, FORK_TOOLCHAIN,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// rustc-perf's compile benchmarks of async code.
pub const ASYNC_BENCHMARKS: [&str; 5] = [
    "await-call-tree",
    "deeply-nested-multi",
    "futures",
    "hyper-1.6.0",
    "tokio-webpush-simple",
];
/// Our workload folders appear under this prefix (rustc-perf has an `await-call-tree` of its own).
pub const OURS_PREFIX: &str = "our-";
/// Every category rustc-perf knows: `futures` and `tokio-webpush-simple` are `stable`, which its
/// default (`Primary,Secondary`) leaves out.
pub const CATEGORIES: &str = "Primary,Secondary,Stable";
/// How `collector` and `rustc-fake` are built when no `--build-toolchain` is named: the release
/// whose source carries this rustc-perf.
pub const DEFAULT_BUILD_TOOLCHAIN: &str = "1.95.0";
/// The end of the note on a case kept from an earlier run.
const KEPT: &str = ", kept by --resume";
/// A toolchain that changes while it is measured is measured again, up to this many times in all.
pub const MAX_ATTEMPTS: u32 = 3;
/// Schema of the `rustc_perf` section.
pub const SECTION_SCHEMA: &str = "rustc-perf-run/1";

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Toolchains (`-t SPEC`, repeat). Default: 1.95.0 (the release rustc-perf's tree comes
    /// with) and async-fork when installed. rustc-perf runs a toolchain without extra rustc
    /// flags, so a spec with flags is reported as unavailable.
    #[command(flatten)]
    pub toolchains: ToolchainArgs,
    /// Benchmarks, repeat or comma-separate: one of rustc-perf's by name (`await-call-tree`), one
    /// of our workload folders as `our-NAME`, `async` (rustc-perf's async benchmarks:
    /// await-call-tree, deeply-nested-multi, futures, hyper-1.6.0, tokio-webpush-simple), `ours`
    /// (every folder of benches/workloads). Default: async,ours.
    #[arg(long = "benchmarks", short = 'b', value_delimiter = ',')]
    pub benchmarks: Vec<String>,
    /// Profiles, repeat or comma-separate. Default: check, debug, opt.
    #[arg(long = "profile", short = 'p', value_enum, value_delimiter = ',')]
    pub profiles: Vec<Profile>,
    /// Scenarios, repeat or comma-separate. Default: full.
    #[arg(long = "scenario", short = 's', value_enum, value_delimiter = ',')]
    pub scenarios: Vec<Scenario>,
    /// rustc-perf's tree. Default: src/tools/rustc-perf of the fork's pinned source in the fork
    /// cache (`scripts/fork.sh fetch prepare` puts it there).
    #[arg(long)]
    pub source: Option<PathBuf>,
    /// A built `collector` (with `rustc-fake` beside it) to use instead of building one.
    #[arg(long)]
    pub collector: Option<PathBuf>,
    /// The rustup toolchain that builds the collector.
    #[arg(long, default_value = DEFAULT_BUILD_TOOLCHAIN)]
    pub build_toolchain: String,
    /// Copy rustc-perf's tree afresh (and so rebuild the collector from scratch).
    #[arg(long)]
    pub rebuild: bool,
    /// Where the tree is copied and built (`<dir>/src`, cargo's log `<dir>/build.log`). Default:
    /// target/rustc-perf.
    #[arg(long)]
    pub build_dir: Option<PathBuf>,
    /// Output directory. Default: results/rustc-perf-<run-id>.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Name of the run (default: UTC date and time).
    #[arg(long)]
    pub run_id: Option<String>,
    /// Where our workload folders are found.
    #[arg(long)]
    pub workloads_dir: Option<PathBuf>,
    /// Scratch directory (the benchmark copies, rustc-perf's output, logs). Default:
    /// target/rustc-perf/work/<run-id>.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Timeout of one collector run (one toolchain, one benchmark, every profile), in seconds.
    #[arg(long, default_value_t = 3600)]
    pub timeout: u64,
    /// Timeout of the collector's build, in seconds.
    #[arg(long, default_value_t = 7200)]
    pub build_timeout: u64,
    /// Do not measure the fork while this file exists (a marker kept while the fork is rebuilt
    /// and relinked): the fork is then measured last, once the file is gone, and its measurement
    /// starts again if the file appears meanwhile.
    #[arg(long, value_name = "FILE")]
    pub wait_while: Option<PathBuf>,
    /// Keep the measured cases of the results file already in the output directory for every
    /// toolchain that is still the same compiler (its `rustc -vV`, fork stamp and librustc_driver
    /// as recorded there), and measure only the rest.
    #[arg(long)]
    pub resume: bool,
}

/// One benchmark of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkInfo {
    /// The name in results and in rustc-perf's benchmark directory (`our-` for ours).
    pub name: String,
    /// `rustc-perf` or `ours`.
    pub origin: String,
    /// The folder it was copied from.
    pub source: PathBuf,
    pub category: String,
    pub artifact: String,
    /// What had to be done to the copy for it to build as rustc-perf requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How the collector came to be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildInfo {
    /// `built`, `prebuilt` (`--collector`) or `failed`.
    pub status: String,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
}

/// A part of rustc-perf that was or was not run, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub status: String,
    pub reason: String,
}

/// A toolchain as it was before and after its measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolchainCheck {
    pub toolchain: String,
    /// The cargo rustc-perf drove the builds with.
    pub cargo: PathBuf,
    /// `rustc -vV`, the fork's stamp and `librustc_driver`'s size and mtime, before the last attempt.
    pub before: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub attempts: u32,
    /// Did the toolchain change during its last attempt (its numbers are then not trusted)?
    pub changed: bool,
}

/// The `rustc_perf` section of the results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub schema: String,
    pub source: PathBuf,
    /// `version` of rustc-perf's `collector/Cargo.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector_version: Option<String>,
    pub build: BuildInfo,
    /// The command measured per toolchain and benchmark, with placeholders.
    pub command: String,
    /// rustc-perf's `bench_local` (wall time, max RSS, hardware counters).
    pub bench_local: Part,
    pub benchmarks: Vec<BenchmarkInfo>,
    pub toolchain_checks: Vec<ToolchainCheck>,
    /// How the collector's processes were kept from raising their priority (see [`priority`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

/// The whole file: our collector's schema, plus the section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFile {
    #[serde(flatten)]
    pub results: ResultsFile,
    pub rustc_perf: Section,
}

impl RunFile {
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        harness::report::write_json(path, self)
    }

    pub fn load(path: &Path) -> anyhow::Result<RunFile> {
        let file = if path.is_dir() {
            path.join("results.json")
        } else {
            path.to_path_buf()
        };
        // The common part is checked (schema, truncation) by our collector's loader.
        results::load(&file)?;
        let text = std::fs::read_to_string(&file)?;
        serde_json::from_str(&text).with_context(|| format!("{} has no valid `rustc_perf` section", file.display()))
    }
}

/// Resolve the benchmark names of the command line.
pub fn resolve_benchmarks(names: &[String], perf_benchmarks: &Path, ours: &Path) -> anyhow::Result<Vec<BenchmarkInfo>> {
    let names: Vec<String> = match names.is_empty() {
        true => vec!["async".into(), "ours".into()],
        false => names.to_vec(),
    };
    let mut out: Vec<BenchmarkInfo> = Vec::new();
    let mut push = |b: BenchmarkInfo| {
        if !out.iter().any(|o| o.name == b.name) {
            out.push(b);
        }
    };
    for n in names {
        match n.as_str() {
            "async" => {
                for b in ASYNC_BENCHMARKS {
                    push(benchmark(b, "rustc-perf", &perf_benchmarks.join(b))?);
                }
            }
            "ours" => {
                let mut dirs: Vec<PathBuf> = std::fs::read_dir(ours)
                    .with_context(|| format!("reading {}", ours.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.join("perf-config.json").is_file())
                    .collect();
                dirs.sort();
                for d in dirs {
                    let name = format!("{OURS_PREFIX}{}", d.file_name().unwrap_or_default().to_string_lossy());
                    push(benchmark(&name, "ours", &d)?);
                }
            }
            n => match n.strip_prefix(OURS_PREFIX) {
                Some(folder) if ours.join(folder).join("perf-config.json").is_file() => {
                    push(benchmark(n, "ours", &ours.join(folder))?)
                }
                _ if perf_benchmarks.join(n).join("perf-config.json").is_file() => {
                    push(benchmark(n, "rustc-perf", &perf_benchmarks.join(n))?)
                }
                _ => bail!(
                    "unknown benchmark `{n}`: not in {} (rustc-perf's) nor, as `{OURS_PREFIX}NAME`, in {}",
                    perf_benchmarks.display(),
                    ours.display()
                ),
            },
        }
    }
    Ok(out)
}

fn benchmark(name: &str, origin: &str, dir: &Path) -> anyhow::Result<BenchmarkInfo> {
    let cfg = dir.join("perf-config.json");
    let text = std::fs::read_to_string(&cfg).with_context(|| format!("reading {}", cfg.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("parsing {}", cfg.display()))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("-").to_string();
    Ok(BenchmarkInfo {
        name: name.into(),
        origin: origin.into(),
        source: dir.to_path_buf(),
        category: field("category"),
        artifact: field("artifact"),
        note: None,
    })
}

/// The default toolchains: 1.95.0, and the fork when it is linked.
pub fn default_specs() -> Vec<ToolchainSpec> {
    let mut v = vec![ToolchainSpec::plain(Toolchain::Rustup(DEFAULT_BUILD_TOOLCHAIN.into()))];
    if installed_rustup_toolchains().iter().any(|n| n == FORK_TOOLCHAIN) {
        v.push(ToolchainSpec::plain(Toolchain::Rustup(FORK_TOOLCHAIN.into())));
    }
    v
}

/// What identifies a toolchain's files: `rustc -vV`, the fork's stamp, and the size and mtime of
/// every `librustc_driver` in its `lib` (a relinked fork changes those even when its version
/// line does not).
pub fn fingerprint(tc: &ToolchainInfo) -> String {
    let vv = std::process::Command::new(&tc.rustc)
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_else(|e| format!("cannot run {}: {e}\n", tc.rustc.display()));
    let mut s = vv;
    if let Ok(stamp) = std::fs::read_to_string(tc.sysroot.join(harness::toolchain::FORK_STAMP)) {
        s.push_str(&format!(
            "fork stamp: {}\n",
            stamp.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }
    let mut drivers: Vec<String> = std::fs::read_dir(tc.sysroot.join("lib"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("librustc_driver"))
                .filter_map(|e| {
                    let m = e.metadata().ok()?;
                    let mtime = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
                    Some(format!(
                        "{} {} bytes, mtime {mtime}",
                        e.file_name().to_string_lossy(),
                        m.len()
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    drivers.sort();
    for d in drivers {
        s.push_str(&d);
        s.push('\n');
    }
    s
}

fn is_fork(tc: &ToolchainInfo) -> bool {
    tc.fork.is_some() || tc.name == FORK_TOOLCHAIN
}

/// The environment of a collector run: ours, less what cargo set for *this* build (a `cargo run`
/// leaves `CARGO_*`, `RUSTC*` and `RUSTUP_TOOLCHAIN` that would steer the benchmark builds), with
/// temporary files under `tmp`.
fn collector_env(tmp: &Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            let cargo_own = k.starts_with("CARGO_") && k != "CARGO_HOME";
            !(cargo_own
                || k == "CARGO"
                || k.starts_with("RUSTC")
                || k.starts_with("RUSTDOC")
                || k == "RUSTFLAGS"
                || k == "RUSTUP_TOOLCHAIN"
                || k == "TMPDIR")
        })
        .collect();
    env.push(("TMPDIR".into(), tmp.display().to_string()));
    env
}

/// The command measuring one benchmark with one toolchain.
pub fn collector_command(
    collector: &Path,
    root: &Path,
    tc: &ToolchainInfo,
    bench: &str,
    profiles: &[Profile],
    scenarios: &[Scenario],
    out: &Path,
) -> Cmd {
    let join = |v: Vec<&str>| v.join(",");
    let args = vec![
        "profile_local".to_string(),
        "callgrind".into(),
        tc.rustc.display().to_string(),
        "--id".into(),
        tc.dir_name(),
        "--cargo".into(),
        tc.cargo().display().to_string(),
        "--exact-match".into(),
        bench.into(),
        "--category".into(),
        CATEGORIES.into(),
        "--profiles".into(),
        join(profiles.iter().map(|p| outputs::profile_name(*p)).collect()),
        "--scenarios".into(),
        join(scenarios.iter().map(|s| outputs::scenario_name(*s)).collect()),
        "--out-dir".into(),
        out.display().to_string(),
    ];
    Cmd {
        program: collector.to_path_buf(),
        args,
        cwd: root.to_path_buf(),
        env: None,
    }
}

/// `bench rustc-perf`: returns the exit code (0, 1 when the collector could not be built, 130
/// when interrupted).
pub fn main(a: Args) -> anyhow::Result<i32> {
    let repo = crate::repo_root();
    let started = Instant::now();
    let source = match &a.source {
        Some(s) => s.clone(),
        None => source::default_source(&repo)?,
    };
    source::check_tree(&source)?;
    let perf_benchmarks = source.join("collector/compile-benchmarks");
    let workloads_dir = a
        .workloads_dir
        .clone()
        .unwrap_or_else(|| repo.join("benches/workloads"));
    let benchmarks = resolve_benchmarks(&a.benchmarks, &perf_benchmarks, &workloads_dir)?;
    let profiles = match a.profiles.is_empty() {
        true => Profile::ALL.to_vec(),
        false => dedup(&a.profiles),
    };
    let scenarios = match a.scenarios.is_empty() {
        true => vec![Scenario::Full],
        false => dedup(&a.scenarios),
    };
    if metric::detect(MetricChoice::Callgrind).is_err() {
        bail!("valgrind is not installed, and profile_local callgrind needs it (scripts/setup.sh installs it)");
    }
    let bench_local = match metric::detect(MetricChoice::Perf) {
        Err(why) => Part {
            status: "skipped".into(),
            reason: format!("bench_local (wall time, max RSS) needs `perf stat`, which does not work here: {why}"),
        },
        Ok(_) => Part {
            status: "skipped".into(),
            reason: "perf works here, but reading bench_local's results (its SQLite database) into this file \
                     is not implemented; run `collector bench_local` by hand"
                .into(),
        },
    };
    eprintln!("bench rustc-perf: time and memory: {}", bench_local.reason);

    // The fork is resolved only after the wait when it is being rebuilt at the start (it may not
    // even be linked then); everything else now, in the order given, the deferred ones last.
    let specs = a.toolchains.specs_or(default_specs);
    let marker_up = a.wait_while.as_ref().is_some_and(|m| m.exists());
    let (deferred, now): (Vec<ToolchainSpec>, Vec<ToolchainSpec>) = specs
        .into_iter()
        .partition(|s| marker_up && s.toolchain == Toolchain::Rustup(FORK_TOOLCHAIN.into()) && s.flags.is_empty());
    for d in &deferred {
        eprintln!(
            "bench rustc-perf: {d} is measured last, once {} is gone",
            a.wait_while
                .as_ref()
                .map(|m| m.display().to_string())
                .unwrap_or_default()
        );
    }
    let mut resolved = a.toolchains.resolve_specs("bench rustc-perf", now);
    let (with_flags, usable): (Vec<ToolchainInfo>, Vec<ToolchainInfo>) =
        resolved.usable.drain(..).partition(|t| !t.flags.is_empty());
    resolved.usable = usable;
    for t in with_flags {
        let e = ToolchainError::NotRunnable {
            toolchain: t.name.clone(),
            detail: "rustc-perf's collector runs a toolchain without extra rustc flags".into(),
        };
        eprintln!("bench rustc-perf: skipping {e}");
        resolved.unavailable.push(e);
    }
    if resolved.usable.is_empty() && deferred.is_empty() {
        bail!("no usable toolchain");
    }
    let baseline = resolved
        .baseline()
        .map(|b| b.name.clone())
        .or_else(|| deferred.first().map(|d| d.to_string()))
        .unwrap_or_default();

    let run_id = a
        .run_id
        .clone()
        .or_else(|| {
            a.out
                .as_ref()
                .and_then(|o| o.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| harness::envelope::utc_now().replace('T', "-").replace([':', 'Z'], ""));
    let out_dir = a
        .out
        .clone()
        .unwrap_or_else(|| repo.join("results").join(format!("rustc-perf-{run_id}")));
    let work = a
        .work_dir
        .clone()
        .unwrap_or_else(|| repo.join("target/rustc-perf/work").join(&run_id));
    let results_path = out_dir.join("results.json");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    // Read before the new file replaces it.
    let previous = match a.resume {
        true => match RunFile::load(&out_dir) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("bench rustc-perf: --resume: nothing to keep ({e:#})");
                None
            }
        },
        false => None,
    };
    let plan = |tc: &str| {
        let mut cases = Vec::new();
        for b in &benchmarks {
            for &p in &profiles {
                for &s in &scenarios {
                    cases.push(Case::new(tc, &b.name, p, s));
                }
            }
        }
        cases
    };
    let mut cases = Vec::new();
    for tc in &resolved.usable {
        cases.extend(plan(&tc.name));
    }
    let mut file = RunFile {
        results: ResultsFile {
            envelope: Envelope::new(
                results::SCHEMA,
                harness::envelope::command_line(),
                resolved.usable.clone(),
                resolved.unavailable.clone(),
            ),
            run: RunInfo {
                run_id: run_id.clone(),
                collector_version: format!("rustc-perf via bench {}", env!("CARGO_PKG_VERSION")),
                metric: MetricSource::Callgrind,
                metric_note: Some(
                    "rustc-perf's `collector profile_local callgrind`: rustc-fake runs the leaf crate's rustc under \
                     `valgrind --tool=callgrind` with -Adeprecated -Aunknown-lints -Zincremental-verify-ich \
                     (RUSTC_BOOTSTRAP=1), about 1.2-2.9 % above `bench run`'s counts for the same rustc \
                     (benches/README.md)"
                        .into(),
                ),
                reps: 0,
                instr_reps: 1,
                baseline,
                profiles: profiles.clone(),
                scenarios: scenarios.clone(),
                sweep_profiles: Vec::new(),
                started: harness::envelope::utc_now(),
                finished: None,
                duration_s: None,
            },
            workloads: benchmarks
                .iter()
                .map(|b| WorkloadRecord {
                    name: b.name.clone(),
                    category: b.category.clone(),
                    artifact: b.artifact.clone(),
                    target: None,
                    generated: None,
                    size: None,
                    path: Some(
                        b.source
                            .strip_prefix(&repo)
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|_| format!("{} (rustc-perf)", b.name)),
                    ),
                })
                .collect(),
            cases,
            runtime: Vec::new(),
            state: RunState::Running,
        },
        rustc_perf: Section {
            schema: SECTION_SCHEMA.into(),
            source: source.clone(),
            collector_version: collector_version(&source),
            build: BuildInfo {
                status: "pending".into(),
                detail: String::new(),
                collector: None,
                duration_s: None,
            },
            command: format!(
                "collector profile_local callgrind RUSTC --id ID --cargo CARGO --exact-match BENCHMARK --category {CATEGORIES} --profiles {} --scenarios {} --out-dir OUT",
                profiles.iter().map(|p| outputs::profile_name(*p)).collect::<Vec<_>>().join(","),
                scenarios.iter().map(|s| outputs::scenario_name(*s)).collect::<Vec<_>>().join(","),
            ),
            bench_local,
            benchmarks: benchmarks.clone(),
            toolchain_checks: Vec::new(),
            priority: priority(&Cmd {
                program: "collector".into(),
                args: Vec::new(),
                cwd: PathBuf::from("."),
                env: None,
            })
            .1,
        },
    };
    file.save(&results_path)?;
    eprintln!("bench rustc-perf: writing {}", results_path.display());

    // The collector: given, or built from a copy of the tree.
    let collector = match &a.collector {
        Some(c) if c.is_file() => {
            file.rustc_perf.build = BuildInfo {
                status: "prebuilt".into(),
                detail: format!("--collector {}", c.display()),
                collector: Some(c.clone()),
                duration_s: None,
            };
            Ok(c.clone())
        }
        Some(c) => Err(anyhow::anyhow!("--collector {} is not a file", c.display())),
        None => build_collector(&repo, &source, &a).map(|(path, info)| {
            file.rustc_perf.build = info;
            path
        }),
    };
    let collector = match collector {
        Ok(c) => c,
        Err(e) => {
            let reason = format!("rustc-perf's collector could not be built: {e:#}");
            eprintln!("bench rustc-perf: {reason}");
            file.rustc_perf.build = BuildInfo {
                status: "failed".into(),
                detail: format!("{e:#}"),
                collector: None,
                duration_s: None,
            };
            for c in &mut file.results.cases {
                c.status = Status::Failed { reason: reason.clone() };
            }
            finish(&mut file, &out_dir, started)?;
            return Ok(1);
        }
    };
    file.save(&results_path)?;

    // A directory collector takes for its checkout: collector/compile-benchmarks/<benchmark>.
    let root = work.join("root");
    let bench_dir = root.join("collector/compile-benchmarks");
    let _ = std::fs::remove_dir_all(&bench_dir);
    for b in file.rustc_perf.benchmarks.iter_mut() {
        let copy = bench_dir.join(&b.name);
        source::copy_dir(&b.source, &copy, &[Path::new("target")])?;
        if b.origin == "rustc-perf" {
            b.note = source::sync_lockfile(&copy, &a.build_toolchain);
            if let Some(n) = &b.note {
                eprintln!("bench rustc-perf: {}: {n}", b.name);
                for c in file.results.cases.iter_mut().filter(|c| c.workload == b.name) {
                    c.notes.push(n.clone());
                }
            }
        }
    }
    let benchmarks = file.rustc_perf.benchmarks.clone();
    let notes_of = |name: &str| -> Vec<String> {
        benchmarks
            .iter()
            .find(|b| b.name == name)
            .and_then(|b| b.note.clone())
            .into_iter()
            .collect()
    };
    file.save(&results_path)?;

    let total = (resolved.usable.len() + deferred.len()) * benchmarks.len();
    let mut done = 0usize;
    let mut queue: Vec<Result<ToolchainInfo, ToolchainSpec>> = resolved.usable.iter().cloned().map(Ok).collect();
    queue.extend(deferred.iter().cloned().map(Err));
    'toolchains: for entry in queue {
        let mut attempts = 0u32;
        let mut tc = match entry {
            Ok(tc) => tc,
            Err(spec) => {
                wait_while(
                    a.wait_while.as_deref().unwrap_or(Path::new("")),
                    &spec.to_string(),
                    started,
                );
                if interrupted() {
                    break 'toolchains;
                }
                match spec.resolve() {
                    Ok(info) => {
                        file.results.envelope.toolchains.push(info.clone());
                        file.results.cases.extend(plan(&info.name).into_iter().map(|mut c| {
                            c.notes = notes_of(&c.workload);
                            c
                        }));
                        info
                    }
                    Err(e) => {
                        eprintln!("bench rustc-perf: skipping {e}");
                        file.results.envelope.unavailable_toolchains.push(e);
                        done += benchmarks.len();
                        continue;
                    }
                }
            }
        };
        loop {
            attempts += 1;
            if is_fork(&tc) && attempts > 1 || is_fork(&tc) && a.wait_while.as_ref().is_some_and(|m| m.exists()) {
                if let Some(marker) = &a.wait_while {
                    wait_while(marker, &tc.name, started);
                    if interrupted() {
                        break 'toolchains;
                    }
                }
                // The fork may have been rebuilt meanwhile: ask it about itself again.
                let spec = ToolchainSpec::plain(Toolchain::parse(&tc.name));
                if let Ok(info) = spec.resolve() {
                    if let Some(slot) = file
                        .results
                        .envelope
                        .toolchains
                        .iter_mut()
                        .find(|t| t.name == info.name)
                    {
                        *slot = info.clone();
                    }
                    tc = info;
                }
            }
            let before = fingerprint(&tc);
            let check = ToolchainCheck {
                toolchain: tc.name.clone(),
                cargo: tc.cargo(),
                before: before.clone(),
                after: None,
                attempts,
                changed: false,
            };
            file.rustc_perf.toolchain_checks.retain(|c| c.toolchain != tc.name);
            file.rustc_perf.toolchain_checks.push(check);
            // Cases of the earlier run of the same compiler, when resuming.
            let kept: Vec<Case> = previous
                .as_ref()
                .filter(|_| attempts == 1)
                .filter(|p| {
                    p.rustc_perf
                        .toolchain_checks
                        .iter()
                        .any(|c| c.toolchain == tc.name && c.before == before && c.after.as_ref() == Some(&before))
                })
                .map(|p| {
                    p.results
                        .cases
                        .iter()
                        .filter(|c| c.toolchain == tc.name && c.status == Status::Measured)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let kept_from = previous
                .as_ref()
                .map(|p| p.results.envelope.date.clone())
                .unwrap_or_default();
            let out = work.join("out").join(tc.dir_name());
            std::fs::create_dir_all(&out)?;
            let mut marker_seen = false;
            for (bi, b) in benchmarks.iter().enumerate() {
                if interrupted() {
                    break 'toolchains;
                }
                if is_fork(&tc) && a.wait_while.as_ref().is_some_and(|m| m.exists()) {
                    eprintln!(
                        "bench rustc-perf: {} appeared while {} was measured; its measurement starts again",
                        a.wait_while
                            .as_ref()
                            .map(|m| m.display().to_string())
                            .unwrap_or_default(),
                        tc.name
                    );
                    marker_seen = true;
                    break;
                }
                let n = done + bi + 1;
                let old: Vec<&Case> = kept.iter().filter(|c| c.workload == b.name).collect();
                let all_kept = profiles.iter().all(|&p| {
                    scenarios
                        .iter()
                        .all(|&s| old.iter().any(|c| c.profile == p && c.scenario == s))
                });
                if all_kept {
                    eprintln!(
                        "bench rustc-perf: [{n}/{total}] {} / {}: kept from the run of {kept_from} (--resume)",
                        tc.name, b.name
                    );
                    for c in old {
                        if let Ok(slot) = file.results.case_mut(&c.toolchain, &c.workload, c.profile, c.scenario) {
                            *slot = c.clone();
                            // One note, naming the run that measured the case, however often
                            // it was kept since.
                            let mut seen = false;
                            slot.notes
                                .retain(|n| !n.ends_with(KEPT) || !std::mem::replace(&mut seen, true));
                            if !seen {
                                slot.notes.push(format!("measured by the run of {kept_from}{KEPT}"));
                            }
                        }
                    }
                    continue;
                }
                eprintln!(
                    "bench rustc-perf: [{n}/{total}] {} / {} ({}; {}), {} elapsed, {} left after this{}",
                    tc.name,
                    b.name,
                    profiles.iter().map(|p| p.name()).collect::<Vec<_>>().join(","),
                    scenarios.iter().map(|s| s.name()).collect::<Vec<_>>().join(","),
                    elapsed(started),
                    total - n,
                    if attempts > 1 {
                        format!(", attempt {attempts}")
                    } else {
                        String::new()
                    }
                );
                let t0 = Instant::now();
                measure(
                    &mut file,
                    &collector,
                    &root,
                    &work,
                    &tc,
                    b,
                    &profiles,
                    &scenarios,
                    &out,
                    Duration::from_secs(a.timeout),
                );
                for &p in &profiles {
                    for &s in &scenarios {
                        if let Some(c) = file.results.case(&tc.name, &b.name, p, s) {
                            let what = match (&c.status, c.instructions.first()) {
                                (Status::Measured, Some(n)) => format!("{n} instructions"),
                                (st, _) => st.describe(),
                            };
                            eprintln!("bench rustc-perf:     {p} {s}: {what}");
                        }
                    }
                }
                eprintln!("bench rustc-perf:     ({:.0} s)", t0.elapsed().as_secs_f64());
                file.save(&results_path)?;
            }
            let after = fingerprint(&tc);
            let changed = after != before || marker_seen;
            if let Some(c) = file
                .rustc_perf
                .toolchain_checks
                .iter_mut()
                .find(|c| c.toolchain == tc.name)
            {
                c.after = Some(after);
                c.changed = changed;
            }
            file.save(&results_path)?;
            if !changed {
                break;
            }
            let cases = file.results.cases.iter_mut().filter(|c| c.toolchain == tc.name);
            if attempts >= MAX_ATTEMPTS {
                eprintln!(
                    "bench rustc-perf: {} changed during its measurement again; its cases are failed",
                    tc.name
                );
                for c in cases {
                    c.status = Status::Failed {
                        reason: format!("the toolchain changed during its measurement ({MAX_ATTEMPTS} attempts)"),
                    };
                    c.instructions.clear();
                }
                break;
            }
            eprintln!(
                "bench rustc-perf: {} changed during its measurement; measuring it again",
                tc.name
            );
            for c in cases {
                *c = Case::new(&c.toolchain.clone(), &c.workload.clone(), c.profile, c.scenario);
            }
        }
        done += benchmarks.len();
    }
    finish(&mut file, &out_dir, started)?;
    Ok(if interrupted() { 130 } else { 0 })
}

/// Run the collector for one toolchain and benchmark, and record its cases.
#[allow(clippy::too_many_arguments)]
fn measure(
    file: &mut RunFile,
    collector: &Path,
    root: &Path,
    work: &Path,
    tc: &ToolchainInfo,
    b: &BenchmarkInfo,
    profiles: &[Profile],
    scenarios: &[Scenario],
    out: &Path,
    timeout: Duration,
) {
    let id = tc.dir_name();
    // Scenarios rustc-perf runs on the way (incr-unchanged needs incr-full) are asked for too.
    let mut asked = scenarios.to_vec();
    if asked.contains(&Scenario::IncrUnchanged) && !asked.contains(&Scenario::IncrFull) {
        asked.push(Scenario::IncrFull);
    }
    for &p in profiles {
        for &s in &asked {
            let _ = std::fs::remove_file(outputs::clgout_path(out, &id, &b.name, p, s));
        }
    }
    let tmp = work.join("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::create_dir_all(&tmp);
    let mut cmd = collector_command(collector, root, tc, &b.name, profiles, scenarios, out);
    cmd.env = Some(collector_env(&tmp));
    let (run_cmd, _) = priority(&cmd);
    let logs = work.join("logs");
    let _ = std::fs::create_dir_all(&logs);
    let log = logs.join(format!("{id}-{}.log", b.name));
    let run = process::run(&run_cmd, timeout);
    let _ = std::fs::remove_dir_all(&tmp);
    let failure: Option<String> = match &run {
        Err(e) => Some(format!("cannot run the collector: {e}")),
        Ok(m) => {
            let _ = std::fs::write(
                &log,
                format!("$ {}\n--- stdout\n{}--- stderr\n{}", cmd.display(), m.stdout, m.stderr),
            );
            match m.outcome.is_success() {
                true => None,
                false => Some(format!(
                    "{} ({}; log {})",
                    outputs::failure_reason(&m.stderr, &m.stdout),
                    match &m.outcome {
                        Outcome::TimedOut { .. } | Outcome::Crashed { .. } => m.outcome.summary(),
                        _ => "the collector failed".into(),
                    },
                    log.display()
                )),
            }
        }
    };
    let display = cmd.display();
    for &p in profiles {
        for &s in scenarios {
            let Ok(c) = file.results.case_mut(&tc.name, &b.name, p, s) else {
                continue;
            };
            c.command = Some(display.clone());
            match outputs::read_count(out, &id, &b.name, p, s) {
                Ok(n) => {
                    c.instructions = vec![n];
                    c.status = Status::Measured;
                }
                Err(why) => {
                    c.instructions.clear();
                    c.status = Status::Failed {
                        reason: failure.clone().unwrap_or(why),
                    };
                }
            }
        }
    }
}

/// rustc-fake raises its own priority as far as it can (to nice -20, against wall-time jitter),
/// which as root succeeds: the measured builds would take the CPU from everything else on the
/// machine, whatever `nice` the run was started with. Instruction counts do not depend on
/// priority, so as root the collector runs without `CAP_SYS_NICE` (`setpriv`), and rustc-fake keeps
/// the caller's priority. Returns the command to run and what was done, for the record.
pub fn priority(cmd: &Cmd) -> (Cmd, Option<String>) {
    if !is_root() {
        return (cmd.clone(), None);
    }
    let have_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_setpriv {
        let why = "running as root without setpriv: rustc-fake raises its priority to nice -20";
        return (cmd.clone(), Some(why.into()));
    }
    let pre: Vec<String> = ["--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice", "--"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    (
        cmd.wrapped("setpriv", &pre),
        Some(
            "the collector ran under `setpriv --bounding-set -sys_nice --inh-caps -sys_nice` (as root, \
             rustc-fake would raise its priority to nice -20); instruction counts do not depend on it"
                .into(),
        ),
    )
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn build_collector(repo: &Path, source: &Path, a: &Args) -> anyhow::Result<(PathBuf, BuildInfo)> {
    let build_dir = a.build_dir.clone().unwrap_or_else(|| repo.join("target/rustc-perf"));
    let copy = build_dir.join("src");
    eprintln!(
        "bench rustc-perf: building rustc-perf's collector in {} with {} (about 15 minutes the first time on 2 cores)",
        copy.display(),
        a.build_toolchain
    );
    source::prepare_copy(source, &copy, a.rebuild)?;
    let built = source::build(
        &copy,
        &a.build_toolchain,
        &build_dir.join("build.log"),
        Duration::from_secs(a.build_timeout),
    )?;
    eprintln!(
        "bench rustc-perf: collector ready ({:.0} s)",
        built.duration.as_secs_f64()
    );
    Ok((
        built.collector.clone(),
        BuildInfo {
            status: "built".into(),
            detail: built.command,
            collector: Some(built.collector),
            duration_s: Some(built.duration.as_secs_f64()),
        },
    ))
}

fn collector_version(source: &Path) -> Option<String> {
    let text = std::fs::read_to_string(source.join("collector/Cargo.toml")).ok()?;
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("version")
            .map(|v| v.trim_start_matches([' ', '=']).trim_matches('"').to_string())
    })
}

fn wait_while(marker: &Path, toolchain: &str, started: Instant) {
    if !marker.exists() {
        return;
    }
    eprintln!(
        "bench rustc-perf: waiting while {} exists before measuring {toolchain}",
        marker.display()
    );
    let mut seconds = 0u64;
    while marker.exists() && !interrupted() {
        std::thread::sleep(Duration::from_secs(1));
        seconds += 1;
        if seconds % 300 == 0 {
            eprintln!(
                "bench rustc-perf: still waiting for {toolchain} ({} elapsed)",
                elapsed(started)
            );
        }
    }
}

fn finish(file: &mut RunFile, out_dir: &Path, started: Instant) -> anyhow::Result<()> {
    file.results.state = match interrupted() {
        true => RunState::Interrupted {
            reason: "interrupted by Ctrl-C (SIGINT); cases not reached are `pending`".into(),
        },
        false => RunState::Complete,
    };
    file.results.run.finished = Some(harness::envelope::utc_now());
    file.results.run.duration_s = Some(started.elapsed().as_secs_f64());
    file.save(&out_dir.join("results.json"))?;
    harness::report::write_text(&out_dir.join("summary.md"), &report::render(file))?;
    eprintln!("bench rustc-perf: results {}", out_dir.join("results.json").display());
    eprintln!("bench rustc-perf: summary {}", out_dir.join("summary.md").display());
    let count = |f: fn(&Status) -> bool| file.results.cases.iter().filter(|c| f(&c.status)).count();
    println!(
        "{} cases: {} measured, {} failed, {} not reached; duration {}",
        file.results.cases.len(),
        count(|s| matches!(s, Status::Measured)),
        count(|s| matches!(
            s,
            Status::Failed { .. } | Status::Unsupported { .. } | Status::Skipped { .. }
        )),
        count(|s| matches!(s, Status::Pending)),
        elapsed(started)
    );
    Ok(())
}

fn elapsed(started: Instant) -> String {
    let s = started.elapsed().as_secs();
    format!("{}m{:02}s", s / 60, s % 60)
}

fn dedup<T: PartialEq + Copy>(v: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    for &x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// Install the Ctrl-C handler of `bench run` (one Ctrl-C stops after the running process).
pub fn install_ctrlc() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nbench rustc-perf: interrupted; saving what was measured (Ctrl-C again to quit at once)");
    })
    .context("installing the Ctrl-C handler")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(dir: &Path, category: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("perf-config.json"),
            format!("{{\"category\": \"{category}\", \"artifact\": \"library\"}}"),
        )
        .unwrap();
    }

    #[test]
    fn benchmark_names() {
        let d = tempfile::tempdir().unwrap();
        let perf = d.path().join("perf");
        let ours = d.path().join("ours");
        for b in ASYNC_BENCHMARKS {
            folder(&perf.join(b), "primary");
        }
        folder(&perf.join("helloworld"), "primary");
        folder(&ours.join("await-call-tree"), "primary");
        folder(&ours.join("no-std-async"), "primary");
        let names = |v: &[&str]| -> Vec<String> {
            let args: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            resolve_benchmarks(&args, &perf, &ours)
                .unwrap()
                .into_iter()
                .map(|b| b.name)
                .collect()
        };
        let all = names(&[]);
        assert_eq!(all.len(), 7);
        assert_eq!(&all[..2], ["await-call-tree", "deeply-nested-multi"]);
        assert_eq!(&all[5..], ["our-await-call-tree", "our-no-std-async"]);
        assert_eq!(
            names(&["helloworld", "our-no-std-async", "helloworld"]),
            ["helloworld", "our-no-std-async"]
        );
        let err = resolve_benchmarks(&["nope".into()], &perf, &ours)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown benchmark `nope`"), "{err}");
        let b = resolve_benchmarks(&["our-await-call-tree".into()], &perf, &ours).unwrap();
        assert_eq!((b[0].origin.as_str(), b[0].category.as_str()), ("ours", "primary"));
    }

    #[test]
    fn the_collector_command() {
        let tc = crate::results::tests::toolchain("1.95.0", "1.95.0");
        let cmd = collector_command(
            Path::new("/c/collector"),
            Path::new("/root"),
            &tc,
            "futures",
            &[Profile::Check, Profile::Opt],
            &[Scenario::Full, Scenario::IncrUnchanged],
            Path::new("/out"),
        );
        let line = cmd.display();
        assert!(
            line.starts_with("/c/collector profile_local callgrind /fake/1.95.0/rustc --id 1.95.0 --cargo "),
            "{line}"
        );
        assert!(
            line.ends_with("--exact-match futures --category Primary,Secondary,Stable --profiles Check,Opt --scenarios Full,IncrUnchanged --out-dir /out"),
            "{line}"
        );
        assert_eq!(cmd.cwd, PathBuf::from("/root"));
    }

    #[test]
    fn the_collector_cannot_raise_its_priority() {
        let cmd = Cmd {
            program: "/bin/sh".into(),
            args: vec![
                "-c".into(),
                "renice -n -5 -p $$ >/dev/null 2>&1; cut -d' ' -f19 /proc/$$/stat".into(),
            ],
            cwd: std::env::temp_dir(),
            env: None,
        };
        let (wrapped, note) = priority(&cmd);
        let m = process::run(&wrapped, Duration::from_secs(30)).unwrap();
        let nice: i32 = m.stdout.trim().parse().unwrap();
        // Our own priority or lower, never raised (as root, only setpriv prevents it).
        let ours: i32 = std::fs::read_to_string("/proc/self/stat")
            .unwrap()
            .split(' ')
            .nth(18)
            .unwrap()
            .parse()
            .unwrap();
        assert!(nice >= ours, "{nice} < {ours} ({note:?})");
        assert_eq!(note.is_some(), is_root());
    }

    #[test]
    fn the_environment_leaves_cargos_own_variables_out() {
        let env = collector_env(Path::new("/t"));
        assert!(env.contains(&("TMPDIR".into(), "/t".into())));
        assert!(!env
            .iter()
            .any(|(k, _)| k == "CARGO_MANIFEST_DIR" || k == "RUSTC" || k == "CARGO_PKG_NAME"));
    }

    #[test]
    fn fingerprints_see_the_version() {
        let tc = harness::toolchain::ToolchainSpec::plain(Toolchain::Rustup("stable".into()))
            .resolve()
            .unwrap();
        let f = fingerprint(&tc);
        assert!(f.contains(&tc.version.version_line), "{f}");
        assert!(f.contains("librustc_driver"), "{f}");
        assert_eq!(f, fingerprint(&tc));
    }
}
