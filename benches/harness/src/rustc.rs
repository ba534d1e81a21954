//! One rustc invocation, bounded in time and classified.
//!
//! Every tool runs compilers it does not trust: old releases that reject new syntax, a fork that may
//! ICE, a patch that may loop. So an invocation always has a timeout, and its end is classified
//! into what a report needs to say: built, rejected (with the first error line), ICE (with its
//! message), timed out, or killed by a signal.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How a compiler run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// The compiler rejected the input; `first_error` is its first `error` line.
    CompileError {
        first_error: String,
    },
    /// The compiler crashed with an internal compiler error (or panicked).
    Ice {
        message: String,
    },
    TimedOut {
        after_secs: f64,
    },
    /// Killed by a signal or an unexpected exit code.
    Crashed {
        detail: String,
    },
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success)
    }

    /// One line for tables and logs.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Success => "ok".into(),
            Outcome::CompileError { first_error } => format!("compile error: {first_error}"),
            Outcome::Ice { message } => format!("ICE: {message}"),
            Outcome::TimedOut { after_secs } => format!("timed out after {after_secs:.0}s"),
            Outcome::Crashed { detail } => format!("crashed: {detail}"),
        }
    }

    /// Classify a finished process from its exit code (None: killed by a signal) and stderr.
    pub fn classify(code: Option<i32>, stderr: &str) -> Outcome {
        let ice_line = stderr.lines().find(|l| {
            l.contains("internal compiler error")
                || l.contains("panicked at")
                || l.starts_with("thread 'rustc' panicked")
        });
        if let Some(line) = ice_line {
            return Outcome::Ice {
                message: line.trim().to_string(),
            };
        }
        match code {
            Some(0) => Outcome::Success,
            Some(1) => Outcome::CompileError {
                first_error: first_error_line(stderr),
            },
            Some(101) => Outcome::Ice {
                message: first_error_line(stderr),
            },
            Some(c) => Outcome::Crashed {
                detail: format!("exit code {c}: {}", first_error_line(stderr)),
            },
            None => Outcome::Crashed {
                detail: "killed by a signal".into(),
            },
        }
    }
}

/// The first line that starts with `error` (rustc's diagnostics), or the first non-empty line.
pub fn first_error_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("(no output)")
        .trim()
        .to_string()
}

/// A finished run: how it ended, what it printed, how long it took and what it cost.
pub use crate::process::Measured as Finished;

/// A command line to run under a timeout: rustc, or a wrapper around it (callgrind, a runner).
#[derive(Clone, Debug)]
pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(OsString, OsString)>,
    pub timeout: Duration,
}

impl Invocation {
    pub fn new(program: impl AsRef<Path>) -> Self {
        Invocation {
            program: program.as_ref().to_path_buf(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            timeout: Duration::from_secs(120),
        }
    }
    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }
    pub fn env(mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// The command line as a user would type it, for logs and reproducer notes.
    pub fn display(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    /// Run to completion or timeout (through [`crate::process`]). Only failing to start the
    /// program is an `Err`.
    pub fn run(&self) -> std::io::Result<Finished> {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        if let Some(d) = &self.cwd {
            cmd.current_dir(d);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        crate::process::run_command(cmd, self.timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ends() {
        assert_eq!(Outcome::classify(Some(0), ""), Outcome::Success);
        let e = Outcome::classify(Some(1), "warning: x\nerror[E0658]: async fn is unstable\n  --> a.rs\n");
        assert_eq!(
            e,
            Outcome::CompileError {
                first_error: "error[E0658]: async fn is unstable".into()
            }
        );
        let ice = Outcome::classify(Some(101), "error: internal compiler error: broken MIR\n");
        assert!(matches!(ice, Outcome::Ice { .. }), "{ice:?}");
        assert!(matches!(Outcome::classify(None, ""), Outcome::Crashed { .. }));
    }

    #[test]
    fn timeout_is_reported_not_waited_for() {
        let f = Invocation::new("sleep")
            .arg("30")
            .timeout(Duration::from_millis(200))
            .run()
            .unwrap();
        assert!(matches!(f.outcome, Outcome::TimedOut { .. }), "{:?}", f.outcome);
        assert!(f.wall < Duration::from_secs(10));
    }

    #[test]
    fn missing_program_is_an_io_error() {
        assert!(Invocation::new("/nonexistent/rustc").run().is_err());
    }
}
