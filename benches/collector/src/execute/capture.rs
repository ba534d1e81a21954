//! Step 1 of a measurement: let cargo prepare the dependencies and capture the leaf crate's rustc
//! command (see [`super::wrapper`]).
//!
//! Cargo runs with a clean build environment: the toolchain's real rustc in `RUSTC` (never the
//! rustup proxy), no `RUSTFLAGS`, non-incremental (`CARGO_INCREMENTAL=0`; incremental scenarios add
//! their own `-C incremental`), `--offline`, and a target directory of its own per build.

use super::wrapper;
use crate::benchmark::Profile;
use harness::process::{self, Cmd};
use harness::rustc::Outcome;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything needed to build one workload with one toolchain in one profile.
#[derive(Clone, Debug)]
pub struct Request {
    pub cargo: PathBuf,
    pub rustc: PathBuf,
    /// The materialised crate (with its `Cargo.toml`).
    pub crate_dir: PathBuf,
    pub target_dir: PathBuf,
    pub profile: Profile,
    pub cargo_opts: Vec<String>,
    pub crate_name: String,
    pub capture_file: PathBuf,
    pub timeout: Duration,
}

/// How the capture went.
#[derive(Clone, Debug)]
pub enum Captured {
    /// Cargo built everything; this is the leaf's command, ready to replay.
    Ready(Cmd),
    /// The leaf's own compilation failed; `outcome` is rustc's, from a replay of the command.
    LeafFailed { cmd: Cmd, outcome: Outcome },
    /// Cargo failed before reaching the leaf (an old cargo, a dependency, the manifest).
    CargoFailed { message: String },
}

/// Variables that would change what cargo or rustc do, removed from cargo's environment.
const SCRUB: &[&str] = &[
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTUP_TOOLCHAIN",
    "MAKEFLAGS",
    "MFLAGS",
];

pub fn capture(req: &Request) -> anyhow::Result<Captured> {
    let _ = std::fs::remove_file(&req.capture_file);
    let self_exe = std::env::current_exe()?;
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            // Keep CARGO_HOME (registry location); drop every other CARGO_* that `cargo run` or a
            // user's shell may have set (CARGO_TARGET_DIR, CARGO_BUILD_*, CARGO_ENCODED_RUSTFLAGS...).
            (k == "CARGO_HOME" || !k.starts_with("CARGO_")) && !SCRUB.contains(&k.as_str()) && !k.starts_with("BENCH_")
        })
        .collect();
    let set = [
        ("RUSTC", req.rustc.display().to_string()),
        ("RUSTC_WRAPPER", self_exe.display().to_string()),
        (wrapper::ENV_MODE, "1".to_string()),
        (wrapper::ENV_CRATE, req.crate_name.clone()),
        (wrapper::ENV_FILE, req.capture_file.display().to_string()),
        ("CARGO_TARGET_DIR", req.target_dir.display().to_string()),
        ("CARGO_INCREMENTAL", "0".to_string()),
        ("CARGO_TERM_COLOR", "never".to_string()),
    ];
    env.extend(set.into_iter().map(|(k, v)| (k.to_string(), v)));
    let mut args: Vec<String> = req.profile.cargo_args().iter().map(|s| s.to_string()).collect();
    args.extend(["--offline".to_string(), "--manifest-path".to_string()]);
    args.push(req.crate_dir.join("Cargo.toml").display().to_string());
    args.extend(req.cargo_opts.iter().cloned());
    let cargo = Cmd {
        program: req.cargo.clone(),
        args,
        cwd: req.crate_dir.clone(),
        env: Some(env),
    };
    let run = process::run(&cargo, req.timeout)?;
    let captured = match std::fs::read_to_string(&req.capture_file) {
        Ok(text) => Some(sanitize(serde_json::from_str::<Cmd>(&text)?)),
        Err(_) => None,
    };
    Ok(match (captured, run.outcome.is_success()) {
        (Some(cmd), true) => Captured::Ready(cmd),
        (Some(cmd), false) => {
            // Replay the leaf alone to classify its failure with rustc's own first error line.
            let outcome = process::run(&cmd, req.timeout)?.outcome;
            let outcome = match outcome {
                // rustc succeeded alone: cargo failed after it (should not happen; say so).
                Outcome::Success => Outcome::Crashed {
                    detail: format!(
                        "cargo failed after the leaf built: {}",
                        harness::rustc::first_error_line(&run.stderr)
                    ),
                },
                o => o,
            };
            Captured::LeafFailed { cmd, outcome }
        }
        (None, _) => Captured::CargoFailed {
            message: format!(
                "{} ({})",
                harness::rustc::first_error_line(&run.stderr),
                run.outcome.summary()
            ),
        },
    })
}

