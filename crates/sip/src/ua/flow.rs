//! Calls that survive the connection (RFC 5626 flows over a WebSocket).
//!
//! Each WebSocket is a flow. When it drops and another opens (the same PBX or the next one),
//! the registration is renewed on the new flow with the same instance id and reg-id, but the far
//! end of every call still sends its in-dialog requests (a BYE, say) to the Contact it learnt on
//! the old flow: the PBX can no longer deliver them. Once registered on the new flow, the user
//! agent asks the app to re-INVITE each such call ([`Event::FlowReplaced`]); the re-INVITE
//! carries our Contact as seen on the new flow, which refreshes the far end's target
//! (RFC 3261 §12.2). The app makes the offer, with an ICE restart when the media failed too.
//!
//! A flow can also die silently (a laptop asleep, a NAT that forgot it): the keep-alive is a
//! CRLF ping that RFC 5626 §4.4.1 servers (Kamailio among them) answer with a CRLF pong; once a
//! flow has answered one, a ping left unanswered for [`PONG_WAIT_MS`] reports
//! [`Event::FlowFailed`], and the app connects again.

use crate::message::{Method, Request};

use super::api::{CallFailure, CallId, EndReason, Event, Instant};
use super::dialog::CallState;
use super::timers::Timer;
use super::transaction::Purpose;
use super::UserAgent;

/// How long a pong may take before the flow counts as dead (RFC 5626 §4.4.1: 10 s).
pub const PONG_WAIT_MS: u64 = 10_000;
/// Requests held while there is no connection, at most (a blip does not need more).
const HELD_MAX: usize = 32;
/// The state of the connection, as the user agent sees it.
#[derive(Debug, Default)]
pub(super) struct Flow {
    /// Counts connections: the flow the current one is.
    pub(super) number: u32,
    /// This flow answered a CRLF ping: from now on an unanswered one means it is dead
    /// ([`Timer::PongWait`]).
    answers_pings: bool,
    /// Requests made while there was no connection: sent on the next one.
    held: Vec<HeldRequest>,
}

/// A request made while there was no connection.
#[derive(Debug)]
struct HeldRequest {
    request: Request,
    purpose: Purpose,
    call: Option<CallId>,
}

/// A CRLF keep-alive ping (RFC 5626 §4.4.1).
const PING: &[u8] = b"\r\n\r\n";

impl UserAgent {
    /// A new connection is open: a new flow. Requests held during the outage go out on it.
    pub(super) fn flow_up(&mut self, now: Instant) {
        self.flow.number = self.flow.number.wrapping_add(1);
        self.flow.answers_pings = false;
        self.timers.clear(&Timer::PongWait);
        // The registration is renewed on the new flow anyway.
        let held = std::mem::take(&mut self.flow.held).into_iter().filter(|h| !matches!(h.purpose, Purpose::Register | Purpose::Unregister));
        for h in held {
            self.send_request(now, h.request, h.purpose, h.call);
        }
    }

    /// The connection is gone: requests in flight on it will never be answered.
    pub(super) fn flow_down(&mut self) {
        self.timers.clear(&Timer::PongWait);
        for tx in self.abandon_transactions(|t| t.purpose != Purpose::Invite) {
            let Some(call) = tx.call else { continue };
            match tx.purpose {
                // The new flow's re-INVITE offers again; a session refresh is done by it too.
                Purpose::Reinvite | Purpose::Refresh => {
                    if let Some(c) = self.call_mut(&call) {
                        c.reinvite_pending = false;
                    }
                }
                Purpose::Refer => self.transfer_failed(&call, 408),
                _ => {}
            }
        }
        // A call we are placing cannot be answered any more (its answer would come on the old
        // flow): end it, and cancel it at the far end once a connection is back.
        let placing: Vec<(CallId, CallState)> =
            self.calls.iter().filter(|c| matches!(c.state, CallState::Calling | CallState::Early | CallState::Cancelling)).map(|c| (c.id.clone(), c.state)).collect();
        for (call, state) in placing {
            if state != CallState::Cancelling {
                if let Some(cancel) = self.calls.iter().find(|c| c.id == call).map(|c| cancel_for(&c.invite)) {
                    self.hold_request(cancel, Purpose::Cancel, None);
                }
            }
            let reason = if state == CallState::Cancelling { EndReason::Local } else { EndReason::Failed(CallFailure::ConnectionLost) };
            self.abandon_transactions(|t| t.call.as_deref() == Some(call.as_str()));
            self.end_call(&call, reason);
        }
    }

