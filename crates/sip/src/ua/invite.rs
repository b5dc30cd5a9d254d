//! Our INVITEs: placing a call, its final answer, hanging up, and our re-INVITEs (hold,
//! resume, a new flow) with their glare (RFC 3261 §13, §14, §15). Provisional answers are
//! `early`'s; the far end's re-INVITEs are `offer`'s.

use crate::header::CSeq;
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{CallFailure, CallId, CommandError, EndReason, Event, Instant};
use super::dialog::{dialog_request, to_tag, Call, CallState, Ends};
use super::session::{set_session, start_session, SessionExpires, MIN_SESSION_EXPIRES};
use super::timers::Timer;
use super::transaction::Purpose;
use super::offer::sdp_body;
use super::{allows, token, UserAgent, ALLOW, SUPPORTED, T1};

/// How long a 491 glare waits before trying again (RFC 3261 §14.1, owner of the Call-ID:
/// 2.1 to 4 s), milliseconds.
const GLARE_WAIT_MIN_MS: u64 = 2_100;
const GLARE_WAIT_MAX_MS: u64 = 4_000;

/// A header an INVITE carries besides the usual ones (Replaces, Referred-By).
pub(super) struct ExtraHeader {
    pub(super) name: &'static str,
    pub(super) value: String,
}

impl UserAgent {
    /// Sends a new INVITE with these extra headers; returns its Call-ID.
    pub(super) fn send_invite(&mut self, now: Instant, target: Uri, sdp: String, extra: Vec<ExtraHeader>) -> CallId {
        let mut id = token(&mut *self.random, 22);
        id.push('@');
        id.push_str(&self.local_host);
        let id = CallId::from(id);
        let ends = Ends { local: self.local_identity().with_tag(&token(&mut *self.random, 10)), remote: NameAddr::new(target.clone()), remote_target: target };
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let placeholder = Request::new(Method::Invite, Uri::sip("", &self.config.domain));
        let mut call = Call::new(id.clone(), CallState::Calling, ends, cseq, placeholder);
        let mut req = dialog_request(&call, self.via(), &self.config.user_agent, Method::Invite, cseq);
        req.headers.push("Contact", self.contact(None));
        req.headers.push("Allow", ALLOW);
        req.headers.push("Supported", SUPPORTED);
        if self.config.session_expires > 0 {
            req.headers.push("Session-Expires", self.config.session_expires.max(MIN_SESSION_EXPIRES));
            req.headers.push("Min-SE", MIN_SESSION_EXPIRES);
        }
        for header in extra {
            req.headers.push(header.name, header.value);
        }
        call.local_sdp.clone_from(&sdp);
        req.set_body("application/sdp", sdp);
        call.invite = req.clone();
        self.calls.push(call);
        self.send_request(now, req, Purpose::Invite, Some(id.clone()));
        id
    }

