//! The runtime bench folded into a run: for each toolchain of the run, `cargo bench -p
//! runtime-bench` with that toolchain's rustc (its own target directory, so toolchains do not share
//! artefacts), then criterion's estimates (`criterion/<id>/new/estimates.json`, nanoseconds) are
//! read back into `results.json` under `runtime`. A toolchain that cannot build the bench (too old
//! for criterion or for async closures) is reported and skipped.

use crate::execute::capture::cargo_for;
use crate::results::{ResultsFile, RuntimeResult, Store};
use harness::process::{self, Cmd};
use harness::ToolchainInfo;
use std::path::Path;
use std::time::Duration;

/// Run the bench with every toolchain of `data` (from the repository at `repo`) and save the
/// results into `out_dir/results.json`.
pub fn fold_into(data: &mut ResultsFile, repo: &Path, out_dir: &Path) -> anyhow::Result<()> {
    data.runtime.clear();
    for tc in data.envelope.toolchains.clone() {
        eprintln!("bench: runtime bench (criterion) with {}", tc.name);
        let target_dir = repo.join("target/runtime-bench").join(tc.dir_name());
        let cmd = bench_command(&tc, repo, &target_dir);
        let m = process::run(&cmd, Duration::from_secs(1800))?;
        if !m.outcome.is_success() {
            // cargo's exit code 101 is any failure, not an ICE: report its first error line.
            eprintln!(
                "bench: runtime bench with {} failed: {}",
                tc.name,
                harness::rustc::first_error_line(&m.stderr)
            );
            continue;
        }
        for (workload, mean_ns, median_ns) in read_estimates(&target_dir.join("criterion"))? {
            data.runtime.push(RuntimeResult {
                toolchain: tc.name.clone(),
                workload,
                mean_ns,
                median_ns,
            });
        }
    }
    Store::create(&out_dir.join("results.json"), data.clone())?;
    Ok(())
}

/// `cargo bench` of the runtime bench with `tc`: its real rustc, its flags for every crate of the
/// bench (a flagged spec such as `async-fork -Zswitch=no` is measured with the switch), and its own
/// target directory. The caller's cargo and rustflags settings are left out, so they cannot leak in.
pub fn bench_command(tc: &ToolchainInfo, repo: &Path, target_dir: &Path) -> Cmd {
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| (k == "CARGO_HOME" || !k.starts_with("CARGO_")) && k != "RUSTFLAGS" && k != "RUSTUP_TOOLCHAIN")
        .collect();
    env.extend(tc.cargo_settings(None).env);
    env.push(("CARGO_TARGET_DIR".into(), target_dir.display().to_string()));
    Cmd {
        program: cargo_for(&tc.rustc),
        args: [
            "bench",
            "-q",
            "-p",
            "runtime-bench",
            "--bench",
            "poll",
            "--manifest-path",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([repo.join("Cargo.toml").display().to_string()])
        .collect(),
        cwd: repo.to_path_buf(),
        env: Some(env),
    }
}

/// (benchmark id, mean ns, median ns) of every benchmark criterion wrote under `dir`.
pub fn read_estimates(dir: &Path) -> anyhow::Result<Vec<(String, f64, f64)>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for e in entries.flatten() {
        let f = e.path().join("new/estimates.json");
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let get = |k: &str| v[k]["point_estimate"].as_f64();
        if let (Some(mean), Some(median)) = (get("mean"), get("median")) {
            out.push((e.file_name().to_string_lossy().into_owned(), mean, median));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn flagged_side_is_built_with_its_flags() {
        let repo = crate::repo_root();
        let plain: harness::ToolchainSpec = "stable".parse().unwrap();
        let flagged: harness::ToolchainSpec = "stable -Cdebug-assertions=on".parse().unwrap();
        let env_of = |spec: &harness::ToolchainSpec| {
            let tc = spec.resolve().unwrap();
            let cmd = super::bench_command(&tc, &repo, &repo.join("target/runtime-bench").join(tc.dir_name()));
            cmd.env.unwrap()
        };
        let get = |env: &[(String, String)], k: &str| {
            env.iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (a, b) = (env_of(&plain), env_of(&flagged));
        assert_eq!(get(&a, "CARGO_ENCODED_RUSTFLAGS"), "");
        assert_eq!(get(&b, "CARGO_ENCODED_RUSTFLAGS"), "-Cdebug-assertions=on");
        assert_ne!(get(&a, "CARGO_TARGET_DIR"), get(&b, "CARGO_TARGET_DIR"));
    }

    #[test]
    fn reads_criterion_estimates() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("gen-chain-16/new");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("estimates.json"),
            r#"{"mean":{"point_estimate":120.5,"standard_error":1.0},"median":{"point_estimate":118.0}}"#,
        )
        .unwrap();
        std::fs::create_dir_all(tmp.path().join("report")).unwrap();
        let e = super::read_estimates(tmp.path()).unwrap();
        assert_eq!(e, vec![("gen-chain-16".to_string(), 120.5, 118.0)]);
    }
}
