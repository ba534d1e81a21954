//! One case: a test revision compiled by one toolchain, checked by FileCheck, judged against the
//! test's expectation for that toolchain.

use crate::directives::{Revision, TestFile};
use crate::filecheck::{FileCheck, Verdict};
use harness::cores::BuiltCores;
use harness::rustc::Invocation;
use harness::{Target, ToolchainInfo};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

/// Per-compilation time limit: the tests are tiny, so anything this slow is a hang.
pub const COMPILE_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Failed on a toolchain older than the test's `harness-min-toolchain`, as stated.
    ExpectedFailure,
    /// Passed although the test says this toolchain is too old: the claim needs a look.
    UnexpectedPass,
    Skip,
}

impl Status {
    /// Does this status make the run fail?
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Fail | Status::UnexpectedPass)
    }
    pub fn cell(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "**FAIL**",
            Status::ExpectedFailure => "xfail",
            Status::UnexpectedPass => "**XPASS**",
            Status::Skip => "skip",
        }
    }
}

/// A future size read from the assembly of a `harness-size` function.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SizeMeasurement {
    pub symbol: String,
    /// `None` when the function did not fold to a constant.
    pub bytes: Option<u64>,
    pub ideal: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CaseResult {
    pub test: String,
    pub revision: Option<String>,
    pub target: Target,
    pub toolchain: String,
    pub status: Status,
    /// Why it was skipped or failed: the compiler's first error, FileCheck's diagnostic, ...
    pub detail: String,
    pub sizes: Vec<SizeMeasurement>,
    /// The rustc command line, so a failure can be reproduced by hand.
    pub command: String,
}

impl CaseResult {
    pub fn label(&self) -> String {
        match &self.revision {
            Some(r) => format!("{}[{}]", self.test, r),
            None => self.test.clone(),
        }
    }
}

/// The target a revision compiles for: its `--target`, or the host.
pub fn revision_target(rev: &Revision) -> Target {
    rev.settings.target().map(Target::new).unwrap_or_else(Target::host)
}

/// Why this case does not run on this toolchain, if it does not (before asking for its core:
/// [`BuiltCores::rustc_args`]).
fn skip_reason(rev: &Revision, target: &Target, tc: &ToolchainInfo, known_targets: &[String]) -> Option<String> {
    let s = &rev.settings;
    // As in compiletest, every `only-` line must match on its own.
    if let Some(c) = s.only.iter().find(|c| !target.matches_condition(c)) {
        return Some(format!("only-{c} does not match {target}"));
    }
    if let Some(c) = s.ignore.iter().find(|c| target.matches_condition(c)) {
        return Some(format!("ignore-{c}"));
    }
    if let (Some(min), Some(have)) = (s.min_llvm_version, tc.version.llvm_major()) {
        if have < min {
            return Some(format!("needs LLVM {min}, toolchain has {have}"));
        }
    }
    if !s.llvm_components.is_empty() && !known_targets.iter().any(|t| t == target.triple()) {
        return Some(format!("toolchain does not know target {target}"));
    }
    tc.target_unavailable(target)
}

/// The rustc command that writes `asm` for one revision: the file, `--emit asm -o`, `--edition`,
/// the revision's `compile-flags`, where `core` is when it was built from rust-src (`core_args`,
/// from [`BuiltCores::rustc_args`]), then the toolchain's own flags (`-t 'async-fork -Zswitch=no'`,
/// last so they win). Nothing else: a file that wants Intel syntax says
/// `-Cllvm-args=-x86-asm-syntax=intel`, so compiletest compiles it the same way.
pub fn emit_asm(test: &TestFile, rev: &Revision, tc: &ToolchainInfo, core_args: &[String], asm: &Path) -> Invocation {
    let mut inv = Invocation::new(&tc.rustc)
        .arg(&test.path)
        .args(["--emit", "asm", "-o"])
        .arg(asm)
        .timeout(COMPILE_TIMEOUT);
    if let Some(ed) = &rev.settings.edition {
        inv = inv.arg(format!("--edition={ed}"));
    }
    inv.args(rev.settings.compile_flags.iter())
        .args(core_args)
        .args(&tc.flags)
}

pub struct CaseRunner<'a> {
    pub filecheck: &'a FileCheck,
    /// Cores built from rust-src for toolchains without a prebuilt one (`--build-std`).
    pub cores: &'a BuiltCores,
    pub out_dir: &'a Path,
}

impl CaseRunner<'_> {
    pub fn run(&self, test: &TestFile, rev: &Revision, tc: &ToolchainInfo, known_targets: &[String]) -> CaseResult {
        let target = revision_target(rev);
        let mut result = CaseResult {
            test: test.name.clone(),
            revision: rev.name.clone(),
            target: target.clone(),
            toolchain: tc.name.clone(),
            status: Status::Skip,
            detail: String::new(),
            sizes: Vec::new(),
            command: String::new(),
        };
        let missing_z = test
            .needs_z
            .iter()
            .find(|(option, _)| !tc.knows_z_option(option))
            .map(|(option, reason)| format!("toolchain has no -Z{option} ({reason})"));
        if let Some(why) = missing_z.or_else(|| skip_reason(rev, &target, tc, known_targets)) {
            result.detail = why;
            return result;
        }
        let core_args = match self.cores.rustc_args(tc, &target) {
            Ok(args) => args,
            Err(why) => {
                result.detail = why;
                return result;
            }
        };
        let asm = self.out_dir.join(format!(
            "{}.{}.{}.s",
            test.name,
            rev.name.as_deref().unwrap_or("base"),
            tc.dir_name()
        ));
        let inv = emit_asm(test, rev, tc, &core_args, &asm);
        result.command = inv.display();

        let (passed, detail) = match inv.run() {
            Err(e) => (false, format!("could not run rustc: {e}")),
            Ok(done) if !done.outcome.is_success() => (false, done.outcome.summary()),
            Ok(_) => {
                let text = std::fs::read_to_string(&asm).unwrap_or_default();
                result.sizes = test
                    .sizes
                    .iter()
                    .map(|p| SizeMeasurement {
                        symbol: p.symbol.clone(),
                        bytes: harness::asm::returned_constant(&text, &p.symbol),
                        ideal: p.ideal,
                        reason: p.reason.clone(),
                    })
                    .collect();
                match self
                    .filecheck
                    .check(&test.path, &asm, &rev.check_prefixes(), &rev.settings.filecheck_flags)
                {
                    Ok(Verdict::Pass) => (true, String::new()),
                    Ok(Verdict::Fail(diag)) => {
                        let hint = crate::show::suggestion(test, rev, &diag, &tc.name);
                        (false, format!("{diag}\n{hint}"))
                    }
                    Err(e) => (false, e.to_string()),
                }
            }
        };
        let too_old = test.min_toolchain.as_ref().filter(|m| !tc.at_least(&m.release));
        (result.status, result.detail) = match (passed, too_old) {
            (true, None) => (Status::Pass, detail),
            (false, None) => (Status::Fail, detail),
            (false, Some(m)) => (
                Status::ExpectedFailure,
                format!("needs {} ({}); got: {}", m.release, m.reason, first_line(&detail)),
            ),
            (true, Some(m)) => (
                Status::UnexpectedPass,
                format!("passed although the test says it needs {} ({})", m.release, m.reason),
            ),
        };
        result
    }
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}
