//! The call Tasks exported from the org, read into what the report counts. Two forms carry the
//! screen pop and the log attempts: the org package's custom Activity fields, or (without the
//! package) plain lines at the end of the Description. Fields win when both are there.

use std::fmt;

use crate::date::Date;
use crate::csv::{self, cell, CsvError, Header, Record};

/// What a screen pop did, as the phone writes it on the Task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PopOutcome {
    /// One record matched: Salesforce opened it.
    OneMatch,
    /// Several records matched: the agent got a search page.
    SeveralMatches,
    /// Nothing matched: the agent got a search page.
    NoMatch,
    /// Nothing matched and the phone opened a new-record form.
    NewRecord,
    /// Salesforce answered with an error.
    Failed,
    /// Salesforce did not answer in time.
    TimedOut,
}

/// The three ways a pop ends for the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopClass {
    /// The agent landed on one record (the success the report rates).
    Landed,
    /// Several matches or none: the agent searched.
    NoSingleRecord,
    /// The pop failed or timed out.
    Error,
}

impl PopOutcome {
    /// Every outcome, in the order the breakdown prints them.
    pub const ALL: [PopOutcome; 6] =
        [PopOutcome::OneMatch, PopOutcome::NewRecord, PopOutcome::SeveralMatches, PopOutcome::NoMatch, PopOutcome::Failed, PopOutcome::TimedOut];

    /// The value the phone writes.
    pub fn as_str(self) -> &'static str {
        match self {
            PopOutcome::OneMatch => "one-match",
            PopOutcome::SeveralMatches => "several-matches",
            PopOutcome::NoMatch => "no-match",
            PopOutcome::NewRecord => "new-record",
            PopOutcome::Failed => "failed",
            PopOutcome::TimedOut => "timed-out",
        }
    }

    /// The outcome the phone wrote as `text` (case and surrounding blanks ignored).
    pub fn parse(text: &str) -> Option<PopOutcome> {
        PopOutcome::ALL.into_iter().find(|o| o.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Success, no single record, or error.
    pub fn class(self) -> PopClass {
        match self {
            PopOutcome::OneMatch | PopOutcome::NewRecord => PopClass::Landed,
            PopOutcome::SeveralMatches | PopOutcome::NoMatch => PopClass::NoSingleRecord,
            PopOutcome::Failed | PopOutcome::TimedOut => PopClass::Error,
        }
    }

    /// Its index in [`PopOutcome::ALL`].
    pub fn index(self) -> usize {
        PopOutcome::ALL.iter().position(|o| *o == self).unwrap_or(0)
    }
}

/// One inbound call's screen pop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pop {
    /// What it did.
    pub outcome: PopOutcome,
    /// From the INVITE reaching the phone to Salesforce answering; absent for a time-out.
    pub latency_ms: Option<u32>,
}

/// One call Task, as the report counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Owner.Username, or the OwnerId when the export has no username.
    pub agent: String,
    /// The day it was logged (CreatedDate, UTC).
    pub day: Date,
    /// CallType Inbound.
    pub inbound: bool,
    /// The screen pop, for inbound calls that had one.
    pub pop: Option<Pop>,
    /// The saveLog attempt that saved the Task (1 when it saved at once or nothing says).
    pub log_attempts: u32,
}

/// A row the report could not count, and why: listed, never dropped silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedRow {
    /// Where the row starts in the file.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// The Tasks of an export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tasks {
    /// The calls counted.
    pub calls: Vec<Call>,
    /// Rows not counted.
    pub skipped: Vec<SkippedRow>,
    /// Whether the export has the org package's columns.
    pub package_columns: bool,
}

/// Why an export cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TasksError {
    /// Not CSV.
    Csv(CsvError),
    /// No header row.
    Empty,
    /// A column the report needs is missing.
    MissingColumn(&'static str),
}

impl fmt::Display for TasksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TasksError::Csv(e) => write!(f, "{e}"),
            TasksError::Empty => write!(f, "the file is empty: export the Tasks with the query in the README"),
            TasksError::MissingColumn(c) => write!(f, "no {c} column: export the Tasks with the query in the README"),
        }
    }
}

impl std::error::Error for TasksError {}

impl From<CsvError> for TasksError {
    fn from(e: CsvError) -> TasksError {
        TasksError::Csv(e)
    }
}

/// The export the report reads: `sf data query --query TASKS_QUERY --result-format csv`. The
/// three `Softphone_` fields exist when the org package is installed; without it, drop them.
pub const TASKS_QUERY: &str = "SELECT Id, Owner.Username, CreatedDate, CallType, CallObject, CallDurationInSeconds, Description, \
     Softphone_Pop_Outcome__c, Softphone_Pop_Latency_Ms__c, Softphone_Log_Attempts__c \
     FROM Task WHERE CallObject != null AND CreatedDate = LAST_N_DAYS:30";

