//! Call transfer (RFC 3515 REFER, RFC 3891 Replaces, RFC 5589): asking the far end to call
//! someone else, and being asked to.

use crate::message::{Method, Request};
use crate::uri::NameAddr;

use super::UserAgent;
use super::api::{EndReason, Event, Millis};
use super::dialog::CallState;
use super::transaction::Purpose;

/// How long a transfer may go without news (a NOTIFY) before we call it failed: a far end that
/// accepts REFER and then stays silent must not leave the agent waiting forever.
pub(super) const TRANSFER_SILENCE_MS: Millis = 120_000;

/// %-escapes a URI header value (RFC 3261 §25.1 `hvalue`): all but unreserved characters.
pub(super) fn escape_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 16);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl UserAgent {
    /// Sends REFER on `call` (which must be established) with this Refer-To.
    pub(super) fn refer(&mut self, now: Millis, call: &str, refer_to: String) {
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Confirmed) else {
            return self.event(Event::TransferFailed { call: call.to_owned(), status: 481 });
        };
        if c.transferring.is_some() {
            // One transfer at a time: the first one's outcome is still to come.
            return self.event(Event::TransferFailed { call: call.to_owned(), status: 491 });
        }
        c.transferring = Some(now + TRANSFER_SILENCE_MS);
        let referred_by = NameAddr::new(c.local.uri.clone()).to_string();
        let contact = self.contact(None);
        if let Some(mut req) = self.in_dialog_request(call, Method::Refer, None) {
            req.headers.push("Refer-To", refer_to);
            req.headers.push("Referred-By", referred_by);
            req.headers.push("Contact", contact);
            self.send_request(now, req, Purpose::Refer, Some(call.to_owned()));
        }
    }

    /// Reports the progress of the transfer that a REFER on `call` asked for (RFC 3515 §2.4.5):
    /// a NOTIFY whose body is the status line the transfer target gave.
    pub(super) fn notify_refer(&mut self, now: Millis, call: &str, status: u16, reason: &str) {
        let state = if status >= 200 { "terminated;reason=noresource" } else { "active;expires=60" };
        let body = format!("SIP/2.0 {status} {reason}\r\n");
        if let Some(mut req) = self.in_dialog_request(call, Method::Notify, Some(("message/sipfrag;version=2.0", body))) {
            req.headers.push("Event", "refer");
            req.headers.push("Subscription-State", state);
            self.send_request(now, req, Purpose::Notify, Some(call.to_owned()));
        }
    }

    /// Reports the progress of call `new` to the call whose REFER it follows, if any.
    pub(super) fn report_transfer(&mut self, now: Millis, new: &str, status: u16, reason: &str) {
        let Some(c) = self.call_mut(new) else { return };
        let Some(referrer) = c.notify_to.clone() else { return };
        if status >= 200 {
            c.notify_to = None;
        }
        self.notify_refer(now, &referrer, status, reason);
    }

    /// The far end asks us to call someone else (RFC 3515): accept the request (202) and let
    /// the app decide whether to follow it.
    pub(super) fn on_refer(&mut self, req: &Request, call_id: &str) {
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        if c.state != CallState::Confirmed {
            return self.respond(req, 481, None);
        }
        if c.refer_received.is_some() {
            return self.respond(req, 491, None);
        }
        let Some(mut target) = req.headers.get("Refer-To").and_then(|v| NameAddr::parse(v).ok()).map(|n| n.uri) else {
            return self.respond(req, 400, None);
        };
        if target.scheme == crate::uri::Scheme::Tel || target.host.is_empty() {
            return self.respond(req, 416, None);
        }
        // Only Replaces is carried over from the URI's headers; the rest are not ours to send.
        let replaces = target.header("Replaces");
        target.headers = None;
        c.refer_received = Some((target.clone(), replaces));
        let id = c.id.clone();
        self.respond(req, 202, None);
        self.event(Event::TransferRequested { call: id, target });
    }

    /// Progress of a transfer we asked for: the body is the transfer target's status line.
    pub(super) fn on_notify(&mut self, now: Millis, req: &Request, call_id: &str) {
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        let is_refer = req.headers.get("Event").is_some_and(|e| e.split(';').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("refer")));
        if !is_refer {
            return self.respond(req, 489, None);
        }
        let transferring = c.transferring.is_some();
        if transferring {
            // News of the transfer: wait for the next.
            c.transferring = Some(now + TRANSFER_SILENCE_MS);
        }
        let body = String::from_utf8_lossy(&req.body);
        let status = body.lines().next().and_then(|l| l.strip_prefix("SIP/2.0 ")).and_then(|l| l.get(..3)).and_then(|code| code.parse::<u16>().ok());
        let Some(status) = status.filter(|s| (100..700).contains(s)) else { return self.respond(req, 400, None) };
        self.respond(req, 200, None);
        if !transferring {
            return;
        }
        let call = call_id.to_owned();
        if status < 200 {
            self.event(Event::TransferProgress { call, status });
        } else if status < 300 {
            // The far end talks to the target now: our part is over (RFC 5589 §6).
            self.event(Event::TransferProgress { call: call.clone(), status });
            self.bye(now, &call, EndReason::Transferred);
        } else {
            if let Some(c) = self.call_mut(&call) {
                c.transferring = None;
            }
            self.event(Event::TransferFailed { call, status });
        }
    }
}
