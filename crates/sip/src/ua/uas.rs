//! Requests from the far end (the UAS side): checked, then handed to the part that handles them.

use crate::header::CSeq;
use crate::message::{Method, Request, Response};
use crate::uri::NameAddr;

use super::api::{EndReason, Event, Millis};
use super::dialog::CallState;
use super::session::accept_session_refresh;
use super::{ALLOW, UserAgent, set_to_tag, token};

impl UserAgent {
    pub(super) fn on_request(&mut self, now: Millis, req: Request) {
        if let Some(refusal) = super::checks::refusal(&req) {
            // An ACK is never answered (RFC 3261 §17.2.1); a bad one is dropped.
            if req.method != Method::Ack {
                self.send_refusal(refusal);
            }
            return;
        }
        let (Some(call_id), Some(cseq)) = (req.headers.get("Call-ID").map(str::to_owned), req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok())) else {
            return;
        };
        let in_dialog = req.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).and_then(|t| t.tag().map(str::to_owned)).is_some();
        match req.method {
            Method::Invite if !in_dialog => self.on_new_invite(now, req, call_id),
            Method::Invite => self.on_reinvite(req, &call_id, cseq.seq),
            Method::Ack => {
                if let Some(c) = self.call_mut(&call_id) {
                    c.unacked_ok = None;
                    if c.state == CallState::Answered {
                        c.state = CallState::Confirmed;
                        self.event(Event::Confirmed { call: call_id });
                    }
                }
            }
            Method::Cancel => {
                let state = self.call_mut(&call_id).map(|c| c.state);
                if state == Some(CallState::Incoming) {
                    self.respond(&req, 200, None);
                    let elsewhere = crate::header::reason::answered_elsewhere(req.headers.get_all("Reason"));
                    self.reject_incoming(&call_id, 487, if elsewhere { EndReason::AnsweredElsewhere } else { EndReason::CallerCancelled });
                } else {
                    self.respond(&req, 481, None);
                }
            }
            Method::Bye => {
                if self.call_mut(&call_id).is_some() {
                    self.respond(&req, 200, None);
                    self.end_call(&call_id, EndReason::Remote);
                } else {
                    self.respond(&req, 481, None);
                }
            }
            Method::Options => {
                let mut r = Response::for_request_std(&req, 200);
                set_to_tag(&mut r, &token(&mut *self.random, 10));
                r.headers.push("Allow", ALLOW);
                r.headers.push("Accept", "application/sdp, application/dtmf-relay");
                r.headers.push("Supported", "timer, replaces, outbound");
                self.transmit(r.to_bytes());
            }
            Method::Info => {
                if self.call_mut(&call_id).is_none() {
                    return self.respond(&req, 481, None);
                }
                let is_dtmf = req.headers.get("Content-Type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/dtmf-relay"));
                if !is_dtmf {
                    return self.respond(&req, 415, None);
                }
                let body = String::from_utf8_lossy(&req.body);
                let digit = body
                    .lines()
                    .filter_map(|l| l.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("Signal"))
                    .and_then(|(_, v)| v.trim().chars().next())
                    .filter(|d| matches!(d, '0'..='9' | '*' | '#' | 'A'..='D'));
                match digit {
                    Some(digit) => {
                        self.respond(&req, 200, None);
                        self.event(Event::Dtmf { call: call_id, digit });
                    }
                    None => self.respond(&req, 400, None),
                }
            }
            Method::Update => self.on_update(now, &req, &call_id),
            Method::Refer => self.on_refer(&req, &call_id),
            Method::Notify => self.on_notify(now, &req, &call_id),
            _ => self.respond(&req, 501, None),
        }
    }

    /// UPDATE without SDP refreshes the session (RFC 4028); we take offers only by INVITE.
    pub(super) fn on_update(&mut self, now: Millis, req: &Request, call_id: &str) {
        let contact = self.contact(None);
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        if !req.body.is_empty() {
            return self.respond(req, 488, None);
        }
        let mut r = Response::for_request_std(req, 200);
        r.headers.push("Contact", contact);
        accept_session_refresh(now, c, &mut r, req);
        self.transmit(r.to_bytes());
    }
}
