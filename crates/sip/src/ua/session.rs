//! Session timers (RFC 4028): who refreshes, when, and the refresh itself (UPDATE or re-INVITE).

use crate::message::{Method, Request, Response};

use super::api::Millis;
use super::dialog::Call;
use super::transaction::Purpose;
use super::{SUPPORTED, TRANSACTION_TIMEOUT_MS, UserAgent, supports};

/// The shortest session interval we accept (RFC 4028 §4: at least 90 s).
pub const MIN_SESSION_EXPIRES: u32 = 90;

/// How long a failed session refresh waits before the next attempt.
pub(super) const REFRESH_RETRY_MS: Millis = 10_000;

/// A `Session-Expires` header: the interval and who refreshes (RFC 4028 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SessionExpires {
    pub(super) seconds: u32,
    /// `refresher=uac` (Some(true)), `uas` (Some(false)), or not said.
    pub(super) uac_refreshes: Option<bool>,
}

impl SessionExpires {
    pub(super) fn from_headers(headers: &crate::message::Headers) -> Option<SessionExpires> {
        let value = headers.get("Session-Expires")?;
        let mut parts = value.split(';');
        let seconds = parts.next()?.trim().parse().ok()?;
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
        format!("{seconds};refresher={}", if uac_refreshes { "uac" } else { "uas" })
    }
}

/// A running session timer: we refresh at half the interval, or, when the far end refreshes,
/// give up on the call shortly before it would expire (RFC 4028 §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SessionTimer {
    pub(super) seconds: u32,
    pub(super) we_refresh: bool,
    pub(super) due: Millis,
}

impl SessionTimer {
    pub(super) fn start(now: Millis, seconds: u32, we_refresh: bool) -> SessionTimer {
        let interval = Millis::from(seconds) * 1000;
        let due = if we_refresh { now + interval / 2 } else { now + interval - (interval / 3).min(32_000) };
        SessionTimer { seconds, we_refresh, due }
    }
}

/// Answers a request that may refresh the session (INVITE, re-INVITE, UPDATE): the response
/// `r` gets the interval and refresher, and the call's timer restarts (RFC 4028 §9). A
/// request without Session-Expires turns the timer off.
pub(super) fn accept_session_refresh(now: Millis, call: &mut Call, r: &mut Response, req: &Request) {
    let Some(se) = SessionExpires::from_headers(&req.headers) else {
        call.session = None;
        return;
    };
    // The requester refreshes unless it said otherwise, or cannot (no `timer` support).
    let uac_refreshes = se.uac_refreshes.unwrap_or_else(|| supports(&req.headers, "timer"));
    if supports(&req.headers, "timer") {
        r.headers.push("Require", "timer");
    }
    r.headers.push("Session-Expires", SessionExpires::header(se.seconds, uac_refreshes));
    // We are the UAS of this request.
    call.session = Some(SessionTimer::start(now, se.seconds, !uac_refreshes));
}

impl UserAgent {
    /// Refreshes the session (RFC 4028 §10): UPDATE without a body where the far end allows
    /// it, else a re-INVITE offering the same SDP again.
    pub(super) fn refresh_session(&mut self, now: Millis, call: &str) {
        let Some(c) = self.call_mut(call) else { return };
        let Some(mut session) = c.session else { return };
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // An offer is in progress and will refresh the session itself; look again later.
            session.due = now + REFRESH_RETRY_MS;
            c.session = Some(session);
            return;
        }
        // Until the refresh is answered, do not refresh again.
        session.due = now + TRANSACTION_TIMEOUT_MS + REFRESH_RETRY_MS;
        c.session = Some(session);
        if c.peer_allows_update {
            let contact = self.contact(None);
            if let Some(mut req) = self.in_dialog_request(call, Method::Update, None) {
                req.headers.push("Contact", contact);
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(session.seconds, true));
                self.send_request(now, req, Purpose::Refresh, Some(call.to_owned()));
            }
        } else {
            c.reinvite_pending = true;
            let sdp = c.local_sdp.clone();
            self.send_reinvite(now, call, sdp, Purpose::Refresh);
        }
    }

    /// The answer to our refresh (or re-INVITE) says how the session goes on.
    pub(super) fn on_session_refreshed(&mut self, now: Millis, call: &str, r: &Response) {
        let Some(c) = self.call_mut(call) else { return };
        let Some(old) = c.session else { return };
        c.session = match SessionExpires::from_headers(&r.headers) {
            // We sent the request, so we are its UAC.
            Some(se) => Some(SessionTimer::start(now, se.seconds, se.uac_refreshes.unwrap_or(true))),
            None => Some(SessionTimer::start(now, old.seconds, old.we_refresh)),
        };
    }
}
