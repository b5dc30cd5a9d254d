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

use crate::clock::Time;
use crate::log::{CallDirection, CallRecord, RecordRef, Unanswered};
use crate::model::{Call, Resumed, Stage};
use crate::outbox::PendingLog;
use crate::pop_measure::{PopMeasure, ScreenPop};
use crate::reasons::{CallFailure, EndReason, Notice, RejoinFailure};
use crate::{Effect, Phone};

/// How long after the page went away the phone still tries to rejoin the call: longer than a
/// reload and a sign-in take, shorter than a customer waits in silence.
pub const REJOIN_WINDOW_MS: u64 = 120_000;

/// The call a previous page was on when it went away, as browser storage kept it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterruptedCall {
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The record the call was attached to.
    pub record: Option<RecordRef>,
    /// The Call-ID the call's log is keyed by (its first).
    pub call_id: Option<String>,
    pub started_at: Time,
    /// When it was answered, if it was.
    pub answered_at: Option<Time>,
    /// The screen pop's measure, once Salesforce answered.
    pub screen_pop: Option<PopMeasure>,
    /// The last moment the page was known to be on the call.
    pub interrupted_at: Time,
    /// The page kept the call's SIP dialog, so the far end can be asked to take us back.
    pub can_rejoin: bool,
    /// The call was on hold.
    pub held: bool,
}

impl InterruptedCall {
    /// The call's log as of the last moment the page was known alive: talk time up to then,
    /// and an unanswered call missed (inbound) or cancelled (outbound).
    pub fn log(&self) -> CallRecord {
        let unanswered = match (self.answered_at, self.direction) {
            (Some(_), _) => None,
            (None, CallDirection::Inbound) => Some(Unanswered::Missed),
            (None, _) => Some(Unanswered::Cancelled),
        };
        CallRecord {
            duration_s: self.answered_at.map_or(0, |at| self.interrupted_at.seconds_since(at)),
            call_id: self.call_id.clone(),
            screen_pop: self.screen_pop,
            unanswered,
            cut_off: true,
            ..CallRecord::new(self.direction, self.number.clone(), self.record.clone(), self.started_at)
        }
    }
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
        let recent = now.millis_since(interrupted.interrupted_at) <= REJOIN_WINDOW_MS;
        let Some(answered_at) = interrupted.answered_at.filter(|_| interrupted.can_rejoin && recent && self.has_room()) else {
            let log = interrupted.log();
            if interrupted.answered_at.is_some() {
                self.notice = Some(Notice::CutOffByReload { who: who(&log).to_owned() });
            }
            return vec![self.queue_log(now, log, None)];
        };
        let InterruptedCall { direction, number, record, call_id, started_at, screen_pop, interrupted_at, held, .. } = interrupted;
        let handle = self.mint();
        let mut call = Call::new(handle, Stage::Rejoining, direction, number, record, started_at);
        call.answered_at = Some(answered_at);
        call.held = held;
        // The first page measured the pop; the rejoined call's log keeps that measure.
        call.screen_pop = screen_pop.map(ScreenPop::Measured);
        call.resumed = Some(Resumed { first_call_id: call_id, interrupted_at, asked: false });
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
            effects.extend(self.end(now, call, EndReason::Failed(CallFailure::NotRejoinedInTime)));
        }
        effects
    }

    /// For a call that ends while being rejoined: when it ended for the customer (the page
    /// went away; its log says it was cut off); tells the agent the call was lost.
    pub(super) fn rejoin_lost(&mut self, call: &Call, reason: &EndReason) -> Option<Time> {
        let resumed = call.resumed.as_ref().filter(|_| call.stage == Stage::Rejoining)?;
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
