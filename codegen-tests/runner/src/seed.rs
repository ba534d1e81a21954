//! The seed's claims, reproduced on released compilers.
//!
//! The 2020 work this project continues claimed three things; for each toolchain we measure them:
//! 1. async fn compiles in a `#![no_std]` crate (for the host, and for Cortex-M4F where the
//!    toolchain has its `core`);
//! 2. `xx` (polls `square(3)` with the caller's Context) folds at `-O`: its instruction count on
//!    x86_64 and thumbv7em;
//! 3. the size of the seed's future, `size_of_val(&square(3))`.
//!
//! The results go to `<out>.json` and `<out>.md`; `--check` re-measures the toolchains recorded in a
//! previous file (those installed here, unchanged since) and fails on any difference.

use harness::asm;
use harness::cores::BuiltCores;
use harness::envelope::{command_line, Envelope};
use harness::report::Table;
use harness::rustc::Invocation;
use harness::target::{CORTEX_M4F, HOST};
use harness::toolchain::{ToolchainArgs, ToolchainInfo, ToolchainSpec};
use harness::Target;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

pub const SCHEMA: &str = "seed-claims/1";
/// The flags of the claim: rustc's `-O`. Panics keep the target's default strategy.
const FLAGS: [&str; 2] = ["-O", "--edition=2018"];

/// One build of the seed: did it compile, and what did `xx` and the size probe become.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SeedBuild {
    pub target: Target,
    pub no_std: bool,
    /// `ok`, the compiler's first error, or why it was not attempted.
    pub outcome: String,
    pub compiled: bool,
    pub xx_instructions: Option<usize>,
    pub xx_body: Vec<String>,
    pub future_size: Option<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SeedClaims {
    pub toolchain: String,
    pub version_line: String,
    pub builds: Vec<SeedBuild>,
}

#[derive(Serialize, Deserialize)]
pub struct SeedReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub flags: Vec<String>,
    pub claims: Vec<SeedClaims>,
}

fn build(tc: &ToolchainInfo, cores: &BuiltCores, seed: &Path, target: &str, no_std: bool, out: &Path) -> SeedBuild {
    let target = Target::new(target);
    let mut b = SeedBuild {
        target: target.clone(),
        no_std,
        outcome: String::new(),
        compiled: false,
        xx_instructions: None,
        xx_body: Vec::new(),
        future_size: None,
    };
    let core_args = match cores.rustc_args(tc, &target) {
        Ok(args) => args,
        Err(why) => {
            b.outcome = format!("not measured: {why}");
            return b;
        }
    };
    let asm_path = out.join(format!(
        "seed.{}.{}.{}.s",
        tc.dir_name(),
        target,
        if no_std { "no_std" } else { "std" }
    ));
    let mut inv = Invocation::new(&tc.rustc)
        .arg(seed)
        .args(FLAGS)
        .args(["--target", target.triple(), "--emit", "asm", "-o"])
        .arg(&asm_path)
        .timeout(Duration::from_secs(120));
    if no_std {
        inv = inv.args(["--cfg", "seed_no_std"]);
    }
    if target.llvm_component() == "x86" {
        inv = inv.arg("-Cllvm-args=-x86-asm-syntax=intel");
    }
    inv = inv.args(core_args).args(&tc.flags);
    match inv.run() {
        Err(e) => b.outcome = format!("could not run rustc: {e}"),
        Ok(done) => {
            b.outcome = done.outcome.summary();
            b.compiled = done.outcome.is_success();
        }
    }
    if b.compiled {
        let text = std::fs::read_to_string(&asm_path).unwrap_or_default();
        if let Some(body) = asm::instructions(&text, "xx") {
            b.xx_instructions = Some(body.len());
            b.xx_body = body;
        }
        b.future_size = asm::returned_constant(&text, "seed_future_size");
    }
    b
}