    /// Ends an established call with BYE.
    pub(super) fn bye(&mut self, now: Instant, call: &str, reason: EndReason) {
        if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
            self.send_request(now, bye, Purpose::Bye, Some(call.into()));
        }
        self.end_call(call, reason);
    }

    /// [`super::Command::HangUp`]: CANCEL before an answer, BYE after, decline when ringing.
    pub(super) fn hang_up(&mut self, now: Instant, call: &str) -> Result<(), CommandError> {
        let c = self.known_call(call)?;
        match c.state {
            CallState::Incoming => self.reject_incoming(call, 603, EndReason::Local),
            CallState::Calling | CallState::Early => {
                // CANCEL matches the INVITE's branch and CSeq number (RFC 3261 §9.1).
                c.state = CallState::Cancelling;
                let cancel = super::flow::cancel_for(&c.invite);
                self.send_request(now, cancel, Purpose::Cancel, Some(call.into()));
                Ok(())
            }
            CallState::Cancelling => Ok(()),
            CallState::Answered | CallState::Confirmed => {
                self.bye(now, call, EndReason::Local);
                Ok(())
            }
        }
    }

    /// [`super::Command::Reinvite`]: a new offer on an established call, or later when
    /// another offer is under way (RFC 3261 §14.1: one at a time).
    pub(super) fn reinvite(&mut self, now: Instant, call: &str, sdp: String) -> Result<(), CommandError> {
        let c = self.known_call(call)?;
        if c.state != CallState::Confirmed {
            return Err(CommandError::WrongState);
        }
        if c.offer_pending() {
            c.glare_offer = Some(sdp);
            self.timers.set(Timer::GlareRetry(call.into()), now + GLARE_WAIT_MIN_MS);
            return Ok(());
        }
        c.reinvite_pending = true;
        c.local_sdp.clone_from(&sdp);
        self.send_reinvite(now, call, sdp, Purpose::Reinvite);
        Ok(())
    }

    /// A re-INVITE with this offer; it refreshes the session timer too (RFC 4028 §9).
    pub(super) fn send_reinvite(&mut self, now: Instant, call: &str, sdp: String, purpose: Purpose) {
        let contact = self.contact(None);
        let session = self.call_mut(call).and_then(|c| c.session);
        if let Some(c) = self.call_mut(call) {
            c.early.clear(); // a new INVITE: its provisional answers start afresh
        }
        if let Some(mut req) = self.in_dialog_request(call, Method::Invite, Some(("application/sdp", sdp))) {
            req.headers.push("Contact", contact);
            if let Some(s) = session {
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(s.seconds, s.we_refresh));
            }
            self.send_request(now, req, purpose, Some(call.into()));
        }
    }

    /// The offer put off by a 491 or by another offer: make it now if the call is free.
    pub(super) fn on_glare_retry(&mut self, now: Instant, call: &str) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        if c.offer_pending() || c.state != CallState::Confirmed {
            // Still busy with another offer: look again shortly.
            return self.timers.set(Timer::GlareRetry(call.into()), now + T1);
        }
        if let Some(sdp) = c.glare_offer.take() {
            // The call is established and free: this cannot fail.
            let _ = self.reinvite(now, call, sdp);
        }
    }

    /// The final answer to our re-INVITE `request`.
    pub(super) fn on_reinvite_response(&mut self, now: Instant, call: &str, request: &Request, r: &Response) {
        if let Some(c) = self.call_mut(call) {
            c.reinvite_pending = false;
        }
        if r.is_success() {
            self.send_ack(call, r);
            self.on_session_refreshed(now, call, r);
            match sdp_body(&r.headers, &r.body) {
                Some(sdp) => self.event(Event::Reanswered { call: call.into(), sdp }),
                // Accepted without an answer to our offer: the session is in no known state.
                None => self.bye(now, call, EndReason::Failed(CallFailure::MissingAnswer)),
            }
        } else if r.status == 491 {
            // Glare: both sides re-INVITEd. Wait a random while and offer again.
            let wait = GLARE_WAIT_MIN_MS + self.random.next_u64() % (GLARE_WAIT_MAX_MS - GLARE_WAIT_MIN_MS);
            let sdp = crate::header::syntax::lossy_text(&request.body);
            if let Some(c) = self.calls.iter_mut().find(|c| c.id == call) {
                c.glare_offer = Some(sdp);
                self.timers.set(Timer::GlareRetry(call.into()), now + wait);
            }
        } else if matches!(r.status, 408 | 481) {
            self.end_call(call, EndReason::Failed(CallFailure::Lost { status: r.status }));
        } else {
            self.event(Event::ReinviteFailed { call: call.into(), status: r.status });
        }
    }

    pub(super) fn on_invite_final(&mut self, now: Instant, call: &str, r: &Response) {
        let Some(c) = self.call_mut(call) else { return };
        let (state, cancel_reason) = (c.state, c.cancel_reason());
        if r.is_success() {
            return self.on_invite_answered(now, call, r);
        }
        self.ack_failure(call, r);
        self.report_transfer(now, call, r.status, &r.reason);
        let reason = match r.status {
            _ if state == CallState::Cancelling => cancel_reason,
            486 | 600 => EndReason::Busy,
            603 => EndReason::Declined,
            408 | 480 | 487 => EndReason::NoAnswer,
            status => EndReason::Failed(CallFailure::Refused { status }),
        };
        self.end_call(call, reason);
    }

    /// A 2xx to our INVITE: the dialog is established (RFC 3261 §12.1.2), with the answer to
    /// our offer in it, or given early in its early dialog.
    fn on_invite_answered(&mut self, now: Instant, call: &str, r: &Response) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        let (cancelling, cancel_reason) = (c.state == CallState::Cancelling, c.cancel_reason());
        let tag = to_tag(r).unwrap_or_default();
        let answer = sdp_body(&r.headers, &r.body).or_else(|| c.early_answer(&tag));
        c.early.clear();
        c.adopt_dialog(&tag, r);
        c.state = CallState::Confirmed;
            c.peer_allows_update = allows(&r.headers, "UPDATE");
            // No Session-Expires in the answer: the far end runs no session timer, and
            // neither do we (RFC 4028 §7.2). Refresher absent: we, the UAC, refresh.
        match SessionExpires::from_headers(&r.headers) {
            Some(se) => start_session(&mut self.timers, c, now, se.seconds, se.uac_refreshes.unwrap_or(true)),
            None => set_session(&mut self.timers, c, now, None),
        }
        self.report_transfer(now, call, r.status, &r.reason);
        self.send_ack(call, r);
        match answer {
            // Our CANCEL lost the race with the answer: end the call properly with a BYE.
            _ if cancelling => self.bye(now, call, cancel_reason),
            Some(sdp) => self.event(Event::Answered { call: call.into(), sdp }),
            None => self.bye(now, call, EndReason::Failed(CallFailure::MissingAnswer)),
        }
    }

    /// Non-2xx finals are ACKed by the transaction, with the INVITE's branch (RFC 3261 §17.1.1.3).
    fn ack_failure(&mut self, call: &str, r: &Response) {
        let Some(c) = self.calls.iter().find(|c| c.id == call) else { return };
        let mut ack = Request::new(Method::Ack, c.invite.uri.clone());
        for name in ["Via", "Route", "From", "Call-ID"] {
            for v in c.invite.headers.get_all(name) {
                ack.headers.push(name, v);
            }
        }
        if let Some(to) = r.headers.get("To") {
            ack.headers.push("To", to);
        }
        let seq = c.invite.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(1, |s| s.seq);
        ack.headers.push("CSeq", CSeq { seq, method: Method::Ack });
        ack.headers.push("Max-Forwards", 70);
        self.transmit(ack.to_bytes());
    }

    /// Nothing answered our INVITE in time, or, after a provisional response, nothing more
    /// came for [`super::PROVISIONAL_WAIT_MS`]: the far end is cancelled and nobody answered.
    pub(super) fn on_invite_timeout(&mut self, now: Instant, call: &str) {
        self.report_transfer(now, call, 408, "Request Timeout");
        let Some(c) = self.call_mut(call) else { return };
        let reason = match c.state {
            CallState::Cancelling => c.cancel_reason(),
            CallState::Early => {
                let cancel = super::flow::cancel_for(&c.invite);
                self.send_request(now, cancel, Purpose::Cancel, Some(call.into()));
                EndReason::NoAnswer
            }
            _ => EndReason::Failed(CallFailure::NoResponse),
        };
        self.end_call(call, reason);
    }
}
