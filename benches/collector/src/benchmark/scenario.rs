//! Scenarios: the state of the incremental cache when the measured rustc runs (rustc-perf's names).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// Non-incremental build from scratch.
    Full,
    /// Incremental build with an empty cache (pays for writing it).
    IncrFull,
    /// Incremental rebuild with nothing changed since an `incr-full` build.
    IncrUnchanged,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [Scenario::Full, Scenario::IncrFull, Scenario::IncrUnchanged];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Full => "full",
            Scenario::IncrFull => "incr-full",
            Scenario::IncrUnchanged => "incr-unchanged",
        }
    }

    pub fn incremental(self) -> bool {
        self != Scenario::Full
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
