//! SVG graphs, drawn with plotters from a results file:
//! - `ratios-<profile>.svg`: per hand-written workload, every toolchain as a bar of its ratio to the
//!   baseline (scenario full); below 1 is faster than the baseline.
//! - `scaling-<family>-<profile>.svg`: cost against size on log-log axes, one line per toolchain,
//!   the fitted exponent in the legend.
//! - `history-<profile>.svg`: cost per workload over toolchains ordered by release (log y), the
//!   graph of a `--history` sweep.

use super::fit;
use super::stats::{self, Metric};
use super::summary::primary_metric;
use crate::benchmark::{Profile, Scenario};
use crate::results::ResultsFile;
use plotters::prelude::*;
use std::path::Path;

const PALETTE: [RGBColor; 13] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(255, 187, 120),
    RGBColor(152, 223, 138),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Draw every graph the data supports; returns the file names (relative to `dir`).
pub fn draw_all(data: &ResultsFile, dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let metric = primary_metric(data);
    let err = |e: Box<dyn std::error::Error>| anyhow::anyhow!("drawing a graph: {e}");
    for &p in &data.run.profiles {
        let name = format!("ratios-{p}.svg");
        if ratios(data, p, metric, &dir.join(&name)).map_err(err)? {
            out.push(name);
        }
    }
    for (family, p) in fit::scaling_sets(data) {
        let name = format!("scaling-{}-{p}.svg", family.name());
        if scaling(data, family, p, metric, &dir.join(&name)).map_err(err)? {
            out.push(name);
        }
    }
    for &p in &data.run.profiles {
        let name = format!("history-{p}.svg");
        if history(data, p, metric, &dir.join(&name)).map_err(err)? {
            out.push(name);
        }
    }
    Ok(out)
}

fn hand_written(data: &ResultsFile) -> Vec<String> {
    data.workloads
        .iter()
        .filter(|w| w.generated.is_none())
        .map(|w| w.name.clone())
        .collect()
}

/// Grouped bars of ratios to the baseline. Returns false (and draws nothing) without data.
fn ratios(data: &ResultsFile, p: Profile, metric: Metric, path: &Path) -> DrawResult<bool> {
    let tcs = data.toolchain_names();
    let base = &data.run.baseline;
    let workloads = hand_written(data);
    let mut bars = Vec::new(); // (workload index, toolchain index, ratio)
    for (wi, w) in workloads.iter().enumerate() {
        let Some(b) = stats::case_min(data, base, w, p, Scenario::Full, metric) else {
            continue;
        };
        for (ti, t) in tcs.iter().enumerate() {
            if let Some(r) = stats::case_min(data, t, w, p, Scenario::Full, metric).and_then(|v| stats::ratio(v, b)) {
                bars.push((wi, ti, r));
            }
        }
    }
    if bars.is_empty() {
        return Ok(false);
    }
    let ymax = bars.iter().map(|b| b.2).fold(1.0, f64::max) * 1.15;
    let n = workloads.len();
    let root = SVGBackend::new(path, ((200 + 220 * n as u32).max(760), 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = format!(
        "{} ratio to {base}, profile {p}, scenario full (lower is better)",
        metric.label()
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 18))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..ymax)?;
    let names = workloads.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.max(2) * 2 + 1)
        .x_label_formatter(&|x| category_label(&names, *x))
        .y_desc(format!("{} / {base}", metric.label()))
        .draw()?;
    let width = 0.8 / tcs.len() as f64;
    for (ti, t) in tcs.iter().enumerate() {
        let c = color(ti);
        let rects: Vec<_> = bars
            .iter()
            .filter(|b| b.1 == ti)
            .map(|&(wi, _, r)| {
                let x0 = wi as f64 - 0.4 + ti as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.9, r)], c.filled())
            })
            .collect();
        if rects.is_empty() {
            continue;
        }
        chart
            .draw_series(rects)?
            .label(t.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        chart.draw_series(bars.iter().filter(|b| b.1 == ti).map(|&(wi, _, r)| {
            let x = wi as f64 - 0.4 + ti as f64 * width + width * 0.45;
            Text::new(
                format!("{r:.2}"),
                (x - width * 0.3, r + ymax * 0.01),
                ("sans-serif", 11),
            )
        }))?;
    }
    chart.draw_series(LineSeries::new(
        [(-0.5, 1.0), (n as f64 - 0.5, 1.0)],
        BLACK.stroke_width(1),
    ))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(true)
}

