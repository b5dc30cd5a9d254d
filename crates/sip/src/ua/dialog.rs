//! Calls as dialogs (RFC 3261 §12): their state, and the requests built inside them.

use crate::message::HeaderValue;
use crate::header::{name_addrs, CSeq, Via};
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{CallId, Instant};
use super::early::EarlyDialog;
use super::{token, UserAgent, T1, T2, TRANSACTION_TIMEOUT_MS};

/// Where a call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CallState {
    /// Our INVITE is out, no answer yet.
    Calling,
    /// Our INVITE got a provisional answer.
    Early,
    /// We hung up before an answer: CANCEL sent, waiting for the INVITE to end.
    Cancelling,
    /// An INVITE came in; the app has not answered.
    Incoming,
    /// We answered; waiting for the ACK.
    Answered,
    /// Established.
    Confirmed,
}

/// A running session timer: we refresh at half the interval, or, when the far end refreshes,
/// give up on the call shortly before it would expire (RFC 4028 §10). When it falls due is
/// [`super::timers::Timer::Session`] in the user agent's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SessionTimer {
    pub(super) seconds: u32,
    pub(super) we_refresh: bool,
}

/// A response of ours sent again until the far end acknowledges it: after T1, then doubling
/// up to T2, for 64*T1 at most (RFC 3261 §13.3.1.4, RFC 3262 §3).
pub(super) struct Resend {
    pub(super) bytes: Vec<u8>,
    /// The wait before the next resend.
    interval: u64,
    give_up_at: Instant,
}

impl Resend {
    /// `bytes`, sent at `now`: the first resend is due at the returned [`Resend::due`].
    pub(super) fn new(bytes: Vec<u8>, now: Instant) -> Resend {
        Resend { bytes, interval: T1, give_up_at: now + TRANSACTION_TIMEOUT_MS }
    }

    /// When the next resend is due.
    pub(super) fn due(&self, sent: Instant) -> Instant {
        (sent + self.interval).min(self.give_up_at)
    }

    /// A resend fell due at `now`: `false` when it is time to give up instead; else the wait
    /// doubles (at most T2) and the caller sends [`Resend::bytes`] again.
    pub(super) fn again(&mut self, now: Instant) -> bool {
        if self.give_up_at <= now {
            return false;
        }
        self.interval = (self.interval * 2).min(T2);
        true
    }
}

/// Our 2xx to an INVITE, sent again until the ACK arrives ([`super::timers::Timer::AckWait`]).
pub(super) struct UnackedAnswer {
    pub(super) resend: Resend,
    /// The 2xx carried our offer (their INVITE had none): the ACK must bring the answer.
    pub(super) awaits_answer: bool,
    /// The CSeq number of the INVITE it answers, which its ACK has too.
    pub(super) seq: u32,
}

/// Our reliable provisional response (RFC 3262 §3), sent again until its PRACK arrives
/// ([`super::timers::Timer::PrackWait`]).
pub(super) struct UnprackedResponse {
    pub(super) resend: Resend,
    pub(super) rseq: u32,
}

/// The far end's REFER waiting for the app's decision.
pub(super) struct ReferReceived {
    pub(super) target: Uri,
    /// The Replaces header the new INVITE carries (attended transfer).
    pub(super) replaces: Option<String>,
}

/// A call and its dialog. Its deadlines are in the user agent's timer table.
pub(super) struct Call {
    pub(super) id: CallId,
    pub(super) state: CallState,
    pub(super) local: NameAddr,
    pub(super) remote: NameAddr,
    pub(super) remote_target: Uri,
    pub(super) route_set: Vec<NameAddr>,
    pub(super) local_cseq: u32,
    pub(super) remote_cseq: u32,
    /// Our INVITE (for CANCEL and the non-2xx ACK), or the far end's (for our responses).
    pub(super) invite: Request,
    /// Our re-INVITE is out.
    pub(super) reinvite_pending: bool,
    /// An offer waiting to be made again after a 491 ([`super::timers::Timer::GlareRetry`]).
    pub(super) glare_offer: Option<String>,
    /// The far end's re-INVITE or UPDATE waiting for our SDP.
    pub(super) incoming_offer: Option<Request>,
    /// Our 2xx waiting for its ACK.
    pub(super) unacked: Option<UnackedAnswer>,
    /// Our reliable ringing waiting for its PRACK; the RSeq we last sent is `rseq`.
    pub(super) unpracked: Option<UnprackedResponse>,
    pub(super) rseq: u32,
    pub(super) ringing_reported: bool,
    /// The early dialogs our INVITE (or re-INVITE) created: their early answers, and the RSeq
    /// of their reliable provisional responses (RFC 3262 §4).
    pub(super) early: Vec<EarlyDialog>,
    /// Why we cancelled our INVITE when it was not the agent's doing: the call ends so.
    pub(super) cancelled_for: Option<super::api::CallFailure>,
    /// The dialog's session timer (RFC 4028), when it has one.
    pub(super) session: Option<SessionTimer>,
    /// The last SDP we sent: a session refresh by re-INVITE offers it again.
    pub(super) local_sdp: String,
    /// The far end allows UPDATE: refresh with it (no SDP) rather than with a re-INVITE.
    pub(super) peer_allows_update: bool,
    pub(super) refer_received: Option<ReferReceived>,
    /// This call follows a REFER received on that call: its progress goes there as NOTIFY.
    pub(super) notify_to: Option<CallId>,
    /// This incoming call replaces that confirmed call of ours (RFC 3891).
    pub(super) replaces: Option<CallId>,
    /// Our REFER of this call is out or accepted ([`super::timers::Timer::TransferSilence`]).
    pub(super) transferring: bool,
    /// The flow on which the far end last learnt our Contact.
    pub(super) contact_flow: u32,
}

