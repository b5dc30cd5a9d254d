//! A finished (or logged) call, in CRM-neutral terms. The glue maps it to a Salesforce Task.

use callcenter_settings::date::Date;

use crate::clock::Time;
use crate::pop_measure::PopMeasure;
use crate::quality::QualitySummary;
use crate::reasons::CallFailure;

/// A CRM record a call is about (the record that was clicked, or that matched the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    /// The record's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its object type, e.g. "Contact", "Lead", "Account".
    pub object_type: String,
    /// For a person account (an Account that is a person): the Contact behind it, which is who
    /// the call was with.
    pub person_contact_id: Option<String>,
}

impl RecordRef {
    /// People (Contacts, Leads, person accounts) are who a call was with; anything else is what
    /// it was about.
    pub fn is_person(&self) -> bool {
        self.person_contact_id.is_some() || matches!(self.object_type.as_str(), "Contact" | "Lead")
    }

    /// The person the call was with (a Task's WhoId): a Contact or Lead itself, or a person
    /// account's contact.
    pub fn who_id(&self) -> Option<&str> {
        match &self.person_contact_id {
            Some(contact) => Some(contact),
            None if self.is_person() => Some(&self.id),
            None => None,
        }
    }

    /// The record the call was about (a Task's WhatId): anything that is not a person.
    pub fn what_id(&self) -> Option<&str> {
        (!self.is_person()).then_some(self.id.as_str())
    }
}

/// What became of a call by itself, whatever the agent chose in wrap-up (their disposition):
/// the Task's outcome (the org package's field, else a line of its description), worded by the
/// app.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Someone answered: the agent, or the other party of a call the agent placed.
    Answered,
    /// An incoming call nobody here answered (the caller gave up, or rang out).
    Missed,
    /// Refused without ringing: the agent had said Busy (486).
    MissedBusy,
    /// Refused without ringing: the agent had as many calls as the phone takes, or one ringing
    /// (486).
    MissedAgentBusy,
    /// Refused without ringing: the agent had said Away or Offline (480).
    MissedAway,
    /// The agent declined it.
    Declined,
    /// The far end was busy.
    Busy,
    /// The far end declined the agent's call.
    RemoteDeclined,
    /// Nobody answered the agent's call.
    NoAnswer,
    /// The agent hung up a call they placed before it was answered.
    Cancelled,
    /// It could not be set up, for this reason.
    Failed(CallFailure),
}

impl CallOutcome {
    /// An incoming call that nobody here took: the recent calls show it as missed.
    pub fn is_missed(&self) -> bool {
        matches!(self, CallOutcome::Missed | CallOutcome::MissedBusy | CallOutcome::MissedAgentBusy | CallOutcome::MissedAway)
    }
}

/// A moment as the agent's calendar shows it, in the agent's time zone: the glue reads it from
/// the browser (`Intl`), which knows the zone's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTime {
    /// The day, "YYYY-MM-DD".
    pub date: String,
    /// The time of day, "HH:MM".
    pub time: String,
    /// Minutes east of UTC at that moment.
    pub offset_min: i32,
}

impl LocalTime {
    /// The moment `at` on the UTC calendar.
    pub fn utc(at: Time) -> LocalTime {
        let secs = at.unix_millis() / 1000;
        let day = Date::from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX));
        let minute_of_day = (secs % 86_400) / 60;
        LocalTime { date: day.to_string(), time: format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60), offset_min: 0 }
    }
}

/// Who started the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallDirection {
    /// A customer called in.
    Inbound,
    /// The agent called out.
    Outbound,
    /// Agent to agent.
    Internal,
}

impl CallDirection {
    /// The word Salesforce uses in a Task's CallType.
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Inbound => "Inbound",
            CallDirection::Outbound => "Outbound",
            CallDirection::Internal => "Internal",
        }
    }
}

/// The name to show for a call with `number` attached to `record`: the record's, else the number.
pub(crate) fn who_of_record<'a>(record: Option<&'a RecordRef>, number: &'a str) -> &'a str {
    match record {
        Some(r) if !r.name.is_empty() => &r.name,
        _ => number,
    }
}

/// Everything worth keeping about one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// Inbound, outbound or internal.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call is attached to: clicked, or matched by the screen pop.
    pub record: Option<RecordRef>,
    /// The record the agent was working on during the call (a Case, an Opportunity...), when it
    /// is not a person: what the call was about, beside who it was with (older stored logs have
    /// none).
    pub about: Option<RecordRef>,
    /// What became of the call (older stored logs have none: their disposition held it).
    pub outcome: Option<CallOutcome>,
    /// When the call started.
    pub started_at: Time,
    /// Talk time in whole seconds (0 when never answered).
    pub duration_s: u64,
    /// The SIP Call-ID, when the call went through the softphone.
    pub call_id: Option<String>,
    /// The screen pop's outcome and latency (incoming calls); `None` without a pop. Logs stored
    /// by an older version have none.
    pub screen_pop: Option<PopMeasure>,
    /// The saveLog attempt that created the call's Task (1 = the first try), stamped by the
    /// outbox when it sends the log.
    pub log_attempt: Option<u32>,
    /// The disposition the agent chose (one of the Call Center's), or empty.
    pub disposition: String,
    /// The agent's notes.
    pub notes: String,
    /// The number the call was handed to, if it was (a transfer).
    pub transferred_to: Option<String>,
    /// How this call was tied to another: a transfer after a consultation, a consultation, a
    /// transfer the other party asked for (older stored logs have none).
    pub link: Option<CallLink>,
    /// How the call sounded, when it had audio (older stored logs have none).
    pub quality: Option<QualitySummary>,
    /// The page was reloaded or closed during the call, which ended for the customer then
    /// (older stored logs say so in their notes).
    pub cut_off: bool,
}

