//! A finished (or logged) call, in CRM-neutral terms. The glue maps it to a Salesforce Task.

use callcenter::date::Date;
use super::pop_measure::PopMeasure;
use super::quality::QualitySummary;

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
/// the Task's `Softphone_Outcome__c` with the org package, else a line of its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Someone answered: the agent, or the other party of a call the agent placed.
    Answered,
    /// An incoming call nobody here answered (the caller gave up, or rang out).
    Missed,
    /// Refused while the agent's presence was Busy (486).
    MissedBusy,
    /// Refused because the agent already had as many calls as allowed (486).
    MissedAgentBusy,
    /// Refused while the agent was Away or Offline (480).
    MissedAway,
    /// The agent declined it.
    Declined,
    /// The far end was busy.
    Busy,
    /// The far end did not answer.
    NoAnswer,
    /// The agent hung up a call they placed before it was answered.
    Cancelled,
    /// It could not be set up; the sentence says why.
    Failed(String),
}

impl CallOutcome {
    /// The value written on the Task (at most 20 characters: the package field is Text(20)).
    pub fn as_str(&self) -> &'static str {
        match self {
            CallOutcome::Answered => "Answered",
            CallOutcome::Missed => "Missed",
            CallOutcome::MissedBusy => "Missed (busy)",
            CallOutcome::MissedAgentBusy => "Missed (agent busy)",
            CallOutcome::MissedAway => "Missed (away)",
            CallOutcome::Declined => "Declined",
            CallOutcome::Busy => "Busy",
            CallOutcome::NoAnswer => "No answer",
            CallOutcome::Cancelled => "Cancelled",
            CallOutcome::Failed(_) => "Failed",
        }
    }

    /// An incoming call that nobody here took.
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
    /// The moment `ms` (Unix milliseconds) on the UTC calendar.
    pub fn utc(ms: u64) -> LocalTime {
        let (date, time) = utc_date_time(ms);
        LocalTime { date, time, offset_min: 0 }
    }

    /// "UTC", or "UTC-08:00", "UTC+05:30": the zone as a Task subject names it.
    fn zone(&self) -> String {
        if self.offset_min == 0 {
            return "UTC".into();
        }
        let sign = if self.offset_min < 0 { '-' } else { '+' };
        let minutes = self.offset_min.unsigned_abs();
        format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
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
    /// When the call started (Unix milliseconds, UTC).
    pub started_at_ms: u64,
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
    /// Wrap-up disposition chosen by the agent.
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
    /// The log of a call with `number` that started at `started_at_ms`, nothing more known yet.
    pub fn new(direction: CallDirection, number: String, record: Option<RecordRef>, started_at_ms: u64) -> CallRecord {
        CallRecord {
            direction,
            number,
            record,
            about: None,
            outcome: None,
            started_at_ms,
            duration_s: 0,
            call_id: None,
            screen_pop: None,
            log_attempt: None,
            disposition: String::new(),
            notes: String::new(),
            transferred_to: None,
            link: None,
            quality: None,
        }
    }

    /// A subject such as "Outbound call 2026-11-24 02:02 UTC-08:00 +1 415 555 0100", the call's
    /// start (`started`) on the agent's calendar.
    pub fn subject(&self, started: &LocalTime) -> String {
        format!("{} call {} {} {} {}", self.direction.as_str(), started.date, started.time, started.zone(), self.number)
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

    /// The Task's description: why the call failed, the transfer or consultation, if any, then
    /// the agent's notes, then how the call sounded.
    pub fn description(&self) -> String {
        let mut text = match &self.outcome {
            Some(CallOutcome::Failed(why)) => format!("Failed: {why}"),
            _ => String::new(),
        };
        if let Some(link) = self.link_line() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&link);
        }
        if !self.notes.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&self.notes);
        }
        if let Some(quality) = &self.quality {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&quality.log_line());
        }
        text
    }

    /// What the Task says of the call's transfer or consultation.
    fn link_line(&self) -> Option<String> {
        let to = self.transferred_to.as_deref();
        Some(match (&self.link, to) {
            (Some(CallLink::ConsultedFirst), Some(to)) => format!("Transferred to {to} after a consultation."),
            (Some(CallLink::TransferAsked), Some(to)) => format!("The other party asked to be transferred to {to}; the phone called {to}."),
            (Some(CallLink::Consultation { about, handed_over: true }), _) => {
                format!("Consultation about the call with {about}, which was then transferred to this number.")
            }
            (Some(CallLink::Consultation { about, handed_over: false }), _) => format!("Consultation about the call with {about}."),
            (Some(CallLink::AskedBy { by }), _) => format!("Called because the other party of the call with {by} asked to be transferred here."),
            (_, Some(to)) => format!("Transferred to {to}."),
            (_, None) => return None,
        })
    }

}

