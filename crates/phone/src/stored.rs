//! How the phone's records are kept in the browser (call logs waiting for Salesforce, recent
//! calls, presence, outputs) and carried between tabs: each written to a [`Value`] and read back
//! by hand.
//!
//! The shapes are the ones serde's derives wrote before (field names as in the structs, enums
//! externally tagged: `"LookingUp"`, `{"Waiting": {"due_ms": 5}}`, `None` as `null`), so what an
//! agent's browser stored under an earlier version is read after an upgrade: nothing waiting is
//! lost. Fields added after the first version may be absent (they read as their default); the
//! others must be there with their type, or the record is not read (as with the derive).

use crate::clock::Time;
use crate::log::{CallDirection, CallLink, CallOutcome, CallRecord, RecordRef};
use crate::outbox::{PendingLog, Stage};
use crate::outputs::OutputChoices;
use crate::pop_measure::{PopMeasure, PopOutcome};
use crate::presence::Presence;
use crate::quality::{Grade, QualitySummary};
use crate::reasons::{CallFailure, CrmProblem};
use crate::recent::RecentCall;
use crate::value::Value;

/// A variant without data and the name serde gave it (the Rust name).
struct Named<T> {
    value: T,
    name: &'static str,
}

const DIRECTIONS: [Named<CallDirection>; 3] = [
    Named { value: CallDirection::Inbound, name: "Inbound" },
    Named { value: CallDirection::Outbound, name: "Outbound" },
    Named { value: CallDirection::Internal, name: "Internal" },
];

const POP_OUTCOMES: [Named<PopOutcome>; 6] = [
    Named { value: PopOutcome::OneMatch, name: "OneMatch" },
    Named { value: PopOutcome::SeveralMatches, name: "SeveralMatches" },
    Named { value: PopOutcome::NoMatch, name: "NoMatch" },
    Named { value: PopOutcome::NewRecord, name: "NewRecord" },
    Named { value: PopOutcome::Failed, name: "Failed" },
    Named { value: PopOutcome::TimedOut, name: "TimedOut" },
];

const GRADES: [Named<Grade>; 5] = [
    Named { value: Grade::Excellent, name: "Excellent" },
    Named { value: Grade::Good, name: "Good" },
    Named { value: Grade::Fair, name: "Fair" },
    Named { value: Grade::Poor, name: "Poor" },
    Named { value: Grade::Bad, name: "Bad" },
];

fn name_of<T: PartialEq>(table: &[Named<T>], value: &T) -> Value {
    table.iter().find(|n| n.value == *value).map_or(Value::Null, |n| n.name.into())
}

fn named<T: Copy>(table: &[Named<T>], value: &Value) -> Option<T> {
    let name = value.as_variant()?.name;
    table.iter().find(|n| n.name == name).map(|n| n.value)
}

impl RecordRef {
    pub fn to_value(&self) -> Value {
        Value::object([
            ("id", self.id.as_str().into()),
            ("name", self.name.as_str().into()),
            ("object_type", self.object_type.as_str().into()),
            ("person_contact_id", self.person_contact_id.clone().into()),
        ])
    }

    pub fn from_value(v: &Value) -> Option<RecordRef> {
        Some(RecordRef {
            id: v.get("id").string()?,
            name: v.get("name").string()?,
            object_type: v.get("object_type").string()?,
            person_contact_id: v.get("person_contact_id").optional(Value::string)?,
        })
    }
}

impl CallDirection {
    pub fn to_value(self) -> Value {
        name_of(&DIRECTIONS, &self)
    }

    pub fn from_value(v: &Value) -> Option<CallDirection> {
        named(&DIRECTIONS, v)
    }
}

impl PopMeasure {
    pub fn to_value(&self) -> Value {
        Value::object([("outcome", name_of(&POP_OUTCOMES, &self.outcome)), ("latency_ms", self.latency_ms.into())])
    }

    pub fn from_value(v: &Value) -> Option<PopMeasure> {
        Some(PopMeasure { outcome: named(&POP_OUTCOMES, v.get("outcome"))?, latency_ms: v.get("latency_ms").optional(Value::u64)? })
    }
}