/// How a call was tied to another call, said on its Task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallLink {
    /// The agent talked to the transfer target first, on a consultation call (attended
    /// transfer).
    ConsultedFirst,
    /// The other party asked for the call to go on with `transferred_to` (their REFER), and
    /// the phone placed that call.
    TransferAsked,
    /// This call was the agent's consultation about the call with `about`; `handed_over` when
    /// that call was then transferred to this call's other party.
    Consultation { about: String, handed_over: bool },
    /// The phone placed this call because the other party of the call with `by` asked it to
    /// (their REFER).
    AskedBy { by: String },
}

impl CallRecord {
    /// The log of a call with `number` that started at `started_at`, nothing more known yet.
    pub fn new(direction: CallDirection, number: String, record: Option<RecordRef>, started_at: Time) -> CallRecord {
        CallRecord {
            direction,
            number,
            record,
            about: None,
            outcome: None,
            started_at,
            duration_s: 0,
            call_id: None,
            screen_pop: None,
            log_attempt: None,
            disposition: String::new(),
            notes: String::new(),
            transferred_to: None,
            link: None,
            quality: None,
            cut_off: false,
        }
    }

    /// Whether the Task gets a disposition: the agent chose one (or, in a log stored by an
    /// older version, it says what became of the call).
    pub fn has_disposition(&self) -> bool {
        !self.disposition.is_empty()
    }

    /// The person the call was with (a Task's WhoId): the record clicked or matched, when it is
    /// a Contact, Lead or person account.
    pub fn who_id(&self) -> Option<&str> {
        self.record.as_ref().and_then(RecordRef::who_id)
    }

    /// The record the call was about (a Task's WhatId): the one clicked when it is no person,
    /// else the one the agent was working on.
    pub fn what_id(&self) -> Option<&str> {
        self.record.as_ref().and_then(RecordRef::what_id).or_else(|| self.about.as_ref().and_then(RecordRef::what_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Time {
        Time::from_unix_millis(ms)
    }

    #[test]
    fn calls_are_dated_on_the_utc_calendar_when_no_zone_is_known() {
        // 2026-11-29 10:02 UTC
        let utc = LocalTime::utc(at(1_795_946_520_000));
        assert_eq!((utc.date.as_str(), utc.time.as_str(), utc.offset_min), ("2026-11-29", "10:02", 0));
    }

    #[test]
    fn who_is_the_person_and_what_the_record_worked_on() {
        let r = |id: &str, t: &str| RecordRef { id: id.into(), name: "n".into(), object_type: t.into(), person_contact_id: None };
        let case = r("500A", "Case");
        let mut record = CallRecord::new(CallDirection::Outbound, "1002".into(), Some(r("003A", "Contact")), at(0));
        record.about = Some(case.clone());
        assert_eq!((record.who_id(), record.what_id()), (Some("003A"), Some("500A")), "a Contact called while working a Case");
        // A clicked record that is no person is what the call was about.
        record.record = Some(r("001A", "Account"));
        assert_eq!((record.who_id(), record.what_id()), (None, Some("001A")));
        record.record = None;
        assert_eq!((record.who_id(), record.what_id()), (None, Some("500A")));
    }

    #[test]
    fn logs_stored_before_outcomes_and_work_records_still_load() {
        let stored = r#"{"direction":"Inbound","number":"1003","record":null,"started_at_ms":0,"duration_s":0,
            "call_id":"c1","disposition":"Missed","notes":"","transferred_to":null}"#;
        let old = CallRecord::from_value(&crate::value::parse_json(stored)).expect("an older log loads");
        assert_eq!((old.outcome, old.about, old.disposition.as_str()), (None, None, "Missed"), "kept as it was written");
    }

    #[test]
    fn leap_days_and_the_epoch_are_dated_correctly() {
        assert_eq!(LocalTime::utc(at(0)).date, "1970-01-01");
        assert_eq!(LocalTime::utc(at(1_709_164_800_000)).date, "2024-02-29");
        let last_minute = LocalTime::utc(at(1_709_251_199_000));
        assert_eq!((last_minute.date.as_str(), last_minute.time.as_str()), ("2024-02-29", "23:59"));
    }

    #[test]
    fn contacts_and_leads_are_people_accounts_are_not() {
        let r = |t: &str| RecordRef { id: "x".into(), name: "n".into(), object_type: t.into(), person_contact_id: None };
        assert!(r("Contact").is_person() && r("Lead").is_person());
        assert!(!r("Account").is_person() && !r("Case").is_person());
        assert_eq!((r("Contact").who_id(), r("Contact").what_id()), (Some("x"), None));
        assert_eq!((r("Account").who_id(), r("Account").what_id()), (None, Some("x")));
        let person_account = RecordRef { person_contact_id: Some("003p".into()), ..r("Account") };
        assert!(person_account.is_person());
        assert_eq!(person_account.who_id(), Some("003p"), "a person account's calls are with its contact");
        assert_eq!(person_account.what_id(), None);
    }
}
