//! The calls in progress: what the line reports about them, and what the agent does to one
//! (answer, decline, hang up, mute, hold, keypad, transfer). Which call may hear the agent is
//! the calls' rule (`calls`); this module says what each intent and event means for them.

use crate::calls::{CallHandle, Progress, Stage};
use crate::clock::Time;
use crate::reasons::{EndReason, Notice};
use crate::{is_dtmf, Effect, Event, Intent, Phone};

impl Phone {
    /// What the agent does to one call.
    pub(super) fn handle_call_intent(&mut self, now: Time, intent: Intent) -> Vec<Effect> {
        match intent {
            Intent::Answer(call) => {
                let answered = self.calls.answer(call);
                self.told(answered)
            }
            Intent::Decline { call, busy } => self.decline(now, call, busy),
            Intent::HangUp(call) => self.hang_up(now, call),
            Intent::SetMuted { call, muted } => {
                if self.calls.get_mut(call).is_some_and(|c| c.set_muted(muted)) {
                    vec![Effect::SetMuted { call, muted }]
                } else {
                    Vec::new()
                }
            }
            Intent::SetHeld { call, held } => {
                let set = self.calls.set_held(call, held);
                self.told(set)
            }
            Intent::SendDigit { call, digit } => match self.calls.get(call) {
                Some(c) if c.stage() == Stage::Talking && !c.held() && is_dtmf(digit) => vec![Effect::SendDigit { call, digit }],
                _ => Vec::new(),
            },
            Intent::Transfer { call, number } => self.transfer(call, number),
            Intent::CompleteTransfer(call) => self.complete_transfer(call),
            Intent::CancelConsult(call) => self.cancel_consult(now, call),
            _ => Vec::new(),
        }
    }

    /// Events of the line (and of Salesforce's screen pop) about one call.
    pub(super) fn handle_call_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        match event {
            Event::IncomingCall { call_id, number, display_name, replaces } => {
                // One form per number: a caller presented nationally is the same customer.
                let number = self.rules.canonical(&number);
                self.incoming(now, call_id, number, display_name, replaces)
            }
            Event::OutgoingCallStarted { call, call_id } => {
                if let Some(c) = self.calls.get_mut(call) {
                    c.started(call_id);
                }
                Vec::new()
            }
            Event::RemoteRinging { call } => self.progressed(call, Progress::Ringing),
            Event::EarlyMedia { call } => self.progressed(call, Progress::EarlyMedia),
            Event::CallConnected { call } => self.calls.connected(call, now),
            Event::CallEnded { call, reason } => self.end(now, call, reason),
            Event::CallFailed { call, reason } => match self.calls.get(call) {
                Some(c) if c.call_id().is_none() || c.stage() == Stage::Rejoining => self.end(now, call, EndReason::Failed(reason)),
                _ => Vec::new(),
            },
            Event::RecordMatched { call, record } => {
                if let Some(c) = self.calls.get_mut(call) {
                    c.matched(record);
                }
                Vec::new()
            }
            // An answer that comes after the call ended is not kept (the log is on its way).
            Event::PopAnswered { call, outcome } => {
                if let Some(c) = self.calls.get_mut(call) {
                    c.pop_answered(outcome, now);
                }
                Vec::new()
            }
            Event::CallQuality { call, quality } => {
                if let Some(c) = self.calls.get_mut(call) {
                    c.measured(quality);
                }
                Vec::new()
            }
            Event::TransferFailed { call, reason } => {
                if let Some(c) = self.calls.get_mut(call) {
                    c.transfer_failed();
                    self.notice = Some(Notice::TransferFailed(reason));
                }
                Vec::new()
            }
            Event::TransferRequested { call, number } => self.transfer_requested(now, call, number),
            // The far end refused the hold (or resume) the agent asked for: the call is as it was.
            Event::HoldFailed { call, held, status } => {
                if self.calls.hold_refused(call, held) {
                    self.notice = Some(Notice::HoldRefused { held, status });
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The call being placed got this far before an answer.
    fn progressed(&mut self, call: CallHandle, progress: Progress) -> Vec<Effect> {
        if let Some(c) = self.calls.get_mut(call) {
            c.progressed(progress);
        }
        Vec::new()
    }

    /// Declines a ringing call (486 when `busy`, else 603) and logs it.
    fn decline(&mut self, now: Time, call: CallHandle, busy: bool) -> Vec<Effect> {
        if self.calls.get(call).is_none_or(|c| c.stage() != Stage::Ringing) {
            return Vec::new();
        }
        let mut effects = vec![Effect::Decline { call, busy }];
        effects.extend(self.end(now, call, EndReason::Declined));
        effects
    }

    /// Ends a call being placed, answered, talked on or rejoined.
    pub(super) fn hang_up(&mut self, now: Time, call: CallHandle) -> Vec<Effect> {
        if self.calls.get(call).is_none_or(|c| c.stage() == Stage::Ringing) {
            return Vec::new();
        }
        let mut effects = vec![Effect::HangUp { call }];
        effects.extend(self.end(now, call, EndReason::LocalHangup));
        effects
    }
}
