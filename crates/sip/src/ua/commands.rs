//! The app's commands, each handed to the part of the user agent that carries it out.

use crate::message::{Method, Response};
use crate::uri::NameAddr;

use super::api::{Command, EndReason, Event, Millis, Output};
use super::dialog::CallState;
use super::registration::Registration;
use super::session::accept_session_refresh;
use super::transaction::Purpose;
use super::transfer::escape_header_value;
use super::{T1, TRANSACTION_TIMEOUT_MS, UserAgent, set_to_tag};

impl UserAgent {
    // --- commands ---------------------------------------------------------------------------

    pub(super) fn on_command(&mut self, now: Millis, command: Command) {
        match command {
            Command::Register(credentials) => {
                self.credentials = Some(credentials);
                self.expires = self.config.register_expires;
                if self.transport_up {
                    self.send_register(now, self.expires);
                } else {
                    self.registration = Registration::Registering;
                }
            }
            Command::Unregister => {
                if self.transport_up && self.credentials.is_some() {
                    self.registration = Registration::Unregistering;
                    self.send_register(now, 0);
                } else {
                    self.registration = Registration::Idle;
                    self.event(Event::Unregistered);
                }
            }
            Command::Call { target, sdp } => {
                self.start_call(now, target, sdp, Vec::new());
            }
            Command::Ring { call } => {
                if let Some(c) = self.call_mut(&call).filter(|c| c.state == CallState::Incoming) {
                    let invite = c.invite.clone();
                    let tag = c.local.tag().unwrap_or("").to_owned();
                    let mut r = Response::for_request_std(&invite, 180);
                    set_to_tag(&mut r, &tag);
                    self.transmit(r.to_bytes());
                }
            }
            Command::Answer { call, sdp } => self.answer(now, &call, sdp),
            Command::Decline { call, busy } => self.reject_incoming(&call, if busy { 486 } else { 603 }, EndReason::Local),
            Command::HangUp { call } => self.hang_up(now, &call),
            Command::Reinvite { call, sdp } => self.reinvite(now, &call, sdp),
            Command::AnswerReinvite { call, sdp } => {
                let Some(c) = self.call_mut(&call) else { return };
                let Some(req) = c.incoming_reinvite.take() else { return };
                c.local_sdp.clone_from(&sdp);
                let contact = self.contact(None);
                let mut r = Response::for_request_std(&req, 200);
                r.headers.push("Contact", contact);
                r.set_body("application/sdp", sdp);
                if let Some(c) = self.call_mut(&call) {
                    // A re-INVITE is also a session refresh (RFC 4028 §9).
                    accept_session_refresh(now, c, &mut r, &req);
                }
                let bytes = String::from_utf8_lossy(&r.to_bytes()).into_owned();
                if let Some(c) = self.call_mut(&call) {
                    c.unacked_ok = Some((bytes.clone(), now + T1, T1, now + TRANSACTION_TIMEOUT_MS));
                }
                self.out.push_back(Output::Transmit(bytes));
            }
            Command::SendDtmf { call, digit, duration_ms } => {
                if !matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D') {
                    return;
                }
                let body = format!("Signal={digit}\r\nDuration={duration_ms}\r\n");
                if let Some(req) = self.in_dialog_request(&call, Method::Info, Some(("application/dtmf-relay", body))) {
                    self.send_request(now, req, Purpose::Info, Some(call));
                }
            }
            Command::Transfer { call, target } => self.refer(now, &call, format!("<{target}>")),
            Command::TransferAttended { call, replacing } => {
                let Some(other) = self.calls.iter().find(|c| c.id == replacing && c.state == CallState::Confirmed) else {
                    return self.event(Event::TransferFailed { call, status: 481 });
                };
                // Replaces names the dialog from the transfer target's side (RFC 3891 §3):
                // its tag is the to-tag, ours the from-tag.
                let replaces = format!("{};to-tag={};from-tag={}", other.id, other.remote.tag().unwrap_or(""), other.local.tag().unwrap_or(""));
                let mut target = other.remote.uri.clone();
                target.headers = Some(format!("Replaces={}", escape_header_value(&replaces)));
                self.refer(now, &call, format!("<{target}>"));
            }
            Command::AcceptTransfer { call, sdp } => {
                let Some((target, replaces)) = self.call_mut(&call).and_then(|c| c.refer_received.take()) else { return };
                let referred_by = self.calls.iter().find(|c| c.id == call).map(|c| NameAddr::new(c.remote.uri.clone()).to_string()).unwrap_or_default();
                let mut extra = vec![("Referred-By", referred_by)];
                if let Some(replaces) = replaces {
                    extra.push(("Replaces", replaces));
                }
                let new = self.start_call(now, target, sdp, extra);
                if let Some(c) = self.call_mut(&new) {
                    c.notify_to = Some(call.clone());
                }
                self.notify_refer(now, &call, 100, "Trying");
            }
            Command::DeclineTransfer { call } => {
                if self.call_mut(&call).and_then(|c| c.refer_received.take()).is_some() {
                    self.notify_refer(now, &call, 603, "Declined");
                }
            }
            Command::CheckFlow { reregister } => self.check_flow(now, reregister),
            Command::Rejoin { dialog, sdp } => self.rejoin(now, *dialog, sdp),
        }
    }
}
