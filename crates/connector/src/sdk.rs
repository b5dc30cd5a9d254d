//! The SDK (`SCVConnectorBase`, the UMD global of `@salesforce/scv-connector-base`) from Rust:
//! its result classes built with `new` (it checks every payload with `instanceof`), and
//! `publishEvent` / `publishError`. A class that refuses its arguments (it validates them) is an
//! `Err`, never a panic.

use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::bridge::{CallType, SfCall};
use crate::methods::Refusal;

/// `SCVConnectorBase`, the SDK's global.
fn sdk() -> Result<JsValue, JsValue> {
    let global = js_sys::global();
    let sdk = Reflect::get(&global, &"SCVConnectorBase".into())?;
    if sdk.is_undefined() {
        return Err("SCVConnectorBase is not loaded".into());
    }
    Ok(sdk)
}

/// An object with these properties (undefined ones left out).
pub fn object(entries: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (key, value) in entries {
        if !value.is_undefined() {
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&o, &(*key).into(), value);
        }
    }
    o
}

/// `new SCVConnectorBase[class](args)`.
pub fn construct(class: &str, args: &Object) -> Result<JsValue, JsValue> {
    let constructor: Function = Reflect::get(&sdk()?, &class.into())?.dyn_into()?;
    Reflect::construct(&constructor, &Array::of1(args))
}

fn call_sdk(function: &str, args: &Object) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(&sdk()?, &function.into())?.dyn_into()?;
    f.call1(&JsValue::NULL, args)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn optional(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// A `PhoneCall` for `call`; `reason` for a call that ended.
pub fn phone_call(call: &SfCall, reason: Option<&str>) -> Result<JsValue, JsValue> {
    let contact = construct("Contact", &object(&[("phoneNumber", text(&call.number)), ("name", text(&call.name)), ("type", text("PhoneNumber"))]))?;
    let info = construct(
        "CallInfo",
        &object(&[
            ("isOnHold", call.held.into()),
            ("isMuted", call.muted.into()),
            ("callStateTimestamp", Date::new_0().into()),
            ("initialCallId", optional(call.parent_call_id.as_deref())),
            ("isSoftphoneCall", true.into()),
            // This PBX setup records nothing and merges no calls: Omni shows no such buttons.
            ("recordEnabled", false.into()),
            ("showRecordButton", false.into()),
            ("conferenceEnabled", false.into()),
            ("showMergeButton", false.into()),
            ("isReplayable", true.into()),
        ]),
    )?;
    let participant = if call.call_type == CallType::AddParticipant { "Third_Party" } else { "Initial_Caller" };
    let attributes = construct(
        "PhoneCallAttributes",
        &object(&[("voiceCallId", optional(call.voice_call_id.as_deref())), ("participantType", text(participant)), ("parentId", optional(call.parent_call_id.as_deref()))]),
    )?;
    construct(
        "PhoneCall",
        &object(&[
            ("callId", text(&call.call_id)),
            ("callType", text(call.call_type.as_str())),
            ("contact", contact),
            ("state", text(if reason.is_some() { "ended" } else { call.state.as_str() })),
            ("callAttributes", attributes),
            ("phoneNumber", text(&call.number)),
            ("callInfo", info),
            ("reason", optional(reason)),
        ]),
    )
}

pub fn call_result(call: &SfCall) -> Result<JsValue, JsValue> {
    construct("CallResult", &object(&[("call", phone_call(call, None)?)]))
}

/// `HangupResult` for calls that ended (`reason`: "ended" or "error").
pub fn hangup_result(calls: &[SfCall], reason: &str) -> Result<JsValue, JsValue> {
    let list = Array::new();
    for call in calls {
        list.push(&phone_call(call, Some(reason))?);
    }
    construct("HangupResult", &object(&[("calls", list.into())]))
}

/// `HoldToggleResult` for the calls Salesforce knows.
pub fn hold_result<'a>(calls: impl Iterator<Item = &'a SfCall>) -> Result<JsValue, JsValue> {
    let (mut customer_held, mut third_party_held) = (false, false);
    let list = Array::new();
    for call in calls {
        if call.call_type == CallType::AddParticipant {
            third_party_held |= call.held;
        } else {
            customer_held |= call.held;
        }
        list.push(&phone_call(call, None)?);
    }
    construct("HoldToggleResult", &object(&[("isThirdPartyOnHold", third_party_held.into()), ("isCustomerOnHold", customer_held.into()), ("calls", list.into())]))
}

pub fn mute_result(muted: bool) -> Result<JsValue, JsValue> {
    construct("MuteToggleResult", &object(&[("isMuted", muted.into())]))
}

