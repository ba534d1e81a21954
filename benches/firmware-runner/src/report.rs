//! The results file (`firmware.json`, starting with the harness envelope) and its Markdown table.

use crate::run::{FlavourResult, ToolchainResult};
use harness::envelope::Envelope;
use harness::report::Table;
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
    /// `--core`: how every toolchain's core was provided; absent when each used its prebuilt one
    /// (or `-Zbuild-std` where it had none), as in results written before the option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core: Option<harness::CoreClass>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|t| t.flavours.iter().all(|f| f.passed()))
    }

    /// Every (toolchain, flavour) that was measured, in order.
    fn measured(&self) -> impl Iterator<Item = (&ToolchainResult, &FlavourResult)> {
        self.results.iter().flat_map(|t| t.flavours.iter().map(move |f| (t, f)))
    }

    /// Future names in table order: the tasks, then the layers below, then anything new.
    fn future_subjects(&self) -> Vec<String> {
        const ORDER: [&str; 7] = [
            "temperature_task",
            "humidity_task",
            "heartbeat_task",
            "mutex_lock",
            "i2c_write_read",
            "tmp102_read",
            "hdc1080_read",
        ];
        let mut all: Vec<String> = self
            .measured()
            .flat_map(|(_, f)| f.future_bytes.keys().cloned())
            .collect();
        all.sort_by_key(|k| (ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()), k.clone()));
        all.dedup();
        all
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
            "## RAM: `size_of` of futures (bytes)\n\nEach task's future is the RAM that task needs (in the static \
             flavour it is exactly the task's static slot); the others are the futures of the layers below \
             (mutex, I2C transfer, sensor drivers). Reported by the firmware itself.\n"
        );
        let subjects = self.future_subjects();
        if subjects.is_empty() {
            let _ = writeln!(md, "No run reported future sizes (see the table below for why).");
        } else {
            let header = ["toolchain", "flavour"]
                .into_iter()
                .chain(subjects.iter().map(String::as_str));
            let mut table = Table::new(header).numeric_from(2);
            for (t, f) in self.measured() {
                let sizes = subjects
                    .iter()
                    .map(|k| f.future_bytes.get(k).map_or_else(|| "-".into(), u64::to_string));
                table.row([t.toolchain.clone(), f.flavour.to_string()].into_iter().chain(sizes));
            }
            md.push_str(&table.render());
        }
        let _ = writeln!(
            md,
            "\n## Image and run\n\nSections in bytes; flash = vector table + .text + .rodata + .data, RAM = .data + \
             .bss (static RAM; the heap flavour's .bss includes its 4 KiB heap, `heap used` is what the three \
             boxed tasks take of it).\n"
        );
        let mut table = Table::new([
            "toolchain",
            "flavour",
            "transcript",
            ".text",
            ".rodata",
            ".data",
            ".bss",
            "flash",
            "RAM",
            "heap used",
            "panic sites",
            "instructions",
        ])
        .numeric_from(3);
        for t in &self.results {
            if let Some(reason) = &t.skipped {
                table.row([t.toolchain.clone(), String::new(), format!("skipped: {reason}")]);
            }
        }
        for (t, f) in self.measured() {
            let status = if let Some(err) = &f.build_error {
                format!("build failed: {}", err.lines().next().unwrap_or(""))
            } else if f.transcript_matches {
                "match".to_string()
            } else {
                let end = f.run.as_ref().map(|r| r.summary()).unwrap_or_default();
                format!("MISMATCH ({end}; {})", f.transcript_difference.as_deref().unwrap_or(""))
            };
            let opt = |v: Option<u64>| v.map_or_else(|| "-".into(), |v| v.to_string());
            let s = f.sections.as_ref();
            table.row([
                t.toolchain.clone(),
                f.flavour.to_string(),
                status,
                opt(s.map(|s| s.text)),
                opt(s.map(|s| s.rodata)),
                opt(s.map(|s| s.data)),
                opt(s.map(|s| s.bss)),
                opt(s.map(|s| s.flash())),
                opt(s.map(|s| s.ram())),
                opt(f.heap_used_bytes),
                opt(f.panic_sites.as_ref().map(|p| p.total)),
                opt(f.instructions),
            ]);
        }
        md.push_str(&table.render());
        let _ = writeln!(md, "\nToolchains:\n");
        let target = harness::Target::new(self.method.target.clone());
        for t in &self.envelope.toolchains {
            // A core built from source (--build-std) is not the prebuilt one the others use: say so.
            let core = match crate::run::provision(self.method.core, t) {
                Ok(p @ harness::CoreProvision::BuildStd { .. }) => format!("; core for {target}: {p}"),
                _ => String::new(),
            };
            let _ = writeln!(md, "- `{}`: {} ({}){core}", t.name, t.describe(), t.rustc.display());
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

#[cfg(test)]
mod tests {
    /// The committed firmware report re-renders from its JSON byte for byte.
    #[test]
    fn committed_report_renders_unchanged() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results/firmware");
        let (report, md): (super::Report, _) = harness::report::read_pair(&dir, "firmware").unwrap();
        assert_eq!(report.markdown(), md);
    }

    /// A toolchain whose core was built with -Zbuild-std is marked as such.
    #[test]
    fn a_core_built_from_source_is_said() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results/firmware");
        let (mut report, _): (super::Report, String) = harness::report::read_pair(&dir, "firmware").unwrap();
        let t = &mut report.envelope.toolchains[0];
        t.targets_with_core.clear();
        (t.rust_src, t.build_std, t.fork) = (true, true, None);
        t.version.release = "1.95.0".into();
        let line = format!("- `{}`: ", t.name);
        let md = report.markdown();
        let line = md.lines().find(|l| l.starts_with(&line)).unwrap();
        assert!(
            line.ends_with("; core for thumbv7em-none-eabihf: -Zbuild-std (RUSTC_BOOTSTRAP=1)"),
            "{line}"
        );
    }

    /// With `--core build-std` a toolchain that has a prebuilt core is still built from source,
    /// and the report says so.
    #[test]
    fn core_build_std_is_said_for_every_toolchain() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results/firmware");
        let (mut report, _): (super::Report, String) = harness::report::read_pair(&dir, "firmware").unwrap();
        let t = &mut report.envelope.toolchains[0];
        assert!(
            !t.targets_with_core.is_empty(),
            "the committed run's first toolchain has a prebuilt core"
        );
        (t.rust_src, t.fork) = (true, None);
        t.version.release = "1.95.0".into();
        let line = format!("- `{}`: ", t.name);
        assert!(!report
            .markdown()
            .lines()
            .any(|l| l.starts_with(&line) && l.contains("-Zbuild-std")));
        report.method.core = Some(harness::CoreClass::BuildStd);
        let md = report.markdown();
        let line = md.lines().find(|l| l.starts_with(&line)).unwrap();
        assert!(line.ends_with(": -Zbuild-std (RUSTC_BOOTSTRAP=1)"), "{line}");
    }
}
