//! What the SIP core reports, turned into the line's state changes and the phone's events.
//! Work that needs the line again (driving the user agent, async media) is deferred until the
//! line's state is released.

use sip::{Command, Event as SipEvent};
use wasm_bindgen_futures::spawn_local;

use super::helpers::{apply_answer, end_reason, mark, transfer_failure};
use super::{recovery, take_offer, wording, Deferred, HoldChange, IncomingOffer, Inner, Line};
use crate::phone::Event;

impl Inner {
    /// One event of the user agent; `user` is the signed-in SIP user, for the wording.
    pub(super) fn on_sip_event(&mut self, event: SipEvent, user: &str, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::Registered { .. }
            | SipEvent::RegistrationFailed { .. }
            | SipEvent::FlowReplaced { .. }
            | SipEvent::FlowFailed
            | SipEvent::Unregistered => self.on_registration_event(event, user, after),
            SipEvent::Reoffered { .. } | SipEvent::Reanswered { .. } | SipEvent::ReinviteFailed { .. } => self.on_reinvite_event(event, after),
            _ => self.on_call_event(event, after),
        }
    }

    /// The registration and the connection (flow) under it.
    fn on_registration_event(&mut self, event: SipEvent, user: &str, after: &mut Vec<Deferred>) {
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
                let reason = wording::registration_failure(&failure, user);
                if recovery::is_transient(failure.status()) {
                    after.push(Box::new(move |line: &Line| line.registrar_refused(reason, retry_after)));
                } else {
                    self.pending.push(Event::RegistrationFailed(reason));
                }
            }
            SipEvent::FlowReplaced { call } => after.push(Box::new(move |line: &Line| line.move_call(call))),
            SipEvent::FlowFailed => after.push(Box::new(Line::flow_failed)),
            SipEvent::Unregistered => after.push(Box::new(Line::closed)),
            _ => {}
        }
    }

    /// Calls: set-up, answer, transfer, end.
    fn on_call_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::CallCreated { call } => {
                if let Some((id, _)) = self.media.as_mut().filter(|(id, _)| id.is_empty()) {
                    *id = call.clone();
                }
                self.pending.push(Event::OutgoingCallStarted { call_id: call });
            }
            // A call replacing one of ours (attended transfer to us) is offered like
            // any other: the UA hangs the replaced call up once it is answered.
            SipEvent::IncomingCall { call, number, display_name, sdp, replaces: _ } => {
                mark("softphone:invite-received");
                self.incoming_offers.push(IncomingOffer { call: call.clone(), sdp });
                after.push(Box::new({
                    let call = call.clone();
                    move |line: &Line| line.command(Command::Ring { call })
                }));
                self.pending.push(Event::IncomingCall { call_id: call, number, display_name });
            }
            SipEvent::Ringing { call } => self.pending.push(Event::RemoteRinging { call_id: call }),
            SipEvent::Answered { call, sdp } => {
                let m = self.media.as_ref().map(|(_, m)| m.clone());
                after.push(Box::new(move |line: &Line| {
                    let line = line.clone();
                    spawn_local(async move {
                        apply_answer(m, &sdp).await;
                        line.report_later(Event::CallConnected { call_id: call });
                    });
                }));
            }
            SipEvent::Confirmed { call } => self.pending.push(Event::CallConnected { call_id: call }),
            SipEvent::Dtmf { .. } => {}
            SipEvent::TransferRequested { call, target } => {
                // The phone offers no transfers yet: the far end hears 603 and the
                // call goes on as it was.
                web_sys::console::warn_1(&format!("The far end asked to transfer the call to {target}; declined.").into());
                after.push(Box::new(move |line: &Line| line.command(Command::DeclineTransfer { call })));
            }
            // The call ends by itself when the transfer succeeds ([`SipEnd::Transferred`]).
            SipEvent::TransferProgress { .. } => {}
            SipEvent::TransferFailed { call, status } => self.pending.push(Event::TransferFailed {
                call_id: call,
                reason: transfer_failure(status),
            }),
            SipEvent::Ended { call, reason } => {
                if self.media.as_ref().is_some_and(|(id, _)| *id == call) {
                    self.media = None;
                }
                take_offer(&mut self.incoming_offers, &call);
                after.push(Box::new(Line::prepare_spare));
                self.pending.push(Event::CallEnded { call_id: call, reason: end_reason(reason) });
            }
            SipEvent::Dropped { reason } => web_sys::console::warn_1(&wording::dropped(&reason).into()),
            _ => {}
        }
    }

    /// Session changes: the far end's re-INVITE, and the answer to ours (hold, resume, a move).
    fn on_reinvite_event(&mut self, event: SipEvent, after: &mut Vec<Deferred>) {
        match event {
            SipEvent::Reoffered { call, sdp } => {
                let m = self.media.as_ref().map(|(_, m)| m.clone());
                after.push(Box::new(move |line: &Line| {
                    let line = line.clone();
                    spawn_local(async move {
                        let Some(m) = m else { return };
                        match m.answer(&sdp).await {
                            Ok(answer) => line.command(Command::AnswerReinvite { call, sdp: answer }),
                            Err(e) => web_sys::console::warn_1(&e.to_string().into()),
                        }
                    });
                }));
            }
            SipEvent::Reanswered { sdp, .. } => {
                self.hold_change = None;
                let m = self.media.as_ref().map(|(_, m)| m.clone());
                spawn_local(async move { apply_answer(m, &sdp).await });
            }
            SipEvent::ReinviteFailed { call, status } => match self.hold_change.take().filter(|h| h.call == call) {
                Some(HoldChange { held, .. }) => {
                    if let Some((_, m)) = self.media.as_ref() {
                        m.withdraw_reoffer(held);
                    }
                    self.pending.push(Event::HoldFailed { call_id: call, held, status });
                }
                None => web_sys::console::warn_1(&format!("The PBX refused to change the call ({status}).").into()),
            },
            _ => {}
        }
    }
}
