//! Judging the numbers: ratios, the geometric mean, and the differential check.
//!
//! Sizes are compared two ways: to the case's ideal (how far a toolchain is from a layout that
//! stores every argument once), and to the baseline toolchain (stable: what the fork changes).
//! The criterion is the geometric mean of toolchain / baseline over the cases with
//! by-value arguments; the geometric mean is the right average of ratios because a case that
//! halves and one that doubles cancel out. Outputs are compared line by line with the baseline's:
//! a compiler that shrinks futures must not change what they do.

use crate::corpus::Case;
use crate::transcript::Transcript;
use serde::Serialize;

/// One case on one toolchain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub case: String,
    pub by_value: bool,
    pub ideal: u64,
    pub size: Option<u64>,
    pub baseline: Option<u64>,
}

impl Row {
    pub fn to_ideal(&self) -> Option<f64> {
        Some(self.size? as f64 / self.ideal as f64)
    }
    pub fn to_baseline(&self) -> Option<f64> {
        Some(self.size? as f64 / self.baseline? as f64)
    }
}

/// The table of one toolchain against the baseline's transcript.
pub fn rows(cases: &[Case], t: &Transcript, baseline: Option<&Transcript>) -> Vec<Row> {
    cases
        .iter()
        .map(|c| Row {
            case: c.name.clone(),
            by_value: c.by_value,
            ideal: c.ideal,
            size: t.sizes.get(&c.name).copied(),
            baseline: baseline.and_then(|b| b.sizes.get(&c.name).copied()),
        })
        .collect()
}

/// Geometric mean of positive ratios; `None` for an empty list.
pub fn geometric_mean(ratios: &[f64]) -> Option<f64> {
    if ratios.is_empty() || ratios.iter().any(|r| r.is_nan() || *r <= 0.0) {
        return None;
    }
    Some((ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp())
}

/// The criterion: geometric mean of size / baseline over the by-value cases.
pub fn by_value_geomean(rows: &[Row]) -> Option<f64> {
    let ratios: Vec<f64> = rows
        .iter()
        .filter(|r| r.by_value)
        .filter_map(Row::to_baseline)
        .collect();
    geometric_mean(&ratios)
}

/// Cases larger than on the baseline (the issue requires none).
pub fn grown(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter(|r| matches!((r.size, r.baseline), (Some(s), Some(b)) if s > b))
        .map(|r| r.case.clone())
        .collect()
}

/// Cases smaller than their ideal: the ideal is wrong (or the compiler beat it); either way a
/// human must look.
pub fn below_ideal(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.size.is_some_and(|s| s < r.ideal))
        .map(|r| r.case.clone())
        .collect()
}

/// A case whose observable output differs from the baseline's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub case: String,
    /// Index of the first differing output line.
    pub line: usize,
    /// The baseline's line there (`None`: the baseline's output ended).
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// Every case whose output in `other` differs from `base`, including cases missing on one side.
pub fn differences(base: &Transcript, other: &Transcript) -> Vec<Difference> {
    let empty = Vec::new();
    let mut names: Vec<&String> = base.outputs.keys().chain(other.outputs.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let a = base.outputs.get(name).unwrap_or(&empty);
            let b = other.outputs.get(name).unwrap_or(&empty);
            let line = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
            Some(Difference {
                case: name.clone(),
                line,
                expected: a.get(line).cloned(),
                actual: b.get(line).cloned(),
            })
        })
        .collect()
}

/// Cases whose size differs between two builds of one toolchain (e.g. opt-level 0 and 3).
pub fn size_mismatches(a: &Transcript, b: &Transcript) -> Vec<String> {
    a.sizes
        .iter()
        .filter(|(name, size)| b.sizes.get(*name) != Some(size))
        .map(|(name, _)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(text: &str) -> Transcript {
        Transcript::parse(text).unwrap()
    }

    #[test]
    fn geometric_mean_math() {
        assert_eq!(geometric_mean(&[]), None);
        assert!((geometric_mean(&[0.5, 2.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((geometric_mean(&[0.25, 1.0]).unwrap() - 0.5).abs() < 1e-12);
        assert!((geometric_mean(&[0.5, 0.5, 0.5]).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(geometric_mean(&[1.0, 0.0]), None);
    }

    #[test]
    fn geomean_counts_only_by_value_cases() {
        let row = |case: &str, by_value, size, baseline| Row {
            case: case.into(),
            by_value,
            ideal: 1,
            size: Some(size),
            baseline: Some(baseline),
        };
        let rows = vec![
            row("a", true, 1026, 2050),
            row("b", true, 1027, 3075),
            row("c", false, 100, 10),
        ];
        let expected = ((1026.0 / 2050.0) * (1027.0_f64 / 3075.0)).sqrt();
        assert!((by_value_geomean(&rows).unwrap() - expected).abs() < 1e-12);
        assert_eq!(grown(&rows), vec!["c"]);
        assert_eq!(below_ideal(&rows), Vec::<String>::new());
    }

    #[test]
    fn differing_output_is_reported() {
        let stable =
            transcript("size a 8\nout a complete ready 1\nsize b 8\nout b unpolled drop x\nout b unpolled drop y\n");
        let fork =
            transcript("size a 4\nout a complete ready 1\nsize b 4\nout b unpolled drop y\nout b unpolled drop x\n");
        let d = differences(&stable, &fork);
        assert_eq!(d.len(), 1, "sizes must not count, only outputs: {d:?}");
        assert_eq!(d[0].case, "b");
        assert_eq!(d[0].line, 0);
        assert_eq!(d[0].expected.as_deref(), Some("unpolled drop x"));
        assert_eq!(d[0].actual.as_deref(), Some("unpolled drop y"));
        assert!(differences(&stable, &stable).is_empty());
    }

    #[test]
    fn missing_or_extra_output_is_a_difference() {
        let full = transcript("size a 8\nout a complete ready 1\nout a complete drop z\n");
        let short = transcript("size a 8\nout a complete ready 1\n");
        let d = differences(&full, &short);
        assert_eq!((d[0].line, d[0].actual.clone()), (1, None));
        assert_eq!(
            size_mismatches(&full, &transcript("size a 9\nout a complete ready 1\n")),
            vec!["a"]
        );
    }
}