impl QualitySummary {
    pub fn to_value(&self) -> Value {
        Value::object([
            ("grade", name_of(&GRADES, &self.grade)),
            ("mos_tenths", u32::from(self.mos_tenths).into()),
            ("loss_permille", self.loss_permille.into()),
            ("jitter_ms", self.jitter_ms.into()),
            ("round_trip_ms", self.round_trip_ms.into()),
        ])
    }

    pub fn from_value(v: &Value) -> Option<QualitySummary> {
        Some(QualitySummary {
            grade: named(&GRADES, v.get("grade"))?,
            mos_tenths: v.get("mos_tenths").u8()?,
            loss_permille: v.get("loss_permille").u32()?,
            jitter_ms: v.get("jitter_ms").u32()?,
            round_trip_ms: v.get("round_trip_ms").optional(Value::u32)?,
        })
    }
}

impl CallLink {
    pub fn to_value(&self) -> Value {
        match self {
            CallLink::ConsultedFirst => "ConsultedFirst".into(),
            CallLink::TransferAsked => "TransferAsked".into(),
            CallLink::Consultation { about, handed_over } => Value::variant(
                "Consultation",
                Value::object([("about", about.as_str().into()), ("handed_over", (*handed_over).into())]),
            ),
            CallLink::AskedBy { by } => Value::variant("AskedBy", Value::object([("by", by.as_str().into())])),
        }
    }

    pub fn from_value(v: &Value) -> Option<CallLink> {
        let variant = v.as_variant()?;
        let body = variant.body;
        Some(match variant.name {
            "ConsultedFirst" => CallLink::ConsultedFirst,
            "TransferAsked" => CallLink::TransferAsked,
            "Consultation" => CallLink::Consultation { about: body.get("about").string()?, handed_over: body.get("handed_over").bool()? },
            "AskedBy" => CallLink::AskedBy { by: body.get("by").string()? },
            _ => return None,
        })
    }
}

const CALL_OUTCOMES: [Named<&CallOutcome>; 10] = [
    Named { value: &CallOutcome::Answered, name: "Answered" },
    Named { value: &CallOutcome::Missed, name: "Missed" },
    Named { value: &CallOutcome::MissedBusy, name: "MissedBusy" },
    Named { value: &CallOutcome::MissedAgentBusy, name: "MissedAgentBusy" },
    Named { value: &CallOutcome::MissedAway, name: "MissedAway" },
    Named { value: &CallOutcome::Declined, name: "Declined" },
    Named { value: &CallOutcome::Busy, name: "Busy" },
    Named { value: &CallOutcome::RemoteDeclined, name: "RemoteDeclined" },
    Named { value: &CallOutcome::NoAnswer, name: "NoAnswer" },
    Named { value: &CallOutcome::Cancelled, name: "Cancelled" },
];

impl CallOutcome {
    pub fn to_value(&self) -> Value {
        match self {
            CallOutcome::Failed(why) => Value::variant("Failed", why.to_value()),
            plain => name_of(&CALL_OUTCOMES, &plain),
        }
    }

    pub fn from_value(v: &Value) -> Option<CallOutcome> {
        let variant = v.as_variant()?;
        match variant.name {
            // An earlier version kept the failure's sentence: it reads as those words.
            "Failed" => Some(CallOutcome::Failed(CallFailure::from_value(variant.body)?)),
            _ => named(&CALL_OUTCOMES, v).cloned(),
        }
    }
}

