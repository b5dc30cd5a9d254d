//! Transfers: handing a call to another number without talking first (blind), after a
//! consultation (attended: the consulted party takes our place in the call), and doing what a
//! far end asks when it transfers the call to someone else (its REFER), if the definition allows.

use crate::calls::{CallHandle, Placed, Stage, Transfer};
use crate::clock::Time;
use crate::reasons::Notice;
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
        if self.calls.get_mut(call).is_some_and(|c| c.start_transfer(Transfer::Blind { to })) {
            vec![Effect::Transfer { call, dial }]
        } else {
            Vec::new()
        }
    }

    /// Attended transfer: the call consultation `consult` is about is handed to the
    /// consultation's other party, who takes our place in it.
    pub(super) fn complete_transfer(&mut self, consult: CallHandle) -> Vec<Effect> {
        let Some(c) = self.calls.get(consult).filter(|c| c.stage() == Stage::Talking) else { return Vec::new() };
        let Some(about) = c.consultation().map(|k| k.about) else { return Vec::new() };
        let to = c.number().to_owned();
        if self.calls.get_mut(about).is_some_and(|c| c.start_transfer(Transfer::Attended { with: consult, to })) {
            vec![Effect::TransferAttended { call: about, with: consult }]
        } else {
            Vec::new()
        }
    }

    /// Ends consultation `consult` and takes the call it is about off hold.
    pub(super) fn cancel_consult(&mut self, now: Time, consult: CallHandle) -> Vec<Effect> {
        let about = self.calls.get(consult).and_then(|c| c.consultation()).map(|c| c.about);
        let mut effects = self.hang_up(now, consult);
        if let Some(about) = about.filter(|_| !effects.is_empty()) {
            let resumed = self.calls.set_held(about, false);
            effects.extend(self.told(resumed));
        }
        effects
    }

    /// The other party of `call` asks the phone to call `number` instead (their REFER): the
    /// phone does, as a new call, when the definition allows it and there is room; else the
    /// request is declined and the call goes on.
    pub(super) fn transfer_requested(&mut self, now: Time, call: CallHandle, number: String) -> Vec<Effect> {
        let Some(old) = self.calls.get(call).filter(|c| c.stage() == Stage::Talking && c.transfer().is_none()) else {
            return vec![Effect::DeclineTransfer { call }];
        };
        let (by, about) = (old.who().to_owned(), old.about().cloned());
        let another_live = self.calls.all().iter().any(|c| c.handle() != call && c.is_live());
        if !self.follow_transfers || !self.calls.has_room() || another_live {
            self.notice = Some(Notice::TransferNotFollowed { by, to: number });
            return vec![Effect::DeclineTransfer { call }];
        }
        let direction = if is_internal(&number) { CallDirection::Internal } else { CallDirection::Outbound };
        let placed = Placed { direction, number: number.clone(), record: None, about, extension: None, consultation: None, referred_by: Some(by) };
        let new = self.calls.place(now, placed);
        // The other party put us on hold to transfer; our voice goes to the new call.
        self.calls.follow_transfer(call, new, number);
        vec![Effect::FollowTransfer { call, new }]
    }
}
