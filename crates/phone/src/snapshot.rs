//! A call as the page shows it outside itself: written to browser storage every second (so that
//! a page that starts after a reload, a crash or a closed tab can take the call back) and told to
//! the browser's other tabs (which show it). One type, written as it is by both; what becomes of
//! a call taken back is [`crate::rejoin`]'s to decide, and how it is logged when it cannot be
//! rejoined is [`CallSnapshot::cut_off_log`]'s.
//!
//! The stored shape is the one earlier versions wrote (field names as here, times in Unix
//! milliseconds, `heartbeat_ms` for [`CallSnapshot::taken_at`]), so a call in progress during
//! an upgrade is still taken back; fields added since (`who`, `stage`, `about`, `screen_pop`,
//! `dialog`, `held`) may be absent. A tab of the build before this one reads the `who`,
//! `number` and `stage` it knows and ignores the rest; this build does not read that tab's line
//! (it told no times), and shows it once that tab reloads (after an upgrade, every tab does).

use sip::DialogRef;

use crate::calls::{Call, CallHandle, Stage};
use crate::clock::Time;
use crate::log::{who_of_record, CallDirection, CallOutcome, CallRecord, RecordRef};
use crate::model::Focus;
use crate::pop_measure::PopMeasure;
use crate::value::Value;
use crate::wrap_up::WrapUp;
use crate::Phone;

/// Where a call is, as another tab shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallStage {
    /// Being placed (or rejoined after a reload).
    Dialing,
    /// Ringing in (or being answered).
    Ringing,
    /// Answered.
    Talking,
    /// Ended; the agent is wrapping it up.
    WrappingUp,
}

impl CallStage {
    const ALL: [CallStage; 4] = [CallStage::Dialing, CallStage::Ringing, CallStage::Talking, CallStage::WrappingUp];

    /// Its name in storage and messages (the Rust name, as serde's derive wrote it first).
    fn name(self) -> &'static str {
        match self {
            CallStage::Dialing => "Dialing",
            CallStage::Ringing => "Ringing",
            CallStage::Talking => "Talking",
            CallStage::WrappingUp => "WrappingUp",
        }
    }

    fn of(stage: Stage) -> CallStage {
        match stage {
            Stage::Dialing | Stage::Rejoining => CallStage::Dialing,
            Stage::Ringing | Stage::Answering => CallStage::Ringing,
            Stage::Talking => CallStage::Talking,
        }
    }
}

/// One call as this page last showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSnapshot {
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// Who the call is with, as its card names them.
    pub who: String,
    pub stage: CallStage,
    /// The record the call is attached to.
    pub record: Option<RecordRef>,
    /// The record the agent worked on during the call, when no person.
    pub about: Option<RecordRef>,
    /// The Call-ID the call's log is keyed by (its first).
    pub call_id: Option<String>,
    pub started_at: Time,
    /// When it was answered, if it was.
    pub answered_at: Option<Time>,
    /// The screen pop's measure, once Salesforce answered.
    pub screen_pop: Option<PopMeasure>,
    /// When the snapshot was taken: read back after a reload, the last moment the page was known
    /// to be on the call.
    pub taken_at: Time,
    /// The call was on hold.
    pub held: bool,
    /// The SIP dialog the call is on, once established: with it, a later page can ask the far
    /// end to take it back (the SIP core keeps dialogs: [`Phone::call_snapshots`] asks for them).
    pub dialog: Option<DialogRef>,
}

impl Phone {
    /// The calls this page is on at `now`, for browser storage, each with the SIP dialog
    /// `dialog_of` its handle (the line's to give). Calls being rejoined are not this page's yet:
    /// their stored snapshot stays until they are.
    pub fn call_snapshots(&self, now: Time, dialog_of: impl Fn(CallHandle) -> Option<DialogRef>) -> Vec<CallSnapshot> {
        self.calls_in_progress().map(|c| CallSnapshot { dialog: dialog_of(c.handle()), ..CallSnapshot::of_call(c, now) }).collect()
    }

    /// The call snapshots to write to browser storage at `now`, when writing is due: every
    /// time while this page is on calls, once more with none after the last one so that storage
    /// forgets them. While the phone rejoins calls a reload cut off, storage keeps them as the
    /// previous page left them (`None`): a second reload still finds them.
    pub fn calls_to_store(&mut self, now: Time, dialog_of: impl Fn(CallHandle) -> Option<DialogRef>) -> Option<Vec<CallSnapshot>> {
        if self.is_rejoining() {
            return None;
        }
        let calls = self.call_snapshots(now, dialog_of);
        if calls.is_empty() && !self.calls.stored {
            return None;
        }
        self.calls.stored = !calls.is_empty();
        Some(calls)
    }

