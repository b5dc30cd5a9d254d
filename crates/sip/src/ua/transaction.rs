//! Client transactions: sending requests, matching responses to them, and answering digest
//! challenges (RFC 3261 §17, §22, RFC 7616) or a 422 (RFC 4028) by sending the request again.

use crate::auth;
use crate::header::{CSeq, Challenge, Via};
use crate::message::{Method, Request, Response};

use super::api::{CallId, EndReason, Event, Millis};
use super::invite::GLARE_RETRY_MS;
use super::registration::Registration;
use super::session::{REFRESH_RETRY_MS, SessionExpires};
use super::{TRANSACTION_TIMEOUT_MS, UserAgent, token};

/// What became of a challenge.
pub(super) enum AuthRetry {
    /// The request went out again with credentials.
    Sent,
    /// Nothing to answer with (no credentials, no supported challenge).
    Unanswerable,
    /// The challenge came from a realm other than our SIP domain.
    Refused(auth::ForeignRealm),
}

/// What a client transaction is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    Register,
    Unregister,
    Invite,
    Reinvite,
    Cancel,
    Bye,
    Info,
    /// A session-timer refresh (UPDATE, or re-INVITE with the last SDP).
    Refresh,
    Refer,
    Notify,
}

pub(super) struct ClientTx {
    pub(super) purpose: Purpose,
    pub(super) call: Option<CallId>,
    pub(super) request: Request,
    pub(super) deadline: Millis,
    /// Authorization already tried for this request (a second challenge means a bad password).
    pub(super) authenticated: bool,
}

/// Client transactions by key (top Via branch and method). There are a handful at a time, so a
/// list is as fast as a hash map here, and smaller in wasm.
#[derive(Default)]
pub(super) struct Transactions(Vec<(String, ClientTx)>);

impl Transactions {
    pub(super) fn get(&self, key: &str) -> Option<&ClientTx> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, t)| t)
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<ClientTx> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(index).1)
    }

    pub(super) fn insert(&mut self, key: String, tx: ClientTx) {
        self.remove(&key);
        self.0.push((key, tx));
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&String, &ClientTx)> {
        self.0.iter().map(|(k, t)| (k, t))
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &ClientTx> {
        self.0.iter().map(|(_, t)| t)
    }

    pub(super) fn retain(&mut self, mut keep: impl FnMut(&String, &ClientTx) -> bool) {
        self.0.retain(|(k, t)| keep(k, t));
    }
}

/// The key of a client transaction: top Via branch and method.
pub(super) fn tx_key(branch: &str, method: &Method) -> String {
    format!("{branch} {method}")
}

pub(super) fn request_key(req: &Request) -> String {
    let branch = req.headers.get("Via").and_then(|v| Via::parse(v).ok()).and_then(|v| v.branch().map(str::to_owned)).unwrap_or_default();
    tx_key(&branch, &req.method)
}

pub(super) fn cseq_method(r: &Response) -> Option<Method> {
    r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map(|c| c.method)
}

pub(super) fn is_stale(r: &Response) -> bool {
    r.headers.get_all("WWW-Authenticate").chain(r.headers.get_all("Proxy-Authenticate")).filter_map(|c| Challenge::parse(c).ok()).any(|c| c.stale)
}

