//! The pipeline for one toolchain: for each flavour, build, run, compare, measure.
//!
//! Nothing here stops at the first problem: a toolchain without the target is skipped with the
//! reason, a flavour that fails to build or run is recorded with how it failed, and the other
//! flavours and toolchains still run.

use crate::build;
use crate::measure::{self, PanicSites, Sections};
use crate::qemu::{Qemu, RunEnd};
use crate::transcript::{self, Output};
use crate::variant::{Flavour, Variant};
use harness::target::{Target, CORTEX_M4F};
use harness::{CoreClass, CoreProvision, ToolchainInfo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to run and with what.
#[derive(Clone, Debug)]
pub struct Settings {
    pub firmware_dir: PathBuf,
    pub qemu: Qemu,
    pub flavours: Vec<Flavour>,
    /// Run the extra traced QEMU run that counts instructions.
    pub count_instructions: bool,
    /// `Some(class)`: every toolchain's core comes that way (`--core build-std` builds it from
    /// each toolchain's rust-src, so a release, a nightly and the fork compare like with like);
    /// `None`: the prebuilt core, or `-Zbuild-std` where there is none and `--build-std` allows it.
    pub core: Option<CoreClass>,
}

/// How `toolchain` provides the firmware's core under `core` (see [`Settings::core`]).
pub fn provision(core: Option<CoreClass>, toolchain: &ToolchainInfo) -> Result<CoreProvision, String> {
    let target = Target::new(CORTEX_M4F);
    match core {
        Some(class) => toolchain.provision_in(&target, class),
        None => toolchain.core_for(&target).ok_or_else(|| {
            toolchain
                .target_unavailable(&target)
                .unwrap_or_else(|| format!("no core for {target}"))
        }),
    }
}

/// Results of one toolchain.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ToolchainResult {
    pub toolchain: String,
    pub describe: String,
    /// Why this toolchain was not measured, if it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    pub flavours: Vec<FlavourResult>,
}

/// Results of one flavour on one toolchain.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FlavourResult {
    pub flavour: String,
    /// Build error, if the build failed (then nothing else is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunEnd>,
    /// True when the run exited cleanly and its transcript is the expected one.
    pub transcript_matches: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_difference: Option<String>,
    /// `size_of` each task's future (and the mutex's lock future), as the firmware reports it.
    pub future_bytes: BTreeMap<String, u64>,
    /// Heap in use after spawning (heap flavour only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heap_used_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Sections>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panic_sites: Option<PanicSites>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<u64>,
    /// Why a measurement is missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FlavourResult {
    /// Built, ran to a clean exit, printed the expected transcript.
    pub fn passed(&self) -> bool {
        self.build_error.is_none() && self.transcript_matches
    }
}

pub fn run_toolchain(settings: &Settings, toolchain: &ToolchainInfo) -> ToolchainResult {
    let mut result = ToolchainResult {
        toolchain: toolchain.name.clone(),
        describe: toolchain.describe(),
        skipped: provision(settings.core, toolchain).err(),
        flavours: Vec::new(),
    };
    if result.skipped.is_none() {
        for &flavour in &settings.flavours {
            result.flavours.push(run_flavour(settings, toolchain, flavour));
        }
    }
    result
}

pub fn run_flavour(settings: &Settings, toolchain: &ToolchainInfo, flavour: Flavour) -> FlavourResult {
    let mut r = FlavourResult {
        flavour: flavour.name().to_string(),
        ..FlavourResult::default()
    };
    let core = match provision(settings.core, toolchain) {
        Ok(core) => core,
        Err(why) => {
            r.build_error = Some(why);
            return r;
        }
    };
    let image = match build::build(&settings.firmware_dir, toolchain, core, Variant::measured(flavour)) {
        Ok(image) => image,
        Err(e) => {
            r.build_error = Some(match &e {
                build::BuildError::Failed { stderr_tail, .. } => format!("{e}\n{stderr_tail}"),
                _ => e.to_string(),
            });
            return r;
        }
    };
    if let Some(linker) = build::linker_override(toolchain) {
        r.notes.push(format!(
            "linked with {} (the toolchain has no rust-lld)",
            linker.display()
        ));
    }
    match measure::sections(&image) {
        Ok(s) => r.sections = Some(s),
        Err(e) => r.notes.push(format!("sections: {e}")),
    }
    match measure::panic_sites(&image) {
        Ok(p) => r.panic_sites = Some(p),
        Err(e) => r.notes.push(format!("panic call sites: {e}")),
    }
    let run = settings.qemu.run(&image);
    let output = Output::parse(&run.output);
    r.future_bytes = output.metric("future_bytes");
    r.heap_used_bytes = output.metric("heap_used_bytes").get("after_spawn").copied();
    let expected_path = flavour.expected_transcript(&settings.firmware_dir);
    r.transcript_difference = match std::fs::read_to_string(&expected_path) {
        Ok(expected) => transcript::compare(&expected, &output.transcript),
        Err(e) => Some(format!("cannot read {}: {e}", expected_path.display())),
    };
    r.transcript_matches = run.end.is_clean_exit() && r.transcript_difference.is_none();
    let clean = run.end.is_clean_exit();
    r.run = Some(run.end);
    if settings.count_instructions {
        if clean {
            match settings.qemu.count_instructions(&image) {
                Ok(n) => r.instructions = Some(n),
                Err(e) => r.notes.push(format!("instructions: {e}")),
            }
        } else {
            r.notes
                .push("instructions: not counted, the run did not exit cleanly".into());
        }
    }
    r
}
