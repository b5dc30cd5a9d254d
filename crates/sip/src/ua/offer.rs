//! Offers and answers after the first (RFC 3264, RFC 3311): the far end's re-INVITE or UPDATE
//! with an offer, or a (re-)INVITE without one, whose answer to our offer comes in the ACK
//! (delayed offer); our 2xx resent until that ACK; the 488 for an offer the app cannot take.

use crate::header::name_addrs;
use crate::message::{Headers, Method, Request, Response};

use super::api::{CallFailure, CommandError, EndReason, Event, Instant, OfferRefusal};
use super::dialog::{Call, CallState, Resend, UnackedAnswer};
use super::session::{accept_session_refresh, set_session};
use super::timers::Timer;
use super::transaction::Purpose;
use super::{set_to_tag, UserAgent};

/// The longest Retry-After for an UPDATE that crossed an offer we have not answered, seconds
/// (RFC 3311 §5.2: random, 0 to 10).
const RETRY_AFTER_MAX_S: u64 = 10;

/// The SDP a message carries: a body whose Content-Type is `application/sdp`.
pub(super) fn sdp_body(headers: &Headers, body: &[u8]) -> Option<String> {
    let is_sdp = headers.get("Content-Type").is_some_and(|t| super::checks::media_type(t).eq_ignore_ascii_case("application/sdp"));
    (is_sdp && !body.is_empty()).then(|| crate::header::syntax::lossy_text(body))
}

/// Takes the far end's Contact as the dialog's new remote target (RFC 3261 §12.2.2: INVITE
/// and UPDATE are target refresh requests).
fn refresh_target(c: &mut Call, req: &Request) {
    if let Some(target) = name_addrs(req.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
        c.remote_target = target.uri;
    }
}

/// Why an offer by UPDATE cannot be taken now (RFC 3311 §5.2): 491 when an offer of ours is
/// unanswered, 500 when one of theirs is.
fn update_conflict(c: &Call) -> Option<u16> {
    let ours_open = c.reinvite_pending
        || c.unacked.as_ref().is_some_and(|u| u.awaits_answer)
        || matches!(c.state, CallState::Calling | CallState::Early | CallState::Cancelling);
    if ours_open {
        return Some(491);
    }
    let theirs_open = c.incoming_offer.is_some() || matches!(c.state, CallState::Incoming | CallState::Answered);
    theirs_open.then_some(500)
}

impl UserAgent {
    /// The far end's re-INVITE: its offer, or its request for ours, goes to the app
    /// ([`Event::Reoffered`]).
    pub(super) fn on_reinvite(&mut self, req: Request, call_id: &str, seq: u32) {
        let Some(c) = self.call_mut(call_id) else {
            return self.respond(&req, 481);
        };
        if seq <= c.remote_cseq && c.remote_cseq != 0 {
            return; // an old or repeated request
        }
        if c.offer_pending() {
            // Glare: the far end will retry later (RFC 3261 §14.2).
            return self.respond(&req, 491);
        }
        c.remote_cseq = seq;
        refresh_target(c, &req);
        let sdp = sdp_body(&req.headers, &req.body);
        c.incoming_offer = Some(req);
        let call = c.id.clone();
        self.event(Event::Reoffered { call, sdp });
    }

