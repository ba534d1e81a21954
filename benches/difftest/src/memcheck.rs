//! Running a built program under valgrind's memcheck, and reading its verdict (`--memcheck`).
//!
//! A coroutine layout bug that overlaps two values, or lays a future out smaller than the code
//! that uses it, does not always change what a program prints: the clobbered bytes may happen to
//! hold the expected value, or never be read back. Memcheck sees the access itself: a read of
//! bytes nothing wrote (uninitialised), or an access past a heap block (the generated programs
//! box their futures for that reason, see `prelude`). So every built program can be run a second
//! time under
//!
//! `valgrind --tool=memcheck --track-origins=yes --error-exitcode=97 --log-file=<file> <binary>`
//!
//! and that run is clean when valgrind counted no error, the program ended as it does natively,
//! and it printed exactly what it prints natively (a program that behaves differently under
//! valgrind reads something it should not). The log is kept in full for a reproducer; the
//! verdict quotes its first error report.

use harness::rustc::{Invocation, Outcome};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The exit code valgrind is told to use when it found an error (`--error-exitcode`); chosen
/// apart from anything a generated program exits with (0, or 101 on an uncaught panic).
pub const ERROR_EXIT_CODE: i32 = 97;

/// Valgrind found and ready to run programs.
#[derive(Clone, Debug, Serialize)]
pub struct Memcheck {
    pub valgrind: PathBuf,
    /// `valgrind --version`, for the record.
    pub version: String,
    /// How long one program may run under memcheck (it is 20-50 times slower than natively).
    #[serde(skip)]
    pub timeout: Duration,
}

impl Memcheck {
    /// Valgrind from `PATH`, or an error that says how to get it.
    pub fn find(timeout: Duration) -> anyhow::Result<Memcheck> {
        Memcheck::at(Path::new("valgrind"), timeout)
    }

    /// Valgrind at `valgrind` (a path or a name looked up in `PATH`).
    pub fn at(valgrind: &Path, timeout: Duration) -> anyhow::Result<Memcheck> {
        let out = std::process::Command::new(valgrind).arg("--version").output();
        match out {
            Ok(o) if o.status.success() => Ok(Memcheck {
                valgrind: valgrind.to_path_buf(),
                version: String::from_utf8_lossy(&o.stdout).trim().to_string(),
                timeout,
            }),
            Ok(o) => anyhow::bail!(
                "`{} --version` failed: {}",
                valgrind.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => anyhow::bail!(
                "--memcheck needs valgrind ({}: {e}); scripts/setup.sh installs it",
                valgrind.display()
            ),
        }
    }

    /// The valgrind arguments before the program.
    pub fn args(log: &Path) -> Vec<String> {
        vec![
            "--tool=memcheck".into(),
            "--track-origins=yes".into(),
            format!("--error-exitcode={ERROR_EXIT_CODE}"),
            format!("--log-file={}", log.display()),
        ]
    }

    /// Run `binary` (in `cwd`) under memcheck. `native` is the stdout of its native run, if it
    /// had one, which the run under memcheck must repeat.
    pub fn run(&self, binary: &Path, cwd: &Path, native: Option<&str>) -> MemcheckRun {
        let log_path = binary.with_extension("memcheck.log");
        let _ = std::fs::remove_file(&log_path);
        let inv = Invocation::new(&self.valgrind)
            .args(Memcheck::args(&log_path))
            .arg(binary)
            .cwd(cwd)
            .timeout(self.timeout);
        let command = inv.display();
        let (outcome, stdout, secs) = match inv.run() {
            Ok(f) => (f.outcome, f.stdout, f.wall.as_secs_f64()),
            Err(e) => (
                Outcome::Crashed {
                    detail: format!("valgrind did not start: {e}"),
                },
                String::new(),
                0.0,
            ),
        };
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let parsed = parse_log(&log);
        let mut run = MemcheckRun {
            command,
            outcome,
            errors: parsed.errors,
            first_error: parsed.first_error,
            output_differs: None,
            secs,
            log: String::new(),
        };
        if let Some(native) = native {
            if native != stdout {
                run.output_differs = Some(first_difference(native, &stdout));
            }
        }
        if run.problem().is_some() {
            run.log = log;
        }
        run
    }
}

/// One program's run under memcheck.
#[derive(Clone, Debug, Serialize)]
pub struct MemcheckRun {
    pub command: String,
    /// How valgrind ended: success, or `Crashed` with [`ERROR_EXIT_CODE`] when it found errors.
    pub outcome: Outcome,
    /// `ERROR SUMMARY: N errors`; `None` when the log has no summary (valgrind was killed).
    pub errors: Option<u64>,
    /// The first error report (its lines, without valgrind's `==pid==` prefix).
    pub first_error: Option<String>,
    /// The first line where the output under memcheck differs from the native run's.
    pub output_differs: Option<String>,
    pub secs: f64,
    /// The whole log, kept only when the run is not clean.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub log: String,
}

impl MemcheckRun {
    /// `None` when clean, else one line saying what is wrong.
    pub fn problem(&self) -> Option<String> {
        let first = || {
            self.first_error
                .as_deref()
                .and_then(|e| e.lines().next())
                .unwrap_or("(no report in the log)")
                .to_string()
        };
        if let Some(n) = self.errors.filter(|&n| n > 0) {
            return Some(format!("{n} memcheck error(s): {}", first()));
        }
        if let Outcome::TimedOut { after_secs } = self.outcome {
            return Some(format!("timed out under memcheck after {after_secs:.0}s"));
        }
        if !self.outcome.is_success() {
            return Some(format!("under memcheck: {}", self.outcome.summary()));
        }
        if self.errors.is_none() {
            return Some("memcheck wrote no error summary".into());
        }
        self.output_differs
            .as_ref()
            .map(|d| format!("prints something else under memcheck: {d}"))
    }

