//! The committed reference runs stay readable: every `results/**/results.json` of this schema
//! loads, and its `summary.md` re-renders byte for byte from it (graphs drawn into a scratch
//! directory). A change to the schema or to the report shows up here first. A `bench rustc-perf`
//! run (the same schema plus a `rustc_perf` section) re-renders through its own report.

use collector::report;
use collector::results;
use std::path::{Path, PathBuf};

fn committed_runs() -> Vec<PathBuf> {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results");
    let mut runs = Vec::new();
    let mut dirs = vec![results];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n == "results.json")
                && std::fs::read_to_string(&p).unwrap().contains("\"compile-bench/1\"")
            {
                runs.push(d.clone());
            }
        }
    }
    runs.sort();
    runs
}

#[test]
fn committed_runs_load_and_render_unchanged() {
    let runs = committed_runs();
    assert!(runs.len() >= 3, "{runs:?}");
    for run in runs {
        if let Ok(perf) = collector::rustc_perf::RunFile::load(&run) {
            let committed = std::fs::read_to_string(run.join("summary.md")).unwrap();
            let now = collector::rustc_perf::report::render(&perf);
            assert!(now == committed, "{}: summary.md renders differently", run.display());
            continue;
        }
        let data = results::load(&run).unwrap_or_else(|e| panic!("{}: {e:#}", run.display()));
        let scratch = tempfile::tempdir().unwrap();
        report::write_all(&data, scratch.path()).unwrap();
        let now = std::fs::read_to_string(scratch.path().join("summary.md")).unwrap();
        let committed = std::fs::read_to_string(run.join("summary.md")).unwrap();
        assert!(now == committed, "{}: summary.md renders differently", run.display());
    }
}
