//! The calls, in the order they began, and the rules that hold between them: every call has a
//! handle of its own; at most one call is live (hears the agent): answering, calling or resuming
//! another puts the live one on hold first, and a call still being placed or rejoined cannot be
//! put on hold, so the agent must end it first; at most `max` calls at once. Only this module
//! changes whether a call is on hold, and its stage.

pub(crate) mod call;

pub use call::{AudioStatus, Call, CallHandle, Consultation, Progress, Resumed, Stage, Transfer};

use crate::clock::Time;
use crate::log::{CallDirection, RecordRef};
use crate::messages::Effect;
use crate::pop_measure::{PopMeasure, ScreenPop};
use crate::reasons::{EndReason, Notice};
use crate::extension::KeyedExtension;

/// How many calls an agent may have at once unless the definition says otherwise: one to talk
/// on and one waiting (or held for a consultation).
pub const DEFAULT_MAX_CALLS: usize = 2;

/// A call the agent places (or the phone places for them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placed {
    pub direction: CallDirection,
    pub number: String,
    pub record: Option<RecordRef>,
    /// The record the agent works on, when no person: what the call is about.
    pub about: Option<RecordRef>,
    /// The extension to key in once it is answered.
    pub extension: Option<String>,
    /// It is a consultation about another call.
    pub consultation: Option<Consultation>,
    /// The other party of another call asked for it (their REFER): who that call was with.
    pub referred_by: Option<String>,
}

/// A call ringing in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RingingIn {
    pub direction: CallDirection,
    pub number: String,
    pub display_name: String,
    pub call_id: String,
    /// The record the agent works on, when no person: what the call is about.
    pub about: Option<RecordRef>,
    /// It takes the place of a call being talked on (RFC 3891): answered at once, no ring.
    pub replacing: bool,
}

/// A call a reload cut off, being rejoined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TakenBack {
    pub direction: CallDirection,
    pub number: String,
    pub record: Option<RecordRef>,
    pub about: Option<RecordRef>,
    pub started_at: Time,
    pub answered_at: Time,
    pub held: bool,
    pub screen_pop: Option<PopMeasure>,
    pub resumed: Resumed,
}

/// A call that ended, as it was, and what the agent should be told of the calls tied to it.
pub(crate) struct Ended {
    pub call: Call,
    pub notice: Option<Notice>,
}

/// The calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Calls {
    list: Vec<Call>,
    /// The number the next minted handle gets.
    next_handle: u32,
    /// How many calls the agent may have at once (the definition's `maxCalls`).
    max: usize,
    /// Browser storage holds call snapshots (this page's, or those a previous page left): they
    /// are written again, if only to forget them, until it holds none.
    pub(crate) stored: bool,
}

impl Default for Calls {
    fn default() -> Self {
        Calls { list: Vec::new(), next_handle: 1, max: DEFAULT_MAX_CALLS, stored: false }
    }
}

impl Calls {
    /// The calls, in the order they began.
    pub(crate) fn all(&self) -> &[Call] {
        &self.list
    }

    pub(crate) fn get(&self, handle: CallHandle) -> Option<&Call> {
        self.list.iter().find(|c| c.handle == handle)
    }

