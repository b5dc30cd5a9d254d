//! A finished (or logged) call, in CRM-neutral terms. The glue maps it to a Salesforce Task.

use crate::clock::Time;
use callcenter::date::Date;
use serde::{Deserialize, Serialize};

use super::pop_measure::PopMeasure;
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
    /// Wrap-up disposition chosen by the agent.
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
            disposition: String::new(),
            notes: String::new(),
            transferred_to: None,
            link: None,
            quality: None,
        }
    }

    /// A subject such as "Outbound call 2026-11-24 10:02 UTC +1 415 555 0100".
    pub fn subject(&self) -> String {
        let (date, time) = utc_date_time(self.started_at.unix_millis());
        format!("{} call {date} {time} UTC {}", self.direction.as_str(), self.number)
    }

    /// The Task's description: the transfer or consultation, if any, then the agent's notes,
    /// then how the call sounded.
    pub fn description(&self) -> String {
        let mut text = self.link_line().unwrap_or_default();
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

    /// The calendar day the call started, "YYYY-MM-DD" (UTC), for a Task's ActivityDate.
    pub fn activity_date(&self) -> String {
        utc_date_time(self.started_at.unix_millis()).0
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
    fn subject_and_activity_date_use_the_utc_calendar() {
        // 2026-11-29 10:02 UTC
        let record = CallRecord { duration_s: 42, ..CallRecord::new(CallDirection::Inbound, "+1 415 555 0100".into(), None, Time::from_unix_millis(1_795_946_520_000)) };
        assert_eq!(record.subject(), "Inbound call 2026-11-29 10:02 UTC +1 415 555 0100");
        assert_eq!(record.activity_date(), "2026-11-29");
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