/// Jobserver variables name file descriptors that exist only inside cargo's process tree. A replay
/// that kept them would make rustc print "failed to connect to jobserver" in every measured run
/// (and count the printing), or, worse, talk to whatever the collector has open under those numbers.
const JOBSERVER_ENV: &[&str] = &["CARGO_MAKEFLAGS", "MAKEFLAGS", "MFLAGS"];

/// Make a captured command replayable on its own: drop cargo's JSON diagnostics flags so the replay
/// prints diagnostics as a user sees them (and the first error line can be read), and drop cargo's
/// jobserver from the environment.
pub fn sanitize(mut cmd: Cmd) -> Cmd {
    if let Some(env) = &mut cmd.env {
        env.retain(|(k, _)| !JOBSERVER_ENV.contains(&k.as_str()));
    }
    let mut out = Vec::with_capacity(cmd.args.len());
    let mut it = cmd.args.into_iter();
    while let Some(a) = it.next() {
        if a == "--error-format" || a == "--json" {
            it.next();
        } else if !(a.starts_with("--error-format=") || a.starts_with("--json=")) {
            out.push(a);
        }
    }
    cmd.args = out;
    cmd
}

/// Where the replayed crate lives must not change what rustc computes. The absolute paths of the
/// sources and outputs enter the crate's hash (SVH), hence every fingerprint the incremental cache
/// stores, and with them the hash tables' layouts: two runs in two scratch directories (the run id
/// is part of the path) counted `incr-unchanged` up to 0.75% apart, while repeats in one directory
/// agree within 0.05%. Remapping the build's directory to one fixed name makes the crate hash, the
/// query cache and the metadata byte-identical wherever the run happens (checked: same SVH from
/// three directories), at the cost of one path rewrite per file name rustc prints or stores.
pub const REMAPPED_DIR: &str = "/bench";

/// The leaf command with the build directory `dir` remapped to [`REMAPPED_DIR`].
pub fn location_independent(mut cmd: Cmd, dir: &Path) -> Cmd {
    cmd.args
        .push(format!("--remap-path-prefix={}={REMAPPED_DIR}", dir.display()));
    cmd
}

/// The cargo that drives a toolchain: the one beside its rustc (rustup toolchains have one), else
/// stable's (the fork's stage1 sysroot has no cargo; any recent cargo can drive any rustc).
pub fn cargo_for(rustc: &Path) -> PathBuf {
    if let Some(dir) = rustc.parent() {
        let sibling = dir.join("cargo");
        if sibling.is_file() {
            return sibling;
        }
    }
    std::process::Command::new("rustup")
        .args(["which", "--toolchain", "stable", "cargo"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_drops_json_flags_and_jobserver_only() {
        let cmd = Cmd {
            program: "rustc".into(),
            args: [
                "--crate-name",
                "x",
                "--error-format=json",
                "--json=diagnostic-rendered-ansi",
                "--json",
                "a",
                "-C",
                "opt-level=3",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            cwd: ".".into(),
            env: Some(vec![
                ("CARGO_MAKEFLAGS".into(), "-j --jobserver-fds=6,7".into()),
                ("CARGO_PKG_NAME".into(), "x".into()),
            ]),
        };
        let cmd = sanitize(cmd);
        assert_eq!(cmd.args, vec!["--crate-name", "x", "-C", "opt-level=3"]);
        assert_eq!(cmd.env, Some(vec![("CARGO_PKG_NAME".to_string(), "x".to_string())]));
    }

    #[test]
    fn remaps_the_build_directory() {
        let cmd = Cmd {
            program: "rustc".into(),
            args: vec!["src/lib.rs".into()],
            cwd: "/w/run-1/stable/x/debug/crate".into(),
            env: None,
        };
        let cmd = location_independent(cmd, Path::new("/w/run-1/stable/x/debug"));
        assert_eq!(cmd.args[1], "--remap-path-prefix=/w/run-1/stable/x/debug=/bench");
    }
}
