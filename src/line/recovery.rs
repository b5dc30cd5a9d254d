//! Keeping the line, and the call on it, through network trouble.
//!
//! - The WebSocket drops: the transport reconnects (backoff with jitter, next URL), the user
//!   agent registers again on the new connection with the same instance id and reg-id, then
//!   asks for each call to be moved ([`sip::Event::FlowReplaced`]): we re-INVITE it with a
//!   fresh offer, restarting ICE when the media path failed or the network changed.
//! - The PBX refuses the registration for a while (5xx, or no answer): the next URL is tried,
//!   after the PBX's Retry-After when there is no other. A wrong password stays final.
//! - The connection dies without the browser noticing (keep-alive pongs stop): connect again.
//! - The browser says the network came back, the tab is visible again, the page resumed, or the
//!   computer woke up: reconnect at once if we were waiting to, else probe the connection (and
//!   register again after a sleep or a network change).

use sip::Command;
use wasm_bindgen_futures::spawn_local;

use super::wake::{self, Check, Watch};
use super::{now, Line};
use crate::timer::Timeout;
use crate::phone::Event;

/// What the line keeps for recovery.
#[derive(Default)]
pub(super) struct Recovery {
    /// The browser events we listen to while signed in.
    watch: Option<Watch>,
    /// The network changed since calls last had their ICE restarted: the next move restarts it.
    network_changed: bool,
    /// When a call was last moved (`performance.now()`), so one network change moves it once.
    moved_at: Option<u64>,
    /// The move after a network change that left the WebSocket up, waiting a moment for the
    /// reconnection that usually follows (which moves the call by itself).
    pending_move: Option<Timeout>,
    /// Since when the call's ICE has been failed or disconnected (`performance.now()`).
    ice_broken_since: Option<u64>,
}

/// How long ICE may stay failed or disconnected before the call restarts it by itself
/// (a disconnection often heals within a few seconds without help).
const ICE_PATIENCE_MS: u64 = 3_000;

/// How long after a network change the call is moved if the connection did not drop.
const NETWORK_SETTLE_MS: u64 = 1_500;

/// A registration failure that another try (another PBX, or later) may cure: a server error or
/// no answer. 4xx (a wrong password, an unknown user) are final.
pub(super) fn is_transient(status: Option<u16>) -> bool {
    status.is_none_or(|s| s >= 500)
}

impl Line {
    /// Starts listening to the browser's network, visibility and resume events.
    pub(super) fn watch_connection(&self) {
        let weak = std::rc::Rc::downgrade(&self.inner);
        let watch = wake::watch(move |check| {
            if let Some(inner) = weak.upgrade() {
                Line { inner }.check_connection(check);
            }
        });
        self.inner.borrow_mut().recovery.watch = Some(watch);
    }

    /// Stops listening (signing out).
    pub(super) fn stop_watching(&self) {
        let recovery = std::mem::take(&mut self.inner.borrow_mut().recovery);
        drop(recovery);
    }

    /// Something in the browser suggests the connection may be stale.
    fn check_connection(&self, check: Check) {
        let (transport, call_in_progress) = {
            let mut inner = self.inner.borrow_mut();
            if matches!(check, Check::NetworkChanged | Check::Offline) {
                inner.recovery.network_changed = true;
            }
            (inner.transport.clone(), inner.media.as_ref().map(|(id, _)| id.clone()).filter(|id| !id.is_empty()))
        };
        let Some(transport) = transport else { return };
        if check == Check::Offline {
            return; // nothing to do until the network is back
        }
        if !transport.is_open() {
            // Waiting to reconnect: do it now.
            return transport.hurry();
        }
        let reregister = matches!(check, Check::NetworkChanged | Check::WokeUp | Check::Resumed);
        self.command(Command::CheckFlow { reregister });
        // The WebSocket survived a network change, but the call's media path may not have:
        // restart ICE, unless a reconnection moves the call first.
        if let (Check::NetworkChanged, Some(call)) = (check, call_in_progress) {
            let weak = std::rc::Rc::downgrade(&self.inner);
            let asked = now();
            let timer = Timeout::start(NETWORK_SETTLE_MS, move || {
                let Some(inner) = weak.upgrade() else { return };
                let line = Line { inner };
                let moved_since = line.inner.borrow().recovery.moved_at.is_some_and(|at| at >= asked);
                if !moved_since {
                    line.move_call(call.clone());
                }
            });
            self.inner.borrow_mut().recovery.pending_move = timer;
        }
    }

