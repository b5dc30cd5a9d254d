//! A call the page went away during (a reload, a crash, a closed tab).
//!
//! The glue records the calls in progress in browser storage every second, with the SIP dialog
//! each is on. When a page of this phone starts again and owns the line, it hands those records
//! back ([`Phone::restore_logs`]). An answered call whose dialog was kept, cut off moments ago,
//! is not over for the customer: they are still on the line, hearing silence. The phone then
//! holds it in [`Stage::Rejoining`] and, once registered, asks the line to rejoin the far
//! end ([`Effect::Rejoin`]: an INVITE with Replaces); a call that was on hold is put on hold
//! again once it is back. Answered, it is the same call going on
//! (same log, same Call-ID, talk time from the first answer); refused or never possible (the
//! agent did not sign in within [`REJOIN_WINDOW_MS`]), it is logged as lost, with talk time up
//! to the moment the page went away, and the agent is told.

use crate::clock::Time;
use crate::log::CallRecord;
use crate::model::{Call, EndReason, Resumed, Stage};
use crate::outbox::PendingLog;
use crate::pop_measure::ScreenPop;
use crate::{Effect, Phone};

/// How long after the page went away the phone still tries to rejoin the call: longer than a
/// reload and a sign-in take, shorter than a customer waits in silence.
pub const REJOIN_WINDOW_MS: u64 = 120_000;

/// What the log of a call the reload cut off says.
pub const LOST_NOTE: &str = "The page was reloaded or closed during this call.";

/// The call a previous page was on when it went away, as browser storage kept it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterruptedCall {
    /// The call's log as of the last moment the page was known alive (talk time up to then).
    pub log: CallRecord,
    /// When it was answered (Unix ms), if it was.
    pub answered_at: Option<Time>,
    /// The last moment the page was known to be on the call (Unix ms).
    pub interrupted_at: Time,
    /// The page kept the call's SIP dialog, so the far end can be asked to take us back.
    pub can_rejoin: bool,
    /// The call was on hold.
    pub held: bool,
}

impl Phone {
    /// Takes back the call logs a previous page left unsaved (from browser storage), and the
    /// calls it went away during: rejoined when they can be (see the module), else logged at
    /// once. `seed` spreads retries between phones.
    pub fn restore_logs(&mut self, now: Time, stored: Vec<PendingLog>, interrupted: Vec<InterruptedCall>, seed: u64) -> Vec<Effect> {
        let outbox = self.outbox_mut();
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
        effects.extend(self.due_logs(now));
        effects.extend(self.presentation(now));
        effects
    }

    /// Whether the phone is rejoining a call the page went away during.
    pub fn is_rejoining(&self) -> bool {
        self.calls.iter().any(|c| c.stage == Stage::Rejoining)
    }

    fn take_back(&mut self, now: Time, interrupted: InterruptedCall) -> Vec<Effect> {
        let InterruptedCall { log, answered_at, interrupted_at, can_rejoin, held } = interrupted;
        let recent = now.millis_since(interrupted_at) <= REJOIN_WINDOW_MS;
        let Some(answered_at) = answered_at.filter(|_| can_rejoin && recent && self.has_room()) else {
            if answered_at.is_some() {
                self.notice = Some(format!("Your call with {} was cut off when the page reloaded.", who(&log)));
            }
            return vec![self.queue_log(now, log, None)];
        };
        let handle = self.mint();
        let mut call = Call::new(handle, Stage::Rejoining, log.direction, log.number, log.record, log.started_at);
        call.answered_at = Some(answered_at);
        call.held = held;
        // The first page measured the pop; the rejoined call's log keeps that measure.
        call.screen_pop = log.screen_pop.map(ScreenPop::Measured);
        call.resumed = Some(Resumed { first_call_id: log.call_id, interrupted_at, asked: false });
        self.calls.push(call);
        Vec::new()
    }

    /// Asks the line to rejoin the far ends of the calls being rejoined, once registered and
    /// not asked yet.
    pub(super) fn ask_rejoin(&mut self) -> Vec<Effect> {
        if self.registration != crate::Registration::Registered {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for call in &mut self.calls {
            let Some(resumed) = call.resumed.as_mut().filter(|r| !r.asked) else {
                continue;
            };
            if call.stage == Stage::Rejoining {
                resumed.asked = true;
                let call_id = resumed.first_call_id.clone().unwrap_or_default();
                effects.push(Effect::Rejoin { call: call.handle, call_id });
            }
        }
        effects
    }

    /// Every second: a rejoin never asked for (the agent has not signed in) is given up once
    /// the window closes, and the call logged as lost.
    pub(super) fn give_up_rejoins_when_late(&mut self, now: Time) -> Vec<Effect> {
        let late: Vec<_> = self
            .calls
            .iter()
            .filter(|c| c.stage == Stage::Rejoining)
            .filter(|c| c.resumed.as_ref().is_some_and(|r| !r.asked && now.millis_since(r.interrupted_at) > REJOIN_WINDOW_MS))
            .map(|c| c.handle)
            .collect();
        let mut effects = Vec::new();
        for call in late {
            effects.extend(self.end(now, call, EndReason::Failed("you did not sign in again within two minutes.".into())));
        }
        effects
    }

    /// For a call that ends while being rejoined: when it ended for the customer (the page
    /// went away; its log then carries [`LOST_NOTE`]); tells the agent the call was lost.
    pub(super) fn rejoin_lost(&mut self, call: &Call, reason: &EndReason) -> Option<Time> {
        let resumed = call.resumed.as_ref().filter(|_| call.stage == Stage::Rejoining)?;
        let why = match reason {
            EndReason::LocalHangup => None,
            EndReason::Failed(why) => Some(why.clone()),
            _ => Some("the other side did not take the call back.".into()),
        };
        self.notice = why.map(|why| format!("Your call with {} was lost when the page reloaded: {why}", call.who()));
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
