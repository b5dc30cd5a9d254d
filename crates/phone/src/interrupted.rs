//! A call a previous page was on when it went away (a reload, a crash, a closed tab), as
//! browser storage kept it; what becomes of it is `rejoin`'s to decide.

use crate::clock::Time;
use crate::log::{CallDirection, CallOutcome, CallRecord, RecordRef};
use crate::pop_measure::PopMeasure;

/// The call a previous page was on when it went away, as browser storage kept it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterruptedCall {
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call was attached to.
    pub record: Option<RecordRef>,
    /// The record the agent worked on during the call, when no person (older records have none).
    pub about: Option<RecordRef>,
    /// The Call-ID the call's log is keyed by (its first).
    pub call_id: Option<String>,
    pub started_at: Time,
    /// When it was answered, if it was.
    pub answered_at: Option<Time>,
    /// The screen pop's measure, once Salesforce answered.
    pub screen_pop: Option<PopMeasure>,
    /// The last moment the page was known to be on the call.
    pub interrupted_at: Time,
    /// The page kept the call's SIP dialog, so the far end can be asked to take us back.
    pub can_rejoin: bool,
    /// The call was on hold.
    pub held: bool,
}

impl InterruptedCall {
    /// The call's log as of the last moment the page was known alive: talk time up to then,
    /// and an unanswered call missed (inbound) or cancelled (outbound).
    pub fn log(&self) -> CallRecord {
        let outcome = match (self.answered_at, self.direction) {
            (Some(_), _) => CallOutcome::Answered,
            (None, CallDirection::Inbound) => CallOutcome::Missed,
            (None, _) => CallOutcome::Cancelled,
        };
        CallRecord {
            duration_s: self.answered_at.map_or(0, |at| self.interrupted_at.seconds_since(at)),
            call_id: self.call_id.clone(),
            screen_pop: self.screen_pop,
            about: self.about.clone(),
            outcome: Some(outcome),
            cut_off: true,
            ..CallRecord::new(self.direction, self.number.clone(), self.record.clone(), self.started_at)
        }
    }
}
