//! A finished (or logged) call, in CRM-neutral terms. The glue maps it to a Salesforce Task.

use crate::clock::Time;
use callcenter::date::Date;
use serde::{Deserialize, Serialize};

use super::pop_measure::PopMeasure;
use super::reasons::CallFailure;
use super::quality::QualitySummary;

/// A CRM record a call is about (the record that was clicked, or that matched the caller).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Who started the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Inbound, outbound or internal.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call is attached to.
    pub record: Option<RecordRef>,
    /// When the call started (Unix milliseconds, UTC).
    #[serde(rename = "started_at_ms")]
    pub started_at: Time,
    /// Talk time in whole seconds (0 when never answered).
    pub duration_s: u64,
    /// The SIP Call-ID, when the call went through the softphone.
    pub call_id: Option<String>,
    /// The screen pop's outcome and latency (incoming calls); `None` without a pop. Logs stored
    /// by an older version have none.
    #[serde(default)]
    pub screen_pop: Option<PopMeasure>,
    /// The saveLog attempt that created the call's Task (1 = the first try), stamped by the
    /// outbox when it sends the log.
    #[serde(default)]
    pub log_attempt: Option<u32>,
    /// What became of the call when nobody here answered it (its disposition until the agent
    /// picks one); `None` for an answered call. Logs stored by an older version have none (their
    /// disposition says it).
    #[serde(default)]
    pub unanswered: Option<Unanswered>,
    /// The disposition the agent chose (one of the Call Center's), or empty.
    pub disposition: String,
    /// The agent's notes.
    pub notes: String,
    /// The number the call was handed to, if it was (a transfer).
    pub transferred_to: Option<String>,
    /// How this call was tied to another: a transfer after a consultation, a consultation, a
    /// transfer the other party asked for (older stored logs have none).
    #[serde(default)]
    pub link: Option<CallLink>,
    /// How the call sounded, when it had audio (older stored logs have none).
    #[serde(default)]
    pub quality: Option<QualitySummary>,
    /// The page was reloaded or closed during the call, which ended for the customer then
    /// (older stored logs say so in their notes).
    #[serde(default)]
    pub cut_off: bool,
}

/// What became of a call nobody here answered.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unanswered {
    /// The caller gave up, or the ring was not answered.
    Missed,
    /// Refused without ringing: the agent had said Busy.
    MissedWhileBusy,
    /// Refused without ringing: the agent had as many calls as the phone takes, or one ringing.
    MissedNoRoom,
    /// Refused without ringing: the agent had said Away.
    MissedWhileAway,
    /// The agent declined it.
    Declined,
    /// The callee was busy.
    Busy,
    /// The callee declined it.
    RemoteDeclined,
    /// Nobody answered the agent's call.
    NoAnswer,
    /// The agent hung up before an answer.
    Cancelled,
    /// It failed, for this reason.
    Failed(#[serde(with = "crate::stored_reasons::call_failure")] CallFailure),
}

impl Unanswered {
    /// A call to the agent that nobody here took: the recent calls show it as missed.
    pub fn is_missed(&self) -> bool {
        matches!(self, Unanswered::Missed | Unanswered::MissedWhileBusy | Unanswered::MissedNoRoom | Unanswered::MissedWhileAway)
    }
}

/// How a call was tied to another call, said on its Task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
            started_at,
            duration_s: 0,
            call_id: None,
            screen_pop: None,
            log_attempt: None,
            unanswered: None,
            disposition: String::new(),
            notes: String::new(),
            transferred_to: None,
            link: None,
            quality: None,
            cut_off: false,
        }
    }

    /// Whether the Task gets a disposition: the agent's, or what became of an unanswered call.
    pub fn has_disposition(&self) -> bool {
        !self.disposition.is_empty() || self.unanswered.is_some()
    }

    /// When the call started, to the minute, on the UTC calendar.
    pub fn started_utc(&self) -> UtcMinute {
        let secs = self.started_at.unix_millis() / 1000;
        let minute_of_day = u32::try_from((secs % 86_400) / 60).unwrap_or(0);
        UtcMinute { date: Date::from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX)), hour: minute_of_day / 60, minute: minute_of_day % 60 }
    }

    /// The calendar day the call started, "YYYY-MM-DD" (UTC), for a Task's ActivityDate.
    pub fn activity_date(&self) -> String {
        self.started_utc().date.to_string()
    }
}

/// A minute of the UTC calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcMinute {
    pub date: Date,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started_at(ms: u64) -> CallRecord {
        CallRecord::new(CallDirection::Inbound, "+1 415 555 0100".into(), None, Time::from_unix_millis(ms))
    }

    #[test]
    fn calls_are_dated_by_the_utc_calendar() {
        // 2026-11-29 10:02 UTC
        let record = started_at(1_795_946_520_000);
        assert_eq!(record.activity_date(), "2026-11-29");
        assert_eq!((record.started_utc().hour, record.started_utc().minute), (10, 2));
    }

    #[test]
    fn leap_days_and_the_epoch_are_dated_correctly() {
        assert_eq!(started_at(0).activity_date(), "1970-01-01");
        assert_eq!(started_at(1_709_164_800_000).activity_date(), "2024-02-29");
        let last_minute = started_at(1_709_251_199_000).started_utc();
        assert_eq!((last_minute.date.to_string(), last_minute.hour, last_minute.minute), ("2024-02-29".into(), 23, 59));
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
