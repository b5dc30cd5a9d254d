//! What the phone asks of the line's calls (name a call ringing in, place one, let go of one,
//! hold, transfer), and how the browser's media work went (an answer made or refused, the far
//! end's description applied or refused). Each may tell the phone something and ask the browser
//! for more.

use phone::reasons::{MediaProblem, MediaWarning, TransferFailure};
use phone::{CallFailure, CallHandle, EndReason, Event};
use sip::{CallId, Command, CommandError, OfferRefusal, Uri};

use crate::sip_side::refusal;
use crate::table::{LineCall, Ringing};
use crate::{FarSdp, LineAction, LineCore};

/// A call ringing in that the agent answers: what its answer is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answering {
    pub call_id: CallId,
    /// The caller's offer, or none (a delayed offer: the answer carries our offer).
    pub offer: Option<String>,
}

impl LineCore {
    /// The phone names the call ringing in on `call_id` as `call` and lets it ring (180). A
    /// caller who gave up meanwhile is told as ended under the new name.
    pub fn ring(&mut self, call: CallHandle, call_id: &str) {
        let Some(offer) = self.calls.take_offer(call_id) else {
            return self.tell(Event::CallEnded { call, reason: EndReason::Missed });
        };
        if let Some(reason) = offer.ended {
            return self.tell(Event::CallEnded { call, reason });
        }
        self.calls.add(LineCall { handle: call, call_id: Some(offer.call_id.clone()), ringing: Some(Ringing { offer: offer.sdp }), hold_change: None });
        self.act(LineAction::Sip(Command::Ring { call: offer.call_id }));
    }

    /// The phone refuses the call ringing in on `call_id` without ringing: 486 when `busy`,
    /// else 480 (away: the PBX may route it elsewhere).
    pub fn refuse(&mut self, call_id: &str, busy: bool) {
        let Some(offer) = self.calls.take_offer(call_id) else { return };
        if offer.ended.is_none() {
            let call = offer.call_id;
            self.act(LineAction::Sip(if busy { Command::Decline { call, busy } } else { Command::Unavailable { call } }));
        }
    }

    /// The agent answers call `call`: what to make the answer from, once (`None`: it is not
    /// ringing, or was answered already).
    pub fn answer(&mut self, call: CallHandle) -> Option<Answering> {
        let c = self.calls.get_mut(call)?;
        let call_id = c.call_id.clone()?;
        let ringing = c.ringing.take()?;
        Some(Answering { call_id, offer: ringing.offer })
    }

    /// The browser could not answer call `call`: the caller is refused (488 with a Warning when
    /// its offer was the trouble) and the phone told why.
    pub fn answer_failed(&mut self, call: CallHandle, answering: Answering, problem: MediaProblem) {
        self.forget(call);
        let call_id = answering.call_id;
        self.act(LineAction::Sip(match refusal(&problem) {
            Some(refusal) => Command::RefuseOffer { call: call_id, refusal },
            None => Command::Decline { call: call_id, busy: false },
        }));
        self.tell(Event::CallEnded { call, reason: EndReason::Failed(CallFailure::Media(problem)) });
    }

    /// Declines ringing call `call` (486 when `busy`, else 603).
    pub fn decline(&mut self, call: CallHandle, busy: bool) {
        if let Some(call_id) = self.forget(call) {
            self.act(LineAction::Sip(Command::Decline { call: call_id, busy }));
        }
    }

    /// Ends call `call`: CANCEL, BYE or decline as its state requires. A call whose INVITE has
    /// not gone out yet never sends it.
    pub fn hang_up(&mut self, call: CallHandle) {
        if let Some(call_id) = self.forget(call) {
            self.act(LineAction::Sip(Command::HangUp { call: call_id }));
        }
        self.act(LineAction::PrepareSpare);
    }

    /// The phone places call `call`; it has no Call-ID until the SIP core names it.
    pub fn place(&mut self, call: CallHandle) {
        self.calls.add(LineCall { handle: call, call_id: None, ringing: None, hold_change: None });
    }

    /// The SIP core sent placed call `call`'s INVITE as `call_id`: the link is made before any
    /// of the call's news is read.
    pub fn placed(&mut self, call: CallHandle, call_id: CallId) {
        self.tell(Event::OutgoingCallStarted { call, call_id: call_id.to_string() });
        if let Some(c) = self.calls.get_mut(call) {
            c.call_id = Some(call_id);
        }
    }

    /// Placed call `call` could not start (no audio, or the SIP core refused it).
    pub fn place_failed(&mut self, call: CallHandle, reason: CallFailure) {
        self.forget(call);
        self.tell(Event::CallFailed { call, reason });
    }

    /// The phone asks for call `call` to be held (`true`) or resumed; it takes effect with the
    /// far end's answer. The Call-ID to re-INVITE, once the call has one.
    pub fn hold(&mut self, call: CallHandle, held: bool) -> Option<CallId> {
        let c = self.calls.get_mut(call)?;
        c.hold_change = Some(held);
        c.call_id.clone()
    }

