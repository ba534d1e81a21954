//! Running an image on QEMU's `mps2-an386` (a Cortex-M4; see benches/firmware/README.md for why).
//!
//! A run always has a timeout and ends in exactly one of the classified ways a report needs: the
//! firmware exited through semihosting (success or failure code), it panicked (its panic handler
//! prints `PANIC: <message>` and exits with failure), it hung (timeout), or QEMU could not run.
//!
//! `-icount shift=0,sleep=off` makes virtual time follow executed instructions, so the
//! interleaving, and therefore the transcript, does not depend on how busy the host is.
//!
//! Instructions executed: QEMU's TCG plugins (`libinsn.so`) would count them, but Debian's
//! qemu-system-arm ships no contrib plugins. So the count comes from QEMU's own execution log:
//! with `-singlestep` every translation block holds one guest instruction, and with
//! `-d exec,nochain` every block executed is logged as one `Trace` line; the count of those lines
//! is the number of instructions executed (an instruction that raises an exception, like the
//! semihosting `BKPT`, counts once).

use harness::rustc::{Invocation, Outcome};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const MACHINE: &str = "mps2-an386";
pub const CPU: &str = "cortex-m4";

/// How to run QEMU.
#[derive(Clone, Debug)]
pub struct Qemu {
    pub program: PathBuf,
    pub timeout: Duration,
}

impl Default for Qemu {
    fn default() -> Self {
        Qemu {
            program: PathBuf::from("qemu-system-arm"),
            timeout: Duration::from_secs(30),
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunEnd {
    /// Semihosting exit: code 0 is success, 1 a failure exit.
    Exited { code: i32 },
    /// The firmware's panic handler reported this message.
    Panicked { message: String },
    /// Still running when the timeout struck.
    TimedOut { after_secs: f64 },
    /// QEMU is missing or failed to run the image.
    QemuFailed { detail: String },
}

impl RunEnd {
    pub fn is_clean_exit(&self) -> bool {
        matches!(self, RunEnd::Exited { code: 0 })
    }

    pub fn summary(&self) -> String {
        match self {
            RunEnd::Exited { code: 0 } => "exited 0".into(),
            RunEnd::Exited { code } => format!("failure exit {code}"),
            RunEnd::Panicked { message } => format!("panicked: {message}"),
            RunEnd::TimedOut { after_secs } => format!("hung: no exit after {after_secs:.0}s"),
            RunEnd::QemuFailed { detail } => format!("qemu failed: {detail}"),
        }
    }
}

/// A finished run: how it ended and what the firmware printed (stdout, semihosting).
#[derive(Clone, Debug)]
pub struct Run {
    pub end: RunEnd,
    pub output: String,
}

impl Qemu {
    fn base(&self, image: &Path) -> Invocation {
        Invocation::new(&self.program)
            .args([
                "-machine",
                MACHINE,
                "-cpu",
                CPU,
                "-nographic",
                "-monitor",
                "none",
                "-serial",
                "none",
            ])
            .args(["-semihosting-config", "enable=on,target=native"])
            .args(["-icount", "shift=0,sleep=off"])
            .arg("-kernel")
            .arg(image)
            .timeout(self.timeout)
    }

    /// Runs `image` to its end or the timeout.
    pub fn run(&self, image: &Path) -> Run {
        let finished = match self.base(image).run() {
            Ok(f) => f,
            Err(e) => {
                return Run {
                    end: RunEnd::QemuFailed { detail: e.to_string() },
                    output: String::new(),
                }
            }
        };
        let panic = finished
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("PANIC: "))
            .map(|m| m.trim().to_string());
        let end = match (&finished.outcome, panic) {
            (_, Some(message)) => RunEnd::Panicked { message },
            (Outcome::TimedOut { after_secs }, None) => RunEnd::TimedOut {
                after_secs: *after_secs,
            },
            (Outcome::Success, None) => RunEnd::Exited { code: 0 },
            // QEMU exits 1 both for a semihosting failure exit and for its own errors (which it
            // explains on stderr); `classify` calls exit code 1 a compile error.
            (Outcome::CompileError { .. }, None) if finished.stderr.trim().is_empty() => RunEnd::Exited { code: 1 },
            (other, None) => RunEnd::QemuFailed {
                detail: match finished.stderr.trim() {
                    "" => other.summary(),
                    _ => harness::rustc::first_error_line(&finished.stderr),
                },
            },
        };
        Run {
            end,
            output: finished.stdout,
        }
    }

    /// Instructions executed by the whole run (see the module doc for the method).
    pub fn count_instructions(&self, image: &Path) -> Result<u64, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log = dir.path().join("exec.log");
        let finished = self
            .base(image)
            .args(["-singlestep", "-d", "exec,nochain", "-D"])
            .arg(&log)
            .run()
            .map_err(|e| e.to_string())?;
        match finished.outcome {
            Outcome::Success => {}
            Outcome::TimedOut { after_secs } => return Err(format!("traced run timed out after {after_secs:.0}s")),
            _ => {
                return Err(format!(
                    "traced run did not exit cleanly: {}",
                    harness::rustc::first_error_line(&finished.stderr)
                ))
            }
        }
        let file = std::fs::File::open(&log).map_err(|e| format!("no execution log: {e}"))?;
        let mut count = 0;
        for line in BufReader::new(file).lines() {
            if line.map_err(|e| e.to_string())?.starts_with("Trace ") {
                count += 1;
            }
        }
        if count == 0 {
            return Err("execution log has no Trace lines (this QEMU does not log `-d exec`)".into());
        }
        Ok(count)
    }
}
