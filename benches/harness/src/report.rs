//! The one report writer: every tool's result is a JSON record (its [`Envelope`](crate::envelope::Envelope)
//! first) and a Markdown rendering of it, written side by side as `<dir>/<stem>.json` and
//! `<dir>/<stem>.md`. Files are replaced atomically (written beside, then renamed), so a reader or a
//! crash never sees half a file. Markdown tables go through [`Table`], so column alignment and cell
//! escaping are decided in one place.

use anyhow::Context as _;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where [`write_pair`] put the two files.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub json: PathBuf,
    pub markdown: PathBuf,
}

/// Write `record` as `<dir>/<stem>.json` (pretty, with a final newline) and `markdown` as
/// `<dir>/<stem>.md`, creating `dir`.
pub fn write_pair<T: Serialize + ?Sized>(
    dir: &Path,
    stem: &str,
    record: &T,
    markdown: &str,
) -> anyhow::Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let written = Written {
        json: dir.join(format!("{stem}.json")),
        markdown: dir.join(format!("{stem}.md")),
    };
    write_json(&written.json, record)?;
    write_text(&written.markdown, markdown)?;
    Ok(written)
}

/// Read back what [`write_pair`] wrote: `<dir>/<stem>.json` as a `T`, and `<dir>/<stem>.md`.
pub fn read_pair<T: serde::de::DeserializeOwned>(dir: &Path, stem: &str) -> anyhow::Result<(T, String)> {
    let json = dir.join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&json).with_context(|| format!("reading {}", json.display()))?;
    let record = serde_json::from_str(&text).with_context(|| format!("parsing {}", json.display()))?;
    let md = dir.join(format!("{stem}.md"));
    let markdown = std::fs::read_to_string(&md).with_context(|| format!("reading {}", md.display()))?;
    Ok((record, markdown))
}

/// Write `record` as pretty JSON with a final newline, atomically.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, record: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(record).with_context(|| format!("serializing {}", path.display()))?;
    write_text(path, &(text + "\n"))
}

/// Write `text` to `path` atomically: to `<path>.tmp`, then renamed over `path`.
pub fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

/// How a column's cells are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A Markdown (GitHub) table: a header row, an alignment row, one line per row. `|` in a cell is
/// escaped, so a cell cannot split a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles, all left-aligned.
    pub fn new<S: ToString>(header: impl IntoIterator<Item = S>) -> Table {
        let header: Vec<String> = header.into_iter().map(|h| h.to_string()).collect();
        Table {
            align: vec![Align::Left; header.len()],
            header,
            rows: Vec::new(),
        }
    }

    /// A table without column titles (key/value lists): Markdown still needs a header row, which
    /// renders as empty cells, `| | |`.
    pub fn headerless(columns: usize) -> Table {
        Table::new(vec![String::new(); columns])
    }

    /// Right-align the columns from `first` on (numbers, after the label columns).
    pub fn numeric_from(mut self, first: usize) -> Table {
        for a in self.align.iter_mut().skip(first) {
            *a = Align::Right;
        }
        self
    }

    /// Align one column.
    pub fn align(mut self, column: usize, align: Align) -> Table {
        if let Some(a) = self.align.get_mut(column) {
            *a = align;
        }
        self
    }

    /// Add a row; missing cells are empty, extra ones an error of the caller (debug assertion).
    pub fn row<S: ToString>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Table {
        let mut row: Vec<String> = cells.into_iter().map(|c| c.to_string().replace('|', "\\|")).collect();
        debug_assert!(row.len() <= self.header.len(), "a row wider than the header");
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as Markdown, one line per row, each ending in a newline.
    pub fn render(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut s = match self.header.iter().all(String::is_empty) {
            true => format!("|{}\n", " |".repeat(self.header.len())),
            false => line(&self.header),
        };
        let rule: Vec<String> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => "---".to_string(),
                Align::Right => "---:".to_string(),
            })
            .collect();
        let _ = writeln!(s, "|{}|", rule.join("|"));
        for r in &self.rows {
            s.push_str(&line(r));
        }
        s
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_tables() {
        let mut t = Table::new(["case", "stable", "fork", "why"])
            .numeric_from(1)
            .align(3, Align::Left);
        t.row(["leaf", "2050", "1026"]).row(["a|b", "1"]);
        assert_eq!(
            t.render(),
            "| case | stable | fork | why |\n|---|---:|---:|---|\n| leaf | 2050 | 1026 |  |\n| a\\|b | 1 |  |  |\n"
        );
    }

    #[test]
    fn headerless_tables_have_an_empty_header_row() {
        let mut t = Table::headerless(2);
        t.row(["identical", "1000"]);
        assert_eq!(t.render(), "| | |\n|---|---|\n| identical | 1000 |\n");
    }

    #[test]
    fn writes_json_and_markdown_side_by_side() {
        let dir = tempfile::tempdir().unwrap();
        let w = write_pair(&dir.path().join("new"), "r", &serde_json::json!({"a": 1}), "# r\n").unwrap();
        assert_eq!(std::fs::read_to_string(&w.json).unwrap(), "{\n  \"a\": 1\n}\n");
        assert_eq!(std::fs::read_to_string(&w.markdown).unwrap(), "# r\n");
        let (back, md): (serde_json::Value, String) = read_pair(&dir.path().join("new"), "r").unwrap();
        assert_eq!((back, md.as_str()), (serde_json::json!({"a": 1}), "# r\n"));
        assert!(!dir.path().join("new/r.json.tmp").exists());
    }
}
