//! The header of every results file: enough to reproduce the numbers below it.
//!
//! rustc-perf keeps, with every measurement, the toolchain, the configuration and the collector
//! version; we do the same in one place so each tool's JSON starts alike: schema, tool and
//! version, the command line that produced it, when, on what machine, with which toolchains
//! (including those that could not be used, and why).

use crate::machine::Machine;
use crate::toolchain::{ToolchainError, ToolchainInfo};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Envelope {
    /// `<tool>/<schema version>`, e.g. `codegen-matrix/1`.
    pub schema: String,
    /// Version of the harness that wrote the file.
    pub harness_version: String,
    /// The command that produced this file, as it can be rerun.
    pub command: String,
    /// UTC, RFC 3339.
    pub date: String,
    pub machine: Machine,
    pub toolchains: Vec<ToolchainInfo>,
    /// Toolchains that were asked for but could not be used.
    #[serde(default)]
    pub unavailable_toolchains: Vec<ToolchainError>,
}

impl Envelope {
    pub fn new(
        schema: &str,
        command: String,
        toolchains: Vec<ToolchainInfo>,
        unavailable: Vec<ToolchainError>,
    ) -> Self {
        Envelope {
            schema: schema.to_string(),
            harness_version: env!("CARGO_PKG_VERSION").to_string(),
            command,
            date: utc_now(),
            machine: Machine::current(),
            toolchains,
            unavailable_toolchains: unavailable,
        }
    }
}

/// The current time as RFC 3339 UTC, without pulling in a date crate for one format.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format_utc(secs)
}

/// Seconds since the epoch -> `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, days-from-civil inverse).
pub fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The command that produced a result, for `Envelope::command`, as it can be pasted into a shell:
/// - `$HARNESS_COMMAND` when a script composed its own (scripts/fork-ab.sh, which runs bench.sh
///   with options of its own);
/// - else `$HARNESS_SCRIPT` (the entry point in `scripts/` that ran this tool, what users rerun)
///   followed by this process's arguments, less the first `$HARNESS_SCRIPT_ADDED` of them (words
///   the script put in front, such as the subcommand `seed-claims`);
/// - else this process's own command line.
///
/// Arguments are quoted here, once, for every tool (a toolchain spec holds a space).
pub fn command_line() -> String {
    if let Ok(c) = std::env::var("HARNESS_COMMAND") {
        return c;
    }
    let mut args = std::env::args();
    let program = args.next().unwrap_or_default();
    let (program, skip) = match std::env::var("HARNESS_SCRIPT") {
        Ok(script) => {
            let added = std::env::var("HARNESS_SCRIPT_ADDED").ok().and_then(|n| n.parse().ok());
            (script, added.unwrap_or(0))
        }
        Err(_) => (program, 0),
    };
    render_command(&program, &args.skip(skip).collect::<Vec<_>>())
}

/// `program` and `args` as one shell line, each argument quoted where it needs it.
pub fn render_command(program: &str, args: &[String]) -> String {
    let mut line = program.to_string();
    for a in args {
        line.push(' ');
        match shlex::try_quote(a) {
            Ok(q) => line.push_str(&q),
            // Only a NUL byte cannot be quoted; it cannot be in an argument either.
            Err(_) => line.push_str(a),
        }
    }
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_utc(1_795_637_106), "2026-11-25T20:05:06Z");
        assert_eq!(super::format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn commands_are_quoted_for_the_shell() {
        let args = ["-t".to_string(), "async-fork -Zx=no".into(), "-w".into(), "a".into()];
        assert_eq!(
            super::render_command("scripts/bench.sh", &args),
            "scripts/bench.sh -t 'async-fork -Zx=no' -w a"
        );
    }
}
