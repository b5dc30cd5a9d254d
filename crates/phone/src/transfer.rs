//! Transfers: handing a call to another number without talking first (blind), after a
//! consultation (attended: the consulted party takes our place in the call), and doing what a
//! far end asks when it transfers the call to someone else (its REFER), if the definition allows.

use crate::clock::Time;
use crate::model::{Call, CallHandle, Stage, Transfer};
use crate::reasons::{Notice, TransferFailure};
use crate::{is_internal, CallDirection, Effect, Phone};

impl Phone {
    /// Blind transfer: the other party of `call` is asked to call `number` instead.
    pub(super) fn transfer(&mut self, call: CallHandle, number: String) -> Vec<Effect> {
        let dial = match self.rules.dial_string(&number) {
            Ok(dial) => dial,
            Err(e) => {
                self.notice = Some(Notice::Dial(e));
                return Vec::new();
            }
        };
        let to = self.rules.canonical(&number);
        match self.call_mut(call) {
            Some(c) if c.stage == Stage::Talking && c.transfer.is_none() => {
                c.transfer = Some(Transfer::Blind { to });
                vec![Effect::Transfer { call, dial }]
            }
            _ => Vec::new(),
        }
    }

    /// Attended transfer: the call consultation `consult` is about is handed to the
    /// consultation's other party, who takes our place in it.
    pub(super) fn complete_transfer(&mut self, consult: CallHandle) -> Vec<Effect> {
        let Some(c) = self.call(consult).filter(|c| c.stage == Stage::Talking) else { return Vec::new() };
        let Some(about) = c.consultation.as_ref().map(|k| k.about) else { return Vec::new() };
        let to = c.number.clone();
        match self.call_mut(about) {
            Some(c) if c.stage == Stage::Talking && c.transfer.is_none() => {
                c.transfer = Some(Transfer::Attended { with: consult, to });
                vec![Effect::TransferAttended { call: about, with: consult }]
            }
            _ => Vec::new(),
        }
    }

    /// Ends consultation `consult` and takes the call it is about off hold.
    pub(super) fn cancel_consult(&mut self, now: Time, consult: CallHandle) -> Vec<Effect> {
        let about = self.call(consult).and_then(|c| c.consultation.as_ref()).map(|c| c.about);
        let mut effects = self.hang_up(now, consult);
        if let Some(about) = about.filter(|_| !effects.is_empty()) {
            effects.extend(self.set_held(about, false));
        }
        effects
    }

    /// The transfer did not happen: the call is still the agent's, as it was.
    pub(super) fn transfer_failed(&mut self, call: CallHandle, reason: TransferFailure) -> Vec<Effect> {
        if let Some(c) = self.call_mut(call) {
            c.transfer = None;
            self.notice = Some(Notice::TransferFailed(reason));
        }
        Vec::new()
    }

    /// The other party of `call` asks the phone to call `number` instead (their REFER): the
    /// phone does, as a new call, when the definition allows it and there is room; else the
    /// request is declined and the call goes on.
    pub(super) fn transfer_requested(&mut self, now: Time, call: CallHandle, number: String) -> Vec<Effect> {
        let Some(old) = self.call(call).filter(|c| c.stage == Stage::Talking && c.transfer.is_none()) else {
            return vec![Effect::DeclineTransfer { call }];
        };
        let by = old.who().to_owned();
        if !self.follow_transfers || !self.has_room() || self.calls.iter().any(|c| c.handle != call && c.is_live()) {
            self.notice = Some(Notice::TransferNotFollowed { by, to: number });
            return vec![Effect::DeclineTransfer { call }];
        }
        let new = self.mint();
        let direction = if is_internal(&number) { CallDirection::Internal } else { CallDirection::Outbound };
        let mut next = Call::new(new, Stage::Dialing, direction, number.clone(), None, now);
        next.referred_by = Some(by);
        if let Some(old) = self.call_mut(call) {
            old.transfer = Some(Transfer::Requested { new, to: number });
            // The other party put us on hold to transfer; our voice goes to the new call.
            old.held = true;
        }
        self.calls.push(next);
        vec![Effect::FollowTransfer { call, new }]
    }
}
