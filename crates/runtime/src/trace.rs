//! What the line says and measures, for a front end that keeps a journal of it (the Open CTI
//! app's diagnostics file): the line calls these hooks as it goes; nothing is kept here, and a
//! front end that installs none pays nothing.

use std::cell::Cell;

use wasm_bindgen::JsValue;

/// The hooks a front end installs.
#[derive(Clone, Copy)]
pub struct Hooks {
    /// A SIP message as it went to the PBX (`true`) or came from it, unredacted: the hook must
    /// take the secrets out before keeping anything.
    pub sip: fn(outgoing: bool, frame: &[u8]),
    /// A call's `getStats` report, about every second while it is talked on.
    pub stats: fn(call_id: &str, report: &JsValue),
}

thread_local! {
    static HOOKS: Cell<Option<Hooks>> = const { Cell::new(None) };
}

/// Installs `hooks` for this page's line.
pub fn install(hooks: Hooks) {
    HOOKS.with(|h| h.set(Some(hooks)));
}

pub(crate) fn sip(outgoing: bool, frame: &[u8]) {
    if let Some(hooks) = HOOKS.with(Cell::get) {
        (hooks.sip)(outgoing, frame);
    }
}

pub(crate) fn stats(call_id: &str, report: &JsValue) {
    if let Some(hooks) = HOOKS.with(Cell::get) {
        (hooks.stats)(call_id, report);
    }
}
