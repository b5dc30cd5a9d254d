//! Calls that come in: the new INVITE (with an offer or without), answering or declining it,
//! and the caller's CANCEL (RFC 3261 §13.3, §9.2, RFC 3326, RFC 3891). Ringing is `reliable`'s,
//! the ACK of our answer `offer`'s.

use crate::header::{name_addrs, CSeq};
use crate::message::{Request, Response};
use crate::uri::NameAddr;

use super::api::{CallId, CommandError, EndReason, Event, Instant};
use super::dialog::{Call, CallState, Ends};
use super::offer::sdp_body;
use super::session::{accept_session_refresh, set_session, SessionExpires, MIN_SESSION_EXPIRES};
use super::timers::Timer;
use super::{allows, set_to_tag, token, UserAgent, ALLOW, SUPPORTED};

/// Our response to `c`'s INVITE that makes the dialog (RFC 3261 §12.1.1): our To tag, its
/// Record-Route, our Contact.
pub(super) fn dialog_response(c: &Call, status: u16, contact: String) -> Response {
    let mut r = Response::for_request_std(&c.invite, status);
    set_to_tag(&mut r, c.local.tag().unwrap_or(""));
    for rr in c.invite.headers.get_all("Record-Route") {
        r.headers.push("Record-Route", rr);
    }
    r.headers.push("Contact", contact);
    r
}

/// Who calls, for the agent: as the PBX asserts them (P-Asserted-Identity), else as they say.
struct Caller {
    number: String,
    display_name: String,
}

fn caller(req: &Request, from: &NameAddr) -> Caller {
    let asserted = req.headers.get("P-Asserted-Identity").and_then(|p| name_addrs(std::iter::once(p)).ok()).and_then(|v| v.into_iter().next());
    let identity = asserted.as_ref().unwrap_or(from);
    let number = identity.uri.user_unescaped().map(|u| u.into_owned()).unwrap_or_default();
    let display_name = identity.display_name.clone().or_else(|| from.display_name.clone()).unwrap_or_default();
    Caller { number, display_name }
}

impl UserAgent {
    /// An INVITE outside any dialog: a new call for the app, unless it must be refused.
    pub(super) fn on_new_invite(&mut self, req: Request, call_id: CallId) {
        if let Some(existing) = self.calls.iter().find(|c| c.id == call_id) {
            // A retransmission or a merged request (RFC 3261 §8.2.2.2).
            if existing.state != CallState::Incoming {
                self.respond(&req, 482);
            }
            return;
        }
        // From, To and one Contact were checked before.
        let from = req.headers.get("From").and_then(|f| NameAddr::parse(f).ok());
        let to = req.headers.get("To").and_then(|t| NameAddr::parse(t).ok());
        let target = name_addrs(req.headers.get_all("Contact")).ok().and_then(|c| c.into_iter().next());
        let (Some(from), Some(to), Some(target)) = (from, to, target) else { return self.respond(&req, 400) };
        if SessionExpires::from_headers(&req.headers).is_some_and(|se| se.seconds < MIN_SESSION_EXPIRES) {
            let mut r = Response::for_request_std(&req, 422);
            r.headers.push("Min-SE", MIN_SESSION_EXPIRES);
            return self.reply(r);
        }
        let replaces = match req.headers.get("Replaces").map(|value| self.replaced_call(value)) {
            None => None,
            Some(Some(id)) => Some(id),
            // RFC 3891 §3: no such dialog (any more).
            Some(None) => return self.respond(&req, 481),
        };
        let ends = Ends { local: to.with_tag(&token(&mut *self.random, 10)), remote: from, remote_target: target.uri };
        self.offer_incoming(call_id, ends, req, replaces);
    }

    /// Takes in a call the checks let through, and tells the app.
    fn offer_incoming(&mut self, call_id: CallId, ends: Ends, req: Request, replaces: Option<CallId>) {
        let Caller { number, display_name } = caller(&req, &ends.remote);
        // None: a delayed offer (RFC 3261 §13.2.1), our answer to the call will carry ours.
        let sdp = sdp_body(&req.headers, &req.body);
        self.respond(&req, 100);
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let route_set = name_addrs(req.headers.get_all("Record-Route")).unwrap_or_default();
        let remote_cseq = req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(0, |c| c.seq);
        let peer_allows_update = allows(&req.headers, "UPDATE");
        let mut call = Call::new(call_id.clone(), CallState::Incoming, ends, cseq, req);
        call.route_set = route_set;
        call.remote_cseq = remote_cseq;
        call.peer_allows_update = peer_allows_update;
        call.replaces.clone_from(&replaces);
        self.calls.push(call);
        self.event(Event::IncomingCall { call: call_id, number, display_name, sdp, replaces });
    }