/// `ParticipantResult` for a consultation's (or blind transfer's) third party.
pub fn participant_result(leg: &SfCall, initial_call_has_ended: bool) -> Result<JsValue, JsValue> {
    let info = construct("CallInfo", &object(&[("isOnHold", leg.held.into()), ("callStateTimestamp", Date::new_0().into()), ("isSoftphoneCall", true.into())]))?;
    construct(
        "ParticipantResult",
        &object(&[("initialCallHasEnded", initial_call_has_ended.into()), ("callInfo", info), ("phoneNumber", text(&leg.number)), ("callId", text(&leg.call_id))]),
    )
}

pub fn active_calls(calls: &[SfCall]) -> Result<JsValue, JsValue> {
    let list = Array::new();
    for call in calls {
        list.push(&phone_call(call, None)?);
    }
    construct("ActiveCallsResult", &object(&[("activeCalls", list.into())]))
}

pub fn init_result(login_frame_height: u32) -> Result<JsValue, JsValue> {
    construct("InitResult", &object(&[("showLogin", true.into()), ("loginFrameHeight", login_frame_height.into())]))
}

pub fn generic_result(success: bool) -> Result<JsValue, JsValue> {
    construct("GenericResult", &object(&[("success", success.into())]))
}

pub fn logout_result(login_frame_height: u32) -> Result<JsValue, JsValue> {
    construct("LogoutResult", &object(&[("success", true.into()), ("loginFrameHeight", login_frame_height.into())]))
}

/// A softphone in the browser (no desk phone).
pub fn agent_config() -> Result<JsValue, JsValue> {
    let phone = construct("Phone", &object(&[("type", text("SOFT_PHONE"))]))?;
    construct("AgentConfigResult", &object(&[("phones", Array::of1(&text("SOFT_PHONE")).into()), ("selectedPhone", phone)]))
}

/// What Omni-Channel may offer: mute, swap, blind transfer, and the MOS from the call's audio;
/// no recording, merging (the PBX setup has no conference bridge), phone book or supervisor.
pub fn capabilities() -> Result<JsValue, JsValue> {
    construct(
        "CapabilitiesResult",
        &object(&[
            ("hasMute", true.into()),
            ("hasRecord", false.into()),
            ("hasMerge", false.into()),
            ("hasSwap", true.into()),
            ("hasBlindTransfer", true.into()),
            ("supportsMos", true.into()),
            ("hasPhoneBook", false.into()),
            ("hasContactSearch", false.into()),
            ("debugEnabled", false.into()),
        ]),
    )
}

pub fn no_contacts() -> Result<JsValue, JsValue> {
    construct("PhoneContactsResult", &object(&[]))
}

/// The audio of a call so far, for the MOS Salesforce computes (`UPDATE_AUDIO_STATS`);
/// `completed` at the call's end.
pub fn audio_stats(call_id: &str, sample: Option<AudioSample>, completed: bool) -> Result<JsValue, JsValue> {
    let stats = Array::new();
    if let Some(s) = sample {
        let input = construct(
            "StatsInfo",
            &object(&[("packetsCount", s.packets.into()), ("packetsLost", s.lost.into()), ("jitterBufferMillis", s.jitter_ms.into()), ("roundTripTimeMillis", s.round_trip_ms.into())]),
        )?;
        stats.push(&construct("AudioStatsElement", &object(&[("inputChannelStats", input)]))?);
    }
    let completed = if completed { JsValue::TRUE } else { JsValue::UNDEFINED };
    construct("AudioStats", &object(&[("callId", text(call_id)), ("stats", stats.into()), ("isAudioStatsCompleted", completed)]))
}

/// One second of a call's received audio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AudioSample {
    pub packets: f64,
    pub lost: f64,
    pub jitter_ms: f64,
    pub round_trip_ms: f64,
}

/// `publishEvent({eventType, payload})`.
pub fn publish(event_type: &str, payload: &JsValue) -> Result<(), JsValue> {
    call_sdk("publishEvent", &object(&[("eventType", text(event_type)), ("payload", payload.clone())])).map(|_| ())
}

/// `publishError({eventType, error})`.
pub fn publish_error(event_type: &str, error: &JsValue) -> Result<(), JsValue> {
    call_sdk("publishError", &object(&[("eventType", text(event_type)), ("error", error.clone())])).map(|_| ())
}

/// The error a refused method rejects with: an `Error` whose `type` is the library's error type.
pub fn refusal(r: &Refusal) -> JsValue {
    let error = js_sys::Error::new(&r.to_string());
    let _ = Reflect::set(&error, &"type".into(), &r.error_type().into());
    error.into()
}