/// Who the two ends of a new dialog are.
pub(super) struct Ends {
    pub(super) local: NameAddr,
    pub(super) remote: NameAddr,
    pub(super) remote_target: Uri,
}

impl Call {
    pub(super) fn new(id: CallId, state: CallState, ends: Ends, local_cseq: u32, invite: Request) -> Call {
        Call {
            id,
            state,
            local: ends.local,
            remote: ends.remote,
            remote_target: ends.remote_target,
            route_set: Vec::new(),
            local_cseq,
            remote_cseq: 0,
            invite,
            reinvite_pending: false,
            glare_offer: None,
            incoming_offer: None,
            unacked: None,
            unpracked: None,
            rseq: 0,
            ringing_reported: false,
            early: Vec::new(),
            cancelled_for: None,
            session: None,
            local_sdp: String::new(),
            peer_allows_update: false,
            refer_received: None,
            notify_to: None,
            replaces: None,
            transferring: false,
            contact_flow: 0,
        }
    }

    /// Why the call ends once our CANCEL of it is through.
    pub(super) fn cancel_reason(&self) -> super::api::EndReason {
        self.cancelled_for.map_or(super::api::EndReason::Local, super::api::EndReason::Failed)
    }

    /// Takes the dialog's far end from `r`, a response to our INVITE with a To tag: its tag,
    /// its route set (Record-Route, reversed) and its Contact (RFC 3261 §12.1.2). A 2xx does it
    /// again for the dialog it confirms (§13.2.2.4).
    pub(super) fn adopt_dialog(&mut self, tag: &str, r: &Response) {
        self.remote.set_tag(tag);
        let mut routes = name_addrs(r.headers.get_all("Record-Route")).unwrap_or_default();
        routes.reverse();
        self.route_set = routes;
        if let Some(target) = name_addrs(r.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
            self.remote_target = target.uri;
        }
    }

    /// An offer is being made, by either side: another must wait (RFC 3261 §14).
    pub(super) fn offer_pending(&self) -> bool {
        self.reinvite_pending || self.incoming_offer.is_some()
    }
}

/// A request within `call`'s dialog (or its INVITE) with this CSeq number.
pub(super) fn dialog_request(call: &Call, via: Via, user_agent: &str, method: Method, seq: u32) -> Request {
    let mut req = Request::new(method.clone(), call.remote_target.clone());
    req.headers.push("Via", via);
    req.headers.push("Max-Forwards", 70);
    for route in &call.route_set {
        req.headers.push("Route", route);
    }
    req.headers.push("From", &call.local);
    req.headers.push("To", &call.remote);
    req.headers.push("Call-ID", call.id.as_str());
    req.headers.push("CSeq", CSeq { seq, method });
    req.headers.push("User-Agent", user_agent);
    req
}

pub(super) fn to_tag(r: &Response) -> Option<String> {
    r.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).and_then(|t| t.tag().map(str::to_owned))
}

impl UserAgent {
    pub(super) fn local_identity(&self) -> NameAddr {
        let user = self.user().unwrap_or("");
        let mut from = NameAddr::new(Uri::sip(user, &self.config.domain));
        if !self.config.display_name.is_empty() {
            from = from.with_display_name(&self.config.display_name);
        }
        from
    }

    /// Our Contact: a `.invalid` host (RFC 7118), marked `ob` with the instance (RFC 5626).
    pub(super) fn contact(&self, expires: Option<u32>) -> String {
        self.contact_of(self.user().unwrap_or(""), expires)
    }

    /// Our Contact for address-of-record user `user`.
    pub(super) fn contact_of(&self, user: &str, expires: Option<u32>) -> String {
        let mut contact = String::with_capacity(128);
        contact.push('<');
        Uri::sip(user, &self.local_host).write_value(&mut contact);
        contact.push_str(";transport=ws;ob>");
        if !self.config.instance_id.is_empty() {
            contact.push_str(";+sip.instance=\"<");
            contact.push_str(&self.config.instance_id);
            contact.push_str(">\";reg-id=1");
        }
        if let Some(e) = expires {
            contact.push_str(";expires=");
            e.write_value(&mut contact);
        }
        contact
    }

    /// A top Via for a new request: a fresh branch (RFC 3261 §8.1.1.7) and rport.
    pub(super) fn via(&mut self) -> Via {
        let mut branch = String::from("z9hG4bK");
        branch.push_str(&token(&mut *self.random, 16));
        let mut params = crate::header::Params::new();
        params.push("branch", Some(&branch));
        params.push("rport", None);
        Via { transport: "WS".into(), sent_by: self.local_host.clone(), params }
    }

    /// The next request in `call`'s dialog, with the next CSeq and this body.
    pub(super) fn in_dialog_request(&mut self, call: &str, method: Method, body: Option<(&str, String)>) -> Option<Request> {
        let via = self.via();
        let c = self.calls.iter_mut().find(|c| c.id == call)?;
        c.local_cseq += 1;
        let mut req = dialog_request(c, via, &self.config.user_agent, method, c.local_cseq);
        if let Some((content_type, body)) = body {
            req.set_body(content_type, body);
        }
        Some(req)
    }

    /// ACKs the 2xx `r` to our INVITE (RFC 3261 §13.2.2.4): an ACK of its own, in the dialog.
    pub(super) fn send_ack(&mut self, call: &str, r: &Response) {
        let seq = r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(1, |c| c.seq);
        let via = self.via();
        let Some(c) = self.calls.iter().find(|c| c.id == call) else { return };
        let ack = dialog_request(c, via, &self.config.user_agent, Method::Ack, seq);
        self.transmit(ack.to_bytes());
    }
}
