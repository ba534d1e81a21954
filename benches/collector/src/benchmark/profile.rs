//! Profiles: which cargo command builds the workload, as in rustc-perf (`check`, `debug`, `opt`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// `cargo check`: front end and metadata only.
    Check,
    /// `cargo build`: unoptimised codegen.
    Debug,
    /// `cargo build --release`: optimised codegen.
    Opt,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Check, Profile::Debug, Profile::Opt];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Check => "check",
            Profile::Debug => "debug",
            Profile::Opt => "opt",
        }
    }

    /// The cargo arguments that build the leaf crate in this profile.
    pub fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Check => &["check"],
            Profile::Debug => &["build"],
            Profile::Opt => &["build", "--release"],
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
