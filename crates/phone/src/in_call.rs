//! The calls in progress: what the line reports about them, and what the agent does to one
//! (answer, decline, hang up, mute, hold, keypad). At most one call is live: answering or
//! resuming a call puts the live one on hold first.

use crate::clock::Time;
use crate::log::RecordRef;
use crate::model::{CallHandle, Progress, Stage};
use crate::reasons::{EndReason, Notice};
use crate::pop_measure::PopOutcome;
use crate::{is_dtmf, CallDirection, Effect, Event, Phone};

impl Phone {
    /// Events of the line (and of Salesforce's screen pop) about one call.
    pub(super) fn handle_call_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        match event {
            Event::IncomingCall { call_id, number, display_name, replaces } => {
                // One form per number: a caller presented nationally is the same customer.
                let number = self.rules.canonical(&number);
                self.incoming(now, call_id, number, display_name, replaces)
            }
            Event::OutgoingCallStarted { call, call_id } => self.started(call, call_id),
            Event::RemoteRinging { call } => {
                self.progressed(call, Progress::Ringing);
                Vec::new()
            }
            Event::EarlyMedia { call } => {
                self.progressed(call, Progress::EarlyMedia);
                Vec::new()
            }
            Event::CallConnected { call } => self.connected(now, call),
            Event::CallEnded { call, reason } => self.end(now, call, reason),
            Event::CallFailed { call, reason } => match self.call(call) {
                Some(c) if c.call_id.is_none() || c.stage == Stage::Rejoining => self.end(now, call, EndReason::Failed(reason)),
                _ => Vec::new(),
            },
            Event::RecordMatched { call, record } => {
                self.record_matched(call, record);
                Vec::new()
            }
            Event::PopAnswered { call, outcome } => {
                self.pop_answered(now, call, outcome);
                Vec::new()
            }
            Event::CallQuality { call, quality } => {
                if let Some(c) = self.call_mut(call).filter(|c| c.stage == Stage::Talking) {
                    c.silent_seconds = if quality.bytes_received == 0 { c.silent_seconds.saturating_add(1) } else { 0 };
                    c.tally.add(&quality);
                    c.quality = Some(quality);
                }
                Vec::new()
            }
            Event::TransferFailed { call, reason } => self.transfer_failed(call, reason),
            Event::TransferRequested { call, number } => self.transfer_requested(now, call, number),
            Event::HoldFailed { call, held, status } => {
                self.hold_failed(call, held, status);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The call being placed got this far before an answer (it never goes back).
    fn progressed(&mut self, call: CallHandle, progress: Progress) {
        if let Some(c) = self.call_mut(call).filter(|c| c.stage == Stage::Dialing) {
            c.progress = c.progress.max(progress);
        }
    }

    /// The screen pop found who is calling: the call is related to that record.
    fn record_matched(&mut self, call: CallHandle, record: Option<RecordRef>) {
        let Some(c) = self.call_mut(call).filter(|c| c.record.is_none() && c.stage != Stage::Dialing) else {
            return;
        };
        // A caller Salesforce knows as a Contact, Lead or Account is a customer.
        if record.is_some() && c.direction == CallDirection::Internal {
            c.direction = CallDirection::Inbound;
        }
        c.record = record;
    }

    /// Salesforce answered the screen pop of a call ringing or in progress. An answer that
    /// comes after the call ended is not kept (the log is already on its way).
    fn pop_answered(&mut self, now: Time, call: CallHandle, outcome: PopOutcome) {
        if let Some(c) = self.call_mut(call) {
            c.screen_pop = c.screen_pop.map(|pop| pop.answered(outcome, now));
        }
    }

    /// The call was answered and its audio flows: the extension of the record, if any, is
    /// keyed in after a pause.
    fn connected(&mut self, now: Time, call: CallHandle) -> Vec<Effect> {
        let Some(c) = self.call_mut(call).filter(|c| c.stage != Stage::Talking) else {
            return Vec::new();
        };
        // A rejoined call goes on from its first answer, and on hold if it was.
        c.answered_at = c.answered_at.or(Some(now));
        let hold_again = c.stage == Stage::Rejoining && c.held;
        c.stage = Stage::Talking;
        if let Some(extension) = &mut c.extension {
            extension.answered(now);
        }
        if hold_again {
            return vec![Effect::SetHeld { call, held: true }];
        }
        Vec::new()
    }

    /// Answers a ringing call; the live call, if any, goes on hold first.
    pub(super) fn answer(&mut self, call: CallHandle) -> Vec<Effect> {
        if self.call(call).is_none_or(|c| c.stage != Stage::Ringing) {
            return Vec::new();
        }
        let Some(mut effects) = self.hold_live_call(Some(call)) else {
            return Vec::new();
        };
        if let Some(c) = self.call_mut(call) {
            c.stage = Stage::Answering;
        }
        effects.push(Effect::Answer { call });
        effects
    }

    /// Puts the live call (other than `except`) on hold, so that the agent's voice can go to
    /// another: the effects that do it. A call still being placed or rejoined cannot be held:
    /// the agent is told, and nothing changes (`None`).
    pub(super) fn hold_live_call(&mut self, except: Option<CallHandle>) -> Option<Vec<Effect>> {
        let Some(live) = self.calls.iter_mut().find(|c| c.is_live() && Some(c.handle) != except) else {
            return Some(Vec::new());
        };
        if live.stage != Stage::Talking {
            self.notice = Some(Notice::NotAnsweredYet { who: live.who().to_owned() });
            return None;
        }
        live.held = true;
        Some(vec![Effect::SetHeld { call: live.handle, held: true }])
    }

    /// Declines a ringing call (486 when `busy`, else 603) and logs it.
    pub(super) fn decline(&mut self, now: Time, call: CallHandle, busy: bool) -> Vec<Effect> {
        if self.call(call).is_none_or(|c| c.stage != Stage::Ringing) {
            return Vec::new();
        }
        let mut effects = vec![Effect::Decline { call, busy }];
        effects.extend(self.end(now, call, EndReason::Declined));
        effects
    }

    /// Ends a call being placed, answered, talked on or rejoined.
    pub(super) fn hang_up(&mut self, now: Time, call: CallHandle) -> Vec<Effect> {
        if self.call(call).is_none_or(|c| c.stage == Stage::Ringing) {
            return Vec::new();
        }
        let mut effects = vec![Effect::HangUp { call }];
        effects.extend(self.end(now, call, EndReason::LocalHangup));
        effects
    }

    pub(super) fn set_muted(&mut self, call: CallHandle, muted: bool) -> Vec<Effect> {
        match self.call_mut(call) {
            Some(c) if c.stage == Stage::Talking && c.muted != muted => {
                c.muted = muted;
                vec![Effect::SetMuted { call, muted }]
            }
            _ => Vec::new(),
        }
    }

    /// Holds or resumes a call; resuming one while another is live holds that one (a swap).
    pub(super) fn set_held(&mut self, call: CallHandle, held: bool) -> Vec<Effect> {
        if self.call(call).is_none_or(|c| c.stage != Stage::Talking || c.held == held) {
            return Vec::new();
        }
        let mut effects = Vec::new();
        if !held {
            let Some(hold) = self.hold_live_call(Some(call)) else {
                return Vec::new();
            };
            effects = hold;
        }
        if let Some(c) = self.call_mut(call) {
            c.held = held;
        }
        effects.push(Effect::SetHeld { call, held });
        effects
    }

    /// A keypad digit, to the call being talked on (not one on hold).
    pub(super) fn send_digit(&mut self, call: CallHandle, digit: char) -> Vec<Effect> {
        match self.call(call) {
            Some(c) if c.stage == Stage::Talking && !c.held && is_dtmf(digit) => {
                vec![Effect::SendDigit { call, digit }]
            }
            _ => Vec::new(),
        }
    }

    /// The far end refused the hold (or resume) the agent asked for: the call is as it was.
    fn hold_failed(&mut self, call: CallHandle, held: bool, status: u16) {
        let Some(c) = self.call_mut(call).filter(|c| c.held == held) else {
            return;
        };
        c.held = !held;
        self.notice = Some(Notice::HoldRefused { held, status });
    }
}
