//! What `collector profile_local callgrind` leaves behind, read with code: for every benchmark,
//! profile and scenario it measured, a callgrind output file
//! `<out-dir>/clgout-<id>-<benchmark>-<Profile>-<Scenario>` (profile and scenario in rustc-perf's
//! spelling, `Check`, `IncrUnchanged`), whose `summary:` line (else `totals:`) is the total `Ir`
//! of the leaf crate's rustc run under `valgrind --tool=callgrind`. A (benchmark, profile,
//! scenario) without its file was not measured; the collector's own error says why.

use crate::benchmark::{Profile, Scenario};
use crate::execute::metric::parse_callgrind;
use std::path::{Path, PathBuf};

/// rustc-perf's name of a profile (`--profiles` and output files).
pub fn profile_name(p: Profile) -> &'static str {
    match p {
        Profile::Check => "Check",
        Profile::Debug => "Debug",
        Profile::Opt => "Opt",
    }
}

/// rustc-perf's name of a scenario (`--scenarios` and output files).
pub fn scenario_name(s: Scenario) -> &'static str {
    match s {
        Scenario::Full => "Full",
        Scenario::IncrFull => "IncrFull",
        Scenario::IncrUnchanged => "IncrUnchanged",
    }
}

/// The callgrind output file of one case.
pub fn clgout_path(out_dir: &Path, id: &str, benchmark: &str, p: Profile, s: Scenario) -> PathBuf {
    out_dir.join(format!(
        "clgout-{id}-{benchmark}-{}-{}",
        profile_name(p),
        scenario_name(s)
    ))
}

/// The instruction count of one case, or why there is none.
pub fn read_count(out_dir: &Path, id: &str, benchmark: &str, p: Profile, s: Scenario) -> Result<u64, String> {
    let path = clgout_path(out_dir, id, benchmark, p, s);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("no callgrind output {}: {e}", path.display()))?;
    parse_callgrind(&text).ok_or_else(|| format!("{} has no `summary:` or `totals:` line", path.display()))
}

/// The reason a collector run failed, from its output: the `collector error:` line; else a panic
/// with its message (the line after `panicked at`); else the first line with `error`; else the
/// last line.
pub fn failure_reason(stderr: &str, stdout: &str) -> String {
    let all: Vec<&str> = stderr.lines().chain(stdout.lines()).collect();
    let text = if let Some(l) = all.iter().find(|l| l.contains("collector error")) {
        l.trim().to_string()
    } else if let Some(i) = all.iter().position(|l| l.contains("panicked at")) {
        let message: Vec<&str> = all[i + 1..]
            .iter()
            .map(|l| l.trim())
            .take_while(|l| !l.starts_with("stack backtrace") && !l.starts_with("note:"))
            .filter(|l| !l.is_empty())
            .take(3)
            .collect();
        format!("collector panicked: {}", message.join(" "))
    } else if let Some(l) = all.iter().find(|l| l.trim_start().starts_with("error")) {
        l.trim().to_string()
    } else {
        all.iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .unwrap_or("no output")
            .to_string()
    };
    // Keep tables readable: rustc-perf's errors can carry a whole cargo log on one line.
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_rustc_perf() {
        let p = clgout_path(
            Path::new("/o"),
            "1.95.0",
            "await-call-tree",
            Profile::Check,
            Scenario::Full,
        );
        assert_eq!(p, PathBuf::from("/o/clgout-1.95.0-await-call-tree-Check-Full"));
        let p = clgout_path(
            Path::new("o"),
            "async-fork",
            "hyper-1.6.0",
            Profile::Opt,
            Scenario::IncrUnchanged,
        );
        assert_eq!(p, PathBuf::from("o/clgout-async-fork-hyper-1.6.0-Opt-IncrUnchanged"));
    }

    #[test]
    fn reads_counts_from_callgrind_files() {
        let dir = tempfile::tempdir().unwrap();
        // The head of a real callgrind output file (valgrind 3.19, --dump-line default).
        let real = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 4242\ncmd:  /x/rustc --crate-name await_call_tree\npart: 1\n\n\ndesc: I1 cache: \ndesc: D1 cache: \ndesc: LL cache: \n\ndesc: Timerange: Basic block 0 - 17442711\ndesc: Trigger: Program termination\n\npositions: line\nevents: Ir\nsummary: 79385422\n\n\nob=(1) /x/librustc_driver.so\nfl=(1) ???\nfn=(1) 0x0000000000001100\n0 3\n\ntotals: 79385422\n";
        std::fs::write(dir.path().join("clgout-1.95.0-await-call-tree-Check-Full"), real).unwrap();
        assert_eq!(
            read_count(dir.path(), "1.95.0", "await-call-tree", Profile::Check, Scenario::Full),
            Ok(79_385_422)
        );
        // Only `totals:` (a file cut before the header's summary was written is not a count).
        std::fs::write(dir.path().join("clgout-a-b-Debug-Full"), "events: Ir\ntotals: 12\n").unwrap();
        assert_eq!(read_count(dir.path(), "a", "b", Profile::Debug, Scenario::Full), Ok(12));
        std::fs::write(dir.path().join("clgout-a-b-Opt-Full"), "events: Ir\n").unwrap();
        let err = read_count(dir.path(), "a", "b", Profile::Opt, Scenario::Full).unwrap_err();
        assert!(err.contains("no `summary:` or `totals:` line"), "{err}");
        let err = read_count(dir.path(), "a", "b", Profile::Check, Scenario::IncrFull).unwrap_err();
        assert!(
            err.contains("no callgrind output") && err.contains("clgout-a-b-Check-IncrFull"),
            "{err}"
        );
    }

    #[test]
    fn failure_reasons() {
        let stderr = "Executing benchmark x (1/1)\ncollector error: Failed to profile 'x' with Callgrind, recorded: \"boom\"\nError: 1 benchmarks failed\n";
        assert!(failure_reason(stderr, "").starts_with("collector error: Failed to profile 'x'"));
        assert_eq!(failure_reason("a\nerror: no such file\n", ""), "error: no such file");
        // A panic of the collector: its message, not the line that says where.
        let panic = "thread 'main' (28589) panicked at collector/src/bin/collector.rs:835:27:\nCannot determine host target tuple.: expected success, got exit status: 1\n\nstderr=error: unknown print request `host-tuple`\nstack backtrace:\n   0: x\n";
        assert_eq!(
            failure_reason(panic, ""),
            "collector panicked: Cannot determine host target tuple.: expected success, got exit status: 1 stderr=error: unknown print request `host-tuple`"
        );
        assert_eq!(failure_reason("", "last words\n\n"), "last words");
        assert_eq!(failure_reason("", ""), "no output");
        assert!(failure_reason(&"error ".repeat(100), "").ends_with("..."));
    }
}
