//! The pre-flight check's probes (`probes.js`), as typed facts for `preflight` to judge.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::preflight::{Mic, Port, Socket, TurnError};

#[wasm_bindgen(module = "/src/support/probes.js")]
extern "C" {
    #[wasm_bindgen(js_name = probeWebSocket)]
    fn probe_web_socket(url: &str, limit_ms: u32) -> Promise;
    #[wasm_bindgen(js_name = probePort)]
    fn probe_port(host_port: &str, limit_ms: u32) -> Promise;
    #[wasm_bindgen(js_name = probeTurn)]
    fn probe_turn(servers: &Array, limit_ms: u32) -> Promise;
    #[wasm_bindgen(js_name = micLevel)]
    fn mic_level(device: Option<String>, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = playTestSound)]
    fn play_test_sound(sink: &str) -> Promise;
    #[wasm_bindgen(js_name = pause)]
    fn pause(ms: u32) -> Promise;
}

/// How long a PBX may take to open a WebSocket, a TURN server to give a relay address.
const ANSWER_LIMIT_MS: u32 = 5_000;
/// How long a refused TCP connection takes to show (it comes at once when nothing listens).
const PORT_LIMIT_MS: u32 = 1_500;
/// How long the microphone is listened to.
const LISTEN_MS: u32 = 1_500;

async fn settle(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED)
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn whole(value: &JsValue) -> u32 {
    value.as_f64().filter(|v| v.is_finite() && *v >= 0.0).map_or(0, |v| v.min(f64::from(u32::MAX)) as u32)
}

/// A SIP WebSocket to `url`, opened and closed.
pub async fn socket(url: &str) -> Socket {
    let result = settle(probe_web_socket(url, ANSWER_LIMIT_MS)).await;
    match (field(&result, "opened").as_bool(), field(&result, "code").as_f64()) {
        (Some(true), _) => Socket::Opened(whole(&field(&result, "ms"))),
        (_, Some(0.0)) => Socket::NoAnswer,
        _ => Socket::Closed,
    }
}

/// A plain TCP connection to `host_port`.
pub async fn port(host_port: &str) -> Port {
    match settle(probe_port(host_port, PORT_LIMIT_MS)).await.as_string().as_deref() {
        Some("refused") => Port::Refused,
        Some("open") => Port::Open,
        _ => Port::Unknown,
    }
}

/// A relay address through `servers`: the ms it took, or the errors the browser reported.
pub async fn turn(servers: &Array) -> (Option<u32>, Vec<TurnError>) {
    let result = settle(probe_turn(servers, ANSWER_LIMIT_MS)).await;
    if field(&result, "relay").as_bool() == Some(true) {
        return (Some(whole(&field(&result, "ms"))), Vec::new());
    }
    let errors = field(&result, "errors").dyn_into::<Array>().map(|a| a.to_vec()).unwrap_or_default();
    let errors = errors
        .iter()
        .map(|e| TurnError { url: field(e, "url").as_string().unwrap_or_default(), code: u16::try_from(whole(&field(e, "code"))).unwrap_or(0) })
        .collect();
    (None, errors)
}

/// The microphone `device` (`None`: the default), listened to for a moment.
pub async fn microphone(device: Option<String>) -> Mic {
    let result = settle(mic_level(device, LISTEN_MS)).await;
    match field(&result, "level").as_f64() {
        Some(level) => Mic::Level(level),
        None => Mic::Error(field(&result, "error").as_string().unwrap_or_else(|| "Error".into())),
    }
}

/// Plays the test sound on output `sink` (empty: the default); false if it could not.
pub async fn play(sink: &str) -> bool {
    settle(play_test_sound(sink)).await.as_bool() == Some(true)
}

/// Waits `ms`.
pub async fn sleep(ms: u32) {
    settle(pause(ms)).await;
}
