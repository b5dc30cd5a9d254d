//! What the SIP core reports, turned into the phone's events and the browser's operations.
//! Events of a call the phone let go of (hung up, declined) are not told to it.

use phone::reasons::{ConnectionProblem, MediaProblem, TransferFailure};
use phone::{CallFailure, EndReason, Event};
use sip::{Command, EndReason as SipEnd, Event as SipEvent, OfferRefusal};

use crate::table::Offer;
use crate::{FarSdp, LineAction, LineCore, Warning};

impl LineCore {
    /// One event of the SIP core.
    pub fn handle_sip(&mut self, event: SipEvent) {
        match event {
            SipEvent::Registered { .. }
            | SipEvent::RegistrationFailed { .. }
            | SipEvent::FlowReplaced { .. }
            | SipEvent::FlowFailed
            | SipEvent::Unregistered => self.on_registration_event(event),
            SipEvent::Reoffered { .. } | SipEvent::Reanswered { .. } | SipEvent::ReinviteFailed { .. } => self.on_reinvite_event(event),
            SipEvent::EarlyMedia { call, sdp } => self.far_sdp(&call, sdp, FarSdp::Early),
            SipEvent::Answered { call, sdp } => self.far_sdp(&call, sdp, FarSdp::Answer),
            SipEvent::OfferAnswered { call, sdp } => self.far_sdp(&call, sdp, FarSdp::AckAnswer),
            _ => self.on_call_event(event),
        }
    }

    /// The registration and the connection (flow) under it.
    fn on_registration_event(&mut self, event: SipEvent) {
        match event {
            SipEvent::Registered { .. } => {
                self.act(LineAction::RegistrarAccepted);
                // Refreshes and connection checks renew it quietly: the phone hears only of a
                // registration it did not have.
                if !std::mem::replace(&mut self.registered, true) {
                    self.act(LineAction::PrepareSpare);
                    self.tell(Event::Registered);
                }
            }
            SipEvent::RegistrationFailed { failure, retry_after } => {
                if is_transient(failure.status()) {
                    // Another PBX, or this one later, may take it: the phone hears the
                    // connection is lost for now, not that its credentials are wrong.
                    let problem = ConnectionProblem::RegistrarRefused(failure.clone());
                    self.tell(Event::ConnectionLost { problem, retry_in_s: None });
                    self.act(LineAction::TryAnotherRegistrar { failure, retry_after_s: retry_after });
                } else {
                    self.tell(Event::RegistrationFailed(failure));
                }
            }
            SipEvent::FlowReplaced { call } => {
                if let Some(handle) = self.handle(&call) {
                    self.act(LineAction::MoveCall { call: handle });
                }
            }
            SipEvent::FlowFailed => self.act(LineAction::Reconnect),
            SipEvent::Unregistered => self.act(LineAction::Close),
            _ => {}
        }
    }

    /// Calls: set-up, transfer, end.
    fn on_call_event(&mut self, event: SipEvent) {
        match event {
            // A call replacing one of ours (an attended transfer to us) names it: the phone
            // answers it at once, and the SIP core hangs the replaced call up once it is answered.
            SipEvent::IncomingCall { call, number, display_name, sdp, replaces } => {
                let replaces = replaces.and_then(|r| self.handle(&r));
                self.calls.keep_offer(Offer { call_id: call.clone(), sdp, ended: None });
                self.tell(Event::IncomingCall { call_id: call.into(), number, display_name, replaces });
            }
            SipEvent::Ended { call, reason } => self.on_ended(&call, reason),
            _ => self.on_call_news(event),
        }
    }

    /// What the SIP core tells of a call under way.
    fn on_call_news(&mut self, event: SipEvent) {
        let news = match event {
            SipEvent::Ringing { call } => self.handle(&call).map(|call| Event::RemoteRinging { call }),
            SipEvent::Confirmed { call } => self.handle(&call).map(|call| Event::CallConnected { call }),
            // The number the far end asks us to call: the REFER target's user part.
            SipEvent::TransferRequested { call, target } => {
                let number = target.user_unescaped().map_or_else(|| target.host.clone(), |u| u.into_owned());
                match self.handle(&call) {
                    Some(handle) => Some(Event::TransferRequested { call: handle, number }),
                    None => {
                        // Nobody here to ask: the far end is told no (603) at once.
                        self.act(LineAction::Sip(Command::DeclineTransfer { call }));
                        None
                    }
                }
            }
            // The call ends by itself when the transfer succeeds ([`SipEnd::Transferred`]).
            SipEvent::TransferFailed { call, status } => {
                self.handle(&call).map(|call| Event::TransferFailed { call, reason: TransferFailure { status } })
            }
            SipEvent::Dropped { reason } => {
                self.act(LineAction::Warn(Warning::Dropped(reason)));
                None
            }
            _ => None,
        };
        self.events.extend(news);
    }

