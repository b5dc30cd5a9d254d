//! The report as text (aligned tables) and as JSON. Plain string building, no serializer.

use super::report::{Group, NoGo, Report, Stats, Thresholds};
use super::tasks::PopOutcome;
use crate::report::json_string;

/// A percentage with one decimal, or "-" when there is nothing to divide.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |p| format!("{p:.1}%"))
}

fn latency(stats: &Stats) -> String {
    stats.median_latency_ms().map_or_else(|| "-".to_owned(), |ms| format!("{ms} ms"))
}

/// A no-go reason in words.
pub fn no_go_text(reason: &NoGo) -> String {
    match *reason {
        NoGo::TooFewPops { pops, min } => format!("only {pops} screen pop(s), at least {min} are needed to judge the wave"),
        NoGo::LowPopSuccess { percent, min } => format!("screen-pop success {percent:.1}% is below {min}%"),
        NoGo::PopErrors { percent, max } => format!("{percent:.1}% of screen pops failed or timed out (at most {max}%)"),
        NoGo::SlowPops { median_ms, max_ms } => format!("median screen-pop latency {median_ms} ms is above {max_ms} ms"),
        NoGo::FailedLogs { percent, max } => format!("{percent:.1}% of calls needed more than one try to log (at most {max}%)"),
    }
}

/// A stable code for each reason, for scripts.
pub fn no_go_code(reason: &NoGo) -> &'static str {
    match reason {
        NoGo::TooFewPops { .. } => "too-few-pops",
        NoGo::LowPopSuccess { .. } => "low-pop-success",
        NoGo::PopErrors { .. } => "pop-errors",
        NoGo::SlowPops { .. } => "slow-pops",
        NoGo::FailedLogs { .. } => "failed-logs",
    }
}

/// The thresholds in one line.
pub fn thresholds_text(t: &Thresholds) -> String {
    format!(
        "go when pop success >= {}%, pop errors <= {}%, median pop latency <= {} ms, failed logs <= {}% of calls, with at least {} pops",
        t.min_pop_success_percent, t.max_pop_error_percent, t.max_median_latency_ms, t.max_failed_log_percent, t.min_pops
    )
}

/// What the report says in the verdict column.
pub fn verdict(group: Group, no_go: &[NoGo]) -> &'static str {
    match (group, no_go.is_empty()) {
        (Group::NotMoved, _) => "not judged",
        (_, true) => "GO",
        (_, false) => "NO-GO",
    }
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A table row: its two label cells (wave and agent, or day and wave) and its figures.
pub struct LabelledStats<'a> {
    /// The label cells.
    pub labels: [String; 2],
    /// The figures.
    pub stats: &'a Stats,
}

/// The per-agent rows.
pub fn agent_rows(report: &Report) -> Vec<LabelledStats<'_>> {
    report.agents.iter().map(|a| LabelledStats { labels: [a.group.as_str().to_owned(), a.agent.clone()], stats: &a.stats }).collect()
}

/// The per-day rows.
pub fn day_rows(report: &Report) -> Vec<LabelledStats<'_>> {
    report.days.iter().map(|d| LabelledStats { labels: [d.day.to_string(), d.group.as_str().to_owned()], stats: &d.stats }).collect()
}

const STATS_HEADERS: [&str; 6] = ["calls", "inbound", "pops", "pop success", "median pop latency", "failed logs"];

fn stats_cells(s: &Stats) -> Vec<String> {
    vec![s.calls.to_string(), s.inbound.to_string(), s.pops.to_string(), percent(s.success_percent()), latency(s), s.failed_logs.to_string()]
}

/// The report as text.
pub fn text(report: &Report) -> String {
    let mut out = match report.period {
        Some(p) => format!("Call Tasks: {} from {} to {} (days in UTC).\n", report.total.calls, p.first, p.last),
        None => "Call Tasks: none.\n".to_owned(),
    };
    out.push_str(if report.package_columns {
        "Screen pops and log attempts from the org package's fields (the Description lines where a field is empty).\n"
    } else {
        "Screen pops and log attempts from the Task descriptions (the export has no org package fields).\n"
    });
    out.push_str(&format!("Thresholds: {}.\n\nPer wave\n", thresholds_text(&report.thresholds)));
    let mut headers = vec!["wave", "agents"];
    headers.extend(STATS_HEADERS);
    headers.push("verdict");
    let rows: Vec<Vec<String>> = report
        .waves
        .iter()
        .map(|w| {
            let mut row = vec![w.group.as_str().to_owned(), w.agents.to_string()];
            row.extend(stats_cells(&w.stats));
            row.push(verdict(w.group, &w.no_go).to_owned());
            row
        })
        .collect();
    out.push_str(&table(&headers, &rows));
    if report.waves.iter().all(|w| w.group == Group::NotMoved) {
        out.push_str("  No wave judged: give --waves with the waves.csv `callcenter waves` wrote.\n");
    }
    for w in report.waves.iter().filter(|w| !w.no_go.is_empty()) {
        for reason in &w.no_go {
            out.push_str(&format!("  NO-GO {}: {}\n", w.group.as_str(), no_go_text(reason)));
        }
    }
    out.push_str("\nScreen-pop outcomes (success = one-match or new-record; several-matches and no-match = no single record; failed and timed-out = errors)\n");
    out.push_str(&outcome_table(report));
    out.push_str("\nPer agent\n");
    out.push_str(&grouped_table(["wave", "agent"], &agent_rows(report)));
    out.push_str("\nPer day\n");
    out.push_str(&grouped_table(["day", "wave"], &day_rows(report)));
    if !report.skipped.is_empty() {
        out.push_str(&format!("\nRows not counted: {}\n", report.skipped.len()));
        for s in &report.skipped {
            out.push_str(&format!("  line {}: {}\n", s.line, s.reason));
        }
    }
    out
}