const OUTCOME_FIELD: &str = "Softphone_Pop_Outcome__c";
const LATENCY_FIELD: &str = "Softphone_Pop_Latency_Ms__c";
const ATTEMPTS_FIELD: &str = "Softphone_Log_Attempts__c";

/// The columns the report reads, found by name.
struct Columns {
    agent: usize,
    created: usize,
    call_type: usize,
    description: Option<usize>,
    outcome: Option<usize>,
    latency: Option<usize>,
    attempts: Option<usize>,
}

impl Columns {
    fn find(header: &Header) -> Result<Columns, TasksError> {
        let need = |names: &[&str], what| header.column(names).ok_or(TasksError::MissingColumn(what));
        Ok(Columns {
            agent: need(&["Owner.Username", "OwnerId", "Owner.Id"], "Owner.Username (or OwnerId)")?,
            created: need(&["CreatedDate"], "CreatedDate")?,
            call_type: need(&["CallType"], "CallType")?,
            description: header.column(&["Description"]),
            outcome: header.column(&[OUTCOME_FIELD]),
            latency: header.column(&[LATENCY_FIELD]),
            attempts: header.column(&[ATTEMPTS_FIELD]),
        })
    }
}

/// Reads an export of call Tasks (see the README for the query).
pub fn read_tasks(text: &str) -> Result<Tasks, TasksError> {
    let records = csv::parse(text)?;
    let mut rows = records.iter();
    let header = Header::new(rows.next().ok_or(TasksError::Empty)?);
    let columns = Columns::find(&header)?;
    let mut tasks = Tasks { package_columns: columns.outcome.is_some(), ..Tasks::default() };
    for record in rows {
        match call(record, &columns) {
            Ok(c) => tasks.calls.push(c),
            Err(reason) => tasks.skipped.push(SkippedRow { line: record.line, reason }),
        }
    }
    Ok(tasks)
}

fn call(record: &Record, columns: &Columns) -> Result<Call, String> {
    let agent = cell(record, Some(columns.agent));
    if agent.is_empty() {
        return Err("no owner".to_owned());
    }
    let created = cell(record, Some(columns.created));
    let day = Date::of_datetime(created).map_err(|_| format!("CreatedDate \"{created}\" is not a date-time"))?;
    let inbound = cell(record, Some(columns.call_type)).eq_ignore_ascii_case("Inbound");
    let written = DescriptionFacts::read(cell(record, columns.description));
    let pop = match cell(record, columns.outcome) {
        "" => written.pop,
        text => {
            let outcome = PopOutcome::parse(text).ok_or_else(|| format!("{OUTCOME_FIELD} \"{text}\" is not an outcome"))?;
            let latency_ms = number(cell(record, columns.latency), LATENCY_FIELD)?;
            Some(Pop { outcome, latency_ms })
        }
    };
    let log_attempts = number(cell(record, columns.attempts), ATTEMPTS_FIELD)?.or(written.attempts).unwrap_or(1);
    Ok(Call { agent: agent.to_owned(), day, inbound, pop: pop.filter(|_| inbound), log_attempts })
}

/// A whole number field ("412", or "412.0" as exports print number fields); empty is none.
fn number(text: &str, field: &str) -> Result<Option<u32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let whole = text.strip_suffix(".0").unwrap_or(text);
    whole.parse().map(Some).map_err(|_| format!("{field} \"{text}\" is not a whole number"))
}

/// What the phone wrote at the end of the Description when the org has no package fields.
#[derive(Debug, Default, PartialEq, Eq)]
struct DescriptionFacts {
    pop: Option<Pop>,
    attempts: Option<u32>,
}

impl DescriptionFacts {
    /// The last `Screen pop: ...` and `Saved on attempt N` lines (the phone appends them, so a
    /// line an agent typed earlier in the notes cannot win).
    fn read(description: &str) -> DescriptionFacts {
        let mut facts = DescriptionFacts::default();
        for line in description.lines().map(str::trim) {
            if let Some(pop) = line.strip_prefix("Screen pop: ").and_then(pop_line) {
                facts.pop = Some(pop);
            } else if let Some(n) = line.strip_prefix("Saved on attempt ").and_then(|n| n.parse().ok()) {
                facts.attempts = Some(n);
            }
        }
        facts
    }
}

