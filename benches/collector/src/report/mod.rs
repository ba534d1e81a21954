//! Reports: everything derived from a results file and nothing else (so `bench report RUN` can
//! redraw them for an old run): `summary.md`, the SVG graphs, and `compare` tables.

pub mod compare;
pub mod fit;
pub mod graphs;
pub mod stats;
pub mod summary;

use crate::results::ResultsFile;
use std::path::Path;

/// Write summary.md and every graph for `data` into `dir`; returns the graph files written.
pub fn write_all(data: &ResultsFile, dir: &Path) -> anyhow::Result<Vec<String>> {
    let graphs = graphs::draw_all(data, dir)?;
    let md = summary::render(data, &graphs);
    harness::report::write_text(&dir.join("summary.md"), &md)?;
    Ok(graphs)
}