    /// The confirmed call a Replaces header names (`call-id;to-tag=ours;from-tag=theirs`).
    fn replaced_call(&self, value: &str) -> Option<CallId> {
        let mut parts = value.split(';').map(str::trim);
        let id = parts.next()?;
        let (mut to_tag, mut from_tag) = (None, None);
        for p in parts {
            match p.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("to-tag") => to_tag = Some(v.trim()),
                Some((k, v)) if k.trim().eq_ignore_ascii_case("from-tag") => from_tag = Some(v.trim()),
                _ => {}
            }
        }
        self.calls
            .iter()
            .find(|c| c.id == id && c.state == CallState::Confirmed && c.local.tag() == to_tag && c.remote.tag() == from_tag)
            .map(|c| c.id.clone())
    }

    /// The incoming call `call`, or why a command cannot act on it.
    pub(super) fn incoming_call(&mut self, call: &str) -> Result<&mut Call, CommandError> {
        let c = self.known_call(call)?;
        if c.state == CallState::Incoming {
            Ok(c)
        } else {
            Err(CommandError::WrongState)
        }
    }

    /// [`super::Command::Answer`]: 200 with our SDP, sent until the ACK comes.
    pub(super) fn answer(&mut self, now: Instant, call: &str, sdp: String) -> Result<(), CommandError> {
        let contact = self.contact(None);
        let flow = self.flow.number;
        let c = self.calls.iter_mut().find(|c| c.id == call).ok_or(CommandError::UnknownCall)?;
        if c.state != CallState::Incoming {
            return Err(CommandError::WrongState);
        }
        let mut r = dialog_response(c, 200, contact);
        r.headers.push("Allow", ALLOW);
        r.headers.push("Supported", SUPPORTED);
        let session = accept_session_refresh(&c.invite, &mut r);
        set_session(&mut self.timers, c, now, session);
        c.local_sdp.clone_from(&sdp);
        r.set_body("application/sdp", sdp);
        c.state = CallState::Answered;
        c.contact_flow = flow;
        // Our ringing needs no PRACK any more (it carried no SDP: RFC 3262 §3 lets the 2xx go).
        c.unpracked = None;
        self.timers.clear(&Timer::PrackWait(call.into()));
        let replaced = c.replaces.take();
        let awaits_answer = sdp_body(&c.invite.headers, &c.invite.body).is_none();
        let seq = c.remote_cseq;
        self.send_until_acked(now, call, r.to_bytes(), awaits_answer, seq);
        if let Some(old) = replaced {
            // The new call takes the old one's place: hang the old one up (RFC 3891 §3).
            self.bye(now, &old, EndReason::Replaced);
        }
        Ok(())
    }

    /// Declines an incoming call with `status` and ends it with `reason`.
    pub(super) fn reject_incoming(&mut self, call: &str, status: u16, reason: EndReason) -> Result<(), CommandError> {
        let c = self.incoming_call(call)?;
        let mut r = Response::for_request_std(&c.invite, status);
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        self.transmit(r.to_bytes());
        self.end_call(call, reason);
        Ok(())
    }

    /// The caller's CANCEL: 200 to it, 487 to its INVITE (RFC 3261 §9.2). A Reason of
    /// `SIP;cause=200` means another device answered (RFC 3326): not a missed call.
    pub(super) fn on_cancel(&mut self, req: &Request, call_id: &str) {
        let state = self.call_mut(call_id).map(|c| c.state);
        if state != Some(CallState::Incoming) {
            return self.respond(req, 481);
        }
        self.respond(req, 200);
        let elsewhere = crate::header::reason::answered_elsewhere(req.headers.get_all("Reason"));
        // The call is ringing here: declining it cannot fail.
        let _ = self.reject_incoming(call_id, 487, if elsewhere { EndReason::AnsweredElsewhere } else { EndReason::CallerCancelled });
    }
}
