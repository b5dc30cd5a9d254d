//! Client transactions: sending requests, matching responses to them, and answering digest
//! challenges (RFC 3261 §17, §22, RFC 7616) or a 422 (RFC 4028) by sending the request again.

use crate::message::HeaderValue;
use crate::auth;
use crate::header::{CSeq, Challenge, Via};
use crate::message::{Method, Request, Response};

use super::api::{CallId, DropReason, Event, Instant};
use super::timers::Timer;
use super::{token, UserAgent, PROVISIONAL_WAIT_MS, TRANSACTION_TIMEOUT_MS};

/// What became of a challenge.
enum AuthRetry {
    /// The request went out again with credentials.
    Sent,
    /// Nothing to answer with (no credentials, no supported challenge).
    Unanswerable,
    /// The challenge came from a realm other than our SIP domain.
    Refused(auth::ForeignRealm),
}

/// What a client transaction is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    Register,
    Unregister,
    /// Removing the binding of an address of record we left (the user moved to another
    /// extension); its answer changes nothing else.
    Retire,
    Invite,
    Reinvite,
    Cancel,
    Bye,
    Info,
    /// The acknowledgement of a reliable provisional response (RFC 3262).
    Prack,
    /// A session-timer refresh (UPDATE, or re-INVITE with the last SDP).
    Refresh,
    Refer,
    Notify,
}

impl Purpose {
    /// Still awaited once its call is over: the answer to a BYE, a CANCEL or the INVITE it
    /// cancels.
    pub(super) fn outlives_call(self) -> bool {
        matches!(self, Purpose::Bye | Purpose::Cancel | Purpose::Invite)
    }
}

pub(super) struct ClientTx {
    pub(super) purpose: Purpose,
    pub(super) call: Option<CallId>,
    pub(super) request: Request,
    /// Authorization already tried for this request (a second challenge means a bad password).
    pub(super) authenticated: bool,
}

/// One transaction under its key.
struct Entry {
    key: String,
    tx: ClientTx,
}

/// Client transactions by key (top Via branch and method). There are a handful at a time, so a
/// list is as fast as a hash map here, and smaller in wasm.
#[derive(Default)]
pub(super) struct Transactions(Vec<Entry>);

impl Transactions {
    fn get(&self, key: &str) -> Option<&ClientTx> {
        self.0.iter().find(|e| e.key == key).map(|e| &e.tx)
    }

    fn remove(&mut self, key: &str) -> Option<ClientTx> {
        let index = self.0.iter().position(|e| e.key == key)?;
        Some(self.0.swap_remove(index).tx)
    }

    fn insert(&mut self, key: String, tx: ClientTx) {
        self.remove(&key);
        self.0.push(Entry { key, tx });
    }
}

/// A use count of a nonce, for `nc` (RFC 7616 §3.4).
pub(super) struct NonceCount {
    nonce: String,
    count: u32,
}

/// The key of a client transaction: top Via branch and method (a CANCEL shares its INVITE's
/// branch: the method tells the two apart).
fn tx_key(branch: &str, method: &Method) -> String {
    let mut key = String::with_capacity(branch.len() + 10);
    key.push_str(branch);
    key.push(' ');
    key.push_str(method.as_str());
    key
}

fn request_key(req: &Request) -> String {
    let via = req.headers.get("Via").and_then(|v| Via::parse(v).ok());
    tx_key(via.as_ref().and_then(Via::branch).unwrap_or(""), &req.method)
}

/// The key of the transaction `r` answers, when it has a Via branch and a CSeq.
fn response_key(r: &Response) -> Option<String> {
    let via = r.headers.get("Via").and_then(|v| Via::parse(v).ok())?;
    Some(tx_key(via.branch()?, &cseq_method(r)?))
}

fn cseq_method(r: &Response) -> Option<Method> {
    r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map(|c| c.method)
}

fn is_stale(r: &Response) -> bool {
    r.headers.get_all("WWW-Authenticate").chain(r.headers.get_all("Proxy-Authenticate")).filter_map(|c| Challenge::parse(c).ok()).any(|c| c.stale)
}

