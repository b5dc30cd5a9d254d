//! Call transfer (RFC 3515 REFER, RFC 3891 Replaces, RFC 5589): asking the far end to call
//! someone else, and being asked to.

use crate::message::HeaderValue;
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{CallId, CommandError, EndReason, Event, Instant};
use super::dialog::{CallState, ReferReceived};
use super::invite::ExtraHeader;
use super::timers::Timer;
use super::transaction::Purpose;
use super::UserAgent;

/// How long a transfer may go without news (a NOTIFY) before we call it failed: a far end that
/// accepts REFER and then stays silent must not leave the agent waiting forever.
const TRANSFER_SILENCE_MS: u64 = 120_000;

/// %-escapes a URI header value (RFC 3261 §25.1 `hvalue`): all but unreserved characters.
fn escape_header_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len() + 16);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0xf] {
                out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
            }
        }
    }
    out
}

/// The `Replaces` value naming `call_id` as the side that receives it knows it: its own tag is
/// the to-tag, ours the from-tag (RFC 3891 §3).
pub(super) fn replaces_value(call_id: &str, their_tag: &str, our_tag: &str) -> String {
    let mut value = String::with_capacity(call_id.len() + their_tag.len() + our_tag.len() + 20);
    value.push_str(call_id);
    value.push_str(";to-tag=");
    value.push_str(their_tag);
    value.push_str(";from-tag=");
    value.push_str(our_tag);
    value
}

/// `<uri>`, as Refer-To and Referred-By carry it.
fn bracketed(uri: &Uri) -> String {
    NameAddr::new(uri.clone()).to_value_string()
}

impl UserAgent {
    /// [`super::Command::Transfer`]: blind transfer to `target`.
    pub(super) fn transfer(&mut self, now: Instant, call: &str, target: &Uri) -> Result<(), CommandError> {
        self.refer(now, call, bracketed(target))
    }

    /// [`super::Command::TransferAttended`]: the far end of `call` takes the place of our side
    /// of `replacing`, a confirmed call with the transfer target.
    pub(super) fn transfer_attended(&mut self, now: Instant, call: &str, replacing: &str) -> Result<(), CommandError> {
        let other = self.calls.iter().find(|c| c.id == replacing).ok_or(CommandError::UnknownCall)?;
        if other.state != CallState::Confirmed {
            return Err(CommandError::WrongState);
        }
        let replaces = replaces_value(&other.id, other.remote.tag().unwrap_or(""), other.local.tag().unwrap_or(""));
        let mut target = other.remote.uri.clone();
        let mut headers = String::from("Replaces=");
        headers.push_str(&escape_header_value(&replaces));
        target.headers = Some(headers);
        self.refer(now, call, bracketed(&target))
    }

    /// Sends REFER on `call` (which must be established) with this Refer-To.
    fn refer(&mut self, now: Instant, call: &str, refer_to: String) -> Result<(), CommandError> {
        let contact = self.contact(None);
        let c = self.calls.iter_mut().find(|c| c.id == call).ok_or(CommandError::UnknownCall)?;
        if c.state != CallState::Confirmed {
            return Err(CommandError::WrongState);
        }
        if c.transferring {
            // One transfer at a time: the first one's outcome is still to come.
            return Err(CommandError::TransferPending);
        }
        c.transferring = true;
        let referred_by = bracketed(&c.local.uri);
        self.timers.set(Timer::TransferSilence(call.into()), now + TRANSFER_SILENCE_MS);
        if let Some(mut req) = self.in_dialog_request(call, Method::Refer, None) {
            req.headers.push("Refer-To", refer_to);
            req.headers.push("Referred-By", referred_by);
            req.headers.push("Contact", contact);
            self.send_request(now, req, Purpose::Refer, Some(call.into()));
        }
        Ok(())
    }

    /// Our transfer of `call` did not happen (the REFER or the target refused, or silence).
    pub(super) fn transfer_failed(&mut self, call: &str, status: u16) {
        if let Some(c) = self.call_mut(call) {
            c.transferring = false;
        }
        self.timers.clear(&Timer::TransferSilence(call.into()));
        self.event(Event::TransferFailed { call: call.into(), status });
    }

    pub(super) fn on_refer_response(&mut self, call: &str, r: &Response) {
        if !r.is_success() {
            self.transfer_failed(call, r.status);
        }
    }

    /// No news of our transfer for too long.
    pub(super) fn on_transfer_silence(&mut self, call: &str) {
        if self.call_mut(call).is_some_and(|c| c.transferring) {
            self.transfer_failed(call, 408);
        }
    }

