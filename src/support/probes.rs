//! The pre-flight check's probes (`probes.js`), read into the typed facts `preflight` judges.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::preflight::{Mic, Port, Socket, TurnError};

#[wasm_bindgen(module = "/src/support/probes.js")]
extern "C" {
    #[wasm_bindgen(js_name = runChecks)]
    fn run_checks(urls: Vec<String>, servers: JsValue, device: Option<String>) -> Promise;
    #[wasm_bindgen(js_name = playTestSound)]
    fn play_test_sound(sink: &str) -> Promise;
    fn pause(ms: u32) -> Promise;
}

/// What the automatic probes found.
pub struct Facts {
    /// Each PBX URL's WebSocket and, when it closed, its port.
    pub pbx: Vec<(Socket, Option<Port>)>,
    /// A relay address in this many ms, or the TURN errors; `None` without TURN.
    pub turn: Option<(Option<u32>, Vec<TurnError>)>,
    pub microphone: Mic,
}

async fn settle(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED)
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn whole(value: &JsValue) -> Option<u32> {
    value.as_f64().filter(|v| v.is_finite() && *v >= 0.0).map(|v| v.min(f64::from(u32::MAX)) as u32)
}

fn list(value: &JsValue) -> Vec<JsValue> {
    value.clone().dyn_into::<Array>().map(|a| a.to_vec()).unwrap_or_default()
}

/// Probes each of `urls`, the TURN `servers` (`None`: no TURN configured) and the microphone
/// `device` (`None`: the browser's default).
pub async fn run(urls: Vec<String>, servers: Option<Array>, device: Option<String>) -> Facts {
    let found = settle(run_checks(urls, servers.map_or(JsValue::NULL, JsValue::from), device)).await;
    let pbx = list(&field(&found, "pbx"))
        .iter()
        .map(|s| {
            let socket = match (field(s, "opened").as_bool(), whole(&field(s, "code"))) {
                (Some(true), _) => Socket::Opened(whole(&field(s, "ms")).unwrap_or(0)),
                (_, Some(0)) => Socket::NoAnswer,
                _ => Socket::Closed,
            };
            let port = match field(s, "port").as_string().as_deref() {
                Some("refused") => Some(Port::Refused),
                Some("open") => Some(Port::Open),
                Some(_) => Some(Port::Unknown),
                None => None,
            };
            (socket, port)
        })
        .collect();
    let turn = field(&found, "turn");
    let turn = (!turn.is_null() && !turn.is_undefined()).then(|| {
        let errors = list(&field(&turn, "errors"))
            .iter()
            .map(|e| TurnError { url: field(e, "url").as_string().unwrap_or_default(), code: whole(&field(e, "code")).and_then(|c| u16::try_from(c).ok()).unwrap_or(0) })
            .collect();
        (whole(&field(&turn, "relay")), errors)
    });
    let mic = field(&found, "microphone");
    let microphone = match field(&mic, "level").as_f64() {
        Some(level) => Mic::Level(level),
        None => Mic::Error(field(&mic, "error").as_string().unwrap_or_else(|| "Error".into())),
    };
    Facts { pbx, turn, microphone }
}

/// Plays the test sound on output `sink` (empty: the default); false if it could not.
pub async fn play(sink: &str) -> bool {
    settle(play_test_sound(sink)).await.as_bool() == Some(true)
}

/// Waits `ms`.
pub async fn sleep(ms: u32) {
    settle(pause(ms)).await;
}
