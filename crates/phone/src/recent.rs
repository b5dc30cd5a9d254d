//! Recent and missed calls in this browser: the last [`RECENT_KEPT`] calls, newest first, with
//! the record each belonged to, for a one-click call back. Built from the calls' logs as they
//! are made, so it says what the Tasks say; kept by the glue in browser storage (no secret in it).

use crate::clock::Time;
use crate::log::{CallDirection, CallOutcome, CallRecord, RecordRef};

/// How many calls the list keeps.
pub const RECENT_KEPT: usize = 50;

/// One call in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentCall {
    /// Inbound, outbound or internal.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call was attached to.
    pub record: Option<RecordRef>,
    /// When it started (Unix ms).
    pub started_at: Time,
    /// Talk time in seconds (0: never answered).
    pub duration_s: u64,
    /// An inbound call nobody here answered (rang out, refused while busy or away).
    pub missed: bool,
}

impl RecentCall {
    /// The entry of a call just logged.
    pub(crate) fn of(log: &CallRecord) -> RecentCall {
        RecentCall {
            direction: log.direction,
            number: log.number.clone(),
            record: log.record.clone(),
            started_at: log.started_at,
            duration_s: log.duration_s,
            missed: log.direction != CallDirection::Outbound && log.outcome.as_ref().is_some_and(CallOutcome::is_missed),
        }
    }

    /// The name to show: the record's, else the number.
    pub fn who(&self) -> &str {
        crate::log::who_of_record(self.record.as_ref(), &self.number)
    }
}

#[cfg(test)]
#[path = "recent_tests.rs"]
mod tests;
