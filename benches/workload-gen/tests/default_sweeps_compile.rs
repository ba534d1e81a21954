//! Every size of every family's default sweep must compile with the toolchain running the tests
//! (stable): a sweep point that no compiler accepts is a broken workload, not a measurement. The
//! largest chain and nested-block points once stopped at the default recursion limit on every
//! release; checking the largest point of each family (`--emit=metadata`, a few seconds) catches
//! that again.

use std::process::Command;
use workload_gen::Family;

#[test]
fn largest_point_of_each_default_sweep_compiles() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = tempfile::tempdir().unwrap();
    for family in Family::ALL {
        let spec = family.default_sweep().into_iter().max_by_key(|s| s.size()).unwrap();
        let dir = out.path().join(spec.name());
        spec.write(&dir).unwrap();
        let result = Command::new(&rustc)
            .args([
                "--edition",
                "2018",
                "--crate-type",
                "lib",
                "--emit=metadata",
                "--crate-name",
                "w",
            ])
            .arg(dir.join("src/lib.rs"))
            .arg("--out-dir")
            .arg(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            result.status.success(),
            "{} does not compile: {}",
            spec.name(),
            stderr.lines().find(|l| l.starts_with("error")).unwrap_or(&stderr)
        );
    }
}
