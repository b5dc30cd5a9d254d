//! INVITE: placing, answering, declining and ending calls, and re-INVITEs (hold, resume, a new
//! flow) with their glare (RFC 3261 §13, §14, §15).

use crate::header::{name_addrs, CSeq};
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{CallId, EndReason, Event, Millis, Output};
use super::dialog::{Call, CallState, to_tag};
use super::session::{MIN_SESSION_EXPIRES, SessionExpires, SessionTimer, accept_session_refresh};
use super::transaction::Purpose;
use super::{ALLOW, SUPPORTED, T1, TRANSACTION_TIMEOUT_MS, UserAgent, allows, set_to_tag, token};

/// How long a 491 glare waits before trying again (RFC 3261 §14.1, owner of the Call-ID: 2.1-4 s).
pub(super) const GLARE_RETRY_MS: (Millis, Millis) = (2_100, 4_000);

impl UserAgent {
    /// Sends a new INVITE with these extra headers; returns its Call-ID.
    pub(crate) fn start_call(&mut self, now: Millis, target: Uri, sdp: String, extra: Vec<(&str, String)>) -> CallId {
        let id = format!("{}@{}", token(&mut *self.random, 22), self.local_host);
        let local = self.local_identity().with_tag(&token(&mut *self.random, 10));
        let remote = NameAddr::new(target.clone());
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let placeholder = Request::new(Method::Invite, Uri::sip("", &self.config.domain));
        let mut call = Call::new(id.clone(), CallState::Calling, local, remote, target, cseq, placeholder);
        let mut req = self.dialog_request(&call, Method::Invite, call.local_cseq);
        req.headers.push("Contact", self.contact(None));
        req.headers.push("Allow", ALLOW);
        req.headers.push("Supported", SUPPORTED);
        if self.config.session_expires > 0 {
            req.headers.push("Session-Expires", self.config.session_expires.max(MIN_SESSION_EXPIRES));
            req.headers.push("Min-SE", MIN_SESSION_EXPIRES);
        }
        for (name, value) in extra {
            req.headers.push(name, value);
        }
        call.local_sdp.clone_from(&sdp);
        req.set_body("application/sdp", sdp);
        call.invite = req.clone();
        self.calls.push(call);
        self.event(Event::CallCreated { call: id.clone() });
        self.send_request(now, req, Purpose::Invite, Some(id.clone()));
        id
    }