/// Log axes are drawn as linear axes over log10 of the values (plotters' log scale labels only
/// powers of ten, which leaves a narrow range unlabelled); labels print 10^v back in the metric's unit.
fn log_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| *v > 0.0)
        .map(f64::log10)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(0.05);
    (lo - pad, hi + pad)
}

fn log_point((x, y): (f64, f64)) -> (f64, f64) {
    (x, y.log10())
}

/// Log-log cost against size, one line per toolchain, exponent in the legend.
fn scaling(
    data: &ResultsFile,
    family: workload_gen::Family,
    p: Profile,
    metric: Metric,
    path: &Path,
) -> DrawResult<bool> {
    let series = fit::scaling(data, family, p, metric);
    if series.iter().all(|s| s.points.len() < 2) {
        return Ok(false);
    }
    let (x0, x1) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let (y0, y1) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let root = SVGBackend::new(path, (820, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Scaling: family {}, profile {p}, scenario full", family.name()),
            ("sans-serif", 18),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(75)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(format!("size ({})", family.size_unit()))
        .x_labels(8)
        .x_label_formatter(&|v| format!("{:.0}", 10f64.powf(*v)))
        .y_desc(format!("{} (log scale)", metric.label()))
        .y_labels(8)
        .y_label_formatter(&|v| metric.format(10f64.powf(*v)))
        .draw()?;
    let tcs = data.toolchain_names();
    for s in &series {
        let ti = tcs.iter().position(|t| t == &s.toolchain).unwrap_or(0);
        let c = color(ti);
        let label = match s.fit {
            Some(f) => format!("{}: k = {:.2} (R² {:.3})", s.toolchain, f.exponent, f.r2),
            None => s.toolchain.clone(),
        };
        chart
            .draw_series(LineSeries::new(
                s.points.iter().map(|p| (p.0.log10(), p.1.log10())),
                c.stroke_width(2),
            ))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        chart.draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.0.log10(), p.1.log10()), 3, c.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(true)
}

/// Toolchains in release order (nightlies and the fork after the release they build).
pub fn release_order(data: &ResultsFile) -> Vec<String> {
    let mut tcs: Vec<_> = data
        .envelope
        .toolchains
        .iter()
        .map(|t| {
            (
                t.version.semver().unwrap_or((0, 0, 0)),
                t.version.release.contains('-'),
                t.fork.is_some(),
                t.name.clone(),
            )
        })
        .collect();
    tcs.sort();
    tcs.into_iter().map(|t| t.3).collect()
}

/// Cost per workload across toolchains in release order (log y).
fn history(data: &ResultsFile, p: Profile, metric: Metric, path: &Path) -> DrawResult<bool> {
    let tcs = release_order(data);
    if tcs.len() < 3 {
        return Ok(false);
    }
    let workloads = hand_written(data);
    let lines: Vec<(String, Vec<(f64, f64)>)> = workloads
        .iter()
        .map(|w| {
            let pts = tcs
                .iter()
                .enumerate()
                .filter_map(|(i, t)| stats::case_min(data, t, w, p, Scenario::Full, metric).map(|v| (i as f64, v)))
                .collect();
            (w.clone(), pts)
        })
        .filter(|(_, pts): &(String, Vec<_>)| !pts.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(false);
    }
    let (y0, y1) = log_range(lines.iter().flat_map(|l| l.1.iter().map(|p| p.1)));
    let root = SVGBackend::new(path, ((160 + 80 * tcs.len() as u32).max(760), 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{} by toolchain, profile {p}, scenario full", metric.label()),
            ("sans-serif", 18),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(75)
        .build_cartesian_2d(-0.5f64..(tcs.len() as f64 - 0.5), y0..y1)?;
    let names = tcs.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(tcs.len() * 2 + 1)
        .x_label_formatter(&|x| category_label(&names, *x))
        .y_desc(format!("{} (log scale)", metric.label()))
        .y_labels(8)
        .y_label_formatter(&|v| metric.format(10f64.powf(*v)))
        .draw()?;
    for (i, (w, pts)) in lines.iter().enumerate() {
        let c = color(i);
        chart
            .draw_series(LineSeries::new(pts.iter().map(|&p| log_point(p)), c.stroke_width(2)))?
            .label(w.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        chart.draw_series(pts.iter().map(|&p| Circle::new(log_point(p), 3, c.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(true)
}

/// The label of a categorical x axis at `x`: the name at an integer position, nothing between.
fn category_label(names: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].clone()
    } else {
        String::new()
    }
}
