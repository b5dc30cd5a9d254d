//! Session timers (RFC 4028): who refreshes, when, and the refresh itself (UPDATE or re-INVITE).

use crate::message::HeaderValue;
use crate::message::{Headers, Method, Request, Response};

use super::api::{CallFailure, EndReason, Instant};
use super::dialog::{Call, SessionTimer};
use super::timers::{Timer, Timers};
use super::transaction::{ClientTx, Purpose};
use super::{supports, UserAgent, SUPPORTED, TRANSACTION_TIMEOUT_MS};

/// The shortest session interval we accept (RFC 4028 §4: at least 90 s).
pub const MIN_SESSION_EXPIRES: u32 = 90;

/// How long a failed session refresh waits before the next attempt.
const REFRESH_RETRY_MS: u64 = 10_000;

/// A `Session-Expires` header: the interval and who refreshes (RFC 4028 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SessionExpires {
    pub(super) seconds: u32,
    /// `refresher=uac` (Some(true)), `uas` (Some(false)), or not said.
    pub(super) uac_refreshes: Option<bool>,
}

impl SessionExpires {
    pub(super) fn from_headers(headers: &Headers) -> Option<SessionExpires> {
        let value = headers.get("Session-Expires")?;
        let mut parts = value.split(';');
        let seconds = crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(parts.next()?))?;
        let uac_refreshes = parts.filter_map(|p| p.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case("refresher")).and_then(|(_, v)| {
            match v.trim().to_ascii_lowercase().as_str() {
                "uac" => Some(true),
                "uas" => Some(false),
                _ => None,
            }
        });
        Some(SessionExpires { seconds, uac_refreshes })
    }

    pub(super) fn header(seconds: u32, uac_refreshes: bool) -> String {
        let mut value = seconds.to_value_string();
        value.push_str(if uac_refreshes { ";refresher=uac" } else { ";refresher=uas" });
        value
    }
}

/// Starts (or restarts) `call`'s session timer.
pub(super) fn start_session(timers: &mut Timers, call: &mut Call, now: Instant, seconds: u32, we_refresh: bool) {
    let interval = u64::from(seconds) * 1000;
    let due = if we_refresh { now + interval / 2 } else { now + (interval - (interval / 3).min(32_000)) };
    call.session = Some(SessionTimer { seconds, we_refresh });
    timers.set(Timer::Session(call.id.clone()), due);
}

/// Starts `call`'s session timer, or stops it (`None`: the dialog runs without one).
pub(super) fn set_session(timers: &mut Timers, call: &mut Call, now: Instant, session: Option<SessionTimer>) {
    match session {
        Some(s) => start_session(timers, call, now, s.seconds, s.we_refresh),
        None => {
            call.session = None;
            timers.clear(&Timer::Session(call.id.clone()));
        }
    }
}

/// Answers a request that may refresh the session (INVITE, re-INVITE, UPDATE): the response
/// `r` gets the interval and refresher (RFC 4028 §9); the session timer to run from now on is
/// returned. A request without Session-Expires turns the timer off.
pub(super) fn accept_session_refresh(req: &Request, r: &mut Response) -> Option<SessionTimer> {
    let se = SessionExpires::from_headers(&req.headers)?;
    // The requester refreshes unless it said otherwise, or cannot (no `timer` support).
    let uac_refreshes = se.uac_refreshes.unwrap_or_else(|| supports(&req.headers, "timer"));
    if supports(&req.headers, "timer") {
        r.headers.push("Require", "timer");
    }
    r.headers.push("Session-Expires", SessionExpires::header(se.seconds, uac_refreshes));
    // We are the UAS of this request.
    Some(SessionTimer { seconds: se.seconds, we_refresh: !uac_refreshes })
}

impl UserAgent {
    /// The session timer of `call` fell due: refresh, or end a call the far end stopped
    /// refreshing (RFC 4028 §10).
    pub(super) fn on_session_due(&mut self, now: Instant, call: &str) {
        let Some(session) = self.call_mut(call).and_then(|c| c.session) else { return };
        if session.we_refresh {
            self.refresh_session(now, call, session);
        } else {
            self.bye(now, call, EndReason::Failed(CallFailure::SessionExpired));
        }
    }

    /// Refreshes the session (RFC 4028 §10): UPDATE without a body where the far end allows
    /// it, else a re-INVITE offering the same SDP again.
    fn refresh_session(&mut self, now: Instant, call: &str, session: SessionTimer) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        if c.offer_pending() {
            // An offer is in progress and will refresh the session itself; look again later.
            return self.timers.set(Timer::Session(call.into()), now + REFRESH_RETRY_MS);
        }
        // Until the refresh is answered, do not refresh again.
        self.timers.set(Timer::Session(call.into()), now + TRANSACTION_TIMEOUT_MS + REFRESH_RETRY_MS);
        if c.peer_allows_update {
            let contact = self.contact(None);
            if let Some(mut req) = self.in_dialog_request(call, Method::Update, None) {
                req.headers.push("Contact", contact);
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(session.seconds, true));
                self.send_request(now, req, Purpose::Refresh, Some(call.into()));
            }
        } else {
            c.reinvite_pending = true;
            let sdp = c.local_sdp.clone();
            self.send_reinvite(now, call, sdp, Purpose::Refresh);
        }
    }

    /// The final answer to our session refresh (UPDATE or re-INVITE `request`).
    pub(super) fn on_refresh_response(&mut self, now: Instant, call: &str, request: &Request, r: &Response) {
        let was_invite = request.method == Method::Invite;
        if let Some(c) = self.call_mut(call).filter(|_| was_invite) {
            c.reinvite_pending = false;
        }
        if r.is_success() {
            if was_invite {
                // The answer repeats the session as it was: nothing for the app.
                self.send_ack(call, r);
            }
            return self.on_session_refreshed(now, call, r);
        }
        if matches!(r.status, 408 | 481) {
            return self.end_call(call, EndReason::Failed(CallFailure::Lost { status: r.status }));
        }
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        // A far end that does not take UPDATE after all: refresh by re-INVITE, now.
        let unsupported = !was_invite && matches!(r.status, 405 | 501);
        if unsupported {
            c.peer_allows_update = false;
        }
        if c.session.is_some() {
            self.timers.set(Timer::Session(call.into()), if unsupported { now } else { now + REFRESH_RETRY_MS });
        }
    }

    /// A 422 (RFC 4028 §7.4): send the request again asking for the far end's Min-SE.
    pub(super) fn retry_with_longer_session(&mut self, now: Instant, tx: &ClientTx, r: &Response) -> bool {
        let asked = SessionExpires::from_headers(&tx.request.headers).map_or(0, |s| s.seconds);
        let Some(min) = r.headers.get("Min-SE").and_then(|v| v.split(';').next()).and_then(|v| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(v))).filter(|m| *m > asked) else {
            return false;
        };
        let mut req = tx.request.clone();
        req.headers.set("Session-Expires", min);
        req.headers.set("Min-SE", min);
        self.resend(now, tx, req, tx.authenticated)
    }

    /// The answer to our refresh (or re-INVITE) says how the session goes on.
    pub(super) fn on_session_refreshed(&mut self, now: Instant, call: &str, r: &Response) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        let Some(old) = c.session else { return };
        match SessionExpires::from_headers(&r.headers) {
            // We sent the request, so we are its UAC.
            Some(se) => start_session(&mut self.timers, c, now, se.seconds, se.uac_refreshes.unwrap_or(true)),
            None => start_session(&mut self.timers, c, now, old.seconds, old.we_refresh),
        }
    }
}
