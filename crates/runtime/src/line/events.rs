//! What the SIP core reports, turned into the line's state changes and the phone's events.
//! Work that needs the line again (driving the user agent, async media) is deferred until the
//! line's state is released.

use std::rc::Rc;

use sip::{Command, Event as SipEvent};
use wasm_bindgen_futures::spawn_local;

use super::calls::Offer;
use super::helpers::{apply_answer, dropped, end_reason, mark, refusal};
use super::{recovery, Deferred, Inner, Line};
use crate::media::{CallMedia, MediaError};
use crate::phone::reasons::{MediaWarning, TransferFailure};
use crate::phone::Event;

/// Which description of the far end's the browser is given.
#[derive(Clone, Copy)]
enum FarSdp {
    /// An 18x's: a provisional answer (`pranswer`).
    Early,
    /// The 2xx's answer to our INVITE.
    Answer,
    /// The ACK's answer to the offer in our 2xx (a delayed offer).
    AckAnswer,
}

impl Inner {
    /// One event of the user agent.
    pub(super) fn on_sip_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::Registered { .. }
            | SipEvent::RegistrationFailed { .. }
            | SipEvent::FlowReplaced { .. }
            | SipEvent::FlowFailed
            | SipEvent::Unregistered => self.on_registration_event(event, after),
            SipEvent::Reoffered { .. } | SipEvent::Reanswered { .. } | SipEvent::ReinviteFailed { .. } => self.on_reinvite_event(event, after),
            SipEvent::EarlyMedia { call, sdp } => self.apply_far_sdp(&call, sdp, FarSdp::Early, after),
            SipEvent::Answered { call, sdp } => self.apply_far_sdp(&call, sdp, FarSdp::Answer, after),
            SipEvent::OfferAnswered { call, sdp } => self.apply_far_sdp(&call, sdp, FarSdp::AckAnswer, after),
            _ => self.on_call_event(event, after),
        }
    }

    /// The registration and the connection (flow) under it.
    fn on_registration_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::Registered { .. } => {
                if let Some(t) = self.transport.as_ref() {
                    t.accepted();
                }
                // Refreshes and connection checks renew it quietly: the phone hears
                // only of a registration it did not have.
                if !std::mem::replace(&mut self.registered, true) {
                    after.push(Box::new(Line::prepare_spare));
                    self.pending.push(Event::Registered);
                }
            }
            SipEvent::RegistrationFailed { failure, retry_after } => {
                if recovery::is_transient(failure.status()) {
                    after.push(Box::new(move |line: &Line| line.registrar_refused(failure, retry_after)));
                } else {
                    self.pending.push(Event::RegistrationFailed(failure));
                }
            }
            SipEvent::FlowReplaced { call } => {
                if let Some(c) = self.by_sip(&call) {
                    let handle = c.handle;
                    after.push(Box::new(move |line: &Line| line.move_call(handle)));
                }
            }
            SipEvent::FlowFailed => after.push(Box::new(Line::flow_failed)),
            SipEvent::Unregistered => after.push(Box::new(Line::closed)),
            _ => {}
        }
    }

    /// Calls: set-up, answer, transfer, end. Events of a call the phone let go of (hung up,
    /// declined) are not told to it.
    fn on_call_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            // A call replacing one of ours (an attended transfer to us) names it: the phone
            // answers it at once, and the UA hangs the replaced call up once it is answered.
            SipEvent::IncomingCall { call, number, display_name, sdp, replaces } => {
                mark("softphone:invite-received");
                let replaces = replaces.and_then(|r| self.by_sip(&r).map(|c| c.handle));
                self.keep_offer(Offer { sip: call.clone(), sdp, ended: None });
                self.pending.push(Event::IncomingCall { call_id: call.into(), number, display_name, replaces });
            }
            SipEvent::Ended { call, reason } => self.on_ended(&call, reason, after),
            _ => self.on_call_news(event, after),
        }
    }

    /// What the SIP core tells of a call under way.
    fn on_call_news(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        let news = match event {
            SipEvent::Ringing { call } => self.by_sip(&call).map(|c| Event::RemoteRinging { call: c.handle }),
            SipEvent::Confirmed { call } => self.by_sip(&call).map(|c| Event::CallConnected { call: c.handle }),
            // The number the far end asks us to call: the REFER target's user part.
            SipEvent::TransferRequested { call, target } => {
                let number = target.user_unescaped().map_or_else(|| target.host.clone(), |u| u.into_owned());
                match self.by_sip(&call) {
                    Some(c) => Some(Event::TransferRequested { call: c.handle, number }),
                    None => {
                        after.push(Box::new(move |line: &Line| line.command(Command::DeclineTransfer { call })));
                        None
                    }
                }
            }
            // The call ends by itself when the transfer succeeds ([`SipEnd::Transferred`]).
            SipEvent::TransferFailed { call, status } => {
                self.by_sip(&call).map(|c| Event::TransferFailed { call: c.handle, reason: TransferFailure { status } })
            }
            SipEvent::Dropped { reason } => {
                web_sys::console::warn_1(&dropped(&reason).into());
                None
            }
            _ => None,
        };
        self.pending.extend(news);
    }

    /// The SIP core ended call `sip`: its audio stops and the phone hears why (a call still
    /// ringing in, not yet named, is told when the phone names it).
    fn on_ended(&mut self, sip: &str, reason: sip::EndReason, after: &mut Vec<Deferred>) {
        if let Some(offer) = self.offers.iter_mut().find(|o| o.sip == sip) {
            offer.ended = Some(end_reason(reason));
            return;
        }
        let Some(handle) = self.by_sip(sip).map(|c| c.handle) else {
            return;
        };
        self.forget(handle);
        after.push(Box::new(Line::after_call));
        self.pending.push(Event::CallEnded { call: handle, reason: end_reason(reason) });
    }

    /// The far end's description of call `sip`'s audio, for the browser: early media, the
    /// answer in its 2xx, or the answer in its ACK to the offer of our 2xx. One the browser
    /// refuses ends the call (CANCEL or BYE), and the agent and the call log say why.
    fn apply_far_sdp(&mut self, sip: &str, sdp: String, kind: FarSdp, after: &mut Vec<Deferred>) {
        let Some(c) = self.by_sip(sip) else { return };
        let (handle, media) = (c.handle, c.media.clone());
        after.push(Box::new(move |line: &Line| {
            let line = line.clone();
            spawn_local(async move {
                let applied = match (&media, kind) {
                    (None, _) => Ok(()),
                    (Some(m), FarSdp::Early) => m.accept_early_answer(&sdp).await,
                    (Some(m), FarSdp::Answer | FarSdp::AckAnswer) => m.accept_answer(&sdp).await,
                };
                match (applied, kind) {
                    (Err(e), _) => line.fail_call(handle, &e),
                    (Ok(()), FarSdp::Early) => line.report_later(Event::EarlyMedia { call: handle }),
                    (Ok(()), FarSdp::Answer) => line.report_later(Event::CallConnected { call: handle }),
                    // The ACK's `Confirmed` reports the call connected.
                    (Ok(()), FarSdp::AckAnswer) => {}
                }
            });
        }));
    }

    /// Session changes: the far end's re-INVITE or UPDATE, and the answer to ours (hold,
    /// resume, a move).
    fn on_reinvite_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::Reoffered { call, sdp } => {
                let media = self.by_sip(&call).and_then(|c| c.media.clone());
                after.push(Box::new(move |line: &Line| line.answer_reoffer(call, media, sdp)));
            }
            SipEvent::Reanswered { call, sdp } => {
                let Some(c) = self.by_sip(&call) else { return };
                c.hold_change = None;
                let media = c.media.clone();
                spawn_local(async move { apply_answer(media, &sdp).await });
            }
            SipEvent::ReinviteFailed { call, status } => {
                let Some(c) = self.by_sip(&call) else { return };
                match c.hold_change.take() {
                    Some(held) => {
                        if let Some(m) = c.media.as_ref() {
                            m.withdraw_reoffer(held);
                        }
                        let handle = c.handle;
                        self.pending.push(Event::HoldFailed { call: handle, held, status });
                    }
                    None => web_sys::console::warn_1(&format!("The PBX refused to change the call ({status}).").into()),
                }
            }
            _ => {}
        }
    }
}

impl Line {
    /// Answers the far end's re-INVITE or UPDATE on call `sip`: its offer, or, when it made
    /// none, ours. What the browser refuses gets 488 with a Warning; the call goes on as it was
    /// and the agent is told.
    fn answer_reoffer(&self, sip: sip::CallId, media: Option<Rc<CallMedia>>, offer: Option<String>) {
        let line = self.clone();
        spawn_local(async move {
            let made = match (&media, &offer) {
                (Some(m), Some(offer)) => m.answer(offer).await,
                (Some(m), None) => m.renew_offer(false).await,
                (None, _) => Err(MediaError::Offer(sip::OfferRefusal::Other)),
            };
            match made {
                Ok(sdp) => line.command(Command::AnswerReinvite { call: sip, sdp }),
                Err(e) => {
                    let refusal = refusal(&e).unwrap_or(sip::OfferRefusal::Other);
                    line.command(Command::RefuseOffer { call: sip, refusal });
                    line.report_later(Event::MediaWarning(MediaWarning::ChangeRefused(e)));
                }
            }
        });
    }
}
