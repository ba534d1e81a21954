//! The statistics every report uses: min and median of a case's samples, ratios to a baseline.

use crate::benchmark::{Profile, Scenario};
use crate::results::{Case, ResultsFile, Status};

pub fn min(v: &[f64]) -> Option<f64> {
    v.iter().copied().reduce(f64::min)
}

/// Median; the mean of the two middle values for an even count.
pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

/// Relative spread (max - min) / median: the noise of a case's samples.
pub fn spread(v: &[f64]) -> Option<f64> {
    let med = median(v)?;
    let max = v.iter().copied().reduce(f64::max)?;
    let lo = min(v)?;
    (med > 0.0).then(|| (max - lo) / med)
}

pub fn ratio(value: f64, baseline: f64) -> Option<f64> {
    (baseline > 0.0 && value.is_finite()).then(|| value / baseline)
}

/// Which number of a case a table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Instructions,
    Wall,
    Cpu,
    MaxRss,
}

impl Metric {
    pub fn samples(self, c: &Case) -> Vec<f64> {
        match self {
            Metric::Instructions => c.instructions.iter().map(|&n| n as f64).collect(),
            Metric::Wall => c.wall_s.clone(),
            Metric::Cpu => c.cpu_s.clone(),
            Metric::MaxRss => c.max_rss_kib.iter().map(|&n| n as f64).collect(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::Instructions => "instructions",
            Metric::Wall => "wall time",
            Metric::Cpu => "CPU time (user+sys)",
            Metric::MaxRss => "max RSS",
        }
    }

    pub fn format(self, v: f64) -> String {
        match self {
            Metric::Instructions => human_count(v),
            Metric::Wall | Metric::Cpu => format!("{:.3} s", v),
            Metric::MaxRss => format!("{:.0} MiB", v / 1024.0),
        }
    }
}

/// `15090000000` -> `15.09 G`.
pub fn human_count(v: f64) -> String {
    let (d, u) = match v.abs() {
        x if x >= 1e9 => (1e9, " G"),
        x if x >= 1e6 => (1e6, " M"),
        x if x >= 1e3 => (1e3, " k"),
        _ => (1.0, ""),
    };
    format!("{:.2}{u}", v / d)
}

/// The min of a measured case's samples of `metric`; None when not measured.
pub fn case_min(data: &ResultsFile, tc: &str, w: &str, p: Profile, s: Scenario, metric: Metric) -> Option<f64> {
    let c = data.case(tc, w, p, s)?;
    if c.status != Status::Measured {
        return None;
    }
    min(&metric.samples(c))
}

pub fn case_median(data: &ResultsFile, tc: &str, w: &str, p: Profile, s: Scenario, metric: Metric) -> Option<f64> {
    let c = data.case(tc, w, p, s)?;
    if c.status != Status::Measured {
        return None;
    }
    median(&metric.samples(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_median_spread() {
        assert_eq!(min(&[3.0, 1.0, 2.0]), Some(1.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(spread(&[9.0, 10.0, 11.0]), Some(0.2));
        assert_eq!(ratio(209e6, 15.09e9).map(|r| (r * 1e4).round()), Some(139.0));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(human_count(15.09e9), "15.09 G");
        assert_eq!(human_count(209_000_000.0), "209.00 M");
    }
}