impl UserAgent {
    pub(super) fn on_response(&mut self, now: Instant, r: Response) {
        let Some(key) = response_key(&r) else {
            return self.event(Event::Dropped { reason: DropReason::UnmatchableResponse });
        };
        let Some(tx) = self.transactions.get(&key) else {
            // A retransmitted 2xx to our INVITE: ACK it again (RFC 3261 §13.2.2.4).
            if r.is_success() && cseq_method(&r) == Some(Method::Invite) {
                if let Some(call) = r.headers.get("Call-ID").map(str::to_owned) {
                    self.send_ack(&call, &r);
                }
            }
            return;
        };
        if r.is_provisional() {
            if tx.request.method == Method::Invite {
                let (call, initial) = (tx.call.clone().unwrap_or_default(), tx.purpose == Purpose::Invite);
                // The far end is there: a call may ring, or play an announcement, for minutes.
                self.timers.set(Timer::Transaction(key), now + PROVISIONAL_WAIT_MS);
                self.on_provisional(now, &call, initial, &r);
            }
            return;
        }
        let Some(tx) = self.transactions.remove(&key) else { return };
        self.timers.clear(&Timer::Transaction(key));
        if !self.sent_again(now, &tx, &r) {
            self.on_final_response(now, tx, &r);
        }
    }

    /// Answers a challenge or a 422 by sending the request again; false when it cannot.
    fn sent_again(&mut self, now: Instant, tx: &ClientTx, r: &Response) -> bool {
        // A first challenge, or a stale nonce (the password was fine): answer it once.
        let answerable = matches!(r.status, 401 | 407) && tx.purpose != Purpose::Cancel && (!tx.authenticated || is_stale(r));
        if answerable {
            match self.retry_with_auth(now, tx, r) {
                AuthRetry::Sent => return true,
                AuthRetry::Refused(realm) if tx.purpose == Purpose::Register => {
                    self.on_register_foreign_realm(r.status, realm);
                    return true;
                }
                // Other requests end as the PBX's refusal: the password is not used either way.
                AuthRetry::Refused(_) | AuthRetry::Unanswerable => {}
            }
        }
        r.status == 422 && self.retry_with_longer_session(now, tx, r)
    }

    /// The final answer to `tx`, for the part that sent it.
    fn on_final_response(&mut self, now: Instant, tx: ClientTx, r: &Response) {
        let call = tx.call.unwrap_or_default();
        match tx.purpose {
            Purpose::Register | Purpose::Unregister => self.on_register_response(now, r, tx.purpose),
            Purpose::Retire => self.retiring = None,
            Purpose::Invite => self.on_invite_final(now, &call, r),
            Purpose::Reinvite => self.on_reinvite_response(now, &call, &tx.request, r),
            Purpose::Refresh => self.on_refresh_response(now, &call, &tx.request, r),
            Purpose::Refer => self.on_refer_response(&call, r),
            Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Prack | Purpose::Notify => {}
        }
    }

    /// A request that went unanswered for 64*T1.
    pub(super) fn on_transaction_timeout(&mut self, now: Instant, key: &str) {
        let Some(tx) = self.transactions.remove(key) else { return };
        let call = tx.call.unwrap_or_default();
        match tx.purpose {
            Purpose::Register => self.on_register_timeout(),
            Purpose::Unregister => self.on_unregister_timeout(),
            Purpose::Retire => self.retiring = None,
            Purpose::Invite => self.on_invite_timeout(now, &call),
            Purpose::Reinvite => {
                if let Some(c) = self.call_mut(&call) {
                    c.reinvite_pending = false;
                }
                self.event(Event::ReinviteFailed { call, status: 408 });
            }
            Purpose::Refresh => self.end_call(&call, super::EndReason::Failed(super::CallFailure::RefreshUnanswered)),
            Purpose::Refer => self.transfer_failed(&call, 408),
            Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Prack | Purpose::Notify => {}
        }
    }

