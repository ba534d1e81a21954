//! What each compilation of a cargo build cost: a tool that times a whole build can also say where
//! the time went (the crates for the target, or the build scripts, proc macros and their
//! dependencies compiled for the host).
//!
//! The tool names its own executable as cargo's `RUSTC_WRAPPER` and sets [`LOG_ENV`] to a file;
//! cargo then runs `<tool> <rustc> <args>...` for every compilation, and the tool's `main` calls
//! [`wrapper_main`] first, which runs rustc with the same stdin, stdout, stderr and inherited file
//! descriptors (cargo's jobserver), waits for it with `wait4`, and appends one JSON line
//! ([`UnitCost`]) to the file: user and system time of rustc and of every process it waited for
//! (the linker), and wall time. The wrapper itself costs one fork and exec per compilation.
//! Running a build script is not a compilation and is not logged: it stays in the difference
//! between the build's total and the sum of its compilations.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// The environment variable that turns a tool into a timing `RUSTC_WRAPPER`: the log file.
pub const LOG_ENV: &str = "HARNESS_UNIT_LOG";

/// The crate name of a rustc run without `--crate-name` (`rustc -vV`).
const NO_CRATE: &str = "?";

/// One compilation (or one of cargo's queries, [`UnitCost::is_query`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitCost {
    /// The package being compiled (cargo's `CARGO_PKG_NAME` for rustc), if cargo said.
    #[serde(default)]
    pub package: Option<String>,
    /// `--crate-name` (`build_script_build` for a build script).
    pub crate_name: String,
    /// `--target`; `None` for a compilation for the host (build scripts, proc macros and what
    /// they depend on).
    pub target: Option<String>,
    /// `--crate-type`s, comma-joined as rustc takes them (`lib`, `proc-macro`, `bin`, ...).
    pub crate_type: String,
    pub user_secs: f64,
    pub sys_secs: f64,
    pub wall_secs: f64,
    /// rustc's exit status; a failed compilation is logged too.
    pub success: bool,
}

impl UnitCost {
    pub fn cpu_secs(&self) -> f64 {
        self.user_secs + self.sys_secs
    }

    /// Is this one of cargo's own questions to rustc (`rustc -vV`, the `--print` of a target's
    /// settings, whose crate name is `___`) rather than a compilation?
    pub fn is_query(&self) -> bool {
        self.crate_name == NO_CRATE || self.crate_name == "___"
    }

    /// How a report names it: `syn (host)`, `build script of cortex-m-rt (host)`,
    /// `embassy_executor`, `cargo's rustc queries (host)`. The same label in two builds is the
    /// same compilation.
    pub fn label(&self) -> String {
        let name = match (&self.package, self.crate_name.starts_with("build_script_")) {
            _ if self.is_query() => "cargo's rustc queries".to_string(),
            (Some(p), true) => format!("build script of {p}"),
            _ => self.crate_name.clone(),
        };
        match self.target {
            None => format!("{name} (host)"),
            Some(_) => name,
        }
    }

    fn from_args(args: &[OsString]) -> UnitCost {
        let mut unit = UnitCost {
            package: None,
            crate_name: NO_CRATE.into(),
            target: None,
            crate_type: String::new(),
            user_secs: 0.0,
            sys_secs: 0.0,
            wall_secs: 0.0,
            success: false,
        };
        let mut types = Vec::new();
        let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
        while let Some(a) = it.next() {
            let mut value = |flag: &str| -> Option<String> {
                if a == flag {
                    it.next()
                } else {
                    a.strip_prefix(flag)
                        .and_then(|v| v.strip_prefix('='))
                        .map(str::to_string)
                }
            };
            if let Some(v) = value("--crate-name") {
                unit.crate_name = v;
            } else if let Some(v) = value("--target") {
                unit.target = Some(v);
            } else if let Some(v) = value("--crate-type") {
                types.push(v);
            }
        }
        unit.crate_type = types.join(",");
        unit
    }
}