    /// For reproducer notes.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "memcheck: {}\n$ {}\n",
            self.problem().unwrap_or_else(|| "clean".into()),
            self.command
        );
        if !self.log.is_empty() {
            s.push_str("--- memcheck log ---\n");
            s.push_str(&self.log);
        }
        s
    }
}

/// What a memcheck log says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogSummary {
    pub errors: Option<u64>,
    pub first_error: Option<String>,
}

/// Paragraphs of a memcheck log that are not error reports.
const NOT_ERRORS: [&str; 12] = [
    "Memcheck,",
    "HEAP SUMMARY",
    "LEAK SUMMARY",
    "ERROR SUMMARY",
    "For lists of",
    "For counts of",
    "All heap blocks",
    "in use at exit",
    "Rerun with",
    "Warning:",
    "Parent PID",
    "Command:",
];

/// Read a memcheck log (`--log-file`): every line is `==pid== text`; reports are paragraphs
/// separated by empty lines; the count is the last line's `ERROR SUMMARY: N errors`.
pub fn parse_log(log: &str) -> LogSummary {
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("=="))
        .map(|l| match l[2..].find("==") {
            Some(i) => l[2 + i + 2..].strip_prefix(' ').unwrap_or(&l[2 + i + 2..]),
            None => l,
        })
        .collect();
    let errors = lines.iter().rev().find_map(|l| {
        let rest = l.strip_prefix("ERROR SUMMARY: ")?;
        rest.split_whitespace().next()?.parse::<u64>().ok()
    });
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for l in &lines {
        if l.trim().is_empty() {
            if !paragraphs.last().unwrap().is_empty() {
                paragraphs.push(Vec::new());
            }
        } else {
            paragraphs.last_mut().unwrap().push(l);
        }
    }
    let first_error = paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .find(|p| {
            let head = p[0].trim_start();
            !NOT_ERRORS.iter().any(|n| head.starts_with(n))
                && !head.starts_with("Copyright")
                && !head.starts_with("Using Valgrind")
        })
        .map(|p| p.join("\n"));
    LogSummary { errors, first_error }
}

