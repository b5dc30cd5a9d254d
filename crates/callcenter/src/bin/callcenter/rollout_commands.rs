//! `callcenter report` and `callcenter waves`: file handling around `callcenter::rollout`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callcenter::date::Date;
use callcenter::rollout::report::{build, Thresholds};
use callcenter::rollout::runbook::{plan, PlanOptions};
use callcenter::rollout::tasks::read_tasks;
use callcenter::rollout::waves::read_waves;
use callcenter::rollout::{html, render};
use clap::Args;

const DEFAULTS: Thresholds = Thresholds::DEFAULT;

#[derive(Args)]
pub struct ReportArgs {
    /// The call Tasks, CSV from `sf data query ... --result-format csv` or Data Loader.
    tasks: PathBuf,
    /// waves.csv from `callcenter waves` (Username, Id, Wave); without it every call counts as "not moved".
    #[arg(long)]
    waves: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page with charts.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// No-go when fewer pops than this land on one record (one-match or new-record), percent.
    #[arg(long, default_value_t = DEFAULTS.min_pop_success_percent, value_name = "PERCENT")]
    min_pop_success: f64,
    /// No-go when more pops than this fail or time out, percent.
    #[arg(long, default_value_t = DEFAULTS.max_pop_error_percent, value_name = "PERCENT")]
    max_pop_errors: f64,
    /// No-go when the median pop takes longer, in ms.
    #[arg(long, default_value_t = DEFAULTS.max_median_latency_ms, value_name = "MS")]
    max_median_latency_ms: u32,
    /// No-go when more calls than this needed more than one try to log, percent.
    #[arg(long, default_value_t = DEFAULTS.max_failed_log_percent, value_name = "PERCENT")]
    max_failed_logs: f64,
    /// No-go (cannot judge) with fewer screen pops than this in a wave.
    #[arg(long, default_value_t = DEFAULTS.min_pops, value_name = "N")]
    min_pops: u32,
}

#[derive(Args)]
pub struct WavesArgs {
    /// Users, CSV with Id, Username, CallCenterId
    /// (`sf data query --query "SELECT Id, Username, CallCenterId FROM User WHERE IsActive = true AND CallCenterId != null" --result-format csv`).
    users: PathBuf,
    /// The new call center's Id (`SELECT Id FROM CallCenter WHERE InternalName = 'RustSoftphone'`).
    #[arg(long, value_name = "ID")]
    new_call_center: String,
    /// Pilot users by username, comma-separated; default: the first 5 % in hash order.
    #[arg(long, value_delimiter = ',', value_name = "USERNAMES")]
    pilot: Vec<String>,
    /// Pilot users, one username per line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pilot_file: Option<PathBuf>,
    /// The pilot's first day, YYYY-MM-DD; default today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    start: Option<String>,
    /// The folder to write into (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_text(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn percent_flag(name: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("--{name} takes a percentage from 0 to 100, not {value}"))
    }
}

pub fn report(args: &ReportArgs) -> Result<ExitCode, String> {
    let thresholds = Thresholds {
        min_pop_success_percent: percent_flag("min-pop-success", args.min_pop_success)?,
        max_pop_error_percent: percent_flag("max-pop-errors", args.max_pop_errors)?,
        max_median_latency_ms: args.max_median_latency_ms,
        max_failed_log_percent: percent_flag("max-failed-logs", args.max_failed_logs)?,
        min_pops: args.min_pops,
    };
    let tasks = read_tasks(&read_text(&args.tasks)?).map_err(|e| format!("{}: {e}", args.tasks.display()))?;
    let waves = match &args.waves {
        Some(path) => read_waves(&read_text(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        None => BTreeMap::new(),
    };
    let report = build(&tasks, &waves, thresholds);
    if let Some(path) = &args.html {
        write_text(path, &html::page(&report))?;
    }
    print!("{}", if args.json { render::json(&report) } else { render::text(&report) });
    Ok(if report.any_no_go() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn waves(args: &WavesArgs) -> Result<ExitCode, String> {
    let mut pilot: Vec<String> = args.pilot.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    if let Some(path) = &args.pilot_file {
        let text = read_text(path)?;
        pilot.extend(text.lines().map(|l| l.split('#').next().unwrap_or("").trim().to_owned()).filter(|l| !l.is_empty()));
    }
    let start = match &args.start {
        Some(day) => Date::parse(day).map_err(|e| format!("--start: {e}"))?,
        None => Date::today(),
    };
    let new_call_center = args.new_call_center.trim().to_owned();
    if new_call_center.is_empty() {
        return Err("--new-call-center needs the new call center's Id".into());
    }
    let users = read_text(&args.users)?;
    let files = plan(&users, &PlanOptions { new_call_center, pilot, start }).map_err(|e| format!("{}: {e}", args.users.display()))?;
    // A plan made again after a wave moved would write that wave's rollback file with the new
    // call center: never replace the files that are the way back.
    if let Some(existing) = files.iter().map(|f| args.out.join(&f.name)).find(|p| p.exists()) {
        return Err(format!("{} exists: write the plan into a new folder (the existing rollback files are the way back)", existing.display()));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    for file in &files {
        let path = args.out.join(&file.name);
        write_text(&path, &file.contents)?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
