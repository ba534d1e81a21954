//! What gets built: an executor flavour, optionally with a fault injected (for the runner's own
//! tests). Each variant is a set of cargo features of the firmware.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The task-storage strategy of the firmware's executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    /// Boxed futures on a global allocator.
    Heap,
    /// One static slot per task, no allocator.
    Static,
}

impl Flavour {
    pub const ALL: [Flavour; 2] = [Flavour::Heap, Flavour::Static];

    pub fn name(self) -> &'static str {
        match self {
            Flavour::Heap => "heap",
            Flavour::Static => "static",
        }
    }

    /// The transcript every toolchain must print for this flavour.
    pub fn expected_transcript(self, firmware_dir: &Path) -> PathBuf {
        firmware_dir.join("expected").join(format!("{}.txt", self.name()))
    }
}

/// A failure the firmware can be built to have (its `fault-*` features).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// A sensor NACKs and the task panics.
    Panic,
    /// A sensor stretches the clock forever and the run never ends.
    Hang,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    pub flavour: Flavour,
    pub fault: Option<Fault>,
}

impl Variant {
    pub fn measured(flavour: Flavour) -> Self {
        Variant { flavour, fault: None }
    }

    /// The `--features` argument.
    pub fn features(&self) -> String {
        match self.fault {
            None => self.flavour.name().to_string(),
            Some(Fault::Panic) => format!("{},fault-panic", self.flavour.name()),
            Some(Fault::Hang) => format!("{},fault-hang", self.flavour.name()),
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.features().replace(',', "+"))
    }
}
