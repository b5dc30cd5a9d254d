//! Audio for calls: the microphone, one `RTCPeerConnection` per call, remote playback, mute,
//! hold, DTMF and quality figures. SDP goes to and comes from the SIP core as opaque text.
//!
//! Speed matters from click to INVITE, so the microphone is opened once at sign-in and kept
//! ([`Microphone`]); a call only creates its peer connection and offer. ICE gathering is
//! bounded ([`GATHERING_LIMIT_MS`]): a call never waits seconds for candidates that will not come.

mod call;
mod codecs;
mod ice;
mod output;
mod sdp;
mod tones;

pub use call::{CallMedia, MediaStats, ProblemReport};
pub use ice::{browser_servers, IceConfig, IceSource};
pub use output::{audio_outputs, can_choose, on_output_failure, use_ringer, use_speaker, watch_devices, OutputFailure};
pub use tones::{Tone, Tones};

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints};

/// How long an offer or answer waits for ICE candidates before going out with what it has.
pub const GATHERING_LIMIT_MS: i32 = 400;
/// The same when a TURN server is configured: an allocation takes a round trip or two to a
/// server that may be far away, and a relay-only call has no audio without it.
pub const TURN_GATHERING_LIMIT_MS: i32 = 2000;

/// What went wrong with audio: the phone's own vocabulary, worded by the app.
pub type MediaError = crate::phone::reasons::MediaProblem;

/// Hears a microphone's track end; dropping it stops listening.
pub struct TrackEnded {
    track: web_sys::MediaStreamTrack,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for TrackEnded {
    fn drop(&mut self) {
        self.track.set_onended(None);
    }
}

/// The agent's microphone, opened once and shared by every call.
#[derive(Clone)]
pub struct Microphone {
    stream: MediaStream,
}

impl Microphone {
    /// Asks for the microphone (`device_id` picks one; `None` is the browser's default).
    pub async fn open(device_id: Option<&str>) -> Result<Microphone, MediaError> {
        let refused = |e: wasm_bindgen::JsValue| MediaError::MicrophoneBlocked { detail: js_error(&e) };
        let devices = web_sys::window()
            .ok_or_else(|| MediaError::MicrophoneBlocked { detail: "no window".into() })?
            .navigator()
            .media_devices()
            .map_err(refused)?;
        let constraints = MediaStreamConstraints::new();
        match device_id {
            Some(id) => {
                let audio = js_sys::Object::new();
                let exact = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&exact, &"exact".into(), &id.into());
                let _ = js_sys::Reflect::set(&audio, &"deviceId".into(), &exact);
                constraints.set_audio(&audio);
            }
            None => constraints.set_audio(&true.into()),
        }
        let promise = devices.get_user_media_with_constraints(&constraints).map_err(refused)?;
        let stream = JsFuture::from(promise).await.map_err(refused)?;
        let stream = stream.dyn_into::<MediaStream>().map_err(refused)?;
        Ok(Microphone { stream })
    }

    /// Stops the microphone (sign-out): the browser's recording indicator goes off.
    pub fn close(&self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }

    /// Calls `on_ended` when the microphone goes away by itself (unplugged, a headset switched
    /// off, the permission revoked), for as long as the returned guard lives.
    pub fn watch_ended(&self, on_ended: impl FnMut() + 'static) -> Option<TrackEnded> {
        let track = self.track().ok()?;
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(on_ended);
        track.set_onended(Some(callback.as_ref().unchecked_ref()));
        Some(TrackEnded { track, _callback: callback })
    }

    pub(crate) fn stream(&self) -> &MediaStream {
        &self.stream
    }

    /// The microphone's audio track.
    pub(crate) fn track(&self) -> Result<web_sys::MediaStreamTrack, MediaError> {
        self.stream
            .get_audio_tracks()
            .get(0)
            .dyn_into::<web_sys::MediaStreamTrack>()
            .map_err(|_| MediaError::MicrophoneBlocked { detail: "the microphone has no audio track".into() })
    }
}

/// The microphones the browser offers, as (device id, label). Labels are only known once the
/// agent allowed a microphone, so call this after [`Microphone::open`]. The `default` entry is
/// left out: choosing no device means the browser's default already.
pub async fn audio_inputs() -> Vec<(String, String)> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else { return Vec::new() };
    let Ok(promise) = devices.enumerate_devices() else { return Vec::new() };
    let Ok(list) = JsFuture::from(promise).await else { return Vec::new() };
    let Ok(list) = list.dyn_into::<js_sys::Array>() else { return Vec::new() };
    list.iter()
        .filter_map(|d| d.dyn_into::<web_sys::MediaDeviceInfo>().ok())
        .filter(|d| d.kind() == web_sys::MediaDeviceKind::Audioinput && d.device_id() != "default" && !d.device_id().is_empty())
        .map(|d| {
            let label = if d.label().is_empty() { "Microphone".to_owned() } else { d.label() };
            (d.device_id(), label)
        })
        .collect()
}

/// A readable message from a JS error value.
pub(crate) fn js_error(value: &wasm_bindgen::JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    js_sys::Reflect::get(value, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