/// Measure every toolchain: std and no_std for the host, no_std for Cortex-M4F (with a core built
/// from rust-src under `out` where the toolchain has none and `--build-std` allowed it).
pub fn measure(tcs: &[ToolchainInfo], seed_dir: &Path, out: &Path) -> Vec<SeedClaims> {
    let seed = seed_dir.join("seed.rs");
    let cores = BuiltCores::new(out.join("cores"));
    tcs.iter()
        .map(|tc| {
            eprintln!("seed-claims: measuring {}", tc.name);
            SeedClaims {
                toolchain: tc.name.clone(),
                version_line: tc.version.version_line.clone(),
                builds: vec![
                    build(tc, &cores, &seed, HOST, false, out),
                    build(tc, &cores, &seed, HOST, true, out),
                    build(tc, &cores, &seed, CORTEX_M4F, true, out),
                ],
            }
        })
        .collect()
}

fn find<'a>(c: &'a SeedClaims, target: &str, no_std: bool) -> Option<&'a SeedBuild> {
    c.builds
        .iter()
        .find(|b| b.target.triple() == target && b.no_std == no_std)
}

fn compiles_cell(b: Option<&SeedBuild>) -> String {
    match b {
        Some(b) if b.compiled => "yes".into(),
        Some(b) if b.outcome.starts_with("not measured") => "n/a (no core)".into(),
        Some(b) => format!("no: `{}`", b.outcome.replace('`', "'")),
        None => String::new(),
    }
}