impl CallRecord {
    pub fn to_value(&self) -> Value {
        Value::object([
            ("direction", self.direction.to_value()),
            ("number", self.number.as_str().into()),
            ("record", self.record.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("about", self.about.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("outcome", self.outcome.as_ref().map_or(Value::Null, CallOutcome::to_value)),
            ("started_at_ms", self.started_at.unix_millis().into()),
            ("duration_s", self.duration_s.into()),
            ("call_id", self.call_id.clone().into()),
            ("screen_pop", self.screen_pop.as_ref().map_or(Value::Null, PopMeasure::to_value)),
            ("log_attempt", self.log_attempt.into()),
            ("disposition", self.disposition.as_str().into()),
            ("notes", self.notes.as_str().into()),
            ("transferred_to", self.transferred_to.clone().into()),
            ("link", self.link.as_ref().map_or(Value::Null, CallLink::to_value)),
            ("quality", self.quality.as_ref().map_or(Value::Null, QualitySummary::to_value)),
            ("cut_off", self.cut_off.into()),
        ])
    }

    pub fn from_value(v: &Value) -> Option<CallRecord> {
        Some(CallRecord {
            direction: CallDirection::from_value(v.get("direction"))?,
            number: v.get("number").string()?,
            record: v.get("record").optional(RecordRef::from_value)?,
            // Logs stored before outcomes and work records have neither member.
            about: v.get("about").optional(RecordRef::from_value)?,
            outcome: v.get("outcome").optional(CallOutcome::from_value)?,
            started_at: Time::from_unix_millis(v.get("started_at_ms").u64()?),
            duration_s: v.get("duration_s").u64()?,
            call_id: v.get("call_id").optional(Value::string)?,
            screen_pop: v.get("screen_pop").optional(PopMeasure::from_value)?,
            log_attempt: v.get("log_attempt").optional(Value::u32)?,
            disposition: v.get("disposition").string()?,
            notes: v.get("notes").string()?,
            transferred_to: v.get("transferred_to").optional(Value::string)?,
            link: v.get("link").optional(CallLink::from_value)?,
            quality: v.get("quality").optional(QualitySummary::from_value)?,
            // Older logs said so in their notes.
            cut_off: v.get("cut_off").optional(Value::bool)?.unwrap_or(false),
        })
    }
}

impl Stage {
    fn to_value(&self) -> Value {
        match self {
            Stage::Waiting { due } => Value::variant("Waiting", Value::object([("due_ms", due.unix_millis().into())])),
            Stage::Saving { sent_at } => Value::variant("Saving", Value::object([("sent_at_ms", sent_at.unix_millis().into())])),
            Stage::LookingUp => "LookingUp".into(),
        }
    }

    fn from_value(v: &Value) -> Option<Stage> {
        let variant = v.as_variant()?;
        Some(match variant.name {
            "Waiting" => Stage::Waiting { due: Time::from_unix_millis(variant.body.get("due_ms").u64()?) },
            "Saving" => Stage::Saving { sent_at: Time::from_unix_millis(variant.body.get("sent_at_ms").u64()?) },
            "LookingUp" => Stage::LookingUp,
            _ => return None,
        })
    }
}

impl PendingLog {
    pub fn to_value(&self) -> Value {
        Value::object([
            ("id", self.id.into()),
            ("record", self.record.to_value()),
            ("existing_id", self.existing_id.clone().into()),
            ("error", self.error.as_ref().map_or(Value::Null, CrmProblem::to_value)),
            ("attempts", self.attempts.into()),
            ("sends", self.sends.into()),
            ("stage", self.stage.to_value()),
            ("maybe_created", self.maybe_created.into()),
            ("resend", self.resend.into()),
            ("unlinked", self.unlinked.into()),
            ("no_disposition", self.no_disposition.into()),
        ])
    }

    pub fn from_value(v: &Value) -> Option<PendingLog> {
        Some(PendingLog {
            id: v.get("id").u32()?,
            record: CallRecord::from_value(v.get("record"))?,
            existing_id: v.get("existing_id").optional(Value::string)?,
            error: v.get("error").optional(CrmProblem::from_value)?,
            attempts: v.get("attempts").u32()?,
            // Logs stored before saveLogs were counted have none.
            sends: v.get("sends").optional(Value::u32)?.unwrap_or(0),
            stage: Stage::from_value(v.get("stage"))?,
            maybe_created: v.get("maybe_created").bool()?,
            resend: v.get("resend").bool()?,
            unlinked: v.get("unlinked").bool()?,
            no_disposition: v.get("no_disposition").bool()?,
        })
    }
}

impl RecentCall {
    pub fn to_value(&self) -> Value {
        Value::object([
            ("direction", self.direction.to_value()),
            ("number", self.number.as_str().into()),
            ("record", self.record.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("started_at_ms", self.started_at.unix_millis().into()),
            ("duration_s", self.duration_s.into()),
            ("missed", self.missed.into()),
        ])
    }

    pub fn from_value(v: &Value) -> Option<RecentCall> {
        Some(RecentCall {
            direction: CallDirection::from_value(v.get("direction"))?,
            number: v.get("number").string()?,
            record: v.get("record").optional(RecordRef::from_value)?,
            started_at: Time::from_unix_millis(v.get("started_at_ms").u64()?),
            duration_s: v.get("duration_s").u64()?,
            missed: v.get("missed").bool()?,
        })
    }
}

impl OutputChoices {
    pub fn to_value(&self) -> Value {
        Value::object([("speaker", self.speaker.clone().into()), ("ringer", self.ringer.clone().into())])
    }

    /// Either output may be absent (the browser's default).
    pub fn from_value(v: &Value) -> Option<OutputChoices> {
        Some(OutputChoices { speaker: v.get("speaker").optional(Value::string)?, ringer: v.get("ringer").optional(Value::string)? })
    }
}

const PRESENCES: [Named<Presence>; 4] = [
    Named { value: Presence::Available, name: "Available" },
    Named { value: Presence::Busy, name: "Busy" },
    Named { value: Presence::Away, name: "Away" },
    Named { value: Presence::Offline, name: "Offline" },
];

impl Presence {
    pub fn to_value(self) -> Value {
        name_of(&PRESENCES, &self)
    }

    pub fn from_value(v: &Value) -> Option<Presence> {
        named(&PRESENCES, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_json as parse;

    /// A waiting log exactly as an earlier version (serde's derive) stored it, before `sends`,
    /// the screen pop, the link and the quality were kept.
    const OLDER_LOG: &str = r#"{"id":3,"record":{"direction":"Inbound","number":"+1 415 555 0100",
        "record":{"id":"003A","name":"Ada Lovelace","object_type":"Contact","person_contact_id":null},
        "started_at_ms":1733580000000,"duration_s":42,"call_id":"abc@pbx","disposition":"",
        "notes":"call back","transferred_to":null},"existing_id":null,"error":"Salesforce did not answer",
        "attempts":2,"stage":{"Waiting":{"due_ms":1733580060000}},"maybe_created":true,"resend":false,
        "unlinked":false,"no_disposition":false}"#;

    #[test]
    fn a_log_an_earlier_version_stored_is_read_after_an_upgrade() {
        let log = PendingLog::from_value(&parse(OLDER_LOG)).expect("the stored log is read");
        assert_eq!(log.record.number, "+1 415 555 0100");
        assert_eq!(log.record.record.as_ref().map(|r| r.name.as_str()), Some("Ada Lovelace"));
        assert_eq!(log.record.notes, "call back");
        assert_eq!(log.stage, Stage::Waiting { due: Time::from_unix_millis(1_733_580_060_000) });
        assert_eq!(log.error, Some(CrmProblem::Other { detail: "Salesforce did not answer".into() }), "the text kept, as the CRM's words");
        assert_eq!((log.attempts, log.sends, log.maybe_created), (2, 0, true));
        assert_eq!((log.record.screen_pop, log.record.link.clone(), log.record.quality), (None, None, None));
    }

    #[test]
    fn every_field_of_a_log_comes_back_as_written() {
        let mut record = CallRecord::new(CallDirection::Outbound, "+44 20 7946 0000".into(), None, Time::from_unix_millis(1_733_580_000_000));
        record.cut_off = true;
        record.screen_pop = Some(PopMeasure { outcome: PopOutcome::SeveralMatches, latency_ms: Some(840) });
        record.log_attempt = Some(2);
        record.link = Some(CallLink::Consultation { about: "c1@pbx".into(), handed_over: true });
        record.quality =
            Some(QualitySummary { grade: Grade::Good, mos_tenths: 41, loss_permille: 3, jitter_ms: 6, round_trip_ms: Some(42) });
        for stage in [Stage::Waiting { due: Time::from_unix_millis(9) }, Stage::Saving { sent_at: Time::from_unix_millis(7) }, Stage::LookingUp] {
            let log = PendingLog {
                id: 1,
                record: record.clone(),
                existing_id: Some("00T1".into()),
                error: Some(CrmProblem::Refused { asked: "saveLog".into(), detail: "FIELD_CUSTOM_VALIDATION_EXCEPTION".into() }),
                attempts: 1,
                sends: 2,
                stage,
                maybe_created: false,
                resend: true,
                unlinked: true,
                no_disposition: false,
            };
            assert_eq!(PendingLog::from_value(&log.to_value()), Some(log));
        }
        for link in [CallLink::ConsultedFirst, CallLink::TransferAsked, CallLink::AskedBy { by: "c2@pbx".into() }] {
            assert_eq!(CallLink::from_value(&link.to_value()), Some(link));
        }
        record.about = Some(RecordRef { id: "500x".into(), name: "Case 1".into(), object_type: "Case".into(), person_contact_id: None });
        let refused = CallFailure::Sip(crate::reasons::SipCallFailure::Refused { status: 404 });
        for outcome in [CallOutcome::Answered, CallOutcome::MissedAgentBusy, CallOutcome::RemoteDeclined, CallOutcome::Failed(refused)] {
            record.outcome = Some(outcome);
            assert_eq!(CallRecord::from_value(&record.to_value()).as_ref(), Some(&record));
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_rejects_the_log_rather_than_guessing() {
        let wrong = OLDER_LOG.replace(r#""duration_s":42"#, r#""duration_s":"42""#);
        assert_eq!(PendingLog::from_value(&parse(&wrong)), None);
        let missing = OLDER_LOG.replace(r#""resend":false,"#, "");
        assert_eq!(PendingLog::from_value(&parse(&missing)), None);
        let unknown_stage = OLDER_LOG.replace("Waiting", "Sleeping");
        assert_eq!(PendingLog::from_value(&parse(&unknown_stage)), None);
    }

    #[test]
    fn recent_calls_presence_and_outputs_come_back_as_written() {
        let recent = RecentCall {
            direction: CallDirection::Inbound,
            number: "1002".into(),
            record: Some(RecordRef { id: "001P".into(), name: "Grace".into(), object_type: "Account".into(), person_contact_id: Some("003P".into()) }),
            started_at: Time::from_unix_millis(5),
            duration_s: 0,
            missed: true,
        };
        assert_eq!(RecentCall::from_value(&recent.to_value()), Some(recent));
        for presence in Presence::ALL {
            assert_eq!(Presence::from_value(&presence.to_value()), Some(presence));
        }
        assert_eq!(Presence::from_value(&parse(r#""Away""#)), Some(Presence::Away));
        let outputs = OutputChoices { speaker: Some("s1".into()), ringer: None };
        assert_eq!(OutputChoices::from_value(&outputs.to_value()), Some(outputs));
        let partial = OutputChoices::from_value(&parse(r#"{"ringer":"l1"}"#));
        assert_eq!(partial, Some(OutputChoices { speaker: None, ringer: Some("l1".into()) }));
    }

    #[test]
    fn a_failed_calls_log_the_previous_version_stored_reads_with_its_sentence() {
        let stored = OLDER_LOG.replace(r#""disposition":"""#, r#""outcome":{"Failed":"The PBX refused the call (404)."},"disposition":"""#);
        let log = PendingLog::from_value(&parse(&stored)).expect("the stored log is read");
        assert_eq!(log.record.outcome, Some(CallOutcome::Failed(CallFailure::Worded("The PBX refused the call (404).".into()))));
        assert!(!log.record.cut_off);
    }
}