impl UserAgent {
    pub(super) fn on_response(&mut self, now: Millis, r: Response) {
        let (Some(branch), Some(method)) = (r.headers.get("Via").and_then(|v| Via::parse(v).ok()).and_then(|v| v.branch().map(str::to_owned)), cseq_method(&r)) else {
            return self.event(Event::Dropped { reason: "a response without a Via branch or CSeq".into() });
        };
        // A CANCEL shares its INVITE's branch: the method tells the two transactions apart.
        let branch = tx_key(&branch, &method);
        let Some(tx) = self.transactions.get(&branch) else {
            // A retransmitted 2xx to our INVITE: ACK it again (RFC 3261 §13.2.2.4).
            if r.is_success() && cseq_method(&r) == Some(Method::Invite) {
                if let Some(call) = r.headers.get("Call-ID").map(str::to_owned) {
                    self.send_ack(&call, &r);
                }
            }
            return;
        };
        let (purpose, call, authenticated) = (tx.purpose.clone(), tx.call.clone(), tx.authenticated);
        if r.is_provisional() {
            if purpose == Purpose::Invite {
                self.on_provisional(now, &call.unwrap_or_default(), &r);
            }
            return;
        }
        let Some(tx) = self.transactions.remove(&branch) else { return };
        // A first challenge, or a stale nonce (the password was fine): answer it once.
        let answerable = matches!(r.status, 401 | 407) && purpose != Purpose::Cancel && (!authenticated || is_stale(&r));
        if answerable {
            match self.retry_with_auth(now, &tx, &r) {
                AuthRetry::Sent => return,
                AuthRetry::Refused(refusal) if matches!(purpose, Purpose::Register) => {
                    self.registration = Registration::Idle;
                    return self.event(Event::RegistrationFailed { status: Some(r.status), reason: refusal.to_string(), retry_after: None });
                }
                // Other requests end as the PBX's refusal: the password is not used either way.
                AuthRetry::Refused(_) | AuthRetry::Unanswerable => {}
            }
        }
        if r.status == 422 && self.retry_with_longer_session(now, &tx, &r) {
            return;
        }
        match purpose {
            Purpose::Register | Purpose::Unregister => self.on_register_response(now, &r, purpose),
            Purpose::Invite => self.on_invite_final(now, &call.unwrap_or_default(), &r),
            Purpose::Reinvite => {
                let id = call.unwrap_or_default();
                if let Some(c) = self.call_mut(&id) {
                    c.reinvite_pending = false;
                }
                if r.is_success() {
                    self.send_ack(&id, &r);
                    self.on_session_refreshed(now, &id, &r);
                    let sdp = String::from_utf8_lossy(&r.body).into_owned();
                    self.event(Event::Reanswered { call: id, sdp });
                } else if r.status == 491 {
                    // Glare: both sides re-INVITEd. Wait a random while and offer again.
                    let wait = GLARE_RETRY_MS.0 + self.random.next_u64() % (GLARE_RETRY_MS.1 - GLARE_RETRY_MS.0);
                    let sdp = String::from_utf8_lossy(&tx.request.body).into_owned();
                    if let Some(c) = self.call_mut(&id) {
                        c.glare_retry = Some((now + wait, sdp));
                    }
                } else if matches!(r.status, 408 | 481) {
                    self.end_call(&id, EndReason::Failed(format!("The call was lost ({} {})", r.status, r.reason)));
                } else {
                    self.event(Event::ReinviteFailed { call: id, status: r.status });
                }
            }
            Purpose::Refresh => {
                let id = call.unwrap_or_default();
                let was_invite = tx.request.method == Method::Invite;
                if let Some(c) = self.call_mut(&id).filter(|_| was_invite) {
                    c.reinvite_pending = false;
                }
                if r.is_success() {
                    if was_invite {
                        // The answer repeats the session as it was: nothing for the app.
                        self.send_ack(&id, &r);
                    }
                    self.on_session_refreshed(now, &id, &r);
                } else if matches!(r.status, 408 | 481) {
                    self.end_call(&id, EndReason::Failed(format!("The call was lost ({} {})", r.status, r.reason)));
                } else if let Some(c) = self.call_mut(&id) {
                    // A far end that does not take UPDATE after all: refresh by re-INVITE, now.
                    let unsupported = !was_invite && matches!(r.status, 405 | 501);
                    if unsupported {
                        c.peer_allows_update = false;
                    }
                    if let Some(s) = c.session.as_mut() {
                        s.due = if unsupported { now } else { now + REFRESH_RETRY_MS };
                    }
                }
            }
            Purpose::Refer => {
                if !r.is_success() {
                    let id = call.unwrap_or_default();
                    if let Some(c) = self.call_mut(&id) {
                        c.transferring = None;
                    }
                    self.event(Event::TransferFailed { call: id, status: r.status });
                }
            }
            Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Notify => {}
        }
    }