    /// What the other tabs show of this page's line at `now`: the call in focus, or the call
    /// being wrapped up.
    pub fn shown_snapshot(&self, now: Time) -> Option<CallSnapshot> {
        match self.focus() {
            Focus::Idle | Focus::ReadyToCall(_) => None,
            Focus::Call(c) => Some(CallSnapshot::of_call(c, now)),
            Focus::WrapUp(w) => Some(CallSnapshot::of_wrap_up(w, now)),
        }
    }
}

impl CallSnapshot {
    fn of_call(c: &Call, now: Time) -> CallSnapshot {
        CallSnapshot {
            direction: c.direction(),
            number: c.number().to_owned(),
            who: c.who().to_owned(),
            stage: CallStage::of(c.stage()),
            record: c.record().cloned(),
            about: c.about().cloned(),
            call_id: c.log_call_id().map(str::to_owned),
            started_at: c.started_at(),
            answered_at: c.answered_at(),
            screen_pop: c.screen_pop().and_then(|pop| pop.measure_at(now)),
            taken_at: now,
            held: c.held(),
            dialog: None,
        }
    }

    fn of_wrap_up(w: &WrapUp, now: Time) -> CallSnapshot {
        let r = &w.record;
        CallSnapshot {
            direction: r.direction,
            number: r.number.clone(),
            who: who_of_record(r.record.as_ref(), &r.number).to_owned(),
            stage: CallStage::WrappingUp,
            record: r.record.clone(),
            about: r.about.clone(),
            call_id: r.call_id.clone(),
            started_at: r.started_at,
            answered_at: None,
            screen_pop: r.screen_pop,
            taken_at: now,
            held: false,
            dialog: None,
        }
    }

    /// The log of a call the page went away during, as of the snapshot: talk time up to then,
    /// and an unanswered call missed (inbound) or cancelled (outbound).
    pub fn cut_off_log(&self) -> CallRecord {
        let outcome = match (self.answered_at, self.direction) {
            (Some(_), _) => CallOutcome::Answered,
            (None, CallDirection::Inbound) => CallOutcome::Missed,
            (None, _) => CallOutcome::Cancelled,
        };
        CallRecord {
            duration_s: self.answered_at.map_or(0, |at| self.taken_at.seconds_since(at)),
            call_id: self.call_id.clone(),
            screen_pop: self.screen_pop,
            about: self.about.clone(),
            outcome: Some(outcome),
            cut_off: true,
            ..CallRecord::new(self.direction, self.number.clone(), self.record.clone(), self.started_at)
        }
    }

