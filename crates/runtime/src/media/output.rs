//! Where the phone's sound goes: the calls' far ends through a small pool of `<audio>` elements,
//! the tones through their WebAudio contexts, each on the output the agent chose (`setSinkId`).
//!
//! Every call needs an element of its own while it lives (one on hold, one live), but an element
//! made per call left the browser's media internals behind each time: a call leases one from the
//! pool and gives it back when it ends, so the pool only grows to the most calls alive at once.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AudioContext, HtmlAudioElement};

use crate::phone::outputs::OutputRole;

/// Hears that the browser refused an output: the role, the device id, and whether it is gone.
pub type OutputFailure = Rc<dyn Fn(OutputRole, String, bool)>;

#[derive(Default)]
struct State {
    /// Elements no call holds, ready for the next call.
    free: Vec<HtmlAudioElement>,
    /// Elements calls hold now.
    leased: Vec<HtmlAudioElement>,
    /// The calls' output (`None`: the browser's default).
    speaker: Option<String>,
    /// The tones' output.
    ringer: Option<String>,
    /// The contexts of the tones playing now, to move them when the ringer changes.
    tones: Vec<AudioContext>,
    on_failure: Option<OutputFailure>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// One call's `<audio>` element, given back to the pool (silenced) when dropped.
pub struct SpeakerLease {
    audio: HtmlAudioElement,
}

impl SpeakerLease {
    /// An element for a new call, on the chosen speaker. `None` when the page cannot play audio.
    pub fn take() -> Option<SpeakerLease> {
        let reused = STATE.with(|s| s.borrow_mut().free.pop());
        let audio = match reused {
            Some(audio) => audio,
            None => {
                let audio = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.create_element("audio").ok())
                    .and_then(|e| e.dyn_into::<HtmlAudioElement>().ok())?;
                audio.set_autoplay(true);
                let speaker = STATE.with(|s| s.borrow().speaker.clone());
                if speaker.is_some() {
                    set_sink(audio.unchecked_ref(), OutputRole::Speaker, speaker);
                }
                audio
            }
        };
        STATE.with(|s| s.borrow_mut().leased.push(audio.clone()));
        Some(SpeakerLease { audio })
    }

    /// The element that plays this call's far end.
    pub fn element(&self) -> &HtmlAudioElement {
        &self.audio
    }
}

impl Drop for SpeakerLease {
    fn drop(&mut self) {
        self.audio.set_src_object(None);
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.leased.retain(|a| a != &self.audio);
            s.free.push(self.audio.clone());
        });
    }
}

/// Plays the calls on `device` (`None`: the default) from now on, the calls in progress too.
pub fn use_speaker(device: Option<String>) {
    let elements: Vec<HtmlAudioElement> = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.speaker.clone_from(&device);
        s.free.iter().chain(s.leased.iter()).cloned().collect()
    });
    for audio in elements {
        set_sink(audio.unchecked_ref(), OutputRole::Speaker, device.clone());
    }
}

/// Plays the tones on `device` (`None`: the default) from now on, a tone playing too.
pub fn use_ringer(device: Option<String>) {
    let contexts = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.ringer.clone_from(&device);
        s.tones.clone()
    });
    for context in contexts {
        set_sink(context.unchecked_ref(), OutputRole::Ringer, device.clone());
    }
}

/// Tells `on_failure` when the browser refuses an output (for as long as the page lives).
pub fn on_output_failure(on_failure: OutputFailure) {
    STATE.with(|s| s.borrow_mut().on_failure = Some(on_failure));
}

/// A WebAudio context for a tone, on the ringer. It is made on that output (`sinkId` option)
/// rather than moved after it started, so the first ring never sounds in the wrong place.
pub(super) fn tone_context() -> Option<AudioContext> {
    let ringer = STATE.with(|s| s.borrow().ringer.clone());
    let context = match ringer.as_deref().map(context_on) {
        Some(Ok(context)) => context,
        // Gone or refused: the tone still sounds, on the default output, and the agent is told.
        Some(Err(e)) => {
            report_failure(OutputRole::Ringer, ringer, &e);
            AudioContext::new().ok()?
        }
        None => AudioContext::new().ok()?,
    };
    STATE.with(|s| s.borrow_mut().tones.push(context.clone()));
    Some(context)
}

