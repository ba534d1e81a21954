//! Instruction counts: from hardware counters (`perf stat -e instructions:u`) where the kernel
//! exposes them, else from callgrind's simulated CPU (`valgrind --tool=callgrind`) on the real
//! rustc binary. Both count the instructions of exactly the measured process (not its children:
//! valgrind does not follow them, perf is told `-e instructions:u` of the command it starts, which
//! includes children, but a library crate's rustc starts none).
//!
//! Callgrind counts are deterministic up to environment noise (argument and path lengths, ASLR of
//! the heap), well below 0.5%, and do not depend on the machine's load; they run ~50-100x slower
//! than native, which is why the time metrics come from separate native runs.

use harness::process::{self, Cmd, Measured};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

/// What was asked for on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricChoice {
    /// perf if `perf stat -e instructions:u true` works, else callgrind, else time only.
    Auto,
    Perf,
    Callgrind,
    /// Time and memory only.
    None,
}

/// Where the instruction counts of a run came from (recorded in results.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricSource {
    /// `perf stat -x, -e instructions:u`.
    Perf,
    /// `valgrind --tool=callgrind`, total `Ir`.
    Callgrind,
    /// No instruction counts.
    None,
}

impl MetricSource {
    pub fn name(self) -> &'static str {
        match self {
            MetricSource::Perf => "perf instructions:u",
            MetricSource::Callgrind => "callgrind Ir",
            MetricSource::None => "none",
        }
    }
}

/// Decide the source, or explain why the requested one is unavailable.
pub fn detect(choice: MetricChoice) -> Result<MetricSource, String> {
    match choice {
        MetricChoice::None => Ok(MetricSource::None),
        MetricChoice::Perf => perf_works().map(|_| MetricSource::Perf),
        MetricChoice::Callgrind => valgrind_works().map(|_| MetricSource::Callgrind),
        MetricChoice::Auto => {
            if perf_works().is_ok() {
                Ok(MetricSource::Perf)
            } else if valgrind_works().is_ok() {
                Ok(MetricSource::Callgrind)
            } else {
                Ok(MetricSource::None)
            }
        }
    }
}

fn perf_works() -> Result<(), String> {
    let out = std::process::Command::new("perf")
        .args(["stat", "-x,", "-e", "instructions:u", "true"])
        .output()
        .map_err(|e| format!("perf is not installed: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    match parse_perf(&err) {
        Some(n) if out.status.success() && n > 0 => Ok(()),
        _ => Err(format!(
            "perf cannot count instructions:u here: {}",
            err.lines().next().unwrap_or("no output").trim()
        )),
    }
}

fn valgrind_works() -> Result<(), String> {
    let out = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .map_err(|e| format!("valgrind is not installed (scripts/setup.sh installs it): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err("valgrind --version failed".into())
    }
}

/// `perf stat -x,` prints `12345,,instructions:u,...` on stderr.
pub fn parse_perf(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|l| {
        let mut f = l.split(',');
        let value = f.next()?.trim();
        let event = f.nth(1)?;
        event.starts_with("instructions").then(|| value.parse().ok()).flatten()
    })
}

/// Callgrind's output file has `summary: N` (and `totals: N`) for the `Ir` event.
pub fn parse_callgrind(text: &str) -> Option<u64> {
    let line = text
        .lines()
        .find(|l| l.starts_with("summary:"))
        .or_else(|| text.lines().find(|l| l.starts_with("totals:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A counted run: how it went, the count, and a note when the measurement needed a workaround.
pub type Counted = (Measured, Option<u64>, Option<String>);

/// Run `cmd` under the instruction counter. The count is `None` when the run failed. `scratch` is a
/// directory private to this build (callgrind writes its profile there).
pub fn count(source: MetricSource, cmd: &Cmd, scratch: &Path, timeout: Duration) -> std::io::Result<Counted> {
    match source {
        MetricSource::None => Ok((process::run(cmd, timeout)?, None, None)),
        MetricSource::Perf => {
            let pre: Vec<String> = ["stat", "-x,", "-e", "instructions:u", "--"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let m = process::run(&cmd.wrapped("perf", &pre), timeout)?;
            let n = m.outcome.is_success().then(|| parse_perf(&m.stderr)).flatten();
            Ok((m, n, None))
        }
        MetricSource::Callgrind => {
            let (m, n) = callgrind(cmd, scratch, timeout)?;
            if m.outcome.is_success() || !m.stderr.contains("debuginfo reader") {
                return Ok((m, n, None));
            }
            // valgrind 3.19 gives up on the DWARF of some rustc executables (1.70, 1.80). The
            // executable is a small launcher of librustc_driver; a copy without debug info runs
            // the same code, so count that one.
            let Ok(stripped) = stripped_copy(&cmd.program, &scratch.join("stripped")) else {
                return Ok((m, n, None));
            };
            let mut c = cmd.clone();
            c.program = stripped;
            let (m, n) = callgrind(&c, scratch, timeout)?;
            let note =
                "callgrind ran a copy of the rustc executable without debug info (valgrind cannot read its DWARF)";
            Ok((m, n, Some(note.to_string())))
        }
    }
}

/// `dir/bin/rustc` = `program` without debug info, and `dir/lib` -> the toolchain's `lib`, so the
/// copy finds librustc_driver (rpath `$ORIGIN/../lib`) and the same sysroot.
fn stripped_copy(program: &Path, dir: &Path) -> std::io::Result<std::path::PathBuf> {
    let real = program.canonicalize()?;
    let lib = real
        .parent()
        .and_then(|b| b.parent())
        .map(|t| t.join("lib"))
        .ok_or(std::io::ErrorKind::NotFound)?;
    let exe = dir.join("bin/rustc");
    if exe.is_file() {
        return Ok(exe);
    }
    std::fs::create_dir_all(dir.join("bin"))?;
    let _ = std::fs::remove_file(dir.join("lib"));
    std::os::unix::fs::symlink(&lib, dir.join("lib"))?;
    let status = std::process::Command::new("strip")
        .arg("--strip-debug")
        .arg("-o")
        .arg(&exe)
        .arg(&real)
        .status()?;
    match status.success() {
        true => Ok(exe),
        false => Err(std::io::Error::other("strip failed")),
    }
}

fn callgrind(cmd: &Cmd, scratch: &Path, timeout: Duration) -> std::io::Result<(Measured, Option<u64>)> {
    let out = scratch.join("callgrind.out");
    let _ = std::fs::remove_file(&out);
    let pre = vec![
        "--tool=callgrind".to_string(),
        format!("--callgrind-out-file={}", out.display()),
        "--dump-line=no".to_string(),
        "--quiet".to_string(),
    ];
    let m = process::run(&cmd.wrapped("valgrind", &pre), timeout)?;
    let n = match m.outcome.is_success() {
        true => std::fs::read_to_string(&out).ok().and_then(|t| parse_callgrind(&t)),
        false => None,
    };
    let _ = std::fs::remove_file(&out);
    Ok((m, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counters() {
        assert_eq!(parse_perf("123456,,instructions:u,1000,100.00,,\n"), Some(123456));
        assert_eq!(parse_perf("<not supported>,,instructions:u,0,100.00,,\n"), None);
        assert_eq!(
            parse_callgrind("events: Ir\nsummary: 156496003\ntotals: 156496004\n"),
            Some(156496003)
        );
        assert_eq!(parse_callgrind("events: Ir\ntotals: 42\n"), Some(42));
        assert_eq!(parse_callgrind("garbage"), None);
    }
}
