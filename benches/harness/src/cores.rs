//! `core` and `alloc` for tools that call rustc directly (the codegen suite, the seed claims).
//!
//! A cargo build gets a target's `core` from `-Zbuild-std` when the toolchain has no prebuilt one
//! (rustup serves no `rust-std` for thumbv7em to releases' nightlies here, only `rust-src`). A bare
//! `rustc --emit asm` has no such switch, so with `--build-std` the tools build the two crates once
//! per toolchain and target, with cargo, into a scratch directory, and give each rustc call that
//! directory as `-L crate=...` (a `dependency=` path would serve only transitive dependencies, and
//! `core` is a direct one); rustc's crate locator finds `core` there as it finds it in a sysroot. The build is a `#![no_std]` library that names `alloc`, in cargo's release profile (the
//! profile rustup's `rust-std` is built in) with the toolchain's own flags, so a spec like
//! `'async-fork -Zswitch=no'` gets its own `core`, as its cargo builds do.

use crate::rustc::Invocation;
use crate::toolchain::{dir_name, CoreProvision};
use crate::{Target, ToolchainInfo};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// A cold `-Zbuild-std=core,alloc` takes well under a minute here; this bounds a stuck cargo.
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// The cores built so far under one scratch directory, by toolchain spec and target.
pub struct BuiltCores {
    dir: PathBuf,
    built: Mutex<HashMap<(String, String), Result<PathBuf, String>>>,
}

impl BuiltCores {
    /// Cores go under `dir/<toolchain>/<target>/`; cargo's own fingerprints make a later run's
    /// build of the same toolchain a no-op.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BuiltCores {
            dir: dir.into(),
            built: Mutex::new(HashMap::new()),
        }
    }

    /// The arguments a direct rustc call for `target` needs for its `core`: none when the
    /// toolchain's sysroot has it, `-L crate=DIR` when it is built from rust-src (built here
    /// on first use), or why neither is possible (no core and no `--build-std`, no rust-src, or
    /// the build failed: its first error).
    pub fn rustc_args(&self, tc: &ToolchainInfo, target: &Target) -> Result<Vec<String>, String> {
        match tc.core_for(target) {
            Some(CoreProvision::BuildStd { .. }) => {}
            Some(_) => return Ok(Vec::new()),
            None => return Err(tc.target_unavailable(target).unwrap_or_default()),
        }
        let key = (tc.name.clone(), target.triple().to_string());
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        let deps = built
            .entry(key)
            .or_insert_with(|| {
                let dir = self.dir.join(dir_name(&tc.name)).join(target.triple());
                eprintln!(
                    "building core and alloc for {target} with {} (-Zbuild-std) ...",
                    tc.name
                );
                build(tc, target, &dir)
            })
            .clone()?;
        Ok(vec!["-L".into(), format!("crate={}", deps.display())])
    }
}

/// Builds the one-file project in `dir` and returns the directory of its dependencies' rlibs.
fn build(tc: &ToolchainInfo, target: &Target, dir: &Path) -> Result<PathBuf, String> {
    let io = |e: std::io::Error| format!("preparing {}: {e}", dir.display());
    // Cargo runs in `dir` and reads a relative --target-dir from there; the returned path must
    // also hold for rustc calls made from elsewhere. (The codegen suite's default out-dir is
    // relative.)
    let dir = &std::path::absolute(dir).map_err(io)?;
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"cores\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[profile.release]\npanic = \"abort\"\n",
    )
    .map_err(io)?;
    std::fs::write(dir.join("src/lib.rs"), "#![no_std]\nextern crate alloc;\n").map_err(io)?;
    let settings = tc.cargo_settings_for(tc.core_for(target));
    let target_dir = dir.join("target");
    let mut inv = Invocation::new(tc.cargo())
        .cwd(dir)
        .args([
            "build",
            "--release",
            "--quiet",
            "--message-format=json-render-diagnostics",
            "--target",
            target.triple(),
            "--target-dir",
        ])
        .arg(&target_dir)
        .args(settings.args)
        .env("RUSTC_WRAPPER", "")
        .timeout(BUILD_TIMEOUT);
    for (k, v) in settings.env {
        inv = inv.env(k, v);
    }
    let done = inv
        .run()
        .map_err(|e| format!("building core for {target} from rust-src: cannot run cargo: {e}"))?;
    if !done.outcome.is_success() {
        return Err(format!(
            "building core for {target} from rust-src failed: {}",
            done.outcome.summary()
        ));
    }
    // Where cargo keeps each unit's output is its own business (1.99's cargo: one `deps/`
    // directory; 1.101's: a directory per unit under `build/`), so the rlibs are taken from its
    // JSON messages, which a no-op build repeats too, and copied into one directory of ours. It is
    // emptied first: two builds of `core` side by side would be ambiguous to rustc's locator.
    let lib = dir.join("lib");
    let _ = std::fs::remove_dir_all(&lib);
    std::fs::create_dir_all(&lib).map_err(io)?;
    let mut has_core = false;
    for message in cargo_metadata::Message::parse_stream(done.stdout.as_bytes()).flatten() {
        let cargo_metadata::Message::CompilerArtifact(a) = message else {
            continue;
        };
        if a.target.name == "cores" {
            continue;
        }
        for file in &a.filenames {
            if !matches!(file.extension(), Some("rlib" | "rmeta")) {
                continue;
            }
            let name = file.file_name().unwrap_or_default();
            std::fs::copy(file, lib.join(name)).map_err(io)?;
            has_core |= name.starts_with("libcore-");
        }
    }
    if !has_core {
        return Err(format!(
            "building core for {target}: cargo reported no libcore rlib (build in {})",
            target_dir.display()
        ));
    }
    Ok(lib)
}
