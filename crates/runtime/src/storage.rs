//! What the phone keeps in this browser's `localStorage` so that a reload loses nothing: the call
//! logs Salesforce has not confirmed yet, and the calls in progress (number, record, direction,
//! times, hold, Call-ID and SIP dialog, refreshed every second), to rejoin them or log them right
//! after a reload. Never a secret: the SIP password stays in memory only. The dialog's tags are not a
//! password, but they let whoever holds them take the call over (RFC 3891 §8): they stay in
//! this origin's storage, which only the phone's own pages read.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::phone::outputs::OutputChoices;
use crate::phone::pop_measure::PopMeasure;
use crate::phone::presence::Presence;
use crate::phone::recent::RecentCall;
use crate::phone::{Call, CallDirection, InterruptedCall, PendingLog, RecordRef, Time};

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

/// A call in progress, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct CallInProgress {
    direction: CallDirection,
    number: String,
    record: Option<RecordRef>,
    call_id: Option<String>,
    started_at_ms: u64,
    answered_at_ms: Option<u64>,
    /// The screen pop's measure, once Salesforce answered (stored before this was kept: none).
    #[serde(default)]
    screen_pop: Option<PopMeasure>,
    /// The last moment the page was known to be alive with the call up.
    heartbeat_ms: u64,
    /// The SIP dialog the call is on, once it is established.
    #[serde(default)]
    dialog: Option<StoredDialog>,
    /// The call was on hold.
    #[serde(default)]
    held: bool,
}

/// A call this page carries, with the SIP dialog it is on (once established), to store.
pub struct Carried<'a> {
    pub call: &'a Call,
    pub dialog: Option<sip::DialogRef>,
}

/// A SIP dialog as stored (see [`sip::DialogRef`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct StoredDialog {
    call_id: String,
    local_tag: String,
    remote_tag: String,
    remote_target: String,
}

/// This origin's `localStorage`, when the browser allows it (it may not in a third-party frame).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn read<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok().flatten()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// Writes `value` under `key`, or removes the key for `None`. Storage may be full or blocked: the
/// phone then keeps working from memory, and says so on the console.
fn write<T: Serialize>(key: &str, value: Option<&T>) {
    let Some(storage) = storage() else { return };
    let result = match value {
        None => storage.remove_item(key),
        Some(value) => value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsValue::from_str(&e.to_string()))
            .and_then(|v| js_sys::JSON::stringify(&v))
            .and_then(|text| storage.set_item(key, &String::from(text))),
    };
    if result.is_err() {
        web_sys::console::warn_1(&format!("The phone could not write {key} to this browser's storage.").into());
    }
}

/// The recent calls this browser kept (none when storage is empty or unreadable).
pub fn stored_recent() -> Vec<RecentCall> {
    read(RECENT_KEY).unwrap_or_default()
}

/// Remembers the recent calls.
pub fn store_recent(recent: &[RecentCall]) {
    write(RECENT_KEY, Some(&recent))
}

/// The presence the agent last chose in this browser (Available when none).
pub fn stored_presence() -> Presence {
    read(PRESENCE_KEY).unwrap_or_default()
}

/// Remembers the agent's presence.
pub fn store_presence(presence: Presence) {
    write(PRESENCE_KEY, Some(&presence))
}

/// The speaker and ringer the agent last chose in this browser (the defaults when none).
pub fn stored_outputs() -> OutputChoices {
    read(OUTPUTS_KEY).unwrap_or_default()
}

/// Remembers the agent's speaker and ringer (forgets the key when both are the defaults).
pub fn store_outputs(choices: &OutputChoices) {
    write(OUTPUTS_KEY, (choices != &OutputChoices::default()).then_some(choices))
}

/// The logs a previous page left unsaved (none when storage is empty or unreadable).
pub fn stored_logs() -> Vec<PendingLog> {
    read(OUTBOX_KEY).unwrap_or_default()
}

/// Remembers the unsaved logs (forgets the key when there are none).
pub fn store_logs(logs: &[PendingLog]) {
    write(OUTBOX_KEY, (!logs.is_empty()).then_some(&logs))
}

/// Remembers the calls in progress at `now_ms` (the heartbeat) with the SIP dialogs they are
/// on; none forgets them.
pub fn store_calls(calls: &[Carried<'_>], now: Time) {
    let stored: Vec<CallInProgress> = calls.iter().map(|c| stored_call(c, now)).collect();
    write(CALLS_KEY, (!stored.is_empty()).then_some(&stored));
    write::<CallInProgress>(OLD_CALL_KEY, None);
}

fn stored_call(carried: &Carried<'_>, now: Time) -> CallInProgress {
    let c = carried.call;
    CallInProgress {
        direction: c.direction(),
        number: c.number().to_owned(),
        record: c.record().cloned(),
        call_id: c.log_call_id().map(str::to_owned),
        started_at_ms: c.started_at().unix_millis(),
        answered_at_ms: c.answered_at().map(Time::unix_millis),
        screen_pop: c.screen_pop().and_then(|pop| pop.measure_at(now)),
        heartbeat_ms: now.unix_millis(),
        dialog: carried.dialog.as_ref().map(|d| StoredDialog {
            call_id: d.call_id.clone(),
            local_tag: d.local_tag.clone(),
            remote_tag: d.remote_tag.clone(),
            remote_target: d.remote_target.to_string(),
        }),
        held: c.held(),
    }
}

fn stored_calls() -> Vec<CallInProgress> {
    read::<Vec<CallInProgress>>(CALLS_KEY).or_else(|| read::<CallInProgress>(OLD_CALL_KEY).map(|c| vec![c])).unwrap_or_default()
}

/// The calls a previous page went away during, each with the log it deserves if it cannot be
/// rejoined (talk time until the page's last heartbeat). They stay stored until the phone is
/// done with them.
pub fn interrupted_calls() -> Vec<InterruptedCall> {
    stored_calls().into_iter().map(interrupted).collect()
}

/// A stored call as the phone takes it back (what becomes of it is the phone's to decide).
fn interrupted(call: CallInProgress) -> InterruptedCall {
    InterruptedCall {
        can_rejoin: call.dialog.as_ref().and_then(dialog_ref).is_some(),
        direction: call.direction,
        number: call.number,
        record: call.record,
        call_id: call.call_id,
        started_at: Time::from_unix_millis(call.started_at_ms),
        answered_at: call.answered_at_ms.map(Time::from_unix_millis),
        screen_pop: call.screen_pop,
        interrupted_at: Time::from_unix_millis(call.heartbeat_ms),
        held: call.held,
    }
}

/// The SIP dialog of the call a previous page went away during whose log is keyed by
/// `call_id`, to rejoin it.
pub fn interrupted_dialog(call_id: &str) -> Option<sip::DialogRef> {
    stored_calls().into_iter().find(|c| c.call_id.as_deref() == Some(call_id))?.dialog.as_ref().and_then(dialog_ref)
}

fn dialog_ref(d: &StoredDialog) -> Option<sip::DialogRef> {
    Some(sip::DialogRef {
        call_id: d.call_id.clone(),
        local_tag: d.local_tag.clone(),
        remote_tag: d.remote_tag.clone(),
        remote_target: d.remote_target.parse().ok()?,
    })
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