    /// The call `handle`, for one of the changes `Call` allows (none touches hold or stage).
    pub(crate) fn get_mut(&mut self, handle: CallHandle) -> Option<&mut Call> {
        self.list.iter_mut().find(|c| c.handle == handle)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The call the agent's voice goes to, if any.
    pub(crate) fn live(&self) -> Option<&Call> {
        self.list.iter().find(|c| c.is_live())
    }

    /// The call ringing in, if any (one rings at a time).
    pub(crate) fn ringing(&self) -> Option<&Call> {
        self.list.iter().find(|c| c.stage == Stage::Ringing)
    }

    /// Whether some call is in `stage`.
    pub(crate) fn any_in(&self, stage: Stage) -> bool {
        self.list.iter().any(|c| c.stage == stage)
    }

    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// How many calls the agent may have at once (at least one).
    pub(crate) fn set_max(&mut self, max: usize) {
        self.max = max.max(1);
    }

    /// Whether another call may start (one rings in, or the agent places one).
    pub(crate) fn has_room(&self) -> bool {
        self.list.len() < self.max
    }

    /// Whether a call ringing in now must be refused as busy: no room, or one rings already.
    pub(crate) fn full_for_a_ring(&self) -> bool {
        !self.has_room() || self.list.iter().any(|c| matches!(c.stage, Stage::Ringing | Stage::Answering))
    }

    /// A fresh name for a call.
    fn mint(&mut self) -> CallHandle {
        let handle = CallHandle(self.next_handle);
        // Never 0 and never the handle kept for calls outside the phone.
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        if CallHandle(self.next_handle) == CallHandle::OUTSIDE {
            self.next_handle = 1;
        }
        handle
    }

    /// A call placed at `now`: live at once, so the live call must be on hold already
    /// ([`Calls::hold_live`]).
    pub(crate) fn place(&mut self, now: Time, placed: Placed) -> CallHandle {
        let handle = self.mint();
        let mut call = Call::new(handle, Stage::Dialing, placed.direction, placed.number, placed.record, now);
        call.about = placed.about;
        call.extension = placed.extension.map(KeyedExtension::new);
        call.consultation = placed.consultation;
        call.referred_by = placed.referred_by;
        self.list.push(call);
        handle
    }

    /// A call ringing in at `now` (its screen pop asked then); one replacing ours is answered
    /// at once.
    pub(crate) fn ring_in(&mut self, now: Time, ringing: RingingIn) -> CallHandle {
        let handle = self.mint();
        let stage = if ringing.replacing { Stage::Answering } else { Stage::Ringing };
        let mut call = Call::new(handle, stage, ringing.direction, ringing.number, None, now);
        call.display_name = ringing.display_name;
        call.call_id = Some(ringing.call_id);
        call.about = ringing.about;
        call.screen_pop = Some(ScreenPop::Waiting { asked_at: now });
        self.list.push(call);
        handle
    }

    /// A call a reload cut off, to rejoin (on hold again once back, if it was).
    pub(crate) fn take_back(&mut self, back: TakenBack) -> CallHandle {
        let handle = self.mint();
        let mut call = Call::new(handle, Stage::Rejoining, back.direction, back.number, back.record, back.started_at);
        call.about = back.about;
        call.answered_at = Some(back.answered_at);
        call.held = back.held;
        // The first page measured the pop; the rejoined call's log keeps that measure.
        call.screen_pop = back.screen_pop.map(ScreenPop::Measured);
        call.resumed = Some(back.resumed);
        self.list.push(call);
        handle
    }

    /// The call ends: it leaves the list, and the calls tied to it learn of it.
    pub(crate) fn end(&mut self, handle: CallHandle, reason: &EndReason) -> Option<Ended> {
        let at = self.list.iter().position(|c| c.handle == handle)?;
        let mut call = self.list.remove(at);
        let notice = self.tie_up(&mut call, reason);
        Some(Ended { call, notice })
    }

    /// What the calls tied to the one that ended must know of it.
    fn tie_up(&mut self, ended: &mut Call, reason: &EndReason) -> Option<Notice> {
        let mut notice = None;
        let (handle, who) = (ended.handle, ended.who().to_owned());
        if let Some(c) = &mut ended.consultation {
            // The colleague's side of an attended transfer often ends the consultation before
            // the customer's side reports the transfer done: a transfer under way counts.
            let pending =
                self.list.iter().any(|o| o.handle == c.about && matches!(o.transfer, Some(Transfer::Attended { with, .. }) if with == handle));
            c.handed_over |= pending;
            let on_hold = self.list.iter().any(|o| o.handle == c.about && o.held);
            if on_hold && !c.handed_over && *reason != EndReason::LocalHangup {
                notice = Some(Notice::ConsultationEnded { with: who, on_hold: c.about_who.clone() });
            }
        }
        for other in &mut self.list {
            // The call this consultation is about was handed to its other party.
            if let (Some(c), Some(Transfer::Attended { with, .. }), EndReason::Transferred) = (&mut other.consultation, &ended.transfer, reason) {
                c.handed_over |= *with == other.handle;
            }
            // A transfer the other party asked for rests on our call to the new number: that
            // call failing leaves the old one as it was. (An attended transfer whose
            // consultation ended is settled by the line: done, or failed.)
            if matches!(&other.transfer, Some(Transfer::Requested { new, .. }) if *new == ended.handle && ended.answered_at.is_none()) {
                other.transfer = None;
            }
        }
        notice
    }

    /// Puts the live call (other than `except`) on hold, so that the agent's voice can go to
    /// another: the effects that do it. A call still being placed or rejoined cannot be held:
    /// the agent must end it first.
    pub(crate) fn hold_live(&mut self, except: Option<CallHandle>) -> Result<Vec<Effect>, Notice> {
        let Some(live) = self.list.iter_mut().find(|c| c.is_live() && Some(c.handle) != except) else {
            return Ok(Vec::new());
        };
        if live.stage != Stage::Talking {
            return Err(Notice::NotAnsweredYet { who: live.who().to_owned() });
        }
        live.held = true;
        Ok(vec![Effect::SetHeld { call: live.handle, held: true }])
    }

    /// Puts `handle` on hold for a consultation about it (the live call may be this one).
    pub(crate) fn hold_for_consultation(&mut self, handle: CallHandle) -> Vec<Effect> {
        match self.get_mut(handle).filter(|c| !c.held) {
            Some(c) => {
                c.held = true;
                vec![Effect::SetHeld { call: handle, held: true }]
            }
            None => Vec::new(),
        }
    }

    /// The other party of `handle` put us on hold to transfer us: our voice goes to the call
    /// placed to the number they named, `new`.
    pub(crate) fn follow_transfer(&mut self, handle: CallHandle, new: CallHandle, to: String) {
        if let Some(old) = self.get_mut(handle) {
            old.transfer = Some(Transfer::Requested { new, to });
            old.held = true;
        }
    }

    /// Answers ringing call `handle`; the live call, if any, goes on hold first.
    pub(crate) fn answer(&mut self, handle: CallHandle) -> Result<Vec<Effect>, Notice> {
        if self.get(handle).is_none_or(|c| c.stage != Stage::Ringing) {
            return Ok(Vec::new());
        }
        let mut effects = self.hold_live(Some(handle))?;
        if let Some(c) = self.get_mut(handle) {
            c.stage = Stage::Answering;
        }
        effects.push(Effect::Answer { call: handle });
        Ok(effects)
    }

    /// Holds or resumes call `handle` being talked on; resuming one while another is live
    /// holds that one (a swap).
    pub(crate) fn set_held(&mut self, handle: CallHandle, held: bool) -> Result<Vec<Effect>, Notice> {
        if self.get(handle).is_none_or(|c| c.stage != Stage::Talking || c.held == held) {
            return Ok(Vec::new());
        }
        let mut effects = if held { Vec::new() } else { self.hold_live(Some(handle))? };
        if let Some(c) = self.get_mut(handle) {
            c.held = held;
        }
        effects.push(Effect::SetHeld { call: handle, held });
        Ok(effects)
    }

    /// The far end refused the hold (`held`) or the resume the agent asked for: the call is as
    /// it was. Whether that was the call's last request (a late refusal changes nothing).
    pub(crate) fn hold_refused(&mut self, handle: CallHandle, held: bool) -> bool {
        match self.get_mut(handle).filter(|c| c.held == held) {
            Some(c) => {
                c.held = !held;
                true
            }
            None => false,
        }
    }

    /// The call was answered (by either side) at `now` and its audio flows: the extension of
    /// the record, if any, is keyed in after a pause; a rejoined call goes on from its first
    /// answer, and on hold again if it was.
    pub(crate) fn connected(&mut self, handle: CallHandle, now: Time) -> Vec<Effect> {
        let Some(c) = self.get_mut(handle).filter(|c| c.stage != Stage::Talking) else {
            return Vec::new();
        };
        c.answered_at = c.answered_at.or(Some(now));
        let hold_again = c.stage == Stage::Rejoining && c.held;
        c.stage = Stage::Talking;
        if let Some(extension) = &mut c.extension {
            extension.answered(now);
        }
        if hold_again {
            return vec![Effect::SetHeld { call: handle, held: true }];
        }
        Vec::new()
    }

    /// Every second: the audio of each call being talked on is measured, and the extensions
    /// keyed in, a digit a tick.
    pub(crate) fn tick(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        for call in self.list.iter_mut().filter(|c| c.stage == Stage::Talking) {
            effects.push(Effect::MeasureQuality { call: call.handle });
            if let Some(digit) = call.next_extension_digit(now) {
                effects.push(Effect::SendDigit { call: call.handle, digit });
            }
        }
        effects
    }

    /// The calls being rejoined whose rejoin was not asked of the line yet, each with the
    /// dialog to rejoin; they count as asked from now on.
    pub(crate) fn rejoins_to_ask(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for call in self.list.iter_mut().filter(|c| c.stage == Stage::Rejoining) {
            if let Some(dialog) = call.resumed.as_mut().and_then(|r| r.to_rejoin.take()) {
                effects.push(Effect::Rejoin { call: call.handle, dialog });
            }
        }
        effects
    }

    /// The calls being rejoined that were never asked for (the agent has not signed in) and
    /// whose `window` after the reload closed at `now`.
    pub(crate) fn rejoins_too_late(&self, now: Time, window_ms: u64) -> Vec<CallHandle> {
        self.list
            .iter()
            .filter(|c| c.stage == Stage::Rejoining)
            .filter(|c| c.resumed.as_ref().is_some_and(|r| r.to_rejoin.is_some() && now.millis_since(r.interrupted_at) > window_ms))
            .map(|c| c.handle)
            .collect()
    }
}
