//! The go/no-go report: call Tasks counted per wave, per agent and per day, and each wave judged
//! against thresholds. Rendering lives in `render.rs` (text, JSON) and `html.rs`.

use std::collections::BTreeMap;

use crate::date::Date;
use super::tasks::{Call, PopClass, PopOutcome, SkippedRow, Tasks};
use super::waves::{Wave, WaveEntry};

/// The group an agent's calls count in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// A wave of waves.csv.
    Wave(Wave),
    /// Calls of agents waves.csv does not list (every agent, without waves.csv), and calls made
    /// before the agent's wave started: the old call center's.
    NotMoved,
}

impl Group {
    /// Its name in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Wave(w) => w.as_str(),
            Group::NotMoved => "not moved",
        }
    }
}

/// What the report counts for a set of calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Call Tasks.
    pub calls: u32,
    /// Inbound ones.
    pub inbound: u32,
    /// Inbound calls with a screen pop.
    pub pops: u32,
    /// Pops per outcome, in [`PopOutcome::ALL`] order.
    pub outcomes: [u32; 6],
    /// Calls whose log failed at least once before it was saved.
    pub failed_logs: u32,
    latencies: Vec<u32>,
}

impl Stats {
    fn add(&mut self, call: &Call) {
        self.calls += 1;
        self.inbound += u32::from(call.inbound);
        self.failed_logs += u32::from(call.log_attempts > 1);
        if let Some(pop) = call.pop {
            self.pops += 1;
            if let Some(slot) = self.outcomes.get_mut(pop.outcome.index()) {
                *slot += 1;
            }
            self.latencies.extend(pop.latency_ms);
        }
    }

    /// Pops of one class.
    pub fn pops_in(&self, class: PopClass) -> u32 {
        PopOutcome::ALL.iter().zip(self.outcomes).filter(|(o, _)| o.class() == class).map(|(_, n)| n).sum()
    }

    /// The share of pops that landed the agent on one record, in percent; none without pops.
    pub fn success_percent(&self) -> Option<f64> {
        self.percent_of_pops(self.pops_in(PopClass::Landed))
    }

    /// The share of pops that failed or timed out, in percent.
    pub fn error_percent(&self) -> Option<f64> {
        self.percent_of_pops(self.pops_in(PopClass::Error))
    }

    fn percent_of_pops(&self, n: u32) -> Option<f64> {
        (self.pops > 0).then(|| f64::from(n) * 100.0 / f64::from(self.pops))
    }

    /// The share of calls whose log failed at least once, in percent.
    pub fn failed_log_percent(&self) -> Option<f64> {
        (self.calls > 0).then(|| f64::from(self.failed_logs) * 100.0 / f64::from(self.calls))
    }

    /// The median pop latency in ms (the lower middle for an even count); none without latencies.
    pub fn median_latency_ms(&self) -> Option<u32> {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let middle = sorted.len().checked_sub(1)? / 2;
        sorted.get(middle).copied()
    }
}

/// When a wave is no-go. The defaults are the README's; every one has a flag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// At least this share of pops land on one record (`--min-pop-success`, percent).
    pub min_pop_success_percent: f64,
    /// At most this share of pops fail or time out (`--max-pop-errors`, percent).
    pub max_pop_error_percent: f64,
    /// The median pop takes at most this long (`--max-median-latency-ms`).
    pub max_median_latency_ms: u32,
    /// At most this share of calls needed more than one try to log (`--max-failed-logs`, percent).
    pub max_failed_log_percent: f64,
    /// A wave needs at least this many pops to be judged at all (`--min-pops`).
    pub min_pops: u32,
}

impl Thresholds {
    /// The defaults: 80 % of pops on one record, at most 2 % errors, a median pop within 1.5 s,
    /// at most 2 % of calls logged only on a retry, at least 20 pops to judge a wave.
    pub const DEFAULT: Thresholds =
        Thresholds { min_pop_success_percent: 80.0, max_pop_error_percent: 2.0, max_median_latency_ms: 1500, max_failed_log_percent: 2.0, min_pops: 20 };
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds::DEFAULT
    }
}

/// Why a wave is no-go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NoGo {
    /// Too few pops to judge.
    TooFewPops { pops: u32, min: u32 },
    /// Too few pops landed on one record.
    LowPopSuccess { percent: f64, min: f64 },
    /// Too many pops failed or timed out.
    PopErrors { percent: f64, max: f64 },
    /// Pops are slow.
    SlowPops { median_ms: u32, max_ms: u32 },
    /// Too many logs needed a retry.
    FailedLogs { percent: f64, max: f64 },
}

impl Thresholds {
    /// Every reason `stats` is no-go; empty means go.
    pub fn judge(&self, stats: &Stats) -> Vec<NoGo> {
        if stats.pops < self.min_pops {
            return vec![NoGo::TooFewPops { pops: stats.pops, min: self.min_pops }];
        }
        let mut reasons = Vec::new();
        if let Some(percent) = stats.success_percent().filter(|p| *p < self.min_pop_success_percent) {
            reasons.push(NoGo::LowPopSuccess { percent, min: self.min_pop_success_percent });
        }
        if let Some(percent) = stats.error_percent().filter(|p| *p > self.max_pop_error_percent) {
            reasons.push(NoGo::PopErrors { percent, max: self.max_pop_error_percent });
        }
        if let Some(median_ms) = stats.median_latency_ms().filter(|m| *m > self.max_median_latency_ms) {
            reasons.push(NoGo::SlowPops { median_ms, max_ms: self.max_median_latency_ms });
        }
        if let Some(percent) = stats.failed_log_percent().filter(|p| *p > self.max_failed_log_percent) {
            reasons.push(NoGo::FailedLogs { percent, max: self.max_failed_log_percent });
        }
        reasons
    }
}

