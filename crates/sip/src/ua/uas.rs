//! Requests from the far end (the UAS side): checked, then handed to the part that handles them.

use crate::header::CSeq;
use crate::message::{Method, Request, Response};
use crate::uri::NameAddr;

use super::api::{CallId, EndReason, Event, Instant};
use super::session::{accept_session_refresh, set_session};
use super::{UserAgent, ACCEPT, ALLOW, SUPPORTED};

impl UserAgent {
    pub(super) fn on_request(&mut self, now: Instant, req: Request) {
        if let Some(refusal) = super::checks::refusal(&req) {
            // An ACK is never answered (RFC 3261 §17.2.1); a bad one is dropped.
            if req.method != Method::Ack {
                self.reply(refusal);
            }
            return;
        }
        // Both were checked: present and well-formed.
        let (Some(call_id), Some(cseq)) = (req.headers.get("Call-ID").map(CallId::from), req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok())) else {
            return;
        };
        let in_dialog = req.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).is_some_and(|t| t.tag().is_some());
        match req.method {
            Method::Invite if !in_dialog => self.on_new_invite(req, call_id),
            Method::Invite => self.on_reinvite(req, &call_id, cseq.seq),
            Method::Ack => self.on_ack(now, &req, &call_id, cseq.seq),
            Method::Prack => self.on_prack(&req, &call_id),
            Method::Cancel => self.on_cancel(&req, &call_id),
            Method::Bye => self.on_bye(&req, &call_id),
            Method::Options => self.on_options(&req),
            Method::Info => self.on_info(&req, call_id),
            Method::Update => self.on_update(now, &req, &call_id),
            Method::Refer => self.on_refer(&req, &call_id),
            Method::Notify => self.on_notify(now, &req, &call_id),
            _ => self.respond(&req, 501),
        }
    }

    fn on_bye(&mut self, req: &Request, call_id: &str) {
        if self.call_mut(call_id).is_none() {
            return self.respond(req, 481);
        }
        self.respond(req, 200);
        self.end_call(call_id, EndReason::Remote);
    }

    /// What we can do (RFC 3261 §11.2).
    fn on_options(&mut self, req: &Request) {
        let mut r = Response::for_request_std(req, 200);
        r.headers.push("Allow", ALLOW);
        r.headers.push("Accept", ACCEPT);
        r.headers.push("Supported", SUPPORTED);
        self.reply(r);
    }

    /// A DTMF digit by SIP INFO (`application/dtmf-relay`: `Signal=5`).
    fn on_info(&mut self, req: &Request, call_id: CallId) {
        if self.call_mut(&call_id).is_none() {
            return self.respond(req, 481);
        }
        let is_dtmf = req.headers.get("Content-Type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/dtmf-relay"));
        if !is_dtmf {
            let mut r = Response::for_request_std(req, 415);
            r.headers.push("Accept", "application/dtmf-relay");
            return self.reply(r);
        }
        let body = crate::header::syntax::lossy_text(&req.body);
        let digit = body
            .lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("Signal"))
            .and_then(|(_, v)| v.trim().chars().next())
            .filter(|d| matches!(d, '0'..='9' | '*' | '#' | 'A'..='D'));
        match digit {
            Some(digit) => {
                self.respond(req, 200);
                self.event(Event::Dtmf { call: call_id, digit });
            }
            None => self.respond(req, 400),
        }
    }

    /// UPDATE with SDP is an offer (RFC 3311, see `offer`); without, it refreshes the session
    /// (RFC 4028).
    fn on_update(&mut self, now: Instant, req: &Request, call_id: &str) {
        if !req.body.is_empty() {
            return self.on_update_offer(req, call_id);
        }
        let contact = self.contact(None);
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call_id) else { return self.respond(req, 481) };
        let mut r = Response::for_request_std(req, 200);
        r.headers.push("Contact", contact);
        let session = accept_session_refresh(req, &mut r);
        set_session(&mut self.timers, c, now, session);
        self.transmit(r.to_bytes());
    }
}