    /// Re-INVITEs `call` with a fresh offer from the call's peer connection, so the far end
    /// sends to our new connection; ICE restarts when it failed or the network changed.
    pub(super) fn move_call(&self, call: String) {
        let (media, ice_restart) = {
            let mut inner = self.inner.borrow_mut();
            let Some(media) = inner.media.as_ref().filter(|(id, _)| *id == call).map(|(_, m)| m.clone()) else { return };
            let ice_restart = std::mem::take(&mut inner.recovery.network_changed) || media.ice_broken();
            inner.recovery.moved_at = Some(now());
            (media, ice_restart)
        };
        let this = self.clone();
        spawn_local(async move {
            match media.renew_offer(ice_restart).await {
                Ok(sdp) => {
                    super::mark(if ice_restart { "softphone:call-moved-ice-restart" } else { "softphone:call-moved" });
                    this.command(Command::Reinvite { call, sdp });
                }
                Err(e) => web_sys::console::warn_1(&format!("The call could not be moved to the new connection: {e}").into()),
            }
        });
    }

    /// Called with each quality reading of the call: restarts ICE when it has been broken for
    /// a while with no network event to say why (the connection to the PBX being up).
    pub(super) fn watch_ice(&self, call: &str, media: &crate::media::CallMedia) {
        let broken = media.ice_broken();
        let restart = {
            let mut inner = self.inner.borrow_mut();
            let up = inner.transport.as_ref().is_some_and(crate::transport::Transport::is_open);
            let recovery = &mut inner.recovery;
            let t = now();
            match (broken, recovery.ice_broken_since) {
                (false, _) => {
                    recovery.ice_broken_since = None;
                    false
                }
                (true, None) => {
                    recovery.ice_broken_since = Some(t);
                    false
                }
                (true, Some(since)) => {
                    let due = up && t.saturating_sub(since) >= ICE_PATIENCE_MS && recovery.moved_at.is_none_or(|at| t.saturating_sub(at) >= ICE_PATIENCE_MS);
                    if due {
                        recovery.ice_broken_since = None;
                    }
                    due
                }
            }
        };
        if restart {
            self.move_call(call.to_owned());
        }
    }

    /// The PBX could not register us for now: try the next one (or this one again, later).
    pub(super) fn registrar_refused(&self, reason: String, retry_after: Option<u32>) {
        let Some(transport) = self.inner.borrow().transport.clone() else { return };
        self.report_later(Event::ConnectionLost(format!("{reason} Trying again.")));
        let wait_ms = u64::from(retry_after.unwrap_or(0)).saturating_mul(1000);
        transport.refused(reason, wait_ms);
    }

    /// The connection stopped answering keep-alives: drop it and connect again.
    pub(super) fn flow_failed(&self) {
        let Some(transport) = self.inner.borrow().transport.clone() else { return };
        transport.reconnect("The PBX stopped answering on this connection.".into());
    }
}

#[cfg(test)]
mod tests {
    use super::is_transient;

    #[test]
    fn server_errors_and_silence_are_retried_elsewhere_but_a_wrong_password_is_final() {
        assert!(is_transient(Some(503)));
        assert!(is_transient(Some(500)));
        assert!(is_transient(None));
        assert!(!is_transient(Some(401)));
        assert!(!is_transient(Some(403)));
        assert!(!is_transient(Some(404)));
    }
}
