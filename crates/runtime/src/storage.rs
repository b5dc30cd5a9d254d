//! What the phone keeps in this browser's `localStorage` so that a reload loses nothing: the call
//! logs Salesforce has not confirmed yet, and the calls in progress (number, record, direction,
//! times, hold, Call-ID and SIP dialog, refreshed every second), to rejoin them or log them right
//! after a reload. Never a secret: the SIP password stays in memory only. The dialog's tags are not a
//! password, but they let whoever holds them take the call over (RFC 3891 §8): they stay in
//! this origin's storage, which only the phone's own pages read.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::js_value::{parse_json, to_json};
use crate::phone::outputs::OutputChoices;
use crate::phone::presence::Presence;
use crate::phone::recent::RecentCall;
use crate::phone::value::Value;
use crate::phone::{CallSnapshot, PendingLog};

/// The unsaved call logs (a JSON array).
const OUTBOX_KEY: &str = "softphone.outbox";
/// The recent calls (a JSON array, newest first).
const RECENT_KEY: &str = "softphone.recent";
/// The agent's presence (Available, Busy, Away, Offline), remembered in this browser.
const PRESENCE_KEY: &str = "softphone.presence";
/// The calls in progress (a JSON array), absent when there are none.
const CALLS_KEY: &str = "softphone.calls";
/// The one call in progress, as pages before several calls at once stored it (read once, after
/// an upgrade, then cleared).
const OLD_CALL_KEY: &str = "softphone.call";
/// The agent's speaker and ringer (device ids: no secret), remembered in this browser.
const OUTPUTS_KEY: &str = "softphone.outputs";

/// This origin's `localStorage`, when the browser allows it (it may not in a third-party frame).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// What is stored under `key`, read by `read`; `None` when nothing is, or it is unreadable.
fn read<T>(key: &str, read: impl FnOnce(&Value) -> Option<T>) -> Option<T> {
    read(&parse_json(&storage()?.get_item(key).ok().flatten()?)?)
}

/// Writes `value` under `key`, or removes the key for `None`. Storage may be full or blocked: the
/// phone then keeps working from memory, and says so on the console.
fn write(key: &str, value: Option<Value>) {
    let Some(storage) = storage() else { return };
    let result = match value {
        None => storage.remove_item(key),
        Some(value) => match to_json(&value) {
            Some(text) => storage.set_item(key, &text),
            None => Err(JsValue::NULL),
        },
    };
    if result.is_err() {
        web_sys::console::warn_1(&format!("The phone could not write {key} to this browser's storage.").into());
    }
}

/// Every item of a stored list that reads; one unreadable item does not cost the others.
fn each<T>(read: fn(&Value) -> Option<T>) -> impl FnOnce(&Value) -> Option<Vec<T>> {
    move |list| Some(list.items()?.iter().filter_map(read).collect())
}

/// The recent calls this browser kept (none when storage is empty or unreadable).
pub fn stored_recent() -> Vec<RecentCall> {
    read(RECENT_KEY, each(RecentCall::from_value)).unwrap_or_default()
}

/// Remembers the recent calls.
pub fn store_recent(recent: &[RecentCall]) {
    write(RECENT_KEY, Some(Value::Array(recent.iter().map(RecentCall::to_value).collect())))
}

/// The presence the agent last chose in this browser (Available when none).
pub fn stored_presence() -> Presence {
    read(PRESENCE_KEY, Presence::from_value).unwrap_or_default()
}

/// Remembers the agent's presence.
pub fn store_presence(presence: Presence) {
    write(PRESENCE_KEY, Some(presence.to_value()))
}

/// The speaker and ringer the agent last chose in this browser (the defaults when none).
pub fn stored_outputs() -> OutputChoices {
    read(OUTPUTS_KEY, OutputChoices::from_value).unwrap_or_default()
}

/// Remembers the agent's speaker and ringer (forgets the key when both are the defaults).
pub fn store_outputs(choices: &OutputChoices) {
    write(OUTPUTS_KEY, (choices != &OutputChoices::default()).then(|| choices.to_value()))
}

/// The logs a previous page left unsaved (none when storage is empty or unreadable).
pub fn stored_logs() -> Vec<PendingLog> {
    read(OUTBOX_KEY, each(PendingLog::from_value)).unwrap_or_default()
}

/// Remembers the unsaved logs (forgets the key when there are none).
pub fn store_logs(logs: &[PendingLog]) {
    write(OUTBOX_KEY, (!logs.is_empty()).then(|| Value::Array(logs.iter().map(PendingLog::to_value).collect())))
}

/// Remembers the calls in progress (their snapshots, taken every second); none forgets them.
pub fn store_calls(calls: &[CallSnapshot]) {
    let stored: Vec<Value> = calls.iter().map(CallSnapshot::to_value).collect();
    write(CALLS_KEY, (!stored.is_empty()).then_some(Value::Array(stored)));
    write(OLD_CALL_KEY, None);
}

/// The calls a previous page went away during, as it last wrote them (what becomes of each is
/// the phone's to decide). They stay stored until the phone is done with them.
pub fn interrupted_calls() -> Vec<CallSnapshot> {
    read(CALLS_KEY, each(CallSnapshot::from_value))
        .or_else(|| read(OLD_CALL_KEY, CallSnapshot::from_value).map(|c| vec![c]))
        .unwrap_or_default()
}

/// Asks the browser to warn before leaving the page while `pending()` says logs are unsaved.
/// The listener lives as long as the page.
pub fn warn_before_leaving(pending: impl Fn() -> bool + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(move |event: web_sys::BeforeUnloadEvent| {
        if pending() {
            event.prevent_default();
            // Older Chromium needs returnValue set as well.
            event.set_return_value("Call logs are not saved in Salesforce yet.");
        }
    });
    let _ = window.add_event_listener_with_callback("beforeunload", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// Calls `on_hide` when the page is being hidden or unloaded (the last chance to write).
pub fn on_page_hide(on_hide: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn()>::new(on_hide);
    let _ = window.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
    listener.forget();
}