    /// The far end's UPDATE with an offer (RFC 3311): like a re-INVITE, answered in its 200.
    pub(super) fn on_update_offer(&mut self, req: &Request, call_id: &str) {
        let retry_after = self.random.next_u64() % (RETRY_AFTER_MAX_S + 1);
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481) };
        match update_conflict(c) {
            Some(500) => {
                let mut r = Response::for_request_std(req, 500);
                r.headers.push("Retry-After", retry_after);
                self.reply(r);
            }
            Some(status) => self.respond(req, status),
            None => {
                refresh_target(c, req);
                let sdp = sdp_body(&req.headers, &req.body);
                c.incoming_offer = Some(req.clone());
                let call = c.id.clone();
                self.event(Event::Reoffered { call, sdp });
            }
        }
    }

    /// [`super::Command::AnswerReinvite`]: our SDP in the 200 to the far end's re-INVITE (sent
    /// until ACKed) or UPDATE.
    pub(super) fn answer_offer(&mut self, now: Instant, call: &str, sdp: String) -> Result<(), CommandError> {
        let contact = self.contact(None);
        let c = self.calls.iter_mut().find(|c| c.id == call).ok_or(CommandError::UnknownCall)?;
        let req = c.incoming_offer.take().ok_or(CommandError::NothingPending)?;
        c.local_sdp.clone_from(&sdp);
        let mut r = Response::for_request_std(&req, 200);
        r.headers.push("Contact", contact);
        r.set_body("application/sdp", sdp);
        // A re-INVITE or UPDATE is also a session refresh (RFC 4028 §9).
        let session = accept_session_refresh(&req, &mut r);
        set_session(&mut self.timers, c, now, session);
        if req.method != Method::Invite {
            self.transmit(r.to_bytes());
            return Ok(());
        }
        // A re-INVITE without an offer got ours: its ACK brings the answer.
        let awaits_answer = req.body.is_empty();
        let seq = c.remote_cseq;
        self.send_until_acked(now, call, r.to_bytes(), awaits_answer, seq);
        Ok(())
    }

    /// [`super::Command::RefuseOffer`]: 488 with a Warning to the offer waiting for our answer:
    /// a new call ends, a re-INVITE or UPDATE leaves the call as it was.
    pub(super) fn refuse_offer(&mut self, call: &str, refusal: OfferRefusal) -> Result<(), CommandError> {
        let warning = self.warning(refusal);
        let c = self.known_call(call)?;
        let (mut r, ends) = match c.incoming_offer.take() {
            Some(req) => (Response::for_request_std(&req, 488), false),
            None if c.state == CallState::Incoming => (Response::for_request_std(&c.invite, 488), true),
            None => return Err(CommandError::NothingPending),
        };
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        r.headers.push("Warning", warning);
        self.transmit(r.to_bytes());
        if ends {
            self.end_call(call, EndReason::Local);
        }
        Ok(())
    }

    /// A `Warning` value (RFC 3261 §20.43) saying why an offer was refused.
    fn warning(&self, refusal: OfferRefusal) -> String {
        let (code, text) = match refusal {
            OfferRefusal::Transport => ("302 ", "\"Incompatible transport protocol\""),
            OfferRefusal::MediaFormat => ("305 ", "\"Incompatible media format\""),
            OfferRefusal::Other => ("399 ", "\"Session description not acceptable\""),
        };
        let mut value = String::from(code);
        value.push_str(&self.local_host);
        value.push(' ');
        value.push_str(text);
        value
    }

    /// Sends our 2xx to an INVITE (CSeq number `seq`) and again at T1, 2*T1... (at most T2)
    /// until the ACK comes, for 64*T1 at most (RFC 3261 §13.3.1.4).
    pub(super) fn send_until_acked(&mut self, now: Instant, call: &str, bytes: Vec<u8>, awaits_answer: bool, seq: u32) {
        if let Some(c) = self.calls.iter_mut().find(|c| c.id == call) {
            let resend = Resend::new(bytes.clone(), now);
            self.timers.set(Timer::AckWait(call.into()), resend.due(now));
            c.unacked = Some(UnackedAnswer { resend, awaits_answer, seq });
        }
        self.transmit(bytes);
    }

    /// The ACK of our 2xx: the call (or the re-INVITE) is confirmed, with the answer to our
    /// offer when the 2xx carried one; without it the call cannot have audio and is hung up
    /// (RFC 3261 §13.3.1.4).
    pub(super) fn on_ack(&mut self, now: Instant, ack: &Request, call_id: &str, seq: u32) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call_id) else { return };
        // An ACK of another response (a late repeat, or of a 488) acknowledges nothing here.
        let Some(unacked) = c.unacked.take_if(|u| u.seq == seq) else { return };
        self.timers.clear(&Timer::AckWait(call_id.into()));
        let answered = c.state == CallState::Answered;
        if answered {
            c.state = CallState::Confirmed;
        }
        if unacked.awaits_answer {
            match sdp_body(&ack.headers, &ack.body) {
                Some(sdp) => self.event(Event::OfferAnswered { call: call_id.into(), sdp }),
                None => return self.bye(now, call_id, EndReason::Failed(CallFailure::MissingAnswer)),
            }
        }
        if answered {
            self.event(Event::Confirmed { call: call_id.into() });
        }
    }

    /// No ACK yet for our 2xx: send it again, or give up on the call (RFC 3261 §13.3.1.4).
    pub(super) fn on_ack_wait(&mut self, now: Instant, call: &str) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        let Some(unacked) = c.unacked.as_mut() else { return };
        if !unacked.resend.again(now) {
            // The dialog never came up.
            if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
                self.send_request(now, bye, Purpose::Bye, Some(call.into()));
            }
            return self.end_call(call, EndReason::Failed(CallFailure::NotAcknowledged));
        }
        let bytes = unacked.resend.bytes.clone();
        self.timers.set(Timer::AckWait(call.into()), unacked.resend.due(now));
        self.transmit(bytes);
    }
}