/// `<outcome> in <N> ms`, or `<outcome>` alone (a time-out).
fn pop_line(rest: &str) -> Option<Pop> {
    let (outcome, latency_ms) = match rest.split_once(" in ") {
        Some((outcome, ms)) => (outcome, Some(ms.strip_suffix(" ms")?.trim().parse().ok()?)),
        None => (rest, None),
    };
    Some(Pop { outcome: PopOutcome::parse(outcome)?, latency_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_lines_are_read_when_the_package_is_absent() {
        let csv = "Id,Owner.Username,CreatedDate,CallType,Description\n\
                   00T1,ann@acme.example,2026-11-29T10:02:03.000+0000,Inbound,\"Asked about invoice\nScreen pop: several-matches in 640 ms\nSaved on attempt 3\"\n\
                   00T2,ann@acme.example,2026-11-29T11:00:00.000+0000,Inbound,Screen pop: timed-out\n\
                   00T3,bob@acme.example,2026-11-30T09:00:00.000+0000,Outbound,\n";
        let tasks = read_tasks(csv).expect("tasks");
        assert!(!tasks.package_columns);
        let [a, b, c] = tasks.calls.as_slice() else { panic!("three calls: {tasks:?}") };
        assert_eq!(a.pop, Some(Pop { outcome: PopOutcome::SeveralMatches, latency_ms: Some(640) }));
        assert_eq!(a.log_attempts, 3);
        assert_eq!(b.pop, Some(Pop { outcome: PopOutcome::TimedOut, latency_ms: None }));
        assert_eq!((c.inbound, c.pop, c.log_attempts), (false, None, 1));
    }

    #[test]
    fn tasks_from_this_version_and_the_previous_one_read_alike() {
        // The previous phone wrote its outcome in CallDisposition and no subtype; this one writes
        // TaskSubtype, the outcome, quality and Call Center fields, and the Description's
        // Outcome line without the package. The report reads what it always read.
        let csv = "Id,Owner.Username,CreatedDate,CallType,CallDisposition,TaskSubtype,Description,\
                   Softphone_Pop_Outcome__c,Softphone_Pop_Latency_Ms__c,Softphone_Log_Attempts__c,\
                   Softphone_Outcome__c,Softphone_MOS__c,Softphone_Jitter_Ms__c,Softphone_Loss_Percent__c,Softphone_Call_Center__c\n\
                   00T1,ann@acme.example,2026-11-29T10:02:03.000+0000,Inbound,Missed,,,no-match,812.0,1.0,,,,,\n\
                   00T2,ann@acme.example,2026-12-08T10:02:03.000+0000,Inbound,Resolved,Call,Talked it through.,one-match,412.0,1.0,Answered,4.1,6.0,0.3,RustSoftphone\n\
                   00T3,ann@acme.example,2026-12-08T11:02:03.000+0000,Inbound,,Call,Outcome: Missed,new-record,95.0,2.0,Missed,,,,RustSoftphone\n";
        let tasks = read_tasks(csv).expect("tasks");
        assert!(tasks.skipped.is_empty(), "{:?}", tasks.skipped);
        let pops: Vec<(PopOutcome, Option<u32>, u32)> = tasks.calls.iter().filter_map(|c| c.pop.map(|p| (p.outcome, p.latency_ms, c.log_attempts))).collect();
        assert_eq!(pops, [(PopOutcome::NoMatch, Some(812), 1), (PopOutcome::OneMatch, Some(412), 1), (PopOutcome::NewRecord, Some(95), 2)]);
    }

    #[test]
    fn package_fields_win_and_bad_rows_are_listed() {
        let csv = "OWNERID,CREATEDDATE,CALLTYPE,DESCRIPTION,SOFTPHONE_POP_OUTCOME__C,SOFTPHONE_POP_LATENCY_MS__C,SOFTPHONE_LOG_ATTEMPTS__C\r\n\
                   005A,2026-11-29T10:02:03.000Z,Inbound,Screen pop: no-match in 900 ms,one-match,412.0,2\r\n\
                   005A,yesterday,Inbound,,one-match,1,1\r\n\
                   005A,2026-11-29T10:02:03.000Z,Inbound,,maybe,1,1\r\n";
        let tasks = read_tasks(csv).expect("tasks");
        assert!(tasks.package_columns);
        assert_eq!(tasks.calls.len(), 1);
        assert_eq!(tasks.calls[0].agent, "005A");
        assert_eq!(tasks.calls[0].pop, Some(Pop { outcome: PopOutcome::OneMatch, latency_ms: Some(412) }));
        assert_eq!(tasks.calls[0].log_attempts, 2);
        assert_eq!(tasks.skipped.iter().map(|s| s.line).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(read_tasks("Id,CreatedDate\n"), Err(TasksError::MissingColumn("Owner.Username (or OwnerId)")));
    }
}
