//! The firmware's output, split in two: transcript lines, which must be identical on every
//! toolchain, and `metric <name> <subject> <value>` lines, which are the measurements the firmware
//! makes of itself (`size_of` of futures, heap use) and legitimately differ between toolchains.

use std::collections::BTreeMap;

/// Output of one run, split.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub transcript: Vec<String>,
    /// `(name, subject) -> value`, e.g. `("future_bytes", "temperature_task") -> 100`.
    pub metrics: BTreeMap<(String, String), u64>,
}

impl Output {
    pub fn parse(stdout: &str) -> Output {
        let mut out = Output::default();
        for line in stdout.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                ["metric", name, subject, value] if value.parse::<u64>().is_ok() => {
                    out.metrics
                        .insert((name.to_string(), subject.to_string()), value.parse().unwrap_or(0));
                }
                _ => out.transcript.push(line.trim_end().to_string()),
            }
        }
        out
    }

    /// All metrics called `name`, by subject.
    pub fn metric(&self, name: &str) -> BTreeMap<String, u64> {
        self.metrics
            .iter()
            .filter(|((n, _), _)| n == name)
            .map(|((_, s), v)| (s.clone(), *v))
            .collect()
    }
}

/// `None` when `actual` matches `expected` (a file's text), else where and how they first differ.
pub fn compare(expected: &str, actual: &[String]) -> Option<String> {
    let expected: Vec<&str> = expected.lines().map(str::trim_end).collect();
    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
        if e != a {
            return Some(format!("line {}: expected `{e}`, got `{a}`", i + 1));
        }
    }
    match expected.len().cmp(&actual.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!(
            "output ends after line {}; expected next `{}`",
            actual.len(),
            expected[actual.len()]
        )),
        std::cmp::Ordering::Less => Some(format!(
            "unexpected extra output from line {}: `{}`",
            expected.len() + 1,
            actual[expected.len()]
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_metrics_from_transcript() {
        let out = Output::parse("hello\nmetric future_bytes t 100\nmetric bogus line\nbye\n");
        assert_eq!(out.transcript, ["hello", "metric bogus line", "bye"]);
        assert_eq!(out.metric("future_bytes").get("t"), Some(&100));
    }

    #[test]
    fn compare_reports_first_difference() {
        let actual: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(compare("a\nb\n", &actual), None);
        assert_eq!(compare("a\nc\n", &actual).unwrap(), "line 2: expected `c`, got `b`");
        assert!(compare("a\nb\nc\n", &actual).unwrap().contains("expected next `c`"));
        assert!(compare("a\n", &actual).unwrap().contains("extra output from line 2"));
    }
}