/// When [`LOG_ENV`] is set and arguments follow the program: run them as the wrapped rustc, log
/// the compilation, and return the exit code for `main` to exit with. `None` otherwise (the tool
/// runs as itself).
pub fn wrapper_main() -> Option<i32> {
    let log = std::env::var_os(LOG_ENV)?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let (rustc, rest) = args.split_first()?;
    let mut unit = UnitCost::from_args(rest);
    // Cargo sets it for a compilation; a query would only see whatever the caller had.
    unit.package = std::env::var("CARGO_PKG_NAME").ok().filter(|_| !unit.is_query());
    let start = Instant::now();
    let child = match std::process::Command::new(rustc).args(rest).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "error: the timing wrapper cannot start {}: {e}",
                rustc.to_string_lossy()
            );
            return Some(101);
        }
    };
    let (code, usage) = match wait(child.id() as libc::pid_t) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the timing wrapper lost {}: {e}", rustc.to_string_lossy());
            return Some(101);
        }
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    unit.user_secs = secs(usage.ru_utime);
    unit.sys_secs = secs(usage.ru_stime);
    unit.wall_secs = start.elapsed().as_secs_f64();
    unit.success = code == 0;
    if let Err(e) = append(Path::new(&log), &unit) {
        // The compilation itself went as it went: say so, but do not fail the build over a log.
        eprintln!(
            "warning: the timing wrapper cannot append to {}: {e}",
            Path::new(&log).display()
        );
    }
    Some(code)
}

/// Waits for `pid` and returns its exit code (128 + signal when killed) and its rusage.
fn wait(pid: libc::pid_t) -> std::io::Result<(i32, libc::rusage)> {
    let mut status: libc::c_int = 0;
    // Safety: a zeroed rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // Safety: wait4 on our own child's pid with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Ok((code, usage))
}

/// One line per compilation, written with one `write` to a file opened for appending, so lines of
/// concurrent compilations do not interleave.
fn append(log: &Path, unit: &UnitCost) -> std::io::Result<()> {
    let mut line = serde_json::to_string(unit).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    f.write_all(line.as_bytes())
}

/// The compilations in `log` and how many of its lines could not be read (a torn last line of a
/// killed build, say). A missing file is no compilations.
pub fn read_log(log: &Path) -> (Vec<UnitCost>, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut bad = 0;
    let units = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).map_err(|_| bad += 1).ok())
        .collect();
    (units, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crate_target_and_type_from_rustc_arguments() {
        let args: Vec<OsString> = [
            "--crate-name",
            "syn",
            "--edition=2021",
            "src/lib.rs",
            "--crate-type",
            "lib",
            "--emit=dep-info,metadata,link",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let mut u = UnitCost::from_args(&args);
        assert_eq!(
            (u.crate_name.as_str(), u.target.as_deref(), u.crate_type.as_str()),
            ("syn", None, "lib")
        );
        assert_eq!(u.label(), "syn (host)");
        u.crate_name = "build_script_build".into();
        u.package = Some("cortex-m-rt".into());
        assert_eq!(u.label(), "build script of cortex-m-rt (host)");
        let args: Vec<OsString> = [
            "--crate-name=app",
            "--target",
            "thumbv7em-none-eabihf",
            "--crate-type=bin",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let mut u = UnitCost::from_args(&args);
        assert_eq!(
            (u.crate_name.as_str(), u.target.as_deref(), u.crate_type.as_str()),
            ("app", Some("thumbv7em-none-eabihf"), "bin")
        );
        assert_eq!(u.label(), "app");
        u.crate_name = "___".into();
        assert!(u.is_query());
        assert_eq!(u.label(), "cargo's rustc queries");
        let u = UnitCost::from_args(&[OsString::from("-vV")]);
        assert!(u.is_query());
        assert_eq!(u.label(), "cargo's rustc queries (host)");
    }

    #[test]
    fn a_log_keeps_its_good_lines_and_counts_the_torn_ones() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("units.jsonl");
        assert_eq!(read_log(&log), (vec![], 0));
        let unit = UnitCost {
            package: Some("core".into()),
            crate_name: "core".into(),
            target: Some("thumbv6m-none-eabi".into()),
            crate_type: "lib".into(),
            user_secs: 1.5,
            sys_secs: 0.25,
            wall_secs: 1.0,
            success: true,
        };
        append(&log, &unit).unwrap();
        append(&log, &unit).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .unwrap()
            .write_all(b"{\"crate_name\": \"tor")
            .unwrap();
        let (units, bad) = read_log(&log);
        assert_eq!((units.len(), bad), (2, 1));
        assert_eq!(units[0], unit);
        assert_eq!(units[0].cpu_secs(), 1.75);
    }
}
