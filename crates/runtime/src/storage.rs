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
use crate::phone::pop_measure::PopMeasure;
use crate::phone::presence::Presence;
use crate::phone::recent::RecentCall;
use crate::phone::value::Value;
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
#[derive(Clone, Debug, PartialEq, Eq)]
struct CallInProgress {
    direction: CallDirection,
    number: String,
    record: Option<RecordRef>,
    /// The record the agent worked on during the call (stored before this was kept: none).
    about: Option<RecordRef>,
    call_id: Option<String>,
    started_at_ms: u64,
    answered_at_ms: Option<u64>,
    /// The screen pop's measure, once Salesforce answered (stored before this was kept: none).
    screen_pop: Option<PopMeasure>,
    /// The last moment the page was known to be alive with the call up.
    heartbeat_ms: u64,
    /// The SIP dialog the call is on, once it is established (stored before this was kept: none).
    dialog: Option<StoredDialog>,
    /// The call was on hold (stored before this was kept: not).
    held: bool,
}

/// A call this page carries, with the SIP dialog it is on (once established), to store.
pub struct Carried<'a> {
    pub call: &'a Call,
    pub dialog: Option<sip::DialogRef>,
}

/// A SIP dialog as stored (see [`sip::DialogRef`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct StoredDialog {
    call_id: String,
    local_tag: String,
    remote_tag: String,
    remote_target: String,
}

impl CallInProgress {
    fn to_value(&self) -> Value {
        Value::object([
            ("direction", self.direction.to_value()),
            ("number", self.number.as_str().into()),
            ("record", self.record.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("about", self.about.as_ref().map_or(Value::Null, RecordRef::to_value)),
            ("call_id", self.call_id.clone().into()),
            ("started_at_ms", self.started_at_ms.into()),
            ("answered_at_ms", self.answered_at_ms.into()),
            ("screen_pop", self.screen_pop.as_ref().map_or(Value::Null, PopMeasure::to_value)),
            ("heartbeat_ms", self.heartbeat_ms.into()),
            ("dialog", self.dialog.as_ref().map_or(Value::Null, StoredDialog::to_value)),
            ("held", self.held.into()),
        ])
    }

    fn from_value(v: &Value) -> Option<CallInProgress> {
        Some(CallInProgress {
            direction: CallDirection::from_value(v.get("direction"))?,
            number: v.get("number").string()?,
            record: v.get("record").optional(RecordRef::from_value)?,
            about: v.get("about").optional(RecordRef::from_value)?,
            call_id: v.get("call_id").optional(Value::string)?,
            started_at_ms: v.get("started_at_ms").u64()?,
            answered_at_ms: v.get("answered_at_ms").optional(Value::u64)?,
            screen_pop: v.get("screen_pop").optional(PopMeasure::from_value)?,
            heartbeat_ms: v.get("heartbeat_ms").u64()?,
            dialog: v.get("dialog").optional(StoredDialog::from_value)?,
            held: v.get("held").optional(Value::bool)?.unwrap_or(false),
        })
    }
}

impl StoredDialog {
    fn to_value(&self) -> Value {
        Value::object([
            ("call_id", self.call_id.as_str().into()),
            ("local_tag", self.local_tag.as_str().into()),
            ("remote_tag", self.remote_tag.as_str().into()),
            ("remote_target", self.remote_target.as_str().into()),
        ])
    }

    fn from_value(v: &Value) -> Option<StoredDialog> {
        Some(StoredDialog {
            call_id: v.get("call_id").string()?,
            local_tag: v.get("local_tag").string()?,
            remote_tag: v.get("remote_tag").string()?,
            remote_target: v.get("remote_target").string()?,
        })
    }
}

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

/// Remembers the calls in progress at `now_ms` (the heartbeat) with the SIP dialogs they are
/// on; none forgets them.
pub fn store_calls(calls: &[Carried<'_>], now: Time) {
    let stored: Vec<Value> = calls.iter().map(|c| stored_call(c, now).to_value()).collect();
    write(CALLS_KEY, (!stored.is_empty()).then_some(Value::Array(stored)));
    write(OLD_CALL_KEY, None);
}

fn stored_call(carried: &Carried<'_>, now: Time) -> CallInProgress {
    let c = carried.call;
    CallInProgress {
        direction: c.direction(),
        number: c.number().to_owned(),
        record: c.record().cloned(),
        about: c.about().cloned(),
        call_id: c.log_call_id().map(str::to_owned),
        started_at_ms: c.started_at().unix_millis(),
        answered_at_ms: c.answered_at().map(Time::unix_millis),
        screen_pop: c.screen_pop().and_then(|pop| pop.measure_at(now)),
        heartbeat_ms: now.unix_millis(),
        dialog: carried.dialog.as_ref().map(|d| StoredDialog {
            call_id: d.call_id.to_string(),
            local_tag: d.local_tag.clone(),
            remote_tag: d.remote_tag.clone(),
            remote_target: d.remote_target.to_string(),
        }),
        held: c.held(),
    }
}

fn stored_calls() -> Vec<CallInProgress> {
    read(CALLS_KEY, each(CallInProgress::from_value))
        .or_else(|| read(OLD_CALL_KEY, CallInProgress::from_value).map(|c| vec![c]))
        .unwrap_or_default()
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
        about: call.about,
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
        call_id: d.call_id.as_str().into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::pop_measure::PopOutcome;

    fn call(dialog: Option<StoredDialog>, held: bool) -> CallInProgress {
        CallInProgress {
            direction: CallDirection::Inbound,
            number: "1002".into(),
            record: None,
            about: held.then(|| RecordRef { id: "500x".into(), name: "Case 1".into(), object_type: "Case".into(), person_contact_id: None }),
            call_id: Some("c1@pbx".into()),
            started_at_ms: 1_000,
            answered_at_ms: Some(2_000),
            screen_pop: Some(PopMeasure { outcome: PopOutcome::OneMatch, latency_ms: Some(40) }),
            heartbeat_ms: 9_000,
            dialog,
            held,
        }
    }

    #[test]
    fn a_call_in_progress_comes_back_as_stored() {
        let dialog = StoredDialog { call_id: "c1@pbx".into(), local_tag: "a".into(), remote_tag: "b".into(), remote_target: "sip:1002@pbx".into() };
        for stored in [call(Some(dialog), true), call(None, false)] {
            assert_eq!(CallInProgress::from_value(&stored.to_value()), Some(stored));
        }
    }

    #[test]
    fn a_call_stored_before_the_pop_the_dialog_and_hold_were_kept_is_read() {
        let older = Value::object([
            ("direction", "Outbound".into()),
            ("number", "+1 415 555 0100".into()),
            ("record", Value::Null),
            ("call_id", "c2@pbx".into()),
            ("started_at_ms", 1_000u64.into()),
            ("answered_at_ms", Value::Null),
            ("heartbeat_ms", 4_000u64.into()),
        ]);
        let read = CallInProgress::from_value(&older).expect("read");
        assert_eq!((read.direction, read.heartbeat_ms, read.held), (CallDirection::Outbound, 4_000, false));
        assert_eq!((read.screen_pop, read.dialog), (None, None));
    }
}