    /// Keeps a request for the next connection.
    pub(super) fn hold_request(&mut self, request: Request, purpose: Purpose, call: Option<CallId>) {
        if self.flow.held.len() < HELD_MAX {
            self.flow.held.push(HeldRequest { request, purpose, call });
        }
    }

    /// Something arrived on the flow: it is alive.
    pub(super) fn flow_heard(&mut self, bytes: &[u8]) {
        self.timers.clear(&Timer::PongWait);
        if !bytes.is_empty() && bytes.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            self.flow.answers_pings = true;
        }
    }

    /// The app suspects the connection (woke from sleep, the network came back, the tab is
    /// visible again): anything due is done by `handle_input`; here the flow is probed. A flow
    /// that answers pings gets one; a registration refresh (when asked, or when the flow never
    /// answered a ping) proves it alive too.
    pub(super) fn check_flow(&mut self, now: Instant, reregister: bool) {
        if !self.transport_up {
            return;
        }
        let mut probed = false;
        if self.flow.answers_pings {
            self.transmit(PING.to_vec());
            probed = true;
        }
        if (reregister || !probed) && self.keeps_registered() {
            self.send_register(now, self.expires);
            probed = true;
        }
        if probed {
            self.timers.set(Timer::PongWait, now + PONG_WAIT_MS);
        }
    }

    /// A ping or probe went unanswered: the flow is dead.
    pub(super) fn on_pong_missing(&mut self) {
        self.timers.clear(&Timer::Keepalive);
        self.event(Event::FlowFailed);
    }

    /// Time for a keep-alive: ping, and expect a pong from a flow that answers them.
    pub(super) fn on_keepalive(&mut self, now: Instant) {
        if self.transport_up {
            self.transmit(PING.to_vec());
            if self.flow.answers_pings && !self.timers.is_set(&Timer::PongWait) {
                self.timers.set(Timer::PongWait, now + PONG_WAIT_MS);
            }
        }
        self.timers.set(Timer::Keepalive, now + self.config.keepalive_ms.max(1_000));
    }

    /// Registered on the current flow: every call whose far end still has the Contact of an
    /// older flow needs a target refresh.
    pub(super) fn refresh_targets(&mut self) {
        let number = self.flow.number;
        let stale: Vec<CallId> = self
            .calls
            .iter_mut()
            .filter(|c| c.state == CallState::Confirmed && c.contact_flow != number)
            .map(|c| {
                c.contact_flow = number;
                c.id.clone()
            })
            .collect();
        for call in stale {
            self.event(Event::FlowReplaced { call });
        }
    }
}

/// The CANCEL of this INVITE (RFC 3261 §9.1: same branch, Call-ID, From, To and CSeq number).
pub(super) fn cancel_for(invite: &Request) -> Request {
    let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
    for name in ["Via", "Route", "From", "To", "Call-ID"] {
        for v in invite.headers.get_all(name) {
            cancel.headers.push(name, v);
        }
    }
    let seq = invite.headers.get("CSeq").and_then(|v| crate::header::CSeq::parse(v).ok()).map_or(1, |c| c.seq);
    cancel.headers.push("CSeq", crate::header::CSeq { seq, method: Method::Cancel });
    cancel.headers.push("Max-Forwards", 70);
    cancel
}
