//! Calls the agent places: a number clicked in the CRM or typed, then called. A call placed
//! while another is live puts that one on hold first.

use crate::clock::Time;
use crate::dialing::DialPlan;
use crate::extension::KeyedExtension;
use crate::log::RecordRef;
use crate::model::{Call, CallHandle, Consultation, DialTarget, Registration, Stage};
use crate::reasons::Notice;
use crate::{is_internal, CallDirection, Effect, Phone};

impl Phone {
    /// A number was clicked in the CRM: ready to call, on that record.
    pub(super) fn clicked(&mut self, now: Time, number: String, record: Option<RecordRef>) -> Vec<Effect> {
        if !self.has_room() {
            self.notice = Some(Notice::NoRoom { max_calls: self.max_calls });
            return Vec::new();
        }
        let mut effects = self.leave_wrap_up(now);
        self.ready = Some(self.target(number, record));
        effects.push(Effect::ShowPanel(true));
        effects
    }

    /// A number typed: ready to call, related to the record on the agent's screen.
    pub(super) fn enter_number(&mut self, now: Time, number: String) -> Vec<Effect> {
        if !self.has_room() {
            self.notice = Some(Notice::NoRoom { max_calls: self.max_calls });
            return Vec::new();
        }
        let effects = self.leave_wrap_up(now);
        self.ready = Some(self.target(number, self.viewing.clone()));
        effects
    }

    pub(super) fn target(&self, number: String, record: Option<RecordRef>) -> DialTarget {
        let dial = self.rules.plan(&number);
        DialTarget { number, dial, record }
    }

    /// Calls the number that is ready.
    pub(super) fn dial(&mut self, now: Time) -> Vec<Effect> {
        let Some(target) = self.ready.clone() else {
            return Vec::new();
        };
        let Some((plan, mut effects)) = self.prepare_call(&target) else {
            return Vec::new();
        };
        self.ready = None;
        // A number on a CRM record is a customer's, whatever its length.
        let direction = if is_internal(&plan.dial) && target.record.is_none() { CallDirection::Internal } else { CallDirection::Outbound };
        let handle = self.mint();
        let number = self.rules.canonical(&target.number);
        let mut call = Call::new(handle, Stage::Dialing, direction, number, target.record, now);
        call.extension = plan.extension.map(KeyedExtension::new);
        self.calls.push(call);
        effects.push(Effect::Dial { call: handle, dial: plan.dial });
        effects
    }

    /// Puts the call `about` on hold and calls `number` to talk first (a consultation).
    pub(super) fn consult(&mut self, now: Time, about: CallHandle, number: String) -> Vec<Effect> {
        let Some(about_who) = self.call(about).filter(|c| c.stage == Stage::Talking && c.transfer.is_none()).map(|c| c.who().to_owned()) else {
            return Vec::new();
        };
        let target = self.target(number, None);
        let Some((plan, mut effects)) = self.prepare_call(&target) else {
            return Vec::new();
        };
        // The live call may be the consulted one itself: hold it too.
        if let Some(c) = self.call_mut(about).filter(|c| !c.held) {
            c.held = true;
            effects.push(Effect::SetHeld { call: about, held: true });
        }
        let direction = if is_internal(&plan.dial) { CallDirection::Internal } else { CallDirection::Outbound };
        let handle = self.mint();
        let number = self.rules.canonical(&target.number);
        let mut call = Call::new(handle, Stage::Dialing, direction, number, None, now);
        call.consultation = Some(Consultation { about, about_who, handed_over: false });
        call.extension = plan.extension.map(KeyedExtension::new);
        self.calls.push(call);
        effects.push(Effect::Dial { call: handle, dial: plan.dial });
        effects
    }

    /// Checks that `target` can be called now: a dialable number, a registered line, room for
    /// another call, and the live call on hold (the effects that hold it).
    fn prepare_call(&mut self, target: &DialTarget) -> Option<(DialPlan, Vec<Effect>)> {
        let plan = match &target.dial {
            Ok(plan) => plan.clone(),
            Err(e) => {
                self.notice = Some(Notice::Dial(e.clone()));
                return None;
            }
        };
        if self.registration != Registration::Registered {
            self.notice = Some(Notice::NotRegistered);
            return None;
        }
        if !self.has_room() {
            self.notice = Some(Notice::NoRoom { max_calls: self.max_calls });
            return None;
        }
        if let Some(ringing) = self.calls.iter().find(|c| c.stage == Stage::Ringing) {
            self.notice = Some(Notice::AnswerRingingFirst { who: ringing.who().to_owned() });
            return None;
        }
        let hold = self.hold_live_call(None)?;
        Some((plan, hold))
    }

    /// The SIP core sent the call's INVITE.
    pub(super) fn started(&mut self, call: CallHandle, call_id: String) -> Vec<Effect> {
        if let Some(c) = self.call_mut(call).filter(|c| c.call_id.is_none()) {
            c.call_id = Some(call_id);
        }
        Vec::new()
    }
}
