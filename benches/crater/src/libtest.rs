//! Reading what a libtest binary (or `cargo test --doc`) prints in its default, human format.
//!
//! The human format is the one every toolchain prints without unstable options (the JSON format
//! needs `-Zunstable-options`, which a release only takes with `RUSTC_BOOTSTRAP`, and that would
//! change how some crates' build scripts see the compiler). What it looks like:
//!
//! ```text
//! running 3 tests
//! test bounded::smoke ... ok
//! test bounded::len ... FAILED
//! test slow ... ignored, needs a network
//!
//! failures:
//!
//! ---- bounded::len stdout ----
//! ...
//!
//! failures:
//!     bounded::len
//!
//! test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s
//! ```
//!
//! Each test's line is written whole once the test ends (with more than one test thread), so a
//! line-by-line reading is exact; a test that prints around the harness can still split its own
//! line, so the `failures:` list at the end is read too, and the summary line gives the counts a
//! run must agree with. `cargo test --doc` prints the same per crate, one `running` block for
//! all of a crate's doc tests.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How one test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    Ignored,
}

/// The counts of a `test result:` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.ignored += o.ignored;
    }

    pub fn total(&self) -> u64 {
        self.passed + self.failed + self.ignored
    }
}

/// What one run printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Every test with a result line, by name.
    pub tests: BTreeMap<String, Status>,
    /// The summed `test result:` lines (one per `running` block); `None` when there was none,
    /// that is when the binary died before it finished.
    pub summary: Option<Counts>,
}

impl Report {
    /// Counts from the result lines read (where a summary is missing or disagrees, these are
    /// what was actually seen).
    pub fn counted(&self) -> Counts {
        let mut c = Counts::default();
        for s in self.tests.values() {
            match s {
                Status::Passed => c.passed += 1,
                Status::Failed => c.failed += 1,
                Status::Ignored => c.ignored += 1,
            }
        }
        c
    }
}

/// `test NAME ... RESULT`, where RESULT is `ok`, `FAILED`, `ignored` or `ignored, reason`.
fn result_line(line: &str) -> Option<(&str, Status)> {
    let rest = line.strip_prefix("test ")?;
    let (name, result) = rest.rsplit_once(" ... ")?;
    let status = match result.trim_end() {
        "ok" => Status::Passed,
        "FAILED" => Status::Failed,
        r if r == "ignored" || r.starts_with("ignored, ") => Status::Ignored,
        _ => return None,
    };
    Some((name, status))
}

/// `test result: ok. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in ..`
fn summary_line(line: &str) -> Option<Counts> {
    let rest = line.strip_prefix("test result: ")?;
    let (_, counts) = rest.split_once(". ")?;
    let mut c = Counts::default();
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match what {
            "passed" => c.passed = n,
            "failed" => c.failed = n,
            "ignored" => c.ignored = n,
            _ => {}
        }
    }
    Some(c)
}

/// Read one run's stdout.
pub fn parse(stdout: &str) -> Report {
    let mut r = Report::default();
    let mut in_failure_list = false;
    for line in stdout.lines() {
        if let Some((name, status)) = result_line(line) {
            r.tests.insert(name.to_string(), status);
            continue;
        }
        if let Some(c) = summary_line(line) {
            r.summary.get_or_insert_with(Counts::default).add(c);
            in_failure_list = false;
            continue;
        }
        // The list of names after the captured outputs: `failures:` then indented names.
        if line == "failures:" {
            in_failure_list = true;
            continue;
        }
        if in_failure_list {
            if let Some(name) = line.strip_prefix("    ") {
                if !name.is_empty() && !name.starts_with(' ') {
                    r.tests.insert(name.to_string(), Status::Failed);
                }
            } else if line.starts_with("---- ") {
                // The first `failures:` block holds outputs, not names.
                in_failure_list = false;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "
running 5 tests
test bounded::smoke ... ok
test bounded::len ... FAILED
test slow ... ignored
test net ... ignored, needs a network
test tricky::name ... with dots ... ok

failures:

---- bounded::len stdout ----
thread 'bounded::len' panicked at tests/bounded.rs:10:5:
assertion `left == right` failed
    left: 1
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    bounded::len

test result: FAILED. 2 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s

";

    #[test]
    fn reads_every_result_and_the_counts() {
        let r = parse(MIXED);
        assert_eq!(r.tests.len(), 5, "{:?}", r.tests);
        assert_eq!(r.tests["bounded::smoke"], Status::Passed);
        assert_eq!(r.tests["bounded::len"], Status::Failed);
        assert_eq!(r.tests["slow"], Status::Ignored);
        assert_eq!(r.tests["net"], Status::Ignored);
        assert_eq!(r.tests["tricky::name ... with dots"], Status::Passed);
        let c = Counts {
            passed: 2,
            failed: 1,
            ignored: 2,
        };
        assert_eq!(r.summary, Some(c));
        // The panic message's indented `left: 1` is not a test name.
        assert!(!r.tests.contains_key("left: 1"));
        assert_eq!(r.counted(), c);
    }

    #[test]
    fn a_split_result_line_is_recovered_from_the_failure_list() {
        let out = "running 2 tests\ntest a ... ok\ntest b ... noise printed by the test\nFAILED\n\n\
                   failures:\n\n---- b stdout ----\nboom\n\nfailures:\n    b\n\n\
                   test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0s\n";
        let r = parse(out);
        assert_eq!(r.tests["b"], Status::Failed);
        assert_eq!(r.counted(), r.summary.unwrap());
    }

    #[test]
    fn doc_tests_and_several_blocks_add_up() {
        let out = "running 1 test\ntest src/lib.rs - Mutex (line 12) ... ok\n\n\
                   test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.4s\n\n\
                   running 2 tests\ntest src/lib.rs - Mutex::lock (line 40) ... ok\n\
                   test src/lib.rs - Mutex::new (line 30) - compile fail ... ok\n\n\
                   test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.4s\n";
        let r = parse(out);
        assert_eq!(r.summary.unwrap().passed, 3);
        assert!(r.tests.contains_key("src/lib.rs - Mutex::new (line 30) - compile fail"));
    }

    #[test]
    fn a_binary_that_died_has_no_summary() {
        let r = parse("running 3 tests\ntest a ... ok\n");
        assert_eq!(r.summary, None);
        assert_eq!(r.counted().passed, 1);
    }

    #[test]
    fn other_lines_are_not_results() {
        for l in [
            "test a has been running for over 60 seconds",
            "test result: garbage",
            "testing ... ok",
            "test a ... bench:         100 ns/iter (+/- 3)",
        ] {
            let r = parse(l);
            assert!(r.tests.is_empty(), "{l}: {:?}", r.tests);
        }
    }
}