    /// Forgets the transactions `pick` chooses (their answers are no longer awaited); returns
    /// them.
    pub(super) fn abandon_transactions(&mut self, mut pick: impl FnMut(&ClientTx) -> bool) -> Vec<ClientTx> {
        let (abandoned, kept): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.transactions.0).into_iter().partition(|e| pick(&e.tx));
        self.transactions.0 = kept;
        abandoned
            .into_iter()
            .map(|e| {
                self.timers.clear(&Timer::Transaction(e.key));
                e.tx
            })
            .collect()
    }

    pub(super) fn send_request(&mut self, now: Instant, req: Request, purpose: Purpose, call: Option<CallId>) {
        if !self.transport_up {
            // Sent when a connection is back, so a hang-up during a blip still reaches the far end.
            return self.hold_request(req, purpose, call);
        }
        if let Some(c) = call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)).filter(|_| req.headers.contains("Contact")) {
            c.contact_flow = self.flow.number;
        }
        self.start_transaction(now, ClientTx { purpose, call, request: req, authenticated: false });
    }

    fn start_transaction(&mut self, now: Instant, tx: ClientTx) {
        let key = request_key(&tx.request);
        self.transmit(tx.request.to_bytes());
        self.timers.set(Timer::Transaction(key.clone()), now + TRANSACTION_TIMEOUT_MS);
        self.transactions.insert(key, tx);
    }

    /// Sends the request again with credentials for the challenge in `r`, if there is one we
    /// can answer for our own SIP domain (the only realm the password is used for).
    fn retry_with_auth(&mut self, now: Instant, tx: &ClientTx, r: &Response) -> AuthRetry {
        // A binding being retired is removed with the credentials it was made with.
        let credentials = if tx.purpose == Purpose::Retire { self.retiring.as_ref().map(|r| r.credentials.clone()) } else { self.credentials.clone() };
        let Some(credentials) = credentials else { return AuthRetry::Unanswerable };
        let header = if r.status == 407 { "Proxy-Authenticate" } else { "WWW-Authenticate" };
        let challenges: Vec<Challenge> = r.headers.get_all(header).filter_map(|c| Challenge::parse(c).ok()).collect();
        let (challenge, algorithm) = match auth::pick_for_realm(&challenges, &self.config.domain) {
            Ok(Some(pick)) => pick,
            Ok(None) => return AuthRetry::Unanswerable,
            Err(refusal) => return AuthRetry::Refused(refusal),
        };
        let nc = self.next_nonce_count(&challenge.nonce);
        let cnonce = token(&mut *self.random, 16);
        let uri = tx.request.uri.to_value_string();
        let authorization = auth::answer(challenge, algorithm, &credentials, tx.request.method.as_str(), &uri, nc, &cnonce);
        let auth_header = if r.status == 407 { "Proxy-Authorization" } else { "Authorization" };
        let mut req = tx.request.clone();
        req.headers.set(auth_header, authorization);
        if self.resend(now, tx, req, true) {
            AuthRetry::Sent
        } else {
            AuthRetry::Unanswerable
        }
    }

    /// The `nc` for the next use of `nonce` (RFC 7616 §3.4). Only the latest few nonces are
    /// remembered: a registrar hands out a new one every so often, all day long.
    fn next_nonce_count(&mut self, nonce: &str) -> u32 {
        const REMEMBERED: usize = 8;
        if let Some(known) = self.nonce_counts.iter_mut().find(|n| n.nonce == nonce) {
            known.count += 1;
            return known.count;
        }
        if self.nonce_counts.len() >= REMEMBERED {
            self.nonce_counts.remove(0);
        }
        self.nonce_counts.push(NonceCount { nonce: nonce.to_owned(), count: 1 });
        1
    }

    /// Sends `req`, a changed copy of `tx`'s request, as a new transaction (new branch, next
    /// CSeq); false when the call it belonged to is gone.
    pub(super) fn resend(&mut self, now: Instant, tx: &ClientTx, mut req: Request, authenticated: bool) -> bool {
        req.headers.set("Via", self.via());
        // A new request in the same dialog or registration: the next CSeq.
        let seq = match tx.purpose {
            Purpose::Register | Purpose::Unregister | Purpose::Retire => {
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
        if tx.purpose == Purpose::Invite {
            // CANCEL and the ACK of a failure must match the INVITE now in flight.
            if let Some(c) = tx.call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)) {
                c.invite = req.clone();
            }
        }
        self.start_transaction(now, ClientTx { purpose: tx.purpose, call: tx.call.clone(), request: req, authenticated });
        true
    }
}