    pub(super) fn send_request(&mut self, now: Millis, req: Request, purpose: Purpose, call: Option<CallId>) {
        if !self.transport_up {
            // Sent when a connection is back, so a hang-up during a blip still reaches the far end.
            return self.hold_request(req, purpose, call);
        }
        if let Some(c) = call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)).filter(|_| req.headers.get("Contact").is_some()) {
            c.contact_flow = self.flow.number;
        }
        let branch = request_key(&req);
        self.transmit(req.to_bytes());
        self.transactions.insert(branch, ClientTx { purpose, call, request: req, deadline: now + TRANSACTION_TIMEOUT_MS, authenticated: false });
    }

    /// Sends the request again with credentials for the challenge in `r`, if there is one we
    /// can answer for our own SIP domain (the only realm the password is used for).
    pub(super) fn retry_with_auth(&mut self, now: Millis, tx: &ClientTx, r: &Response) -> AuthRetry {
        let Some(credentials) = self.credentials.clone() else { return AuthRetry::Unanswerable };
        let header = if r.status == 407 { "Proxy-Authenticate" } else { "WWW-Authenticate" };
        let challenges: Vec<Challenge> = r.headers.get_all(header).filter_map(|c| Challenge::parse(c).ok()).collect();
        let (challenge, algorithm) = match auth::pick_for_realm(&challenges, &self.config.domain) {
            Ok(Some(pick)) => pick,
            Ok(None) => return AuthRetry::Unanswerable,
            Err(refusal) => return AuthRetry::Refused(refusal),
        };
        let nc = self.next_nonce_count(&challenge.nonce);
        let cnonce = token(&mut *self.random, 16);
        let uri = tx.request.uri.to_string();
        let authorization = auth::answer(challenge, algorithm, &credentials, tx.request.method.as_str(), &uri, nc, &cnonce);
        let auth_header = if r.status == 407 { "Proxy-Authorization" } else { "Authorization" };
        if self.resend(now, tx, true, |req| req.headers.set(auth_header, authorization)) {
            AuthRetry::Sent
        } else {
            AuthRetry::Unanswerable
        }
    }

    /// The `nc` for the next use of `nonce` (RFC 7616 §3.4). Only the latest few nonces are
    /// remembered: a registrar hands out a new one every so often, all day long.
    pub(super) fn next_nonce_count(&mut self, nonce: &str) -> u32 {
        const REMEMBERED: usize = 8;
        let count = match self.nonce_counts.iter_mut().find(|(n, _)| n == nonce) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                if self.nonce_counts.len() >= REMEMBERED {
                    self.nonce_counts.remove(0);
                }
                self.nonce_counts.push((nonce.to_owned(), 1));
                1
            }
        };
        count
    }

    /// A 422 (RFC 4028 §7.4): send the request again asking for the far end's Min-SE.
    pub(super) fn retry_with_longer_session(&mut self, now: Millis, tx: &ClientTx, r: &Response) -> bool {
        let asked = SessionExpires::from_headers(&tx.request.headers).map_or(0, |s| s.seconds);
        let Some(min) = r.headers.get("Min-SE").and_then(|v| v.split(';').next()).and_then(|v| v.trim().parse::<u32>().ok()).filter(|m| *m > asked) else {
            return false;
        };
        self.resend(now, tx, tx.authenticated, |req| {
            req.headers.set("Session-Expires", min);
            req.headers.set("Min-SE", min);
        })
    }

    /// Sends `tx`'s request again as a new transaction (new branch, next CSeq), changed by
    /// `edit`; false when the call it belonged to is gone.
    pub(super) fn resend(&mut self, now: Millis, tx: &ClientTx, authenticated: bool, edit: impl FnOnce(&mut Request)) -> bool {
        let mut req = tx.request.clone();
        let (via, _) = self.via();
        req.headers.set("Via", via);
        // A new request in the same dialog or registration: the next CSeq.
        let seq = match tx.purpose {
            Purpose::Register | Purpose::Unregister => {
                self.reg_cseq += 1;
                self.reg_cseq
            }
            _ => {
                let Some(c) = tx.call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)) else { return false };
                c.local_cseq += 1;
                c.local_cseq
            }
        };
        req.headers.set("CSeq", CSeq { seq, method: req.method.clone() });
        edit(&mut req);
        if tx.purpose == Purpose::Invite {
            // CANCEL and the ACK of a failure must match the INVITE now in flight.
            if let Some(c) = tx.call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)) {
                c.invite = req.clone();
            }
        }
        let branch = request_key(&req);
        self.transmit(req.to_bytes());
        let (purpose, call) = (tx.purpose.clone(), tx.call.clone());
        self.transactions.insert(branch, ClientTx { purpose, call, authenticated, request: req, deadline: now + TRANSACTION_TIMEOUT_MS });
        true
    }
}
