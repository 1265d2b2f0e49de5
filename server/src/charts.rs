//! The reports' charts as SVG, drawn by plotters: figures in, SVG text out (no I/O). Text is
//! left to the browser that shows the SVG (its CJK fonts), so the server needs no font files.

use chrono::NaiveDate;
use plotters::prelude::*;

/// Bar colour of the charts (the pages' blue).
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const FONT: &str = "sans-serif";
const SIZE: (u32, u32) = (760, 380);

type Result<T> = std::result::Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// `n` categories on a segmented axis: plotters' `0..m` has the segments `0..=m`, and one
/// category needs a range that is not empty.
fn segments(n: u32) -> plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordu32> {
    (if n <= 1 { 0..1 } else { 0..n - 1 }).into_segmented()
}

/// What a chart draws when a range has nothing to show: one empty category named "—" (plotters
/// cannot lay out an axis of no labels).
fn or_empty(items: &[(String, f64)]) -> Vec<(String, f64)> {
    if items.is_empty() {
        vec![("—".to_string(), 0.0)]
    } else {
        items.to_vec()
    }
}

/// The scale's end: the largest value and a tenth more (at least 1).
fn scale_end(items: &[(String, f64)]) -> f64 {
    items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0) * 1.1
}

/// A category's label at the centre of its segment (nothing at the segments' edges).
fn segment_label(items: &[(String, f64)], at: &SegmentValue<u32>) -> String {
    match at {
        SegmentValue::CenterOf(i) => items.get(*i as usize).map(|(l, _)| l.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Every chart's frame: white, its title, the margins, room for the axes' labels.
fn frame<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, plotters::coord::Shift>,
    title: &'b str,
    y_label_area: u32,
) -> Result<ChartBuilder<'a, 'b, DB>> {
    root.fill(&WHITE).map_err(err)?;
    let mut builder = ChartBuilder::on(root);
    builder.caption(title, (FONT, 20)).margin(12).x_label_area_size(36).y_label_area_size(y_label_area);
    Ok(builder)
}

/// Vertical bars over labelled categories (hours, wait bins): one value per label.
pub fn columns(title: &str, y_label: &str, bars: &[(String, f64)]) -> Result<String> {
    let bars = &or_empty(bars);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let n = bars.len().max(1) as u32;
        let mut chart = frame(&root, title, 56)?.build_cartesian_2d(segments(n), 0.0..scale_end(bars)).map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .y_desc(y_label)
            .x_labels(bars.len())
            .x_label_formatter(&|x| segment_label(bars, x))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(BAR.filled())
                    .margin(6)
                    .data(bars.iter().enumerate().map(|(i, (_, v))| (i as u32, *v))),
            )
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Horizontal bars for named groups (matters, windows): long Chinese names read on the left.
pub fn bars(title: &str, x_label: &str, rows: &[(String, f64)], x_max: Option<f64>) -> Result<String> {
    let rows = &or_empty(rows);
    let mut svg = String::new();
    let height = (80 + 28 * rows.len() as u32).max(200);
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, height)).into_drawing_area();
        let right = x_max.unwrap_or_else(|| scale_end(rows));
        let n = rows.len().max(1) as u32;
        let mut chart = frame(&root, title, 230)?.build_cartesian_2d(0.0..right, segments(n)).map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_desc(x_label)
            .y_labels(rows.len())
            .y_label_formatter(&|y| segment_label(rows, y))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                Histogram::horizontal(&chart)
                    .style(BAR.filled())
                    .margin(5)
                    .data(rows.iter().enumerate().map(|(i, (_, v))| (i as u32, *v))),
            )
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A line over the days of a range (a month's trend); the axis counts days from the first.
pub fn trend(title: &str, y_label: &str, days: &[(NaiveDate, u32)]) -> Result<String> {
    if days.is_empty() {
        return Err("no days to draw".into());
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let last = (days.len() as i32 - 1).max(1);
        let top = f64::from(days.iter().map(|(_, n)| *n).max().unwrap_or(0)).max(1.0) * 1.1;
        let mut chart = frame(&root, title, 56)?.build_cartesian_2d(0..last, 0.0..top).map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .y_desc(y_label)
            .x_labels(days.len().min(10))
            .x_label_formatter(&|i| {
                days.get(*i as usize).map(|(d, _)| d.format("%m-%d").to_string()).unwrap_or_default()
            })
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let points = || days.iter().enumerate().map(|(i, (_, n))| (i as i32, f64::from(*n)));
        chart.draw_series(LineSeries::new(points(), BAR.stroke_width(2))).map_err(err)?;
        chart.draw_series(points().map(|p| Circle::new(p, 3, BAR.filled()))).map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_chart_is_an_svg_with_its_title_and_labels() {
        let hours = [("09".to_string(), 30.0), ("10".to_string(), 45.0)];
        let svg = columns("每小时取号", "张", &hours).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("每小时取号") && svg.contains(">\n09\n<"), "{svg}");
        let svg = bars("满意率", "%", &[("1号 综合受理".to_string(), 96.5)], Some(100.0)).unwrap();
        assert!(svg.contains("1号 综合受理"), "{svg}");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let svg = trend("每日取号", "张", &[(d("2026-11-01"), 3), (d("2026-11-02"), 5)]).unwrap();
        assert!(svg.contains("<polyline") || svg.contains("<path"), "{svg}");
        assert!(trend("每日取号", "张", &[]).is_err());
        // A range with nothing to show still draws its (empty) chart.
        assert!(columns("每小时取号", "张", &[]).unwrap().contains("每小时取号"));
        assert!(bars("满意率", "%", &[], Some(100.0)).unwrap().contains("满意率"));
    }
}