/// One wave's figures and verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct WaveRow {
    /// The wave.
    pub group: Group,
    /// Its agents with calls.
    pub agents: usize,
    /// Its figures.
    pub stats: Stats,
    /// Why it is no-go; empty when go. The unassigned group is not judged.
    pub no_go: Vec<NoGo>,
}

/// One agent's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentRow {
    /// The agent's wave.
    pub group: Group,
    /// Owner.Username (or OwnerId).
    pub agent: String,
    /// The agent's figures.
    pub stats: Stats,
}

/// One day's figures in one wave.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRow {
    /// The day (UTC).
    pub day: Date,
    /// The wave.
    pub group: Group,
    /// The figures.
    pub stats: Stats,
}

/// The days an export covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first day with a call.
    pub first: Date,
    /// The last day with a call.
    pub last: Date,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// First and last day with a call.
    pub period: Option<Period>,
    /// Whether the export had the org package's columns.
    pub package_columns: bool,
    /// All calls.
    pub total: Stats,
    /// Per wave, in wave order.
    pub waves: Vec<WaveRow>,
    /// Per agent, by wave then name.
    pub agents: Vec<AgentRow>,
    /// Per day and wave.
    pub days: Vec<DayRow>,
    /// Rows not counted, and why.
    pub skipped: Vec<SkippedRow>,
}

/// Counts and judges `tasks`; `waves` maps lower-cased usernames and Ids to waves (empty: all
/// calls are "not moved"). A call before its agent's wave started counts as not moved.
pub fn build(tasks: &Tasks, waves: &BTreeMap<String, WaveEntry>, thresholds: Thresholds) -> Report {
    let mut total = Stats::default();
    let mut by_group: BTreeMap<Group, Stats> = BTreeMap::new();
    let mut by_agent: BTreeMap<(Group, &str), Stats> = BTreeMap::new();
    let mut by_day: BTreeMap<(Date, Group), Stats> = BTreeMap::new();
    let mut period: Option<Period> = None;
    for call in &tasks.calls {
        let entry = waves.get(&call.agent.to_lowercase()).or_else(|| waves.get(&call.agent));
        let group = match entry {
            Some(e) if e.start.is_none_or(|start| call.day >= start) => Group::Wave(e.wave),
            _ => Group::NotMoved,
        };
        total.add(call);
        by_group.entry(group).or_default().add(call);
        by_agent.entry((group, call.agent.as_str())).or_default().add(call);
        by_day.entry((call.day, group)).or_default().add(call);
        period = Some(period.map_or(Period { first: call.day, last: call.day }, |p| Period { first: p.first.min(call.day), last: p.last.max(call.day) }));
    }
    let waves = by_group
        .into_iter()
        .map(|(group, stats)| {
            let agents = by_agent.keys().filter(|(g, _)| *g == group).count();
            let no_go = if group == Group::NotMoved { Vec::new() } else { thresholds.judge(&stats) };
            WaveRow { group, agents, stats, no_go }
        })
        .collect();
    Report {
        thresholds,
        period,
        package_columns: tasks.package_columns,
        total,
        waves,
        agents: by_agent.into_iter().map(|((group, agent), stats)| AgentRow { group, agent: agent.to_owned(), stats }).collect(),
        days: by_day.into_iter().map(|((day, group), stats)| DayRow { day, group, stats }).collect(),
        skipped: tasks.skipped.clone(),
    }
}

impl Report {
    /// Whether any judged wave is no-go (the command's exit status 1).
    pub fn any_no_go(&self) -> bool {
        self.waves.iter().any(|w| !w.no_go.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tasks::{read_tasks, Pop};
    use super::*;

    fn call(outcome: PopOutcome, latency: u32, attempts: u32) -> Call {
        let day = Date::parse("2026-11-30").expect("day");
        Call { agent: "a".into(), day, inbound: true, pop: Some(Pop { outcome, latency_ms: Some(latency) }), log_attempts: attempts }
    }

    #[test]
    fn success_is_landing_on_one_record() {
        let mut s = Stats::default();
        for c in [call(PopOutcome::OneMatch, 300, 1), call(PopOutcome::NewRecord, 500, 1), call(PopOutcome::NoMatch, 700, 2), call(PopOutcome::TimedOut, 9000, 1)] {
            s.add(&c);
        }
        assert_eq!(s.success_percent(), Some(50.0));
        assert_eq!(s.error_percent(), Some(25.0));
        assert_eq!(s.median_latency_ms(), Some(500));
        assert_eq!(s.failed_logs, 1);
        let t = Thresholds { min_pops: 4, ..Thresholds::default() };
        let reasons = t.judge(&s);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(matches!(reasons[0], NoGo::LowPopSuccess { .. }));
        assert_eq!(Thresholds::default().judge(&s), vec![NoGo::TooFewPops { pops: 4, min: 20 }]);
    }

    #[test]
    fn agents_are_matched_to_waves_by_username_or_id() {
        let csv = "OwnerId,CreatedDate,CallType\n005P,2026-11-30T08:00:00.000Z,Inbound\n005X,2026-11-30T08:00:00.000Z,Outbound\n";
        let tasks = read_tasks(csv).expect("tasks");
        let waves = BTreeMap::from([("005P".to_owned(), WaveEntry { wave: Wave::Pilot, start: None })]);
        let r = build(&tasks, &waves, Thresholds::default());
        let groups: Vec<Group> = r.waves.iter().map(|w| w.group).collect();
        assert_eq!(groups, [Group::Wave(Wave::Pilot), Group::NotMoved]);
        assert!(r.any_no_go(), "a pilot without pops cannot be judged go");
    }
}