fn count_cell(b: Option<&SeedBuild>) -> String {
    b.and_then(|b| b.xx_instructions)
        .map(|n| n.to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn markdown(r: &SeedReport) -> String {
    let mut s = String::from("# The seed's claims, on released compilers\n\n");
    let _ = writeln!(
        s,
        "Generated by `{}` on {} ({}, {} cores). Flags: `{}`.\n",
        r.envelope.command,
        r.envelope.date,
        r.envelope.machine.cpu_model,
        r.envelope.machine.cores,
        r.flags.join(" ")
    );
    let mut t = Table::new([
        "toolchain",
        "async fn in no_std, x86_64",
        "async fn in no_std, thumbv7em",
        "`xx` instructions, x86_64 (std)",
        "`xx` instructions, thumbv7em (no_std)",
        "seed future size, x86_64",
    ])
    .numeric_from(3);
    for c in &r.claims {
        let size = find(c, HOST, false)
            .and_then(|b| b.future_size)
            .map(|n| format!("{n} bytes"))
            .unwrap_or_else(|| "-".into());
        t.row([
            format!("{} (`{}`)", c.toolchain, c.version_line),
            compiles_cell(find(c, HOST, true)).to_string(),
            compiles_cell(find(c, CORTEX_M4F, true)).to_string(),
            count_cell(find(c, HOST, false)),
            count_cell(find(c, CORTEX_M4F, true)),
            size,
        ]);
    }
    s.push_str(&t.render());
    s.push_str(
        "\nInstructions are the lines of `xx`'s body between its label and `.Lfunc_end` that are neither \
         labels nor directives, landing pads included (x86_64 unwinds by default at `-O`). \
         \"n/a (no core)\": rustup offers no thumbv7em `core` for that toolchain here",
    );
    let built: Vec<&str> = r
        .envelope
        .toolchains
        .iter()
        .filter(|t| t.build_std && t.rust_src && !t.targets_with_core.iter().any(|x| x.triple() == CORTEX_M4F))
        .map(|t| t.name.as_str())
        .collect();
    if built.is_empty() {
        s.push_str(".\n");
    } else {
        let _ = writeln!(
            s,
            " (and no rust-src to build one from). With `--build-std`, a toolchain without a prebuilt \
             thumbv7em `core` is measured against one built from its rust-src (`-Zbuild-std`, release \
             profile): here {}.",
            built.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        );
    }
    s.push_str("\n`xx` on x86_64, per toolchain:\n\n");
    for c in &r.claims {
        if let Some(b) = find(c, HOST, false).filter(|b| b.compiled) {
            let _ = writeln!(s, "- {}: `{}`", c.toolchain, b.xx_body.join("; "));
        }
    }
    if !r.envelope.unavailable_toolchains.is_empty() {
        s.push_str("\nNot measured:\n\n");
        for e in &r.envelope.unavailable_toolchains {
            let _ = writeln!(s, "- {e}");
        }
    }
    s
}

/// `codegen seed-claims`: measure and write `<out>.json` and `<out>.md`.
pub fn run(toolchains: &ToolchainArgs, out: &Path, seed_dir: &Path) -> anyhow::Result<()> {
    let resolved = toolchains.resolve("seed-claims");
    let (tcs, unavailable) = (resolved.usable, resolved.unavailable);
    let scratch = tempfile::tempdir()?;
    let claims = measure(&tcs, seed_dir, scratch.path());
    let report = SeedReport {
        envelope: Envelope::new(SCHEMA, command_line(), tcs, unavailable),
        flags: FLAGS.iter().map(|f| f.to_string()).collect(),
        claims,
    };
    let md = markdown(&report);
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let written = harness::report::write_pair(dir, &stem, &report, &md)?;
    println!("{md}");
    eprintln!("wrote {} and {}", written.json.display(), written.markdown.display());
    Ok(())
}

/// `codegen seed-claims --check FILE`: re-measure what FILE recorded and compare. Toolchains not
/// installed here, or whose `rustc -V` changed since (a moved `stable`), are reported, not compared;
/// except the fork: its version line changes with every patch series, and its claims (the seed
/// folds, its future is no larger than recorded) must hold for every series, so a fork of another
/// series is compared all the same. A series that changes a claim on purpose regenerates FILE.
pub fn check(recorded: &Path, seed_dir: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(recorded).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", recorded.display()))?;
    let old: SeedReport = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a seed-claims file: {e}", recorded.display()))?;
    let scratch = tempfile::tempdir()?;
    let (mut compared, mut differ) = (0, 0);
    for c in &old.claims {
        let spec: ToolchainSpec = match c.toolchain.parse() {
            Ok(s) => s,
            Err(e) => {
                println!("not compared: {e}");
                continue;
            }
        };
        // Measured the way it was recorded: with a core from rust-src where it was allowed then.
        let build_std = old
            .envelope
            .toolchains
            .iter()
            .any(|t| t.name == c.toolchain && t.build_std);
        let tc = match spec.resolve().map(|tc| ToolchainInfo { build_std, ..tc }) {
            Ok(tc) if tc.version.version_line == c.version_line => tc,
            Ok(tc) if tc.fork.is_some() => {
                println!(
                    "{}: series changed since recorded (now `{}`, recorded `{}`); comparing anyway",
                    c.toolchain, tc.version.version_line, c.version_line
                );
                tc
            }
            Ok(tc) => {
                println!(
                    "not compared: {} is now `{}`, recorded `{}`",
                    c.toolchain, tc.version.version_line, c.version_line
                );
                continue;
            }
            Err(e) => {
                println!("not compared: {e}");
                continue;
            }
        };
        let now = measure(std::slice::from_ref(&tc), seed_dir, scratch.path()).remove(0);
        compared += 1;
        if now.builds == c.builds {
            println!("same: {}", c.toolchain);
        } else {
            differ += 1;
            println!(
                "DIFFERENT: {}\n  recorded: {:?}\n  now:      {:?}",
                c.toolchain, c.builds, now.builds
            );
        }
    }
    println!("seed-claims check: {} passed, {differ} failed", compared - differ);
    anyhow::ensure!(
        differ == 0,
        "{differ} toolchain(s) no longer reproduce {}",
        recorded.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The committed seed claims are rendered from their JSON byte for byte (the table writer did
    /// not change the report).
    #[test]
    fn committed_seed_claims_render_unchanged() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results");
        let (report, md) = harness::report::read_pair(&dir, "seed-claims").unwrap();
        assert_eq!(super::markdown(&report), md);
    }
}
