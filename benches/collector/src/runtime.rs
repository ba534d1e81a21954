//! The runtime bench folded into a run: for each toolchain of the run, `cargo bench -p
//! runtime-bench` with that toolchain's rustc (its own target directory, so toolchains do not share
//! artefacts), then criterion's estimates (`criterion/<id>/new/estimates.json`, nanoseconds) are
//! read back into `results.json` under `runtime`. A toolchain that cannot build the bench (too old
//! for criterion or for async closures) is reported and skipped.

use crate::execute::capture::cargo_for;
use crate::execute::process::{self, Cmd};
use crate::results::{ResultsFile, RuntimeResult, Store};
use crate::run::slug;
use std::path::Path;
use std::time::Duration;

/// Run the bench with every toolchain of `data` (from the repository at `repo`) and save the
/// results into `out_dir/results.json`.
pub fn fold_into(data: &mut ResultsFile, repo: &Path, out_dir: &Path) -> anyhow::Result<()> {
    data.runtime.clear();
    for tc in data.envelope.toolchains.clone() {
        eprintln!("bench: runtime bench (criterion) with {}", tc.name);
        let target_dir = repo.join("target/runtime-bench").join(slug(&tc.name));
        let mut env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| {
                (k == "CARGO_HOME" || !k.starts_with("CARGO_")) && k != "RUSTFLAGS" && k != "RUSTUP_TOOLCHAIN"
            })
            .collect();
        env.push(("RUSTC".into(), tc.rustc.display().to_string()));
        env.push(("CARGO_TARGET_DIR".into(), target_dir.display().to_string()));
        let cmd = Cmd {
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
        };
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
