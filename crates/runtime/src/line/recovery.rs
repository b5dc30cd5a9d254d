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
use crate::phone::reasons::{ConnectionProblem, RegistrationFailure};
use crate::phone::CallHandle;
use crate::timer::Timeout;

/// What the line keeps for recovery.
#[derive(Default)]
pub(super) struct Recovery {
    /// The browser events we listen to while signed in.
    watch: Option<Watch>,
    /// When the network last changed (`performance.now()`): a call moved since it was
    /// restarts ICE.
    network_changed_at: Option<u64>,
    /// When a call was last moved (`performance.now()`), so one network change moves the
    /// calls once.
    moved_at: Option<u64>,
    /// The move after a network change that left the WebSocket up, waiting a moment for the
    /// reconnection that usually follows (which moves the call by itself).
    pending_move: Option<Timeout>,
}

/// How long ICE may stay failed or disconnected before the call restarts it by itself
/// (a disconnection often heals within a few seconds without help).
const ICE_PATIENCE_MS: u64 = 3_000;

/// How long after a network change the call is moved if the connection did not drop.
const NETWORK_SETTLE_MS: u64 = 1_500;

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
        let (transport, calls) = {
            let mut inner = self.inner.borrow_mut();
            if matches!(check, Check::NetworkChanged | Check::Offline) {
                inner.recovery.network_changed_at = Some(now());
            }
            let calls: Vec<CallHandle> = inner.audio.iter().map(|a| a.handle).filter(|&call| inner.core.call_id(call).is_some()).collect();
            (inner.transport.clone(), calls)
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
        // The WebSocket survived a network change, but the calls' media paths may not have:
        // restart ICE, unless a reconnection moves the calls first.
        if check == Check::NetworkChanged && !calls.is_empty() {
            let weak = std::rc::Rc::downgrade(&self.inner);
            let asked = now();
            let timer = Timeout::start(NETWORK_SETTLE_MS, move || {
                let Some(inner) = weak.upgrade() else { return };
                let line = Line { inner };
                let moved_since = line.inner.borrow().recovery.moved_at.is_some_and(|at| at >= asked);
                if !moved_since {
                    for &call in &calls {
                        line.move_call(call);
                    }
                }
            });
            self.inner.borrow_mut().recovery.pending_move = timer;
        }
    }

    /// Re-INVITEs call `handle` with a fresh offer from its peer connection, so the far end
    /// sends to our new connection; ICE restarts when it failed or the network changed since
    /// the call last moved.
    pub(super) fn move_call(&self, handle: CallHandle) {
        let (call, media, ice_restart) = {
            let mut inner = self.inner.borrow_mut();
            let t = now();
            let changed_at = inner.recovery.network_changed_at;
            inner.recovery.moved_at = Some(t);
            let Some(call) = inner.core.call_id(handle).cloned() else {
                return;
            };
            let Some(c) = inner.audio_mut(handle) else {
                return;
            };
            let media = c.media.clone();
            let changed = changed_at.is_some_and(|at| c.moved_at.is_none_or(|moved| moved <= at));
            c.moved_at = Some(t);
            let ice_restart = changed || media.ice_broken();
            (call, media, ice_restart)
        };
        let this = self.clone();
        spawn_local(async move {
            match media.renew_offer(ice_restart).await {
                Ok(sdp) => {
                    super::mark(if ice_restart { "softphone:call-moved-ice-restart" } else { "softphone:call-moved" });
                    this.command(Command::Reinvite { call, sdp });
                }
                Err(e) => web_sys::console::warn_1(&["The call could not be moved to the new connection: ", &words::media_problem(&e)].concat().into()),
            }
        });
    }

    /// Called with each quality reading of a call: restarts its ICE when it has been broken
    /// for a while with no network event to say why (the connection to the PBX being up).
    pub(super) fn watch_ice(&self, handle: CallHandle, media: &crate::media::CallMedia) {
        let broken = media.ice_broken();
        let restart = {
            let mut inner = self.inner.borrow_mut();
            let up = inner.transport.as_ref().is_some_and(crate::transport::Transport::is_open);
            let moved_at = inner.recovery.moved_at;
            let Some(call) = inner.audio_mut(handle) else {
                return;
            };
            let t = now();
            match (broken, call.ice_broken_since) {
                (false, _) => {
                    call.ice_broken_since = None;
                    false
                }
                (true, None) => {
                    call.ice_broken_since = Some(t);
                    false
                }
                (true, Some(since)) => {
                    let due = up && t.saturating_sub(since) >= ICE_PATIENCE_MS && moved_at.is_none_or(|at| t.saturating_sub(at) >= ICE_PATIENCE_MS);
                    if due {
                        call.ice_broken_since = None;
                    }
                    due
                }
            }
        };
        if restart {
            self.move_call(handle);
        }
    }

    /// The PBX could not register us for now (the phone was told by the line's core): try the
    /// next one (or this one again, later).
    pub(super) fn registrar_refused(&self, failure: RegistrationFailure, retry_after: Option<u32>) {
        let Some(transport) = self.inner.borrow().transport.clone() else {
            return;
        };
        let problem = ConnectionProblem::RegistrarRefused(failure);
        let wait_ms = u64::from(retry_after.unwrap_or(0)).saturating_mul(1000);
        transport.refused(problem, wait_ms);
    }

    /// The connection stopped answering keep-alives: drop it and connect again.
    pub(super) fn flow_failed(&self) {
        let Some(transport) = self.inner.borrow().transport.clone() else {
            return;
        };
        transport.reconnect(ConnectionProblem::Unresponsive);
    }
}
