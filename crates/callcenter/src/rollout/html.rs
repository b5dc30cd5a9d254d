//! The report as one self-contained HTML page: inline CSS and SVG charts (screen-pop success
//! per day and wave, success per wave, call volume per day), the tables, no script and no
//! external asset, so it can be mailed or attached to a change ticket as it is.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::date::Date;
use super::render::{agent_rows, day_rows, no_go_text, percent, thresholds_text, verdict, LabelledStats};
use super::report::{Group, Report, Stats};
use super::tasks::PopOutcome;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;

/// Text safe inside HTML elements and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A colour per wave that stays readable for the common colour-vision deficiencies.
fn colour(group: Group) -> &'static str {
    match group {
        Group::Wave(w) => match w.number() {
            1 => "#0072b2",
            2 => "#e69f00",
            3 => "#009e73",
            _ => "#cc79a7",
        },
        Group::NotMoved => "#7f7f7f",
    }
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1b1b;max-width:980px}\
h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}\
th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child,\
td.name{text-align:left}.go{color:#006d2c;font-weight:600}.nogo{color:#b00020;font-weight:600}\
svg{background:#fafafa;border:1px solid #e5e5e5}svg text{font:11px system-ui,sans-serif;fill:#444}\
.key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}";

/// The page.
pub fn page(report: &Report) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Screen-pop report</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style></head><body>");
    out.push_str("<h1>Screen-pop report</h1>\n");
    let _ = writeln!(
        out,
        "<p>{}. Thresholds: {}.</p>",
        match report.period {
            Some(p) => format!("{} call Tasks from {} to {} (days in UTC)", report.total.calls, p.first, p.last),
            None => "No call Tasks".to_owned(),
        },
        escape(&thresholds_text(&report.thresholds))
    );
    out.push_str(&verdicts(report));
    out.push_str(&key(report));
    out.push_str("<h2>Screen-pop success per day and wave</h2>\n");
    out.push_str(&success_chart(report));
    out.push_str("<h2>Screen-pop success per wave</h2>\n");
    out.push_str(&wave_bars(report));
    out.push_str("<h2>Calls per day</h2>\n");
    out.push_str(&volume_chart(report));
    out.push_str("<h2>Screen-pop outcomes</h2>\n");
    out.push_str(&outcomes(report));
    out.push_str("<h2>Per agent</h2>\n");
    out.push_str(&stats_table(&["wave", "agent"], &agent_rows(report)));
    out.push_str("<h2>Per day</h2>\n");
    out.push_str(&stats_table(&["day", "wave"], &day_rows(report)));
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "<h2>Rows not counted ({})</h2>\n<ul>", report.skipped.len());
        for s in &report.skipped {
            let _ = writeln!(out, "<li>line {}: {}</li>", s.line, escape(&s.reason));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn verdicts(report: &Report) -> String {
    let mut out = String::from("<h2>Go / no-go per wave</h2>\n<table><tr><th>wave</th><th>agents</th>");
    for h in ["calls", "inbound", "pops", "pop success", "median pop latency", "failed logs", "verdict"] {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for w in &report.waves {
        let class = match (w.group, w.no_go.is_empty()) {
            (Group::NotMoved, _) => "",
            (_, true) => "go",
            (_, false) => "nogo",
        };
        let reasons: Vec<String> = w.no_go.iter().map(|r| escape(&no_go_text(r))).collect();
        let _ = write!(out, "<tr><td>{}</td><td>{}</td>", escape(w.group.as_str()), w.agents);
        out.push_str(&stats_cells(&w.stats));
        let _ = writeln!(out, "<td class=\"{class}\" title=\"{}\">{}</td></tr>", reasons.join("; "), verdict(w.group, &w.no_go));
    }
    out.push_str("</table>\n");
    for w in report.waves.iter().filter(|w| !w.no_go.is_empty()) {
        for r in &w.no_go {
            let _ = writeln!(out, "<p class=\"nogo\">NO-GO {}: {}</p>", escape(w.group.as_str()), escape(&no_go_text(r)));
        }
    }
    out
}

fn stats_cells(s: &Stats) -> String {
    let latency = s.median_latency_ms().map_or_else(|| "-".to_owned(), |m| format!("{m} ms"));
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{latency}</td><td>{}</td>",
        s.calls,
        s.inbound,
        s.pops,
        percent(s.success_percent()),
        s.failed_logs
    )
}

fn stats_table(keys: &[&str], rows: &[LabelledStats<'_>]) -> String {
    let mut out = String::from("<table><tr>");
    for h in keys.iter().chain(["calls", "inbound", "pops", "pop success", "median pop latency", "failed logs"].iter()) {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for row in rows {
        let [a, b] = &row.labels;
        let _ = writeln!(out, "<tr><td>{}</td><td class=\"name\">{}</td>{}</tr>", escape(a), escape(b), stats_cells(row.stats));
    }
    out.push_str("</table>\n");
    out
}

fn outcomes(report: &Report) -> String {
    let mut out = String::from("<p>Success = the agent landed on one record (one-match, new-record); several-matches and no-match leave no single record; failed and timed-out are errors.</p>\n<table><tr><th>wave</th>");
    for o in PopOutcome::ALL {
        let _ = write!(out, "<th>{}</th>", o.as_str());
    }
    out.push_str("</tr>\n");
    let rows = report.waves.iter().map(|w| LabelledStats { labels: [w.group.as_str().to_owned(), String::new()], stats: &w.stats });
    for row in rows.chain(std::iter::once(LabelledStats { labels: ["all".to_owned(), String::new()], stats: &report.total })) {
        let [name, _] = &row.labels;
        let _ = write!(out, "<tr><td>{}</td>", escape(name));
        for n in row.stats.outcomes {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

fn key(report: &Report) -> String {
    let mut out = String::from("<p class=\"key\">");
    for w in &report.waves {
        let _ = write!(out, "<span style=\"background:{}\"></span>{}", colour(w.group), escape(w.group.as_str()));
    }
    out.push_str("</p>\n");
    out
}

/// The chart area: x from 0 to `slots`, y from 0 to `max`.
struct Plot {
    slots: f64,
    max: f64,
}

impl Plot {
    fn x(&self, slot: f64) -> f64 {
        LEFT + (WIDTH - LEFT - RIGHT) * slot / self.slots.max(1.0)
    }

    fn y(&self, value: f64) -> f64 {
        HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / self.max.max(1.0)
    }

    /// Frame, horizontal grid lines with labels, and day labels along x (at most ~10).
    fn axes(&self, out: &mut String, first: Date, days: i64, unit: &str) {
        let _ = write!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\">");
        for step in 0..=4 {
            let value = self.max * f64::from(step) / 4.0;
            let y = self.y(value);
            let _ = write!(out, "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e0e0e0\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value:.0}{unit}</text>", WIDTH - RIGHT, LEFT - 4.0, y + 4.0);
        }
        let every = (days / 10).max(1);
        for d in (0..days).step_by(usize::try_from(every).unwrap_or(1)) {
            let label = first.plus_days(d).to_string();
            let _ = write!(out, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>", self.x(d as f64 + 0.5), HEIGHT - 10.0, label.get(5..).unwrap_or(&label));
        }
    }
}

/// A day's success rate on the chart, with its tooltip.
struct Point {
    x: f64,
    y: f64,
    title: String,
}

fn success_chart(report: &Report) -> String {
    let Some(period) = report.period else { return "<p>No calls.</p>\n".to_owned() };
    let days = period.last.days_since(period.first) + 1;
    let plot = Plot { slots: days as f64, max: 100.0 };
    let mut out = String::new();
    plot.axes(&mut out, period.first, days, "%");
    let min = plot.y(report.thresholds.min_pop_success_percent);
    let _ = write!(out, "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{min:.1}\" y2=\"{min:.1}\" stroke=\"#b00020\" stroke-dasharray=\"4 3\"><title>go threshold</title></line>", WIDTH - RIGHT);
    let mut lines: BTreeMap<Group, Vec<Point>> = BTreeMap::new();
    for d in &report.days {
        if let Some(p) = d.stats.success_percent() {
            let slot = d.day.days_since(period.first) as f64 + 0.5;
            let title = format!("{} {}: {p:.1}% of {} pops", d.day, d.group.as_str(), d.stats.pops);
            lines.entry(d.group).or_default().push(Point { x: plot.x(slot), y: plot.y(p), title });
        }
    }
    for (group, points) in &lines {
        let path: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect();
        let _ = write!(out, "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>", colour(*group), path.join(" "));
        for p in points {
            let _ = write!(out, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>", p.x, p.y, colour(*group), escape(&p.title));
        }
    }
    out.push_str("</svg>\n");
    out
}

fn wave_bars(report: &Report) -> String {
    let rows = report.waves.len().max(1);
    let height = 24.0 * rows as f64 + 24.0;
    let span = WIDTH - 120.0 - RIGHT - 60.0;
    let mut out = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\">");
    for (i, w) in report.waves.iter().enumerate() {
        let y = 8.0 + 24.0 * i as f64;
        let value = w.stats.success_percent().unwrap_or(0.0);
        let _ = write!(
            out,
            "<text x=\"112\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"120\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 12.0,
            escape(w.group.as_str()),
            span * value / 100.0,
            colour(w.group),
            126.0 + span * value / 100.0,
            y + 12.0,
            percent(w.stats.success_percent())
        );
    }
    let x = 120.0 + span * report.thresholds.min_pop_success_percent / 100.0;
    let _ = writeln!(out, "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"4\" y2=\"{:.1}\" stroke=\"#b00020\" stroke-dasharray=\"4 3\"><title>go threshold</title></line></svg>", height - 4.0);
    out
}

fn volume_chart(report: &Report) -> String {
    let Some(period) = report.period else { return "<p>No calls.</p>\n".to_owned() };
    let days = period.last.days_since(period.first) + 1;
    let mut per_day: BTreeMap<Date, u32> = BTreeMap::new();
    for d in &report.days {
        *per_day.entry(d.day).or_default() += d.stats.calls;
    }
    let max = f64::from(per_day.values().copied().max().unwrap_or(0));
    let plot = Plot { slots: days as f64, max: nice_ceiling(max) };
    let mut out = String::new();
    plot.axes(&mut out, period.first, days, "");
    let bar = ((plot.x(1.0) - plot.x(0.0)) * 0.7).max(1.0);
    let mut stacked: BTreeMap<Date, u32> = BTreeMap::new();
    for d in &report.days {
        let below = stacked.entry(d.day).or_default();
        let slot = d.day.days_since(period.first) as f64 + 0.5;
        let (top, bottom) = (plot.y(f64::from(*below + d.stats.calls)), plot.y(f64::from(*below)));
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} {}: {} calls, {} inbound</title></rect>",
            plot.x(slot) - bar / 2.0,
            bottom - top,
            colour(d.group),
            d.day,
            escape(d.group.as_str()),
            d.stats.calls,
            d.stats.inbound
        );
        *below += d.stats.calls;
    }
    out.push_str("</svg>\n");
    out
}

/// A round axis maximum at or above `value` (1, 2 or 5 times a power of ten).
fn nice_ceiling(value: f64) -> f64 {
    let mut step = 1.0;
    while step * 10.0 <= value {
        step *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * step).find(|v| *v >= value).unwrap_or(step * 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(37.0), 50.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
