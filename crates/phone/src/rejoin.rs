//! A call the page went away during (a reload, a crash, a closed tab).
//!
//! The glue records the calls in progress in browser storage every second, with the SIP dialog
//! each is on. When a page of this phone starts again and owns the line, it hands those records
//! back as they were kept ([`CallSnapshot`], [`Phone::restore_logs`]): what became of each is
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
use crate::outbox::PendingLog;
use crate::reasons::{CallFailure, EndReason, Notice, RejoinFailure};
use crate::log::who_of_record;
use crate::snapshot::CallSnapshot;
use crate::{Effect, Phone};

/// How long after the page went away the phone still tries to rejoin the call: longer than a
/// reload and a sign-in take, shorter than a customer waits in silence.
pub const REJOIN_WINDOW_MS: u64 = 120_000;

impl Phone {
    /// Takes back the call logs a previous page left unsaved (from browser storage), and the
    /// calls it went away during: rejoined when they can be (see the module), else logged at
    /// once. `seed` spreads retries between phones.
    pub fn restore_logs(&mut self, now: Time, stored: Vec<PendingLog>, interrupted: Vec<CallSnapshot>, seed: u64) -> Vec<Effect> {
        let outbox = self.logs.outbox_mut();
        outbox.seed(seed);
        outbox.restore(stored);
        // Storage holds them until they are rejoined or logged: see `calls_to_store`.
        self.calls.stored = !interrupted.is_empty();
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

    fn take_back(&mut self, now: Time, interrupted: CallSnapshot) -> Vec<Effect> {
        let recent = now.millis_since(interrupted.taken_at) <= REJOIN_WINDOW_MS;
        let rejoin = interrupted.answered_at.zip(interrupted.dialog.clone()).filter(|_| recent && self.calls.has_room());
        let Some((answered_at, dialog)) = rejoin else {
            let log = interrupted.cut_off_log();
            if interrupted.answered_at.is_some() {
                self.notice = Some(Notice::CutOffByReload { who: who_of_record(log.record.as_ref(), &log.number).to_owned() });
            }
            return vec![self.logs.queue(now, log, None)];
        };
        let CallSnapshot { direction, number, record, about, call_id, started_at, screen_pop, taken_at, held, .. } = interrupted;
        let resumed = Resumed { first_call_id: call_id, interrupted_at: taken_at, to_rejoin: Some(dialog) };
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
