//! Calls coming in: offered (ringing, or ringing softly as a call waiting while the agent is on
//! another call), refused without ringing (the agent is busy, away, or has as many calls as the
//! phone takes), or taken at once when they replace one of our calls (an attended transfer to
//! us).

use crate::calls::{CallHandle, RingingIn, Stage};
use crate::clock::Time;
use crate::log::{CallOutcome, CallRecord};
use crate::presence::Presence;
use crate::{is_internal, CallDirection, Effect, Phone};

/// How an incoming call is refused instead of offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// 486 Busy Here: the agent said Busy, or has no room for another call.
    Busy,
    /// 480 Temporarily Unavailable: the agent is away.
    Away,
}

impl Phone {
    /// A call rings in with SIP Call-ID `call_id`.
    pub(super) fn incoming(&mut self, now: Time, call_id: String, number: String, display_name: String, replaces: Option<CallHandle>) -> Vec<Effect> {
        // Taking the place of a call being talked on (the other party is transferred to us):
        // it is that conversation going on, so it is answered without ringing.
        let replacing = replaces.is_some_and(|r| self.calls.get(r).is_some_and(|c| c.stage() == Stage::Talking));
        if !replacing {
            if let Some(refusal) = self.refusal() {
                return self.refuse(now, refusal, call_id, number);
            }
        }
        let direction = if is_internal(&number) { CallDirection::Internal } else { CallDirection::Inbound };
        let ringing = RingingIn { direction, number: number.clone(), display_name, call_id: call_id.clone(), about: self.working_on.clone(), replacing };
        // The screen pop comes first: it is what the agent waits for.
        let mut effects = Vec::new();
        if replacing {
            // Someone else's party takes the old call's place (RFC 3891): answered without
            // ringing; the SIP core ends the old call once this one is answered. Its caller is
            // popped like any other: it is a different person from the old call's.
            let call = self.calls.ring_in(now, ringing);
            effects.extend([Effect::ScreenPop { call, number, direction }, Effect::Ring { call, call_id }, Effect::Answer { call }]);
            return effects;
        }
        let wrap_up = self.leave_wrap_up(now);
        let call = self.calls.ring_in(now, ringing);
        effects.extend([Effect::ScreenPop { call, number, direction }, Effect::Ring { call, call_id }, Effect::ShowPanel(true)]);
        effects.extend(wrap_up);
        effects
    }

    /// Whether an incoming call is refused rather than offered, and how. One call rings at a
    /// time: a second caller while the first still rings hears busy.
    fn refusal(&self) -> Option<Refusal> {
        match self.agent.presence() {
            _ if self.calls.full_for_a_ring() => Some(Refusal::Busy),
            Presence::Busy => Some(Refusal::Busy),
            Presence::Away | Presence::Offline => Some(Refusal::Away),
            Presence::Available => None,
        }
    }

    /// Refuses an incoming call and logs it as missed, saying why.
    fn refuse(&mut self, now: Time, refusal: Refusal, call_id: String, number: String) -> Vec<Effect> {
        let outcome = match (refusal, self.agent.presence()) {
            (Refusal::Busy, Presence::Busy) => CallOutcome::MissedBusy,
            (Refusal::Busy, _) => CallOutcome::MissedAgentBusy,
            (Refusal::Away, _) => CallOutcome::MissedAway,
        };
        let record = CallRecord {
            call_id: Some(call_id.clone()),
            outcome: Some(outcome),
            about: self.working_on.clone(),
            ..CallRecord::new(CallDirection::Inbound, number, None, now)
        };
        let refuse = Effect::Refuse { call_id, busy: refusal == Refusal::Busy };
        vec![refuse, self.logs.queue(now, record, None)]
    }
}
