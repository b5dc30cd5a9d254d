//! Every deadline of the user agent in one table: what falls due, and who handles it.
//!
//! Each part sets and clears its own timers; when one falls due it is taken out of the table
//! and handed back to that part, which checks that what it was for still stands.

use super::api::{CallId, Instant};
use super::UserAgent;

/// What a deadline is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Timer {
    /// A client transaction (by its key) went unanswered for 64*T1.
    Transaction(String),
    /// Time to refresh the registration.
    RegistrationRefresh,
    /// Time for the next CRLF keep-alive.
    Keepalive,
    /// A ping or probe went unanswered: the flow is dead.
    PongWait,
    /// Send our 2xx to this call's INVITE again, or give up on its ACK.
    AckWait(CallId),
    /// Send our reliable ringing of this call again, or give up on its PRACK.
    PrackWait(CallId),
    /// Offer again on this call after a 491.
    GlareRetry(CallId),
    /// This call's session timer: refresh it, or end the call (RFC 4028 §10).
    Session(CallId),
    /// This call's transfer went quiet for too long.
    TransferSilence(CallId),
}

impl Timer {
    fn call(&self) -> Option<&str> {
        match self {
            Timer::AckWait(c) | Timer::PrackWait(c) | Timer::GlareRetry(c) | Timer::Session(c) | Timer::TransferSilence(c) => Some(c),
            _ => None,
        }
    }
}

/// One entry of the table.
struct Deadline {
    at: Instant,
    timer: Timer,
}

/// The deadlines. There are a handful at a time, so a list is as fast as a heap here, and
/// smaller in wasm.
#[derive(Default)]
pub(super) struct Timers(Vec<Deadline>);

impl Timers {
    /// Sets `timer` to fall due at `at`, in place of any earlier setting.
    pub(super) fn set(&mut self, timer: Timer, at: Instant) {
        self.clear(&timer);
        self.0.push(Deadline { at, timer });
    }

    pub(super) fn clear(&mut self, timer: &Timer) {
        self.0.retain(|d| d.timer != *timer);
    }

    /// Clears every timer of call `id`.
    pub(super) fn clear_call(&mut self, id: &str) {
        self.0.retain(|d| d.timer.call() != Some(id));
    }

    /// When `timer` falls due, if it is set.
    pub(super) fn at(&self, timer: &Timer) -> Option<Instant> {
        self.0.iter().find(|d| d.timer == *timer).map(|d| d.at)
    }

    pub(super) fn is_set(&self, timer: &Timer) -> bool {
        self.at(timer).is_some()
    }

    /// The earliest deadline.
    pub(super) fn next(&self) -> Option<Instant> {
        self.0.iter().map(|d| d.at).min()
    }

    /// Takes out the timers due at `now`, earliest first (a handful: picked one by one, which
    /// keeps a sort routine out of the wasm).
    fn take_due(&mut self, now: Instant) -> Vec<Timer> {
        let mut due: Vec<Deadline> = Vec::new();
        let mut i = 0;
        while let Some(d) = self.0.get(i) {
            if d.at <= now {
                due.push(self.0.swap_remove(i));
            } else {
                i += 1;
            }
        }
        let mut ordered = Vec::with_capacity(due.len());
        while let Some(first) = due.iter().enumerate().min_by_key(|(_, d)| d.at).map(|(i, _)| i) {
            ordered.push(due.swap_remove(first).timer);
        }
        ordered
    }
}

impl UserAgent {
    /// Handles every timer due at `now`. A timer set again while handling fires on the next
    /// input (the deadline [`UserAgent::poll_timeout`] gives).
    pub(super) fn on_timers(&mut self, now: Instant) {
        for timer in self.timers.take_due(now) {
            match timer {
                Timer::Transaction(key) => self.on_transaction_timeout(now, &key),
                Timer::RegistrationRefresh => self.on_registration_refresh(now),
                Timer::Keepalive => self.on_keepalive(now),
                Timer::PongWait => self.on_pong_missing(),
                Timer::AckWait(call) => self.on_ack_wait(now, &call),
                Timer::PrackWait(call) => self.on_prack_wait(now, &call),
                Timer::GlareRetry(call) => self.on_glare_retry(now, &call),
                Timer::Session(call) => self.on_session_due(now, &call),
                Timer::TransferSilence(call) => self.on_transfer_silence(&call),
            }
        }
    }
}