fn first_difference(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let i = (0..la.len().max(lb.len()))
        .find(|&i| la.get(i) != lb.get(i))
        .unwrap_or(0);
    format!(
        "line {}: `{}` natively, `{}` under memcheck",
        i + 1,
        la.get(i).unwrap_or(&"<end>"),
        lb.get(i).unwrap_or(&"<end>")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "==25048== Memcheck, a memory error detector
==25048== Copyright (C) 2002-2022, and GNU GPL'd, by Julian Seward et al.
==25048== Using Valgrind-3.19.0 and LibVEX; rerun with -h for copyright info
==25048== Command: ./s5
==25048== Parent PID: 25047
==25048== 
==25048== 
==25048== HEAP SUMMARY:
==25048==     in use at exit: 544 bytes in 1 blocks
==25048==   total heap usage: 74 allocs, 73 frees, 4,827 bytes allocated
==25048== 
==25048== For lists of detected and suppressed errors, rerun with: -s
==25048== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)
";

    const DIRTY: &str = "==7== Memcheck, a memory error detector
==7== Command: ./p
==7== 
==7== Invalid write of size 8
==7==    at 0x10C3F1: p::shrunk (p.rs:12)
==7==    by 0x10C512: main (p.rs:20)
==7==  Address 0x4a8c0b8 is 0 bytes after a block of size 24 alloc'd
==7== 
==7== Conditional jump or move depends on uninitialised value(s)
==7==    at 0x10C600: p::f (p.rs:30)
==7== 
==7== HEAP SUMMARY:
==7==     in use at exit: 0 bytes in 0 blocks
==7== 
==7== ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 from 0)
";

    #[test]
    fn a_clean_log_has_no_errors() {
        assert_eq!(
            parse_log(CLEAN),
            LogSummary {
                errors: Some(0),
                first_error: None
            }
        );
    }

    #[test]
    fn the_first_report_and_the_count_are_read() {
        let s = parse_log(DIRTY);
        assert_eq!(s.errors, Some(2));
        let first = s.first_error.unwrap();
        assert!(first.starts_with("Invalid write of size 8\n   at 0x10C3F1"), "{first}");
        assert!(first.ends_with("0 bytes after a block of size 24 alloc'd"), "{first}");
    }

    #[test]
    fn a_killed_valgrind_has_no_count() {
        let cut: String = DIRTY.lines().take(6).map(|l| format!("{l}\n")).collect();
        let s = parse_log(&cut);
        assert_eq!(s.errors, None);
        assert!(s.first_error.unwrap().starts_with("Invalid write"));
    }

    fn run(errors: Option<u64>, outcome: Outcome, differs: Option<&str>) -> MemcheckRun {
        MemcheckRun {
            command: String::new(),
            outcome,
            errors,
            first_error: Some("Invalid read of size 4\n   at f".into()),
            output_differs: differs.map(String::from),
            secs: 0.0,
            log: String::new(),
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(run(Some(0), Outcome::Success, None).problem(), None);
        let p = run(
            Some(3),
            Outcome::Crashed {
                detail: "exit code 97".into(),
            },
            None,
        )
        .problem()
        .unwrap();
        assert_eq!(p, "3 memcheck error(s): Invalid read of size 4");
        assert!(run(Some(0), Outcome::Success, Some("line 3"))
            .problem()
            .unwrap()
            .contains("line 3"));
        assert!(run(None, Outcome::TimedOut { after_secs: 5.0 }, None)
            .problem()
            .unwrap()
            .contains("timed out"));
        assert!(run(None, Outcome::Success, None).problem().is_some());
    }

    #[test]
    fn output_differences_name_the_line() {
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n"),
            "line 2: `b` natively, `c` under memcheck"
        );
        assert_eq!(
            first_difference("a\n", "a\nx\n"),
            "line 2: `<end>` natively, `x` under memcheck"
        );
    }
}
