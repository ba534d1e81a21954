//! What a matrix run prints and stores: a Markdown table (tests down, toolchains across), the
//! reasons behind every non-pass, the measured future sizes against their ideals, and the JSON.

use crate::case::{CaseResult, Status};
use harness::envelope::Envelope;
use harness::report::{Align, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Schema of `--json` output; bump when its shape changes.
pub const SCHEMA: &str = "codegen-matrix/1";

#[derive(Serialize, Deserialize)]
pub struct MatrixReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub cases: Vec<CaseResult>,
}

impl MatrixReport {
    pub fn problems(&self) -> usize {
        self.cases.iter().filter(|c| c.status.is_problem()).count()
    }

    fn toolchain_names(&self) -> Vec<String> {
        self.envelope.toolchains.iter().map(|t| t.name.clone()).collect()
    }

    /// The status table, one row per test revision.
    pub fn table(&self) -> String {
        let tcs = self.toolchain_names();
        let mut rows: BTreeMap<(String, String), BTreeMap<String, &CaseResult>> = BTreeMap::new();
        for c in &self.cases {
            rows.entry((c.label(), c.target.to_string()))
                .or_default()
                .insert(c.toolchain.clone(), c);
        }
        let mut t = Table::new(["test", "target"].into_iter().chain(tcs.iter().map(String::as_str)));
        for ((label, target), by_tc) in &rows {
            let cells = tcs.iter().map(|t| by_tc.get(t).map(|c| c.status.cell()).unwrap_or(""));
            t.row([label.as_str(), target.as_str()].into_iter().chain(cells));
        }
        t.render()
    }

    /// Why each case that did not simply pass ended as it did.
    pub fn details(&self, with_diagnostics: bool) -> String {
        let mut s = String::new();
        for c in self.cases.iter().filter(|c| c.status != Status::Pass) {
            let first = c.detail.lines().next().unwrap_or("");
            let _ = writeln!(
                s,
                "- {} on {} ({}): {} — {}",
                c.label(),
                c.toolchain,
                c.target,
                c.status.cell(),
                first
            );
            if with_diagnostics && c.status == Status::Fail {
                let _ = writeln!(s, "  command: {}", c.command);
                for l in c.detail.lines().skip(1) {
                    let _ = writeln!(s, "  | {l}");
                }
            }
        }
        s
    }

    /// Future sizes per toolchain next to their ideals; the ratio shows the gap.
    pub fn sizes(&self) -> String {
        let tcs = self.toolchain_names();
        // (test, symbol, target) -> (ideal, reason, size per toolchain)
        type Row = (u64, String, BTreeMap<String, Option<u64>>);
        let mut rows: BTreeMap<(String, String, String), Row> = BTreeMap::new();
        for c in &self.cases {
            for m in &c.sizes {
                let e = rows
                    .entry((c.test.clone(), m.symbol.clone(), c.target.to_string()))
                    .or_insert_with(|| (m.ideal, m.reason.clone(), BTreeMap::new()));
                e.2.insert(c.toolchain.clone(), m.bytes);
            }
        }
        if rows.is_empty() {
            return String::new();
        }
        let header = ["future (test: symbol)", "target", "ideal"]
            .into_iter()
            .chain(tcs.iter().map(String::as_str))
            .chain(["why the ideal"]);
        let mut t = Table::new(header).numeric_from(2).align(3 + tcs.len(), Align::Left);
        for ((test, sym, target), (ideal, reason, by_tc)) in &rows {
            let cells = tcs.iter().map(|t| match by_tc.get(t) {
                Some(Some(b)) => format!("{b} ({:.2}x)", *b as f64 / *ideal as f64),
                Some(None) => "not constant".into(),
                None => "".into(),
            });
            t.row(
                [format!("{test}: {sym}"), target.clone(), ideal.to_string()]
                    .into_iter()
                    .chain(cells)
                    .chain([reason.clone()]),
            );
        }
        t.render()
    }
}

#[cfg(test)]
mod tests {
    /// The committed codegen matrix's tables come out of its JSON unchanged.
    #[test]
    fn committed_matrix_tables_render_unchanged() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results/codegen");
        let (report, md): (super::MatrixReport, _) = harness::report::read_pair(&dir, "matrix").unwrap();
        for table in [report.table(), report.sizes()] {
            assert!(!table.is_empty());
            assert!(md.contains(&table), "not in matrix.md:\n{table}");
        }
    }
}
