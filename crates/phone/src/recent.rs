//! Recent and missed calls in this browser: the last [`RECENT_KEPT`] calls, newest first, with
//! the record each belonged to, for a one-click call back. Built from the calls' logs as they
//! are made, so it says what the Tasks say; kept by the glue in browser storage (no secret in it).

use crate::clock::Time;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::log::{CallDirection, CallRecord, RecordRef, Unanswered};
use crate::{Effect, Phone};

/// How many calls the list keeps.
pub const RECENT_KEPT: usize = 50;

/// One call in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentCall {
    /// Inbound, outbound or internal.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call was attached to.
    pub record: Option<RecordRef>,
    /// When it started (Unix ms).
    #[serde(rename = "started_at_ms")]
    pub started_at: Time,
    /// Talk time in seconds (0: never answered).
    pub duration_s: u64,
    /// An inbound call nobody here answered (rang out, refused while busy or away).
    pub missed: bool,
}

impl RecentCall {
    fn of(log: &CallRecord) -> RecentCall {
        RecentCall {
            direction: log.direction,
            number: log.number.clone(),
            record: log.record.clone(),
            started_at: log.started_at,
            duration_s: log.duration_s,
            missed: log.direction != CallDirection::Outbound && log.duration_s == 0 && log.unanswered.as_ref().is_some_and(Unanswered::is_missed),
        }
    }

    /// The name to show: the record's, else the number.
    pub fn who(&self) -> &str {
        match &self.record {
            Some(r) if !r.name.is_empty() => &r.name,
            _ => &self.number,
        }
    }
}

impl Phone {
    /// The recent calls, newest first.
    pub fn recent(&self) -> &[RecentCall] {
        &self.recent
    }

    /// The list this browser kept, at start-up.
    pub fn restore_recent(&mut self, mut recent: Vec<RecentCall>) {
        recent.truncate(RECENT_KEPT);
        self.recent = Rc::new(recent);
    }

    /// A call was just logged for the first time: it heads the list.
    pub(super) fn remember_call(&mut self, log: &CallRecord) {
        if log.number.is_empty() {
            return;
        }
        let recent = Rc::make_mut(&mut self.recent);
        recent.insert(0, RecentCall::of(log));
        recent.truncate(RECENT_KEPT);
    }

    /// Calls back entry `index` of the list, on its record: one click, as click-to-dial would.
    pub(super) fn call_back(&mut self, now: Time, index: usize) -> Vec<Effect> {
        let Some(entry) = self.recent.get(index).cloned() else {
            return Vec::new();
        };
        let mut effects = self.clicked(now, entry.number, entry.record);
        if self.ready.is_some() {
            effects.extend(self.dial(now));
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::registered_phone;
    use crate::tests::*;
    use crate::{EndReason, Event, Intent, Stage};

    #[test]
    fn a_missed_call_heads_the_list_and_one_click_calls_it_back() {
        let mut phone = registered_phone();
        phone.handle_event(
            at(1_000),
            Event::IncomingCall { call_id: "c1".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: None },
        );
        phone.handle_event(at(9_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::Missed });
        let [missed] = phone.recent() else { panic!("{:?}", phone.recent()) };
        assert!(missed.missed && missed.direction == CallDirection::Inbound);
        assert_eq!(missed.who(), "+16505550199", "kept in one form, E.164, however the PBX wrote it");
        let effects = phone.handle_intent(at(10_000), Intent::CallBack(0));
        assert_eq!(dialled(&effects), Some("+16505550199"), "{effects:?}");
        let call = the_call(&phone);
        assert!(call.stage == Stage::Dialing && call.number == "+16505550199", "{call:?}");
    }

    #[test]
    fn an_answered_call_is_not_missed_and_the_list_keeps_fifty() {
        let mut phone = registered_phone();
        phone.handle_event(at(1_000), Event::IncomingCall { call_id: "c1".into(), number: "1002".into(), display_name: String::new(), replaces: None });
        phone.handle_event(at(2_000), Event::CallConnected { call: id(&phone, "c1") });
        phone.handle_event(at(9_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::RemoteHangup });
        assert!(!phone.recent()[0].missed);
        let many = vec![phone.recent()[0].clone(); 70];
        phone.restore_recent(many);
        assert_eq!(phone.recent().len(), RECENT_KEPT);
    }

    #[test]
    fn calling_back_while_a_call_rings_is_refused_with_a_reason() {
        let mut phone = registered_phone();
        phone.restore_recent(vec![RecentCall {
            direction: CallDirection::Outbound,
            number: "1002".into(),
            record: None,
            started_at: at(0),
            duration_s: 5,
            missed: false,
        }]);
        phone.handle_event(at(1_000), Event::IncomingCall { call_id: "c1".into(), number: "1003".into(), display_name: String::new(), replaces: None });
        assert!(!phone.handle_intent(at(2_000), Intent::CallBack(0)).iter().any(|e| matches!(e, Effect::Dial { .. })));
        assert!(phone.notice().is_some());
    }
}
