//! `-Zself-profile`: where a toolchain accepts `-Z` flags (nightly, our fork), one extra native run
//! of the leaf with `-Zself-profile=<dir>` tells which queries the time went to. The profile is read
//! with measureme's own analysis (`analyzeme`, what `summarize` prints), and the top queries by
//! self time are kept in the results.

use harness::process::{self, Cmd};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryTime {
    pub query: String,
    pub self_time_s: f64,
    pub invocations: u64,
}

/// Run `cmd` once with `-Zself-profile` into `dir` and return the `top` queries by self time.
pub fn profile(cmd: &Cmd, dir: &Path, top: usize, timeout: Duration) -> Result<Vec<QueryTime>, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut cmd = cmd.clone();
    cmd.args.push(format!("-Zself-profile={}", dir.display()));
    let m = process::run(&cmd, timeout).map_err(|e| e.to_string())?;
    if !m.outcome.is_success() {
        return Err(format!("-Zself-profile run failed: {}", m.outcome.summary()));
    }
    let file = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "mm_profdata"))
        .ok_or("rustc wrote no .mm_profdata file")?;
    let stem = file.with_extension("");
    let data = analyzeme::ProfilingData::new(&stem).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut queries: Vec<QueryTime> = data
        .perform_analysis()
        .query_data
        .into_iter()
        .map(|q| QueryTime {
            query: q.label,
            self_time_s: q.self_time.as_secs_f64(),
            invocations: q.invocation_count as u64,
        })
        .collect();
    queries.sort_by(|a, b| b.self_time_s.total_cmp(&a.self_time_s));
    queries.truncate(top);
    let _ = std::fs::remove_dir_all(dir);
    Ok(queries)
}
