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

/// The command that produced a result, for `Envelope::command`: `$HARNESS_COMMAND` when a script
/// in `scripts/` set it (the command users rerun), else the process's own command line.
pub fn command_line() -> String {
    std::env::var("HARNESS_COMMAND").unwrap_or_else(|_| std::env::args().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_utc(1_795_637_106), "2026-11-25T20:05:06Z");
        assert_eq!(super::format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }
}