    /// [`super::NewCall::Referred`]: call the target the far end of `call` named.
    pub(super) fn accept_transfer(&mut self, now: Instant, call: &str, sdp: String) -> Result<CallId, CommandError> {
        let c = self.known_call(call)?;
        let ReferReceived { target, replaces } = c.refer_received.take().ok_or(CommandError::NothingPending)?;
        let mut extra = vec![ExtraHeader { name: "Referred-By", value: bracketed(&c.remote.uri) }];
        if let Some(replaces) = replaces {
            extra.push(ExtraHeader { name: "Replaces", value: replaces });
        }
        let new = self.send_invite(now, target, sdp, extra);
        if let Some(c) = self.call_mut(&new) {
            c.notify_to = Some(call.into());
        }
        self.notify_refer(now, call, 100, "Trying");
        Ok(new)
    }

    /// [`super::Command::DeclineTransfer`]: the far end hears 603 Declined.
    pub(super) fn decline_transfer(&mut self, now: Instant, call: &str) -> Result<(), CommandError> {
        self.known_call(call)?.refer_received.take().ok_or(CommandError::NothingPending)?;
        self.notify_refer(now, call, 603, "Declined");
        Ok(())
    }

    /// Reports the progress of the transfer that a REFER on `call` asked for (RFC 3515 §2.4.5):
    /// a NOTIFY whose body is the status line the transfer target gave.
    fn notify_refer(&mut self, now: Instant, call: &str, status: u16, reason: &str) {
        let state = if status >= 200 { "terminated;reason=noresource" } else { "active;expires=60" };
        let mut body = String::from("SIP/2.0 ");
        status.write_value(&mut body);
        body.push(' ');
        body.push_str(reason);
        body.push_str("\r\n");
        if let Some(mut req) = self.in_dialog_request(call, Method::Notify, Some(("message/sipfrag;version=2.0", body))) {
            req.headers.push("Event", "refer");
            req.headers.push("Subscription-State", state);
            self.send_request(now, req, Purpose::Notify, Some(call.into()));
        }
    }

    /// Reports the progress of call `new` to the call whose REFER it follows, if any.
    pub(super) fn report_transfer(&mut self, now: Instant, new: &str, status: u16, reason: &str) {
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
        let Some(c) = self.call_mut(call_id).filter(|c| c.state == CallState::Confirmed) else { return self.respond(req, 481) };
        if c.refer_received.is_some() {
            return self.respond(req, 491);
        }
        let Some(mut target) = req.headers.get("Refer-To").and_then(|v| NameAddr::parse(v).ok()).map(|n| n.uri) else {
            return self.respond(req, 400);
        };
        if target.scheme == crate::uri::Scheme::Tel || target.host.is_empty() {
            return self.respond(req, 416);
        }
        // Only Replaces is carried over from the URI's headers; the rest are not ours to send.
        let replaces = target.header("Replaces");
        target.headers = None;
        c.refer_received = Some(ReferReceived { target: target.clone(), replaces });
        let id = c.id.clone();
        self.respond(req, 202);
        self.event(Event::TransferRequested { call: id, target });
    }

    /// Progress of a transfer we asked for: the body is the transfer target's status line.
    pub(super) fn on_notify(&mut self, now: Instant, req: &Request, call_id: &str) {
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481) };
        let is_refer = req.headers.get("Event").is_some_and(|e| e.split(';').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("refer")));
        if !is_refer {
            return self.respond(req, 489);
        }
        let transferring = c.transferring;
        let body = crate::header::syntax::lossy_text(&req.body);
        let status = body.lines().next().and_then(|l| l.strip_prefix("SIP/2.0 ")).and_then(|l| l.get(..3)).and_then(crate::header::syntax::parse_u32).and_then(|code| u16::try_from(code).ok());
        let Some(status) = status.filter(|s| (100..700).contains(s)) else { return self.respond(req, 400) };
        self.respond(req, 200);
        if !transferring {
            return;
        }
        // News of the transfer: wait for the next.
        self.timers.set(Timer::TransferSilence(call_id.into()), now + TRANSFER_SILENCE_MS);
        let call = CallId::from(call_id);
        if status < 200 {
            self.event(Event::TransferProgress { call, status });
        } else if status < 300 {
            // The far end talks to the target now: our part is over (RFC 5589 §6).
            self.event(Event::TransferProgress { call: call.clone(), status });
            self.bye(now, &call, EndReason::Transferred);
        } else {
            self.transfer_failed(&call, status);
        }
    }
}
