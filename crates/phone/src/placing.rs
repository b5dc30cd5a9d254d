//! Calls the agent places: a number clicked in the CRM, typed, or picked from the recent calls,
//! then called; and a consultation about a call before transferring it. A call placed while
//! another is live puts that one on hold first.

use crate::calls::{CallHandle, Consultation, Placed, Stage};
use crate::clock::Time;
use crate::dialing::{DialError, DialPlan};
use crate::log::RecordRef;
use crate::model::DialTarget;
use crate::reasons::Notice;
use crate::{is_internal, CallDirection, Effect, Intent, Phone};

impl Phone {
    /// A number to call, typed or picked, and calling it.
    pub(super) fn handle_placing_intent(&mut self, now: Time, intent: Intent) -> Vec<Effect> {
        match intent {
            // A number typed: ready to call, related to the record on the agent's screen.
            Intent::EnterNumber(number) => self.ready_to_call(now, number, self.viewing.clone()).unwrap_or_default(),
            Intent::Dismiss => {
                self.ready = None;
                Vec::new()
            }
            Intent::Call => self.dial(now),
            Intent::CallBack(index) => self.call_back(now, index),
            Intent::Consult { call, number } => self.consult(now, call, number),
            _ => Vec::new(),
        }
    }

    /// A number was clicked in the CRM: ready to call, on that record.
    pub(super) fn clicked(&mut self, now: Time, number: String, record: Option<RecordRef>) -> Vec<Effect> {
        let Some(mut effects) = self.ready_to_call(now, number, record) else {
            return Vec::new();
        };
        effects.push(Effect::ShowPanel(true));
        effects
    }

    /// `number` is ready to call, on `record`: what the agent chose and typed in wrap-up is
    /// saved first. `None` when the phone has no room for another call (the agent is told).
    fn ready_to_call(&mut self, now: Time, number: String, record: Option<RecordRef>) -> Option<Vec<Effect>> {
        if !self.calls.has_room() {
            self.notice = Some(Notice::NoRoom { max_calls: self.calls.max() });
            return None;
        }
        let effects = self.leave_wrap_up(now);
        let dial = self.rules.plan(&number);
        self.ready = Some(DialTarget { number, dial, record });
        Some(effects)
    }

    /// Calls the number that is ready.
    fn dial(&mut self, now: Time) -> Vec<Effect> {
        let Some(target) = self.ready.clone() else {
            return Vec::new();
        };
        let Some(Prepared { plan, mut effects }) = self.prepare_call(&target.dial) else {
            return Vec::new();
        };
        self.ready = None;
        // A number on a CRM record is a customer's, whatever its length.
        let direction = if is_internal(&plan.dial) && target.record.is_none() { CallDirection::Internal } else { CallDirection::Outbound };
        let number = self.rules.canonical(&target.number);
        let placed = Placed { direction, number, record: target.record, about: self.working_on.clone(), extension: plan.extension, consultation: None, referred_by: None };
        let call = self.calls.place(now, placed);
        effects.push(Effect::Dial { call, dial: plan.dial });
        effects
    }

    /// Calls back entry `index` of the recent calls, on its record: one click, as click-to-dial
    /// would.
    fn call_back(&mut self, now: Time, index: usize) -> Vec<Effect> {
        let Some(entry) = self.logs.recent().get(index).cloned() else {
            return Vec::new();
        };
        let mut effects = self.clicked(now, entry.number, entry.record);
        if self.ready.is_some() {
            effects.extend(self.dial(now));
        }
        effects
    }

    /// Puts the call `about` on hold and calls `number` to talk first (a consultation).
    fn consult(&mut self, now: Time, about: CallHandle, number: String) -> Vec<Effect> {
        let Some(about_who) = self.calls.get(about).filter(|c| c.stage() == Stage::Talking && c.transfer().is_none()).map(|c| c.who().to_owned())
        else {
            return Vec::new();
        };
        let Some(Prepared { plan, mut effects }) = self.prepare_call(&self.rules.plan(&number)) else {
            return Vec::new();
        };
        // The live call may be the consulted one itself: hold it too.
        effects.extend(self.calls.hold_for_consultation(about));
        let direction = if is_internal(&plan.dial) { CallDirection::Internal } else { CallDirection::Outbound };
        let placed = Placed {
            direction,
            number: self.rules.canonical(&number),
            record: None,
            // Consulting a colleague about the customer's call is about the same work.
            about: self.calls.get(about).and_then(|c| c.about().cloned()),
            extension: plan.extension,
            consultation: Some(Consultation { about, about_who, handed_over: false }),
            referred_by: None,
        };
        let call = self.calls.place(now, placed);
        effects.push(Effect::Dial { call, dial: plan.dial });
        effects
    }

    /// Checks that a number with this dial plan can be called now: a dialable number, a
    /// registered line, room for another call, no call ringing, and the live call on hold (the
    /// effects that hold it). `None`, and the agent told why, when it cannot.
    fn prepare_call(&mut self, dial: &Result<DialPlan, DialError>) -> Option<Prepared> {
        let prepared = match dial {
            Err(e) => Err(Notice::Dial(e.clone())),
            Ok(_) if !self.agent.is_registered() => Err(Notice::NotRegistered),
            Ok(_) if !self.calls.has_room() => Err(Notice::NoRoom { max_calls: self.calls.max() }),
            Ok(_) if self.calls.ringing().is_some() => {
                Err(Notice::AnswerRingingFirst { who: self.calls.ringing().map(|c| c.who().to_owned()).unwrap_or_default() })
            }
            Ok(plan) => self.calls.hold_live(None).map(|effects| Prepared { plan: plan.clone(), effects }),
        };
        prepared.map_err(|notice| self.notice = Some(notice)).ok()
    }
}

/// A call that can be placed: what to dial, and the effects that free the agent's voice for it.
struct Prepared {
    plan: DialPlan,
    effects: Vec<Effect>,
}
