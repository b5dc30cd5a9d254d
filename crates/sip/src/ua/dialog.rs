//! Calls as dialogs (RFC 3261 §12): their state, and the requests built inside them.

use crate::header::{CSeq, Via};
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{CallId, Millis};
use super::session::SessionTimer;
use super::{UserAgent, token};

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

pub(super) struct Call {
    pub(super) id: CallId,
    pub(super) state: CallState,
    pub(super) outgoing: bool,
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
    /// An offer waiting for a 491 retry: (when, sdp).
    pub(super) glare_retry: Option<(Millis, String)>,
    /// The far end's re-INVITE waiting for our answer.
    pub(super) incoming_reinvite: Option<Request>,
    /// A 2xx to retransmit until ACK: (response, next send, interval, give up at).
    pub(super) unacked_ok: Option<(String, Millis, Millis, Millis)>,
    pub(super) ringing_reported: bool,
    /// The dialog's session timer (RFC 4028), when it has one.
    pub(super) session: Option<SessionTimer>,
    /// The last SDP we sent: a session refresh by re-INVITE offers it again.
    pub(super) local_sdp: String,
    /// The far end allows UPDATE: refresh with it (no SDP) rather than with a re-INVITE.
    pub(super) peer_allows_update: bool,
    /// The far end's REFER waiting for the app: target and the Replaces header to carry.
    pub(super) refer_received: Option<(Uri, Option<String>)>,
    /// This call follows a REFER received on that call: its progress goes there as NOTIFY.
    pub(super) notify_to: Option<CallId>,
    /// This incoming call replaces that confirmed call of ours (RFC 3891).
    pub(super) replaces: Option<CallId>,
    /// Our REFER of this call is out or accepted: when we give up hearing nothing more.
    pub(super) transferring: Option<Millis>,
    /// The flow on which the far end last learnt our Contact.
    pub(super) contact_flow: u32,
}

impl Call {
    pub(super) fn new(id: CallId, state: CallState, local: NameAddr, remote: NameAddr, remote_target: Uri, local_cseq: u32, invite: Request) -> Call {
        Call {
            id,
            state,
            outgoing: state == CallState::Calling,
            local,
            remote,
            remote_target,
            route_set: Vec::new(),
            local_cseq,
            remote_cseq: 0,
            invite,
            reinvite_pending: false,
            glare_retry: None,
            incoming_reinvite: None,
            unacked_ok: None,
            ringing_reported: false,
            session: None,
            local_sdp: String::new(),
            peer_allows_update: false,
            refer_received: None,
            notify_to: None,
            replaces: None,
            transferring: None,
            contact_flow: 0,
        }
    }
}

pub(super) fn clone_call(c: &Call) -> Call {
    Call {
        id: c.id.clone(),
        state: c.state,
        outgoing: c.outgoing,
        local: c.local.clone(),
        remote: c.remote.clone(),
        remote_target: c.remote_target.clone(),
        route_set: c.route_set.clone(),
        local_cseq: c.local_cseq,
        remote_cseq: c.remote_cseq,
        invite: c.invite.clone(),
        reinvite_pending: c.reinvite_pending,
        glare_retry: None,
        incoming_reinvite: None,
        unacked_ok: None,
        ringing_reported: c.ringing_reported,
        session: c.session,
        local_sdp: String::new(),
        peer_allows_update: c.peer_allows_update,
        refer_received: None,
        notify_to: None,
        replaces: None,
        transferring: c.transferring,
        contact_flow: c.contact_flow,
    }
}

pub(super) fn to_tag(r: &Response) -> Option<String> {
    r.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).and_then(|t| t.tag().map(str::to_owned))
}

impl UserAgent {
    /// The confirmed call a Replaces header names (`call-id;to-tag=ours;from-tag=theirs`).
    pub(super) fn replaced_call(&self, value: &str) -> Option<CallId> {
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

    // --- building and sending ---------------------------------------------------------------

    pub(super) fn local_identity(&self) -> NameAddr {
        let user = self.credentials.as_ref().map_or("", |c| c.user.as_str());
        let mut from = NameAddr::new(Uri::sip(user, &self.config.domain));
        if !self.config.display_name.is_empty() {
            from = from.with_display_name(&self.config.display_name);
        }
        from
    }

    /// Our Contact: a `.invalid` host (RFC 7118), marked `ob` with the instance (RFC 5626).
    pub(super) fn contact(&self, expires: Option<u32>) -> String {
        let user = self.credentials.as_ref().map_or("", |c| c.user.as_str());
        let mut contact = format!("<{};transport=ws;ob>", Uri::sip(user, &self.local_host));
        if !self.config.instance_id.is_empty() {
            contact.push_str(&format!(";+sip.instance=\"<{}>\";reg-id=1", self.config.instance_id));
        }
        if let Some(e) = expires {
            contact.push_str(&format!(";expires={e}"));
        }
        contact
    }

    pub(super) fn via(&mut self) -> (Via, String) {
        let branch = format!("z9hG4bK{}", token(&mut *self.random, 16));
        let mut params = crate::header::Params::new();
        params.push("branch", Some(&branch));
        params.push("rport", None);
        (Via { transport: "WS".into(), sent_by: self.local_host.clone(), params }, branch)
    }

    /// A request within `call`'s dialog (or its INVITE), with the next CSeq where asked.
    pub(super) fn dialog_request(&mut self, call: &Call, method: Method, seq: u32) -> Request {
        let (via, _) = self.via();
        let mut req = Request::new(method.clone(), call.remote_target.clone());
        req.headers.push("Via", via);
        req.headers.push("Max-Forwards", 70);
        for route in &call.route_set {
            req.headers.push("Route", route);
        }
        req.headers.push("From", &call.local);
        req.headers.push("To", &call.remote);
        req.headers.push("Call-ID", &call.id);
        req.headers.push("CSeq", CSeq { seq, method });
        req.headers.push("User-Agent", &self.config.user_agent);
        req
    }

    pub(super) fn in_dialog_request(&mut self, call: &str, method: Method, body: Option<(&str, String)>) -> Option<Request> {
        let index = self.calls.iter().position(|c| c.id == call)?;
        let c = self.calls.get_mut(index)?;
        c.local_cseq += 1;
        let seq = c.local_cseq;
        // Take the call out briefly to borrow it while building from `self`.
        let snapshot = Call { invite: Request::new(Method::Ack, c.remote_target.clone()), ..clone_call(c) };
        let mut req = self.dialog_request(&snapshot, method, seq);
        if let Some((content_type, body)) = body {
            req.set_body(content_type, body);
        }
        Some(req)
    }

    pub(super) fn send_ack(&mut self, call: &str, r: &Response) {
        let seq = r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(1, |c| c.seq);
        let Some(c) = self.calls.iter().find(|c| c.id == call) else { return };
        let snapshot = clone_call(c);
        let ack = self.dialog_request(&snapshot, Method::Ack, seq);
        self.transmit(ack.to_bytes());
    }
}