    /// Blind transfer: the far end of call `call` is asked to call `target` (REFER).
    pub fn transfer(&mut self, call: CallHandle, target: Uri) {
        match self.call_id(call).cloned() {
            Some(call_id) => self.act(LineAction::Sip(Command::Transfer { call: call_id, target })),
            None => self.transfer_refused(call),
        }
    }

    /// Attended transfer: the far end of call `call` takes the place of our side of call `with`
    /// (REFER with Replaces).
    pub fn transfer_attended(&mut self, call: CallHandle, with: CallHandle) {
        match self.call_id(call).cloned().zip(self.call_id(with).cloned()) {
            Some((call_id, replacing)) => self.act(LineAction::Sip(Command::TransferAttended { call: call_id, replacing })),
            None => self.transfer_refused(call),
        }
    }

    fn transfer_refused(&mut self, call: CallHandle) {
        self.tell(Event::TransferFailed { call, reason: TransferFailure { status: 481 } });
    }

    /// The phone refuses the far end's request to transfer call `call` (603).
    pub fn decline_transfer(&mut self, call: CallHandle) {
        if let Some(call_id) = self.call_id(call).cloned() {
            self.act(LineAction::Sip(Command::DeclineTransfer { call: call_id }));
        }
    }

    /// The phone follows the far end's transfer request on call `old` as call `new`: the
    /// Call-ID whose REFER is followed, or `None` when that call is gone (the phone is told).
    pub fn follow_transfer(&mut self, old: CallHandle, new: CallHandle) -> Option<CallId> {
        let followed = self.call_id(old).cloned();
        if followed.is_none() {
            self.tell(Event::CallFailed { call: new, reason: CallFailure::TransferFromGone });
        }
        followed
    }

    /// The SIP core refused a command (nothing was sent). A transfer's refusal is the phone's
    /// to know (the call stays the agent's); anything else raced the end of its call.
    pub fn command_refused(&mut self, transferring: Option<&str>, error: CommandError) {
        match transferring.and_then(|call_id| self.handle(call_id)) {
            Some(call) => self.tell(Event::TransferFailed { call, reason: TransferFailure { status: refused_status(error) } }),
            None => self.act(LineAction::Warn(crate::Warning::CommandRefused(error))),
        }
    }

    /// The browser applied the far end's description of call `call`'s audio.
    pub fn far_sdp_applied(&mut self, call: CallHandle, kind: FarSdp) {
        match kind {
            FarSdp::Early => self.tell(Event::EarlyMedia { call }),
            FarSdp::Answer => self.tell(Event::CallConnected { call }),
            // The ACK's `Confirmed` tells the phone the call is connected; a re-answer changes
            // nothing the phone does not know.
            FarSdp::AckAnswer | FarSdp::Reanswer => {}
        }
    }

    /// The browser refused the far end's description of call `call`'s audio. Early or final,
    /// the call has no audio: it is hung up, and the agent and the call log say why. An answer
    /// to our re-INVITE leaves the call as it was: only a console line says so.
    pub fn far_sdp_refused(&mut self, call: CallHandle, kind: FarSdp, problem: MediaProblem) {
        if kind == FarSdp::Reanswer {
            return self.act(LineAction::Warn(crate::Warning::ReanswerRefused(problem)));
        }
        self.hang_up(call);
        self.tell(Event::CallEnded { call, reason: EndReason::Failed(CallFailure::Media(problem)) });
    }

    /// Something the browser found out for the phone (a call's audio figures, a microphone
    /// problem): told in order with the core's own events.
    pub fn report(&mut self, event: Event) {
        self.tell(event);
    }

    /// The browser answered the far end's re-offer on SIP dialog `call_id` with `sdp`.
    pub fn reoffer_answered(&mut self, call_id: CallId, sdp: String) {
        self.act(LineAction::Sip(Command::AnswerReinvite { call: call_id, sdp }));
    }

    /// The browser refused the far end's re-offer on SIP dialog `call_id`: 488 with a Warning,
    /// the call goes on as it was, and the agent is told.
    pub fn reoffer_refused(&mut self, call_id: CallId, problem: MediaProblem) {
        let refusal = refusal(&problem).unwrap_or(OfferRefusal::Other);
        self.act(LineAction::Sip(Command::RefuseOffer { call: call_id, refusal }));
        self.tell(Event::MediaWarning(MediaWarning::ChangeRefused(problem)));
    }

    /// The connection to the PBX dropped (the transport says why and when it tries again): the
    /// registration went with it, and the phone hears of it if it had one.
    pub fn connection_down(&mut self, problem: phone::reasons::ConnectionProblem, retry_in_s: Option<u64>) {
        if std::mem::replace(&mut self.registered, false) {
            self.tell(Event::ConnectionLost { problem, retry_in_s });
        }
    }

    /// Signing out: no call and no registration are the line's any more.
    pub fn sign_out(&mut self) {
        self.calls.clear();
        self.registered = false;
    }
}

/// The SIP status that would have said the same (the words for transfers go by status).
fn refused_status(error: CommandError) -> u16 {
    match error {
        CommandError::TransferPending => 491,
        CommandError::UnknownCall | CommandError::WrongState | CommandError::NothingPending | CommandError::NotADigit => 481,
    }
}
