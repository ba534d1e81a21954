//! Scaling exponents: a least-squares line through (ln size, ln cost). Cost ~ size^k; k = 1 is
//! linear, k = 2 quadratic. The graph legend and summary print k with R².

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub exponent: f64,
    /// Cost at size 1 (the line's intercept, e^b).
    pub coefficient: f64,
    pub r2: f64,
    pub points: usize,
}

/// Fit `y = c * x^k` to the points with positive coordinates; None with fewer than two.
pub fn power_law(points: &[(f64, f64)]) -> Option<Fit> {
    let logs: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.ln(), y.ln()))
        .collect();
    let n = logs.len() as f64;
    if logs.len() < 2 {
        return None;
    }
    let mx = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let syy: f64 = logs.iter().map(|p| (p.1 - my).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let k = sxy / sxx;
    let b = my - k * mx;
    let r2 = if syy == 0.0 { 1.0 } else { (sxy * sxy) / (sxx * syy) };
    Some(Fit {
        exponent: k,
        coefficient: b.exp(),
        r2,
        points: logs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_exponents() {
        let quad: Vec<_> = [1.0, 2.0, 4.0, 8.0].iter().map(|&x| (x, 3.0 * x * x)).collect();
        let f = power_law(&quad).unwrap();
        assert!((f.exponent - 2.0).abs() < 1e-9, "{f:?}");
        assert!((f.coefficient - 3.0).abs() < 1e-9, "{f:?}");
        assert!((f.r2 - 1.0).abs() < 1e-9);
        // A fixed cost plus linear growth fits below 1.
        let affine: Vec<_> = [1.0, 10.0, 100.0].iter().map(|&x| (x, 1000.0 + x)).collect();
        assert!(power_law(&affine).unwrap().exponent < 0.1);
        assert_eq!(power_law(&[(1.0, 2.0)]), None);
        assert_eq!(power_law(&[(2.0, 1.0), (2.0, 5.0)]), None, "no spread in x");
    }
}

use super::stats::{self, Metric};
use crate::benchmark::{Profile, Scenario};
use crate::results::ResultsFile;
use workload_gen::Family;

/// One toolchain's points of a family: (size, min of the metric) per generated workload.
#[derive(Clone, Debug)]
pub struct Series {
    pub toolchain: String,
    pub points: Vec<(f64, f64)>,
    pub fit: Option<Fit>,
}

/// The scaling series of `family` in `profile` (scenario `full`), one per toolchain with data.
pub fn scaling(data: &ResultsFile, family: Family, profile: Profile, metric: Metric) -> Vec<Series> {
    let members: Vec<_> = data
        .workloads
        .iter()
        .filter_map(|w| {
            w.generated
                .filter(|s| s.family == family)
                .map(|s| (w.name.clone(), s.size() as f64))
        })
        .collect();
    let mut out = Vec::new();
    for tc in data.toolchain_names() {
        let mut points: Vec<(f64, f64)> = members
            .iter()
            .filter_map(|(name, size)| {
                stats::case_min(data, &tc, name, profile, Scenario::Full, metric).map(|v| (*size, v))
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        if !points.is_empty() {
            let fit = power_law(&points);
            out.push(Series {
                toolchain: tc,
                points,
                fit,
            });
        }
    }
    out
}

/// The families and profiles a run has scaling data for.
pub fn scaling_sets(data: &ResultsFile) -> Vec<(Family, Profile)> {
    let mut fams: Vec<Family> = data
        .workloads
        .iter()
        .filter_map(|w| w.generated.map(|s| s.family))
        .collect();
    fams.sort();
    fams.dedup();
    let mut out = Vec::new();
    for f in fams {
        for &p in &data.run.sweep_profiles {
            out.push((f, p));
        }
    }
    out
}
