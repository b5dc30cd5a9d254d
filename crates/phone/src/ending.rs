//! A call ends: it is logged at once (answered, missed, declined or failed), an answered one
//! goes to wrap-up, and the calls tied to it (a consultation, a transfer) learn of it.

use crate::calls::{Call, CallHandle, Ended, Transfer};
use crate::clock::Time;
use crate::log::{CallLink, CallOutcome, CallRecord};
use crate::reasons::{EndReason, Notice};
use crate::{CallDirection, Effect, Phone};

impl Phone {
    /// Ends call `handle`: log it at once, then wrap up if it was answered.
    pub(super) fn end(&mut self, now: Time, handle: CallHandle, reason: EndReason) -> Vec<Effect> {
        let Some(Ended { call, notice }) = self.calls.end(handle, &reason) else {
            return Vec::new();
        };
        if notice.is_some() {
            self.notice = notice;
        }
        let answered = call.answered_at().is_some();
        if reason == EndReason::AnsweredElsewhere && !answered {
            self.notice = Some(Notice::AnsweredElsewhere);
            return Vec::new();
        }
        if let EndReason::Failed(why) = &reason {
            self.notice = Some(Notice::CallFailed(why.clone()));
        }
        // A call the reload cut off ends, for the customer, when the page went away.
        let lost_at = self.rejoin_lost(&call, &reason);
        let ended_at = lost_at.unwrap_or(now);
        let record = CallRecord {
            duration_s: call.talk_seconds(ended_at),
            call_id: call.log_call_id().map(str::to_owned),
            screen_pop: call.screen_pop().and_then(|pop| pop.measure_at(now)),
            about: call.about().cloned(),
            outcome: Some(outcome(&call, &reason)),
            cut_off: lost_at.is_some(),
            transferred_to: transferred_to(&call, &reason),
            link: link(&call, &reason),
            quality: call.tally().summary(),
            ..CallRecord::new(call.direction(), call.number().to_owned(), call.record().cloned(), call.started_at())
        };
        let mut effects = Vec::new();
        if answered {
            // One wrap-up at a time: an earlier one keeps what the agent typed.
            effects.extend(self.leave_wrap_up(now));
        }
        let save = self.logs.queue(now, record.clone(), None);
        if let (true, Effect::SaveLog { id, .. }) = (answered, &save) {
            self.wrap_up.start(now, *id, record);
        }
        effects.push(save);
        effects
    }
}

/// What became of the call by itself. The disposition stays the agent's to choose in wrap-up.
fn outcome(call: &Call, reason: &EndReason) -> CallOutcome {
    if call.answered_at().is_some() {
        return CallOutcome::Answered;
    }
    match reason {
        EndReason::Missed | EndReason::AnsweredElsewhere => CallOutcome::Missed,
        EndReason::Declined => CallOutcome::Declined,
        EndReason::Busy => CallOutcome::Busy,
        EndReason::RemoteDeclined => CallOutcome::RemoteDeclined,
        EndReason::NoAnswer => CallOutcome::NoAnswer,
        EndReason::Failed(why) => CallOutcome::Failed(why.clone()),
        EndReason::LocalHangup | EndReason::RemoteHangup | EndReason::Transferred | EndReason::Replaced => match call.direction() {
            CallDirection::Inbound => CallOutcome::Missed,
            _ => CallOutcome::Cancelled,
        },
    }
}

/// The number the call was handed to: the line knows a transfer happened, the call knows to
/// which number. A transfer the other party asked for counts once the phone's call to the new
/// number was answered, whatever ends the old call.
fn transferred_to(call: &Call, reason: &EndReason) -> Option<String> {
    match (call.transfer(), reason) {
        (Some(Transfer::Blind { to } | Transfer::Attended { to, .. }), EndReason::Transferred) => Some(to.clone()),
        (Some(Transfer::Requested { to, .. }), _) => Some(to.clone()),
        _ => None,
    }
}

fn link(call: &Call, reason: &EndReason) -> Option<CallLink> {
    if let Some(c) = call.consultation() {
        return Some(CallLink::Consultation { about: c.about_who.clone(), handed_over: c.handed_over });
    }
    if let Some(by) = call.referred_by() {
        return Some(CallLink::AskedBy { by: by.to_owned() });
    }
    match (call.transfer(), reason) {
        (Some(Transfer::Attended { .. }), EndReason::Transferred) => Some(CallLink::ConsultedFirst),
        (Some(Transfer::Requested { .. }), _) => Some(CallLink::TransferAsked),
        _ => None,
    }
}
