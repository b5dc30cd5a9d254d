//! The phone line's pure core: what the SIP core reports (`sip::Event`), turned into what the
//! phone hears (`phone::Event`) and what the browser must do (a [`LineAction`]: apply the far
//! end's audio description, answer a re-offer, move a call to a new connection...).
//!
//! It has the SIP core's sans-IO shape: news goes in ([`LineCore::handle_sip`], and the
//! phone's and the media's side: a call named, placed or let go of, an answer made or
//! refused), and the results come out in order ([`LineCore::poll_event`],
//! [`LineCore::poll_action`]). It owns the line's facts that need no browser: the one link
//! between the phone's call handles and the SIP core's Call-IDs, the calls ringing in that the
//! phone has not named yet, a hold asked of the far end, whether the PBX has us registered.
//! The browser runtime (`crates/runtime`, `line/`) keeps the browser's objects (each call's
//! peer connection, the WebSocket, timers) and carries out the actions.
//!
//! Why a crate and not a module of the runtime: as for `phone`, the compiler then keeps it free
//! of web-sys, js-sys and the browser's futures, and its tests run natively, read as
//! scenarios (`tests/`).

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

mod actions;
mod phone_side;
mod sip_side;
mod table;

use phone::{CallHandle, Event};
use sip::CallId;

pub use actions::{FarSdp, LineAction, Warning};
pub use phone_side::Answering;
pub use sip_side::is_transient;
use table::CallTable;

/// The line's pure state and its queues of news for the phone and work for the browser.
#[derive(Default)]
pub struct LineCore {
    calls: CallTable,
    /// The PBX has us registered (told to the phone once, not on every refresh).
    registered: bool,
    // Plain vectors, not VecDeques: a queue holds a few items at most, and `Vec<Event>` is code
    // the download has already (a VecDeque of each would add its own).
    events: Vec<Event>,
    actions: Vec<LineAction>,
}

impl LineCore {
    /// A line with no calls, not registered.
    pub fn new() -> LineCore {
        LineCore::default()
    }

    /// The next event for the phone, in the order they happened.
    pub fn poll_event(&mut self) -> Option<Event> {
        (!self.events.is_empty()).then(|| self.events.remove(0))
    }

    /// Every event not polled yet, in order (what [`LineCore::poll_event`] gives one by one).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The next operation for the browser, in the order they were decided.
    pub fn poll_action(&mut self) -> Option<LineAction> {
        (!self.actions.is_empty()).then(|| self.actions.remove(0))
    }

    /// The Call-ID of call `call`, once the SIP core named it.
    pub fn call_id(&self, call: CallHandle) -> Option<&CallId> {
        self.calls.get(call)?.call_id.as_ref()
    }

    /// The phone's handle for the call on SIP dialog `call_id`.
    pub fn handle(&self, call_id: &str) -> Option<CallHandle> {
        self.calls.by_call_id(call_id).map(|c| c.handle)
    }

    /// Whether the line still carries call `call` (the phone has not let go of it).
    pub fn carries(&self, call: CallHandle) -> bool {
        self.calls.get(call).is_some()
    }

    /// No call on the line (a spare offer for the next one is worth preparing).
    pub fn is_idle(&self) -> bool {
        self.calls.is_empty()
    }

    fn tell(&mut self, event: Event) {
        self.events.push(event);
    }

    fn act(&mut self, action: LineAction) {
        self.actions.push(action);
    }

    /// Lets go of call `call`: its audio stops. The Call-ID it had, if any.
    fn forget(&mut self, call: CallHandle) -> Option<CallId> {
        let gone = self.calls.remove(call)?;
        self.act(LineAction::ReleaseMedia { call });
        gone.call_id
    }
}
