//! A call the page went away during (a reload, a crash, a closed tab).
//!
//! The glue records the calls in progress in browser storage every second, with the SIP dialog
//! each is on. When a page of this phone starts again and owns the line, it hands those records
//! back as they were kept ([`InterruptedCall`], [`Phone::restore_logs`]): what became of each is
//! decided here, and only here. An answered call whose dialog was kept, cut off moments ago,
//! is not over for the customer: they are still on the line, hearing silence. The phone then
//! holds it in [`Stage::Rejoining`] and, once registered, asks the line to rejoin the far
//! end ([`Effect::Rejoin`]: an INVITE with Replaces); a call that was on hold is put on hold
//! again once it is back. Answered, it is the same call going on
//! (same log, same Call-ID, talk time from the first answer); refused or never possible (the
//! agent did not sign in within [`REJOIN_WINDOW_MS`]), it is logged as lost, with talk time up
//! to the moment the page went away, and the agent is told.

use crate::calls::{Call, Resumed, Stage, TakenBack};
use crate::clock::Time;
use crate::interrupted::InterruptedCall;
use crate::log::CallRecord;
use crate::outbox::PendingLog;
use crate::reasons::{CallFailure, EndReason, Notice, RejoinFailure};
use crate::{Effect, Phone};

/// How long after the page went away the phone still tries to rejoin the call: longer than a
/// reload and a sign-in take, shorter than a customer waits in silence.
pub const REJOIN_WINDOW_MS: u64 = 120_000;

impl Phone {
    /// Takes back the call logs a previous page left unsaved (from browser storage), and the
    /// calls it went away during: rejoined when they can be (see the module), else logged at
    /// once. `seed` spreads retries between phones.
    pub fn restore_logs(&mut self, now: Time, stored: Vec<PendingLog>, interrupted: Vec<InterruptedCall>, seed: u64) -> Vec<Effect> {
        let outbox = self.logs.outbox_mut();
        outbox.seed(seed);
        outbox.restore(stored);
        let mut effects = Vec::new();
        for call in interrupted {
            effects.extend(self.take_back(now, call));
        }
        if self.is_rejoining() {
            effects.push(Effect::ShowPanel(true));
            effects.extend(self.ask_rejoin());
        }
        effects.extend(self.logs.due(now));
        effects.extend(self.presentation(now));
        effects
    }

    fn take_back(&mut self, now: Time, interrupted: InterruptedCall) -> Vec<Effect> {
        let recent = now.millis_since(interrupted.interrupted_at) <= REJOIN_WINDOW_MS;
        let Some(answered_at) = interrupted.answered_at.filter(|_| interrupted.can_rejoin && recent && self.calls.has_room()) else {
            let log = interrupted.log();
            if interrupted.answered_at.is_some() {
                self.notice = Some(Notice::CutOffByReload { who: who(&log).to_owned() });
            }
            return vec![self.logs.queue(now, log, None)];
        };
        let InterruptedCall { direction, number, record, about, call_id, started_at, screen_pop, interrupted_at, held, .. } = interrupted;
        let resumed = Resumed { first_call_id: call_id, interrupted_at, asked: false };
        self.calls.take_back(TakenBack { direction, number, record, about, started_at, answered_at, held, screen_pop, resumed });
        Vec::new()
    }

    /// Asks the line to rejoin the far ends of the calls being rejoined, once registered and
    /// not asked yet.
    pub(super) fn ask_rejoin(&mut self) -> Vec<Effect> {
        if !self.agent.is_registered() {
            return Vec::new();
        }
        self.calls.rejoins_to_ask()
    }

    /// Every second: a rejoin never asked for (the agent has not signed in) is given up once
    /// the window closes, and the call logged as lost.
    pub(super) fn give_up_rejoins_when_late(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        for call in self.calls.rejoins_too_late(now, REJOIN_WINDOW_MS) {
            effects.extend(self.end(now, call, EndReason::Failed(CallFailure::NotRejoinedInTime)));
        }
        effects
    }

    /// For a call that ends while being rejoined: when it ended for the customer (the page
    /// went away; its log says it was cut off); tells the agent the call was lost.
    pub(super) fn rejoin_lost(&mut self, call: &Call, reason: &EndReason) -> Option<Time> {
        let resumed = call.resumed().filter(|_| call.stage() == Stage::Rejoining)?;
        let why = match reason {
            EndReason::LocalHangup => None,
            EndReason::Failed(why) => Some(RejoinFailure::Failed(why.clone())),
            _ => Some(RejoinFailure::NotTakenBack),
        };
        if let Some(why) = why {
            self.notice = Some(Notice::LostInReload { who: call.who().to_owned(), why });
        }
        Some(resumed.interrupted_at)
    }
}

/// The name to tell the agent for a logged call: the record's, else the number.
fn who(log: &CallRecord) -> &str {
    match &log.record {
        Some(r) if !r.name.is_empty() => &r.name,
        _ => &log.number,
    }
}
