//! The results file (`firmware.json`, starting with the harness envelope) and its Markdown table.

use crate::run::ToolchainResult;
use harness::envelope::Envelope;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

pub const SCHEMA: &str = "firmware/1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// How the image was run and measured, so the numbers can be read without the code.
    pub method: Method,
    pub results: Vec<ToolchainResult>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Method {
    pub target: String,
    pub qemu: String,
    pub qemu_version: String,
    pub profile: String,
    pub instructions: String,
    pub panic_sites: String,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|t| t.flavours.iter().all(|f| f.passed()))
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let e = &self.envelope;
        let _ = writeln!(md, "# Firmware workload: async on an emulated Cortex-M4\n");
        let _ = writeln!(
            md,
            "Produced by `{}` on {} ({}).\n",
            e.command, e.date, e.machine.cpu_model
        );
        let _ = writeln!(
            md,
            "Image: `benches/firmware` for `{}`, {}. Run on {}. Instructions: {}. Panic call sites: {}.\n",
            self.method.target,
            self.method.profile,
            self.method.qemu_version,
            self.method.instructions,
            self.method.panic_sites
        );
        let _ = writeln!(
            md,
            "Future sizes are `size_of` of each task's future (bytes of RAM per task; in the static flavour \
             that is exactly each task's static slot). Sections in bytes; flash = vector table + .text + \
             .rodata + .data, RAM = .data + .bss (the heap flavour's .bss includes its 4 KiB heap).\n"
        );
        let _ = writeln!(
            md,
            "| toolchain | flavour | transcript | temperature fut | humidity fut | heartbeat fut | mutex lock fut | heap used | .text | .rodata | .data | .bss | flash | RAM | panic sites | instructions |"
        );
        let _ = writeln!(
            md,
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for t in &self.results {
            if let Some(reason) = &t.skipped {
                let _ = writeln!(md, "| {} | | skipped: {reason} |{}", t.toolchain, " |".repeat(13));
                continue;
            }
            for f in &t.flavours {
                let status = if let Some(err) = &f.build_error {
                    format!("build failed: {}", err.lines().next().unwrap_or(""))
                } else if f.transcript_matches {
                    "match".to_string()
                } else {
                    let end = f.run.as_ref().map(|r| r.summary()).unwrap_or_default();
                    format!("MISMATCH ({end}; {})", f.transcript_difference.as_deref().unwrap_or(""))
                };
                let fut = |k: &str| f.future_bytes.get(k).map(u64::to_string).unwrap_or_else(|| "-".into());
                let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
                let s = f.sections.as_ref();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    t.toolchain,
                    f.flavour,
                    status.replace('|', "\\|"),
                    fut("temperature_task"),
                    fut("humidity_task"),
                    fut("heartbeat_task"),
                    fut("mutex_lock"),
                    opt(f.heap_used_bytes),
                    opt(s.map(|s| s.text)),
                    opt(s.map(|s| s.rodata)),
                    opt(s.map(|s| s.data)),
                    opt(s.map(|s| s.bss)),
                    opt(s.map(|s| s.flash())),
                    opt(s.map(|s| s.ram())),
                    opt(f.panic_sites.as_ref().map(|p| p.total)),
                    opt(f.instructions),
                );
            }
        }
        let _ = writeln!(md, "\nToolchains:\n");
        for t in &self.envelope.toolchains {
            let _ = writeln!(md, "- `{}`: {} ({})", t.name, t.describe(), t.rustc.display());
        }
        for u in &self.envelope.unavailable_toolchains {
            let _ = writeln!(md, "- unavailable: {u}");
        }
        let mut notes = Vec::new();
        for t in &self.results {
            for f in &t.flavours {
                if let Some(p) = &f.panic_sites {
                    let list: Vec<String> = p.by_target.iter().map(|(k, v)| format!("{k} x{v}")).collect();
                    notes.push(format!(
                        "{} / {}: panic call sites: {}",
                        t.toolchain,
                        f.flavour,
                        list.join(", ")
                    ));
                }
                for n in &f.notes {
                    notes.push(format!("{} / {}: {n}", t.toolchain, f.flavour));
                }
            }
        }
        if !notes.is_empty() {
            let _ = writeln!(md, "\nNotes:\n");
            for n in notes {
                let _ = writeln!(md, "- {n}");
            }
        }
        md
    }
}