    /// The SIP core ended call `call_id`: its audio stops and the phone hears why (a call still
    /// ringing in, not yet named, is told when the phone names it).
    fn on_ended(&mut self, call_id: &str, reason: SipEnd) {
        if let Some(offer) = self.calls.offer_mut(call_id) {
            offer.ended = Some(end_reason(reason));
            return;
        }
        let Some(handle) = self.handle(call_id) else {
            return;
        };
        self.forget(handle);
        self.act(LineAction::PrepareSpare);
        self.tell(Event::CallEnded { call: handle, reason: end_reason(reason) });
    }

    /// The far end's description of call `call_id`'s audio, for the browser: early media, the
    /// answer in its 2xx, or the answer in its ACK to the offer of our 2xx.
    fn far_sdp(&mut self, call_id: &str, sdp: String, kind: FarSdp) {
        if let Some(call) = self.handle(call_id) {
            self.act(LineAction::ApplyFarSdp { call, sdp, kind });
        }
    }

    /// Session changes: the far end's re-INVITE or UPDATE, and the answer to ours (hold,
    /// resume, a move).
    fn on_reinvite_event(&mut self, event: SipEvent) {
        match event {
            SipEvent::Reoffered { call, sdp } => match self.handle(&call) {
                Some(handle) => self.act(LineAction::AnswerReoffer { call: handle, call_id: call, offer: sdp }),
                // No call of ours to give it to: refused, the call (if any) goes on as it was.
                None => self.reoffer_refused(call, MediaProblem::Offer(OfferRefusal::Other)),
            },
            SipEvent::Reanswered { call, sdp } => {
                let Some(handle) = self.handle(&call) else { return };
                self.hold_change(handle);
                self.act(LineAction::ApplyFarSdp { call: handle, sdp, kind: FarSdp::Reanswer });
            }
            SipEvent::ReinviteFailed { call, status } => {
                let Some(handle) = self.handle(&call) else { return };
                match self.hold_change(handle) {
                    Some(held) => {
                        let call = handle;
                        self.act(LineAction::WithdrawReoffer { call, held });
                        self.tell(Event::HoldFailed { call, held, status });
                    }
                    None => self.act(LineAction::Warn(Warning::ChangeRefused { status })),
                }
            }
            _ => {}
        }
    }
}

impl LineCore {
    /// The hold or resume asked of call `call`'s far end, now answered.
    fn hold_change(&mut self, call: phone::CallHandle) -> Option<bool> {
        self.calls.get_mut(call)?.hold_change.take()
    }
}

/// A registration failure that another try (another PBX, or later) may cure: a server error or
/// no answer. 4xx (a wrong password, an unknown user) are final.
pub fn is_transient(status: Option<u16>) -> bool {
    status.is_none_or(|s| s >= 500)
}

/// Why a call ended as the phone keeps it: what the SIP core said, nothing lost.
fn end_reason(reason: SipEnd) -> EndReason {
    match reason {
        SipEnd::Local => EndReason::LocalHangup,
        SipEnd::Transferred => EndReason::Transferred,
        SipEnd::Replaced => EndReason::Replaced,
        SipEnd::Remote => EndReason::RemoteHangup,
        SipEnd::CallerCancelled => EndReason::Missed,
        SipEnd::AnsweredElsewhere => EndReason::AnsweredElsewhere,
        SipEnd::Busy => EndReason::Busy,
        SipEnd::Declined => EndReason::RemoteDeclined,
        SipEnd::NoAnswer => EndReason::NoAnswer,
        SipEnd::Failed(failure) => EndReason::Failed(CallFailure::Sip(failure)),
    }
}

/// The 488 Warning for a media problem that is the far end's description (`None`: ours).
pub(crate) fn refusal(problem: &MediaProblem) -> Option<OfferRefusal> {
    match problem {
        MediaProblem::Offer(refusal) => Some(*refusal),
        _ => None,
    }
}