    pub(super) fn answer(&mut self, now: Millis, call: &str, sdp: String) {
        let contact = self.contact(None);
        let flow = self.flow.number;
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Incoming) else { return };
        let mut r = Response::for_request_std(&c.invite, 200);
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        for rr in c.invite.headers.get_all("Record-Route") {
            r.headers.push("Record-Route", rr);
        }
        r.headers.push("Contact", contact);
        r.headers.push("Allow", ALLOW);
        r.headers.push("Supported", SUPPORTED);
        let invite = c.invite.clone();
        accept_session_refresh(now, c, &mut r, &invite);
        c.local_sdp.clone_from(&sdp);
        r.set_body("application/sdp", sdp);
        let bytes = String::from_utf8_lossy(&r.to_bytes()).into_owned();
        c.state = CallState::Answered;
        c.contact_flow = flow;
        c.unacked_ok = Some((bytes.clone(), now + T1, T1, now + TRANSACTION_TIMEOUT_MS));
        let replaced = c.replaces.take();
        self.out.push_back(Output::Transmit(bytes));
        if let Some(old) = replaced {
            // The new call takes the old one's place: hang the old one up (RFC 3891 §3).
            self.bye(now, &old, EndReason::Replaced);
        }
    }

    /// Ends an established call with BYE.
    pub(super) fn bye(&mut self, now: Millis, call: &str, reason: EndReason) {
        if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
            self.send_request(now, bye, Purpose::Bye, Some(call.to_owned()));
        }
        self.end_call(call, reason);
    }

    pub(super) fn reject_incoming(&mut self, call: &str, status: u16, reason: EndReason) {
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Incoming) else { return };
        let mut r = Response::for_request_std(&c.invite, status);
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        let bytes = r.to_bytes();
        self.transmit(bytes);
        self.end_call(call, reason);
    }

    pub(super) fn hang_up(&mut self, now: Millis, call: &str) {
        let Some(state) = self.call_mut(call).map(|c| c.state) else { return };
        match state {
            CallState::Incoming => self.reject_incoming(call, 603, EndReason::Local),
            CallState::Calling | CallState::Early => {
                // CANCEL matches the INVITE's branch and CSeq number (RFC 3261 §9.1).
                let Some(c) = self.call_mut(call) else { return };
                c.state = CallState::Cancelling;
                let cancel = super::flow::cancel_for(&c.invite);
                self.send_request(now, cancel, Purpose::Cancel, Some(call.to_owned()));
            }
            CallState::Cancelling => {}
            CallState::Answered | CallState::Confirmed => self.bye(now, call, EndReason::Local),
        }
    }

    pub(super) fn reinvite(&mut self, now: Millis, call: &str, sdp: String) {
        let Some(c) = self.call_mut(call) else { return };
        if c.state != CallState::Confirmed {
            return;
        }
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // One offer at a time (RFC 3261 §14.1): try again once the current one settles.
            c.glare_retry = Some((now + GLARE_RETRY_MS.0, sdp));
            return;
        }
        c.reinvite_pending = true;
        c.local_sdp.clone_from(&sdp);
        self.send_reinvite(now, call, sdp, Purpose::Reinvite);
    }

    /// A re-INVITE with this offer; it refreshes the session timer too (RFC 4028 §9).
    pub(super) fn send_reinvite(&mut self, now: Millis, call: &str, sdp: String, purpose: Purpose) {
        let contact = self.contact(None);
        let session = self.call_mut(call).and_then(|c| c.session);
        if let Some(mut req) = self.in_dialog_request(call, Method::Invite, Some(("application/sdp", sdp))) {
            req.headers.push("Contact", contact);
            if let Some(s) = session {
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(s.seconds, s.we_refresh));
            }
            self.send_request(now, req, purpose, Some(call.to_owned()));
        }
    }

    pub(super) fn on_provisional(&mut self, now: Millis, call: &str, r: &Response) {
        if r.status == 100 {
            return;
        }
        if matches!(r.status, 180 | 183) {
            self.report_transfer(now, call, r.status, &r.reason);
        }
        let Some(c) = self.call_mut(call) else { return };
        if c.state == CallState::Calling {
            c.state = CallState::Early;
        }
        if let Some(tag) = to_tag(r) {
            c.remote.set_tag(&tag);
        }
        if !c.ringing_reported && matches!(r.status, 180 | 183) {
            c.ringing_reported = true;
            let id = c.id.clone();
            self.event(Event::Ringing { call: id });
        }
    }

    pub(super) fn on_invite_final(&mut self, now: Millis, call: &str, r: &Response) {
        let Some(state) = self.call_mut(call).map(|c| c.state) else { return };
        if r.is_success() {
            // Establish the dialog from the 2xx (RFC 3261 §12.1.2).
            if let Some(c) = self.call_mut(call) {
                if let Some(tag) = to_tag(r) {
                    c.remote.set_tag(&tag);
                }
                let mut routes = name_addrs(r.headers.get_all("Record-Route")).unwrap_or_default();
                routes.reverse();
                c.route_set = routes;
                if let Some(target) = name_addrs(r.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
                    c.remote_target = target.uri;
                }
                c.state = CallState::Confirmed;
                c.peer_allows_update = allows(&r.headers, "UPDATE");
                // No Session-Expires in the answer: the far end runs no session timer, and
                // neither do we (RFC 4028 §7.2). Refresher absent: we, the UAC, refresh.
                c.session = SessionExpires::from_headers(&r.headers).map(|se| SessionTimer::start(now, se.seconds, se.uac_refreshes.unwrap_or(true)));
            }
            self.report_transfer(now, call, r.status, &r.reason);
            self.send_ack(call, r);
            if state == CallState::Cancelling {
                // Our CANCEL lost the race with the answer: end the call properly with a BYE.
                if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
                    self.send_request(now, bye, Purpose::Bye, Some(call.to_owned()));
                }
                self.end_call(call, EndReason::Local);
            } else {
                let sdp = String::from_utf8_lossy(&r.body).into_owned();
                self.event(Event::Answered { call: call.to_owned(), sdp });
            }
            return;
        }
        // Non-2xx finals are ACKed by the transaction, with the INVITE's branch (RFC 3261 §17.1.1.3).
        if let Some(c) = self.call_mut(call) {
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
        self.report_transfer(now, call, r.status, &r.reason);
        let reason = match (state, r.status) {
            _ if state == CallState::Cancelling => EndReason::Local,
            (_, 486 | 600) => EndReason::Busy,
            (_, 603) => EndReason::Declined,
            (_, 408 | 480 | 487) => EndReason::NoAnswer,
            (_, 404 | 604) => EndReason::Failed(format!("The number does not exist or is not registered ({} {})", r.status, r.reason)),
            (_, 401 | 407 | 403) => EndReason::Failed(format!("The PBX refused the call ({} {}): check your sign-in", r.status, r.reason)),
            _ => EndReason::Failed(format!("The call failed: {} {}", r.status, r.reason)),
        };
        self.end_call(call, reason);
    }

    pub(super) fn on_new_invite(&mut self, _now: Millis, req: Request, call_id: String) {
        if let Some(existing) = self.calls.iter().find(|c| c.id == call_id) {
            // A retransmission or a merged request (RFC 3261 §8.2.2.2).
            if existing.state != CallState::Incoming {
                self.respond(&req, 482, None);
            }
            return;
        }
        let (Some(from), Some(to)) = (
            req.headers.get("From").and_then(|f| NameAddr::parse(f).ok()),
            req.headers.get("To").and_then(|t| NameAddr::parse(t).ok()),
        ) else {
            return self.respond(&req, 400, None);
        };
        if req.body.is_empty() {
            // We only take calls that carry their offer (WebRTC peers always do).
            return self.respond(&req, 488, None);
        }
        let session = SessionExpires::from_headers(&req.headers);
        if session.is_some_and(|se| se.seconds < MIN_SESSION_EXPIRES) {
            let mut r = Response::for_request_std(&req, 422);
            set_to_tag(&mut r, &token(&mut *self.random, 10));
            r.headers.push("Min-SE", MIN_SESSION_EXPIRES);
            return self.transmit(r.to_bytes());
        }
        let replaces = match req.headers.get("Replaces") {
            None => None,
            Some(value) => match self.replaced_call(value) {
                Some(id) => Some(id),
                // RFC 3891 §3: no such dialog (any more).
                None => return self.respond(&req, 481, None),
            },
        };
        // Checked before: exactly one Contact, well-formed.
        let Some(remote_target) = name_addrs(req.headers.get_all("Contact")).ok().and_then(|c| c.into_iter().next()).map(|c| c.uri) else {
            return self.respond(&req, 400, None);
        };
        let route_set = name_addrs(req.headers.get_all("Record-Route")).unwrap_or_default();
        let remote_cseq = req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(0, |c| c.seq);
        // The caller as the PBX asserts them, else as they say.
        let identity = req.headers.get("P-Asserted-Identity").and_then(|p| name_addrs(std::iter::once(p)).ok()).and_then(|v| v.into_iter().next()).unwrap_or_else(|| from.clone());
        let number = identity.uri.user_unescaped().map(|u| u.into_owned()).unwrap_or_default();
        let display_name = identity.display_name.clone().or_else(|| from.display_name.clone()).unwrap_or_default();
        let sdp = String::from_utf8_lossy(&req.body).into_owned();
        let local = to.with_tag(&token(&mut *self.random, 10));
        self.respond(&req, 100, None);
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let peer_allows_update = allows(&req.headers, "UPDATE");
        let mut call = Call::new(call_id.clone(), CallState::Incoming, local, from, remote_target, cseq, req);
        call.route_set = route_set;
        call.remote_cseq = remote_cseq;
        call.peer_allows_update = peer_allows_update;
        call.replaces = replaces.clone();
        self.calls.push(call);
        self.event(Event::IncomingCall { call: call_id, number, display_name, sdp, replaces });
    }

    pub(super) fn on_reinvite(&mut self, req: Request, call_id: &str, seq: u32) {
        let Some(c) = self.call_mut(call_id) else {
            return self.respond(&req, 481, None);
        };
        if seq <= c.remote_cseq && c.remote_cseq != 0 {
            return; // an old or repeated request
        }
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // Glare: the far end will retry later (RFC 3261 §14.2).
            return self.respond(&req, 491, None);
        }
        c.remote_cseq = seq;
        if let Some(target) = name_addrs(req.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
            c.remote_target = target.uri; // target refresh (RFC 3261 §12.2.2)
        }
        let sdp = String::from_utf8_lossy(&req.body).into_owned();
        c.incoming_reinvite = Some(req);
        let id = c.id.clone();
        self.event(Event::Reoffered { call: id, sdp });
    }
}