/// "YYYY-MM-DD" and "HH:MM" for Unix milliseconds, in UTC.
fn utc_date_time(ms: u64) -> (String, String) {
    let secs = ms / 1000;
    let day = Date::from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX));
    let minute_of_day = (secs % 86_400) / 60;
    (day.to_string(), format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_gives_the_start_on_the_agents_calendar_and_names_its_zone() {
        // 2026-11-29 10:02 UTC
        let record = CallRecord { duration_s: 42, ..CallRecord::new(CallDirection::Inbound, "+1 415 555 0100".into(), None, 1_795_946_520_000) };
        let utc = LocalTime::utc(record.started_at_ms);
        assert_eq!(utc.date, "2026-11-29");
        assert_eq!(record.subject(&utc), "Inbound call 2026-11-29 10:02 UTC +1 415 555 0100");
        // The evening before in California: the day an agent there lives.
        let pacific = LocalTime { date: "2026-11-29".into(), time: "02:02".into(), offset_min: -480 };
        assert_eq!(record.subject(&pacific), "Inbound call 2026-11-29 02:02 UTC-08:00 +1 415 555 0100");
        let india = LocalTime { date: "2026-11-29".into(), time: "15:32".into(), offset_min: 330 };
        assert!(record.subject(&india).contains("15:32 UTC+05:30"));
    }

    #[test]
    fn who_is_the_person_and_what_the_record_worked_on() {
        let r = |id: &str, t: &str| RecordRef { id: id.into(), name: "n".into(), object_type: t.into(), person_contact_id: None };
        let case = r("500A", "Case");
        let mut record = CallRecord::new(CallDirection::Outbound, "1002".into(), Some(r("003A", "Contact")), 0);
        record.about = Some(case.clone());
        assert_eq!((record.who_id(), record.what_id()), (Some("003A"), Some("500A")), "a Contact called while working a Case");
        // A clicked record that is no person is what the call was about.
        record.record = Some(r("001A", "Account"));
        assert_eq!((record.who_id(), record.what_id()), (None, Some("001A")));
        record.record = None;
        assert_eq!((record.who_id(), record.what_id()), (None, Some("500A")));
    }

    #[test]
    fn outcome_values_fit_the_package_field_and_a_failure_says_why() {
        let all = [
            CallOutcome::Answered,
            CallOutcome::Missed,
            CallOutcome::MissedBusy,
            CallOutcome::MissedAgentBusy,
            CallOutcome::MissedAway,
            CallOutcome::Declined,
            CallOutcome::Busy,
            CallOutcome::NoAnswer,
            CallOutcome::Cancelled,
            CallOutcome::Failed("no route".into()),
        ];
        assert!(all.iter().all(|o| o.as_str().len() <= 20), "Softphone_Outcome__c is Text(20)");
        let failed = CallRecord { outcome: Some(CallOutcome::Failed("The PBX refused the call (404).".into())), ..CallRecord::new(CallDirection::Outbound, "1009".into(), None, 0) };
        assert_eq!(failed.description(), "Failed: The PBX refused the call (404).");
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
        assert_eq!(utc_date_time(0), ("1970-01-01".into(), "00:00".into()));
        assert_eq!(utc_date_time(1_709_164_800_000).0, "2024-02-29");
        assert_eq!(utc_date_time(1_709_251_199_000), ("2024-02-29".into(), "23:59".into()));
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
