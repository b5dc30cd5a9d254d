//! The code inventory as text (a table and the rework estimate), CSV and JSON.

use std::collections::BTreeMap;

use super::rules::RETEST_HOURS_PER_FILE;
use super::scan::{CodeInventory, Component};
use crate::csv::write_row;
use crate::report::json_string;


/// Rework per component kind: findings, files, hours (with retest).
struct Rework {
    findings: usize,
    files: Vec<String>,
    hours: f64,
}

fn rework(inventory: &CodeInventory) -> BTreeMap<Component, Rework> {
    let mut by: BTreeMap<Component, Rework> = BTreeMap::new();
    for f in &inventory.findings {
        let r = by.entry(f.component).or_insert(Rework { findings: 0, files: Vec::new(), hours: 0.0 });
        r.findings += 1;
        r.hours += f.rule.hours;
        if !r.files.contains(&f.file) {
            r.files.push(f.file.clone());
            r.hours += RETEST_HOURS_PER_FILE;
        }
    }
    by
}

/// An aligned table, then the estimate per component kind.
pub fn text(inventory: &CodeInventory) -> String {
    let replacement_header = format!("{} replacement", inventory.destination);
    let headers = ["where", "component", "found", "hours", replacement_header.as_str()];
    let rows: Vec<[String; 5]> = inventory
        .findings
        .iter()
        .map(|f| [format!("{}:{}", f.file, f.line), f.component.as_str().to_owned(), f.found.clone(), format!("{:.1}", f.rule.hours), f.rule.replacement.to_owned()])
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter().take(4)) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let intro = if inventory.destination == super::rules::OPEN_CTI.destination {
        "Code that depends on the desktop adapter or Classic CTI".to_owned()
    } else {
        format!("Code that depends on Open CTI (Classic or Lightning) or the desktop adapter, priced for the move to {}", inventory.destination)
    };
    let mut out = format!(
        "{intro}: {} finding(s) in {} of {} file(s) scanned.\n\n",
        inventory.findings.len(),
        inventory.files_with_findings(),
        inventory.files_scanned
    );
    if !rows.is_empty() {
        out.push_str(&line(headers));
        for [place, component, found, hours, replacement] in &rows {
            out.push_str(&line([place, component, found, hours, replacement]));
        }
    }
    out.push_str(&format!("\nEstimated rework: {:.1} hours (each finding's hours, plus {RETEST_HOURS_PER_FILE:.1} h to retest each file)\n", inventory.hours()));
    for (component, r) in rework(inventory) {
        out.push_str(&format!("  {:<22} {:>3} finding(s) in {:>2} file(s): {:>5.1} h\n", component.as_str(), r.findings, r.files.len(), r.hours));
    }
    for file in &inventory.not_scanned {
        out.push_str(&format!("Not scanned (not text; unzip a zipped static resource and scan the folder): {file}\n"));
    }
    out
}

/// RFC 4180 CSV: one row per finding.
pub fn csv(inventory: &CodeInventory) -> String {
    let mut out = String::new();
    write_row(&mut out, &["file", "line", "column", "component", "code", "found", "hours", "replacement"]);
    for f in &inventory.findings {
        let (line, column, hours) = (f.line.to_string(), f.column.to_string(), format!("{:.1}", f.rule.hours));
        write_row(&mut out, &[&f.file, &line, &column, f.component.as_str(), f.rule.code, &f.found, &hours, f.rule.replacement]);
    }
    out
}

/// JSON: `{findings: [...], notScanned: [...], rework: {hours, files, byComponent: [...]}}`.
pub fn json(inventory: &CodeInventory) -> String {
    let findings: Vec<String> = inventory
        .findings
        .iter()
        .map(|f| {
            format!(
                "{{\"file\":{},\"line\":{},\"column\":{},\"component\":{},\"code\":{},\"found\":{},\"hours\":{:.1},\"replacement\":{}}}",
                json_string(&f.file),
                f.line,
                f.column,
                json_string(f.component.as_str()),
                json_string(f.rule.code),
                json_string(&f.found),
                f.rule.hours,
                json_string(f.rule.replacement)
            )
        })
        .collect();
    let not_scanned: Vec<String> = inventory.not_scanned.iter().map(|f| json_string(f)).collect();
    let by: Vec<String> = rework(inventory)
        .into_iter()
        .map(|(c, r)| format!("{{\"component\":{},\"findings\":{},\"files\":{},\"hours\":{:.1}}}", json_string(c.as_str()), r.findings, r.files.len(), r.hours))
        .collect();
    format!(
        "{{\"filesScanned\":{},\"findings\":[{}],\n \"notScanned\":[{}],\n \"rework\":{{\"hours\":{:.1},\"files\":{},\"retestHoursPerFile\":{RETEST_HOURS_PER_FILE:.1},\"byComponent\":[{}]}}}}\n",
        inventory.files_scanned,
        findings.join(",\n  "),
        not_scanned.join(","),
        inventory.hours(),
        inventory.files_with_findings(),
        by.join(",")
    )
}