/// The tone in `context` ended.
pub(super) fn tone_ended(context: &AudioContext) {
    STATE.with(|s| s.borrow_mut().tones.retain(|c| c != context));
}

/// `new AudioContext({ sinkId })`, set by name: web-sys has the option only as an unstable API.
fn context_on(device: &str) -> Result<AudioContext, JsValue> {
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"AudioContext".into())?.dyn_into::<js_sys::Function>()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"sinkId".into(), &device.into())?;
    let context = js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&options))?;
    context.dyn_into::<AudioContext>()
}

/// Whether this browser lets the page choose where `role` plays (`setSinkId`: Chromium 110+
/// for the tones; every current browser but Safari for the calls).
pub fn can_choose(role: OutputRole) -> bool {
    let class = match role {
        OutputRole::Speaker => "HTMLMediaElement",
        OutputRole::Ringer => "AudioContext",
    };
    js_sys::Reflect::get(&js_sys::global(), &class.into())
        .and_then(|c| js_sys::Reflect::get(&c, &"prototype".into()))
        .and_then(|p| js_sys::Reflect::has(&p, &"setSinkId".into()))
        .unwrap_or(false)
}

/// `target.setSinkId(device)` (an element or a context; "" is the default output), set by name:
/// web-sys has it only as an unstable API. A refusal is reported once the browser answers.
fn set_sink(target: &JsValue, role: OutputRole, device: Option<String>) {
    let Ok(method) = js_sys::Reflect::get(target, &"setSinkId".into()).and_then(|m| m.dyn_into::<js_sys::Function>()) else {
        return;
    };
    let id = JsValue::from_str(device.as_deref().unwrap_or(""));
    let promise = match method.call1(target, &id).and_then(|p| p.dyn_into::<js_sys::Promise>()) {
        Ok(promise) => promise,
        Err(e) => return report_failure(role, device, &e),
    };
    spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            report_failure(role, device, &e);
        }
    });
}

fn report_failure(role: OutputRole, device: Option<String>, error: &JsValue) {
    let name = js_sys::Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    let role_name = if role == OutputRole::Speaker { "speaker" } else { "ringer" };
    let shown = device.as_deref().unwrap_or("default");
    web_sys::console::warn_1(&format!("setSinkId({role_name}, {shown}) failed: {name} {}", super::js_error(error)).into());
    // The default output refused has nothing to fall back to.
    let Some(device) = device else { return };
    let on_failure = STATE.with(|s| s.borrow().on_failure.clone());
    // Heard later, never from inside the caller: a tone starts while the line is borrowed.
    if let Some(on_failure) = on_failure {
        spawn_local(async move { on_failure(role, device, name == "NotFoundError") });
    }
}

/// The audio outputs the browser offers, as (device id, label), without the `default` entry
/// (choosing no device is the default already). `None` when the browser cannot choose outputs
/// or hides them until the agent allowed a microphone (empty ids).
pub async fn audio_outputs() -> Option<Vec<(String, String)>> {
    if !can_choose(OutputRole::Speaker) {
        return None;
    }
    let devices = web_sys::window()?.navigator().media_devices().ok()?;
    let list = JsFuture::from(devices.enumerate_devices().ok()?).await.ok()?;
    let outputs: Vec<web_sys::MediaDeviceInfo> = list
        .dyn_into::<js_sys::Array>()
        .ok()?
        .iter()
        .filter_map(|d| d.dyn_into::<web_sys::MediaDeviceInfo>().ok())
        .filter(|d| d.kind() == web_sys::MediaDeviceKind::Audiooutput)
        .collect();
    if outputs.iter().any(|d| d.device_id().is_empty()) {
        return None;
    }
    let named = outputs.into_iter().filter(|d| d.device_id() != "default").map(|d| {
        let label = if d.label().is_empty() { "Audio output".to_owned() } else { d.label() };
        (d.device_id(), label)
    });
    Some(named.collect())
}

/// Calls `on_change` whenever a device comes or goes, for as long as the page lives.
pub fn watch_devices(on_change: impl Fn() + 'static) {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else { return };
    let listener = Closure::<dyn Fn()>::new(on_change);
    let _ = devices.add_event_listener_with_callback("devicechange", listener.as_ref().unchecked_ref());
    listener.forget();
}