fn outcome_table(report: &Report) -> String {
    let mut headers = vec!["wave"];
    headers.extend(PopOutcome::ALL.map(PopOutcome::as_str));
    let row = |name: &str, s: &Stats| {
        let mut row = vec![name.to_owned()];
        row.extend(s.outcomes.iter().map(u32::to_string));
        row
    };
    let mut rows: Vec<Vec<String>> = report.waves.iter().map(|w| row(w.group.as_str(), &w.stats)).collect();
    rows.push(row("all", &report.total));
    table(&headers, &rows)
}

fn grouped_table(keys: [&str; 2], rows: &[LabelledStats<'_>]) -> String {
    let mut headers = keys.to_vec();
    headers.extend(STATS_HEADERS);
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut row = r.labels.to_vec();
            row.extend(stats_cells(r.stats));
            row
        })
        .collect();
    table(&headers, &rows)
}

fn json_number(value: Option<f64>) -> String {
    value.map_or_else(|| "null".to_owned(), |v| format!("{v:.1}"))
}

fn stats_json(s: &Stats) -> String {
    let outcomes: Vec<String> = PopOutcome::ALL.iter().zip(s.outcomes).map(|(o, n)| format!("{}:{n}", json_string(o.as_str()))).collect();
    format!(
        "\"calls\":{},\"inbound\":{},\"pops\":{},\"popSuccessPercent\":{},\"popErrorPercent\":{},\"medianPopLatencyMs\":{},\"failedLogs\":{},\"outcomes\":{{{}}}",
        s.calls,
        s.inbound,
        s.pops,
        json_number(s.success_percent()),
        json_number(s.error_percent()),
        s.median_latency_ms().map_or_else(|| "null".to_owned(), |m| m.to_string()),
        s.failed_logs,
        outcomes.join(",")
    )
}

/// The report as JSON.
pub fn json(report: &Report) -> String {
    let t = &report.thresholds;
    let period = report.period.map_or_else(|| "null".to_owned(), |p| format!("{{\"first\":\"{}\",\"last\":\"{}\"}}", p.first, p.last));
    let waves: Vec<String> = report
        .waves
        .iter()
        .map(|w| {
            let reasons: Vec<String> = w.no_go.iter().map(|r| format!("{{\"code\":\"{}\",\"message\":{}}}", no_go_code(r), json_string(&no_go_text(r)))).collect();
            format!(
                "{{\"wave\":{},\"agents\":{},{},\"verdict\":{},\"noGo\":[{}]}}",
                json_string(w.group.as_str()),
                w.agents,
                stats_json(&w.stats),
                json_string(verdict(w.group, &w.no_go)),
                reasons.join(",")
            )
        })
        .collect();
    let agents: Vec<String> =
        report.agents.iter().map(|a| format!("{{\"wave\":{},\"agent\":{},{}}}", json_string(a.group.as_str()), json_string(&a.agent), stats_json(&a.stats))).collect();
    let days: Vec<String> = report.days.iter().map(|d| format!("{{\"day\":\"{}\",\"wave\":{},{}}}", d.day, json_string(d.group.as_str()), stats_json(&d.stats))).collect();
    let skipped: Vec<String> = report.skipped.iter().map(|s| format!("{{\"line\":{},\"reason\":{}}}", s.line, json_string(&s.reason))).collect();
    format!(
        "{{\"period\":{period},\"packageColumns\":{},\n \"thresholds\":{{\"minPopSuccessPercent\":{},\"maxPopErrorPercent\":{},\"maxMedianLatencyMs\":{},\"maxFailedLogPercent\":{},\"minPops\":{}}},\n \"total\":{{{}}},\n \"waves\":[{}],\n \"agents\":[{}],\n \"days\":[{}],\n \"skipped\":[{}]}}\n",
        report.package_columns,
        t.min_pop_success_percent,
        t.max_pop_error_percent,
        t.max_median_latency_ms,
        t.max_failed_log_percent,
        t.min_pops,
        stats_json(&report.total),
        waves.join(",\n  "),
        agents.join(",\n  "),
        days.join(",\n  "),
        skipped.join(",\n  ")
    )
}
