//! Building the firmware with one toolchain.
//!
//! Cargo (the one running us, or `cargo` on PATH) drives the build and `RUSTC` names the real
//! rustc of the toolchain under test, so any toolchain works, a rustup name or a bare stage1
//! rustc without its own cargo. Each toolchain gets its own target directory, so switching
//! toolchains does not rebuild the dependencies each time. The variants of one toolchain share it;
//! since they all land on the same `release/firmware` path, builds are serialized and the image is
//! copied out under the variant's name before the lock is released.
//!
//! Linking: the target spec names `rust-lld`, which rustup toolchains ship in their sysroot but a
//! stage1 fork built without `lld = true` lacks. Such a toolchain links with stable's `rust-lld`
//! (the linker does not change the code the compiler generated; the result notes it).

use crate::variant::Variant;
use harness::rustc::{first_error_line, Invocation, Outcome};
use harness::target::CORTEX_M4F;
use harness::{CoreProvision, Toolchain, ToolchainInfo};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Serializes builds in this process (tests run in parallel threads).
static BUILD_LOCK: Mutex<()> = Mutex::new(());

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot start cargo: {0}")]
    Cargo(std::io::Error),
    #[error("build of {variant} with {toolchain} failed: {summary}")]
    Failed {
        variant: String,
        toolchain: String,
        summary: String,
        stderr_tail: String,
    },
    #[error("cannot copy the image: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a toolchain's builds go: `<firmware>/target/runner/<toolchain>-<build id>`.
///
/// The build id changes when the compiler binary does. Cargo's own fingerprint keys on
/// `rustc -vV`, which a rebuilt fork keeps, and would reuse dependencies the new compiler cannot
/// load (E0463); a fresh directory per compiler build avoids that.
pub fn target_dir(firmware_dir: &Path, toolchain: &ToolchainInfo) -> PathBuf {
    firmware_dir.join("target/runner").join(format!(
        "{}-{:016x}",
        toolchain.dir_name(),
        compiler_build_id(toolchain)
    ))
}

/// A hash of the compiler's identity: `rustc -vV`, and size and mtime of its binary and of the
/// sysroot's `librustc_driver`.
fn compiler_build_id(toolchain: &ToolchainInfo) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    toolchain.version.verbose.hash(&mut h);
    let mut files = vec![toolchain.rustc.clone()];
    if let Ok(entries) = std::fs::read_dir(toolchain.sysroot.join("lib")) {
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("librustc_driver"))
        }));
    }
    for f in files {
        if let Ok(meta) = std::fs::metadata(&f) {
            meta.len().hash(&mut h);
            meta.modified().ok().hash(&mut h);
        }
    }
    h.finish()
}

fn rust_lld(sysroot: &Path) -> PathBuf {
    sysroot
        .join("lib/rustlib")
        .join(harness::target::HOST)
        .join("bin/rust-lld")
}

/// The linker to use instead of the toolchain's own, when it has none (see the module doc).
pub fn linker_override(toolchain: &ToolchainInfo) -> Option<PathBuf> {
    if rust_lld(&toolchain.sysroot).is_file() {
        return None;
    }
    let stable = Toolchain::parse("stable").resolve().ok()?;
    Some(rust_lld(&stable.sysroot)).filter(|p| p.is_file())
}

/// Builds `variant` in release mode and returns the path of its ELF image.
pub fn build(
    firmware_dir: &Path,
    toolchain: &ToolchainInfo,
    core: CoreProvision,
    variant: Variant,
) -> Result<PathBuf, BuildError> {
    let target_dir = target_dir(firmware_dir, toolchain);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // RUSTC, the toolchain's flags (which replace any flags meant for the host build: the linker
    // script comes from the firmware's build script, so nothing is lost) and, with --build-std,
    // how core is built.
    let settings = toolchain.cargo_settings_for(Some(core));
    let mut invocation = Invocation::new(PathBuf::from(cargo))
        // Cargo says where the image is (its artifact messages on stdout), rather than us guessing
        // the layout of the target directory.
        .args([
            "build",
            "--release",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .args(["--target", CORTEX_M4F, "--features"])
        .arg(variant.features())
        .args(&settings.args)
        .arg("--target-dir")
        .arg(&target_dir)
        .cwd(firmware_dir)
        .env("RUSTC_WRAPPER", "")
        .timeout(Duration::from_secs(900));
    for (k, v) in settings.env {
        invocation = invocation.env(k, v);
    }
    let invocation = match linker_override(toolchain) {
        Some(linker) => invocation.env("CARGO_TARGET_THUMBV7EM_NONE_EABIHF_LINKER", linker),
        None => invocation,
    };
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let finished = invocation.run().map_err(BuildError::Cargo)?;
    if finished.outcome != Outcome::Success {
        let lines: Vec<&str> = finished.stderr.lines().collect();
        return Err(BuildError::Failed {
            variant: variant.to_string(),
            toolchain: toolchain.name.clone(),
            summary: match finished.outcome {
                Outcome::TimedOut { .. } => finished.outcome.summary(),
                _ => first_error_line(&finished.stderr),
            },
            stderr_tail: lines[lines.len().saturating_sub(20)..].join("\n"),
        });
    }
    let built = built_image(&finished.stdout).ok_or_else(|| BuildError::Failed {
        variant: variant.to_string(),
        toolchain: toolchain.name.clone(),
        summary: "cargo reported no executable for the firmware".into(),
        stderr_tail: String::new(),
    })?;
    let images = target_dir.join("images");
    std::fs::create_dir_all(&images)?;
    let image = images.join(format!("{variant}.elf"));
    std::fs::copy(&built, &image)?;
    Ok(image)
}

/// The executable of the `firmware` binary, from cargo's JSON messages.
fn built_image(cargo_stdout: &str) -> Option<PathBuf> {
    cargo_metadata::Message::parse_stream(cargo_stdout.as_bytes())
        .filter_map(Result::ok)
        .filter_map(|m| match m {
            cargo_metadata::Message::CompilerArtifact(a) if a.target.name == "firmware" => a.executable,
            _ => None,
        })
        .last()
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    #[test]
    fn image_path_comes_from_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///fw#firmware@0.1.0","manifest_path":"/fw/Cargo.toml","target":{"kind":["bin"],"crate_types":["bin"],"name":"firmware","src_path":"/fw/src/main.rs","edition":"2021","doc":true,"doctest":false,"test":true},"profile":{"opt_level":"s","debuginfo":0,"debug_assertions":false,"overflow_checks":false,"test":false},"features":[],"filenames":["/elsewhere/thumbv7em-none-eabihf/release/firmware"],"executable":"/elsewhere/thumbv7em-none-eabihf/release/firmware","fresh":false}"#;
        let out = format!("{line}\n{{\"reason\":\"build-finished\",\"success\":true}}\n");
        assert_eq!(
            super::built_image(&out),
            Some("/elsewhere/thumbv7em-none-eabihf/release/firmware".into())
        );
        assert_eq!(super::built_image(""), None);
    }
}