    pub fn to_value(&self) -> Value {
        Value::object([
            ("direction", self.direction.to_value()),
            ("number", self.number.as_str().into()),
            ("who", self.who.as_str().into()),
            ("stage", self.stage.name().into()),
            ("record", self.record.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("about", self.about.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("call_id", self.call_id.clone().into()),
            ("started_at_ms", self.started_at.unix_millis().into()),
            ("answered_at_ms", self.answered_at.map(Time::unix_millis).into()),
            ("screen_pop", self.screen_pop.as_ref().map_or(Value::Null, PopMeasure::to_value)),
            ("heartbeat_ms", self.taken_at.unix_millis().into()),
            ("dialog", self.dialog.as_ref().map_or(Value::Null, dialog_value)),
            ("held", self.held.into()),
        ])
    }

    /// A snapshot as written, or by an earlier version (see the module); `None` when a field
    /// every version wrote is missing or of another type.
    pub fn from_value(v: &Value) -> Option<CallSnapshot> {
        let direction = CallDirection::from_value(v.get("direction"))?;
        let number = v.get("number").string()?;
        let record = v.get("record").optional(RecordRef::from_value)?;
        let answered_at = v.get("answered_at_ms").optional(Value::u64)?.map(Time::from_unix_millis);
        let stage = match v.get("stage").optional(|s| CallStage::ALL.into_iter().find(|c| Some(c.name()) == s.as_str()))? {
            Some(stage) => stage,
            None if answered_at.is_some() => CallStage::Talking,
            None if direction == CallDirection::Inbound => CallStage::Ringing,
            None => CallStage::Dialing,
        };
        Some(CallSnapshot {
            who: v.get("who").optional(Value::string)?.unwrap_or_else(|| who_of_record(record.as_ref(), &number).to_owned()),
            stage,
            about: v.get("about").optional(RecordRef::from_value)?,
            call_id: v.get("call_id").optional(Value::string)?,
            started_at: Time::from_unix_millis(v.get("started_at_ms").u64()?),
            screen_pop: v.get("screen_pop").optional(PopMeasure::from_value)?,
            taken_at: Time::from_unix_millis(v.get("heartbeat_ms").u64()?),
            // A dialog that does not read leaves a call that cannot be rejoined, still logged.
            dialog: v.get("dialog").optional(dialog_from_value).flatten(),
            held: v.get("held").optional(Value::bool)?.unwrap_or(false),
            direction,
            number,
            record,
            answered_at,
        })
    }
}

fn dialog_value(d: &DialogRef) -> Value {
    Value::object([
        ("call_id", d.call_id.as_str().into()),
        ("local_tag", d.local_tag.as_str().into()),
        ("remote_tag", d.remote_tag.as_str().into()),
        ("remote_target", d.remote_target.to_string().into()),
    ])
}

fn dialog_from_value(v: &Value) -> Option<DialogRef> {
    Some(DialogRef {
        call_id: v.get("call_id").string()?.into(),
        local_tag: v.get("local_tag").string()?,
        remote_tag: v.get("remote_tag").string()?,
        remote_target: v.get("remote_target").as_str()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pop_measure::PopOutcome;

    fn at(ms: u64) -> Time {
        Time::from_unix_millis(ms)
    }

    fn dialog() -> DialogRef {
        DialogRef { call_id: "c1@pbx".into(), local_tag: "a".into(), remote_tag: "b".into(), remote_target: "sip:1002@pbx".parse().expect("uri") }
    }

    fn snapshot(dialog: Option<DialogRef>, held: bool) -> CallSnapshot {
        CallSnapshot {
            direction: CallDirection::Inbound,
            number: "1002".into(),
            who: "Margaret".into(),
            stage: CallStage::Talking,
            record: None,
            about: held.then(|| RecordRef { id: "500x".into(), name: "Case 1".into(), object_type: "Case".into(), person_contact_id: None }),
            call_id: Some("c1@pbx".into()),
            started_at: at(1_000),
            answered_at: Some(at(2_000)),
            screen_pop: Some(PopMeasure { outcome: PopOutcome::OneMatch, latency_ms: Some(40) }),
            taken_at: at(9_000),
            held,
            dialog,
        }
    }

    #[test]
    fn a_snapshot_comes_back_as_written() {
        for written in [snapshot(Some(dialog()), true), snapshot(None, false)] {
            assert_eq!(CallSnapshot::from_value(&written.to_value()), Some(written));
        }
    }

    #[test]
    fn a_call_stored_before_the_pop_the_dialog_hold_and_stage_were_kept_is_read() {
        let older = Value::object([
            ("direction", "Outbound".into()),
            ("number", "+1 415 555 0100".into()),
            ("record", Value::Null),
            ("call_id", "c2@pbx".into()),
            ("started_at_ms", 1_000u64.into()),
            ("answered_at_ms", Value::Null),
            ("heartbeat_ms", 4_000u64.into()),
        ]);
        let read = CallSnapshot::from_value(&older).expect("read");
        assert_eq!((read.direction, read.taken_at, read.held), (CallDirection::Outbound, at(4_000), false));
        assert_eq!((read.screen_pop, read.dialog), (None, None));
        assert_eq!((read.who.as_str(), read.stage), ("+1 415 555 0100", CallStage::Dialing), "named by its number, still being placed");
    }

    #[test]
    fn a_dialog_that_does_not_read_leaves_a_call_that_is_still_logged() {
        let mut v = snapshot(Some(dialog()), false).to_value();
        if let Value::Object(members) = &mut v {
            for m in members.iter_mut().filter(|m| m.name == "dialog") {
                m.value = Value::object([("call_id", "c1@pbx".into())]);
            }
        }
        let read = CallSnapshot::from_value(&v).expect("the call reads");
        assert_eq!(read.dialog, None, "it cannot be rejoined");
        assert_eq!(read.cut_off_log().duration_s, 7, "talk time up to the last snapshot");
    }

    #[test]
    fn a_call_without_its_number_or_start_is_not_read() {
        for field in ["number", "started_at_ms", "heartbeat_ms", "direction"] {
            let mut v = snapshot(None, false).to_value();
            if let Value::Object(members) = &mut v {
                members.retain(|m| m.name != field);
            }
            assert_eq!(CallSnapshot::from_value(&v), None, "without {field}");
        }
    }

    #[test]
    fn a_cut_off_call_is_logged_answered_missed_or_cancelled() {
        let answered = snapshot(None, false).cut_off_log();
        assert_eq!((answered.outcome, answered.duration_s, answered.cut_off), (Some(CallOutcome::Answered), 7, true));
        let missed = CallSnapshot { answered_at: None, ..snapshot(None, false) }.cut_off_log();
        assert_eq!((missed.outcome, missed.duration_s), (Some(CallOutcome::Missed), 0));
        let cancelled = CallSnapshot { answered_at: None, direction: CallDirection::Outbound, ..snapshot(None, false) }.cut_off_log();
        assert_eq!(cancelled.outcome, Some(CallOutcome::Cancelled));
    }
}
