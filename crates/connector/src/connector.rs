//! The running connector: the object the SDK calls (through `web/sdk-3.js`), the phone it
//! drives, and what it tells Salesforce. Methods check their call (`methods`), apply the agent's
//! intent to the phone, and resolve with the SDK's result class once the phone has done it;
//! events of the line go to the phone, and what they change is published (`bridge`).

use std::cell::RefCell;
use std::rc::Rc;

use callcenter_settings::contact_center::ConnectorSettings;
use js_sys::{Function, Promise, Reflect};
use phone::dialing::DialingRules;
use phone::{CallHandle, Effect, Event, Intent, Phone, Time};
use runtime::deployment::Deployment;
use runtime::line::Line;
use runtime::timer::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::bridge::{Bridge, Publication, SfCall};
use crate::methods::Refusal;
use crate::sdk;

/// The login frame's height Omni-Channel gives our login page.
pub const LOGIN_FRAME_HEIGHT: u32 = 240;
/// How long a method waits for the phone (an INVITE to leave, a transfer to be answered).
const METHOD_WAIT_MS: f64 = 30_000.0;

/// The connector the SDK drives.
#[wasm_bindgen]
#[derive(Clone)]
pub struct Connector {
    pub(crate) inner: Rc<RefCell<State>>,
}

/// What a method waits for: done (`Ok`), failed (`Err`, a sentence for the log), or not yet.
type Until = Box<dyn Fn(&Phone) -> Option<Result<(), String>>>;

pub(crate) struct Waiter {
    until: Until,
    deadline_ms: f64,
    resolve: Function,
    reject: Function,
}

pub(crate) struct State {
    pub phone: Phone,
    pub bridge: Bridge,
    pub line: Option<Line>,
    pub deployment: Option<Deployment>,
    pub settings: Option<ConnectorSettings>,
    /// The Salesforce user's name, shown to the people the agent calls.
    pub user_name: String,
    /// Salesforce was told the agent signed in (LOGIN_RESULT).
    pub ready: bool,
    pub waiters: Vec<Waiter>,
    pub ticker: Option<Timeout>,
}

/// The phone's clock: `Date.now()`, Unix milliseconds.
pub(crate) fn now() -> Time {
    Time::from_unix_millis(js_sys::Date::now().max(0.0) as u64)
}

impl Default for Connector {
    fn default() -> Connector {
        Connector::new()
    }
}

#[wasm_bindgen]
impl Connector {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Connector {
        let state = State {
            phone: Phone::new(DialingRules::default()),
            bridge: Bridge::default(),
            line: None,
            deployment: None,
            settings: None,
            user_name: String::new(),
            ready: false,
            waiters: Vec::new(),
            ticker: None,
        };
        Connector { inner: Rc::new(RefCell::new(state)) }
    }
}

impl Connector {
    /// Applies what a method asks of the phone; its effects are carried out. Returns the calls
    /// the method ended (its return value tells Salesforce so: nothing is published for them).
    pub(crate) fn apply(&self, intents: Vec<Intent>) -> Vec<SfCall> {
        let (effects, gone) = {
            let mut s = self.inner.borrow_mut();
            let mut effects = Vec::new();
            for intent in intents {
                effects.extend(s.phone.handle_intent(now(), intent));
            }
            let s = &mut *s;
            let gone = s.bridge.absorb(&s.phone);
            (effects, gone)
        };
        for call in &gone {
            self.audio_completed(call);
        }
        self.perform(effects);
        self.changed();
        gone
    }

    /// Something happened outside (the line, the VoiceCall service, the clock): the phone
    /// learns it, its effects are carried out, and what Salesforce was not told is published.
    pub(crate) fn event(&self, event: Event) {
        if let Event::CallQuality { call, quality } = &event {
            self.audio_sample(*call, quality);
        }
        let (effects, publications) = {
            let mut s = self.inner.borrow_mut();
            let effects = s.phone.handle_event(now(), event);
            let s = &mut *s;
            (effects, s.bridge.changes(&s.phone))
        };
        self.perform(effects);
        self.publish(publications);
        self.follow_sign_in();
        self.changed();
    }

    /// Publishes what changed without a phone event (a VoiceCall found).
    pub(crate) fn refresh(&self) {
        let publications = {
            let mut s = self.inner.borrow_mut();
            let s = &mut *s;
            s.bridge.changes(&s.phone)
        };
        self.publish(publications);
        self.changed();
    }

    /// Every second: the phone's clock (audio figures, extension digits, rejoin deadlines).
    pub(crate) fn tick(&self) {
        let effects = self.inner.borrow_mut().phone.tick(now());
        self.perform(effects);
        self.changed();
        let this = self.clone();
        let next = Timeout::start(1_000, move || this.tick());
        self.inner.borrow_mut().ticker = next;
    }

    /// After any change: methods waiting on the phone are settled, storage kept current.
    fn changed(&self) {
        self.settle_waiters();
        crate::effects::persist(self);
    }

    /// Tells Salesforce what started on the telephony side.
    fn publish(&self, publications: Vec<Publication>) {
        for p in publications {
            let sent = match &p {
                Publication::CallStarted(call) => sdk::call_result(call).and_then(|r| sdk::publish("CALL_STARTED", &r)),
                Publication::CallConnected(call) => sdk::call_result(call).and_then(|r| sdk::publish("CALL_CONNECTED", &r)),
                Publication::ParticipantConnected(leg) => sdk::participant_result(leg, false).and_then(|r| sdk::publish("PARTICIPANT_CONNECTED", &r)),
                Publication::ParticipantRemoved(leg) => {
                    self.audio_completed(leg);
                    sdk::call_result(leg).and_then(|r| sdk::publish("PARTICIPANT_REMOVED", &r))
                }
                Publication::Hangup(call) => {
                    self.audio_completed(call);
                    sdk::hangup_result(std::slice::from_ref(call), "ended").and_then(|r| sdk::publish("HANGUP", &r))
                }
                Publication::HoldChanged(_) => {
                    let calls: Vec<SfCall> = self.inner.borrow().bridge.told_calls().cloned().collect();
                    sdk::hold_result(calls.iter()).and_then(|r| sdk::publish("HOLD_TOGGLE", &r))
                }
                Publication::CallCannotStart { call, why } => {
                    warn(&format!("call {} cannot be shown in Salesforce: {why}; it is turned away", call.call_id));
                    let error = js_sys::Error::new(why);
                    // Busy: the PBX may offer the caller to another agent.
                    self.apply(vec![Intent::Decline { call: call.handle, busy: true }]);
                    sdk::publish_error("CALL_STARTED", &error.into())
                }
            };
            if let Err(e) = sent {
                warn(&format!("could not tell Salesforce of {p:?}: {e:?}"));
            }
        }
    }

    /// The audio of a call so far, for the MOS Salesforce computes.
    fn audio_sample(&self, call: CallHandle, quality: &phone::Quality) {
        let Some(sf) = self.inner.borrow().bridge.told(call).cloned() else { return };
        let sample = sdk::AudioSample {
            packets: quality.packets_received as f64,
            lost: quality.packets_lost as f64,
            jitter_ms: f64::from(quality.jitter_ms),
            round_trip_ms: f64::from(quality.round_trip_ms.unwrap_or(0)),
        };
        if let Err(e) = sdk::audio_stats(&sf.call_id, Some(sample), false).and_then(|s| sdk::publish("UPDATE_AUDIO_STATS", &s)) {
            warn(&format!("audio figures not sent: {e:?}"));
        }
    }

    /// A call is over: Salesforce computes its MOS from the figures sent.
    fn audio_completed(&self, call: &SfCall) {
        if let Err(e) = sdk::audio_stats(&call.call_id, None, true).and_then(|s| sdk::publish("UPDATE_AUDIO_STATS", &s)) {
            warn(&format!("audio figures not completed: {e:?}"));
        }
    }

    /// Waits until `until` says the phone has done what a method asked (or failed to).
    pub(crate) async fn wait(&self, until: Until) -> Result<(), JsValue> {
        if let Some(done) = until(&self.inner.borrow().phone) {
            return done.map_err(|why| JsValue::from(js_sys::Error::new(&why)));
        }
        let inner = self.inner.clone();
        let mut until = Some(until);
        let promise = Promise::new(&mut |resolve, reject| {
            if let Some(until) = until.take() {
                inner.borrow_mut().waiters.push(Waiter { until, deadline_ms: js_sys::Date::now() + METHOD_WAIT_MS, resolve, reject });
            }
        });
        JsFuture::from(promise).await.map(|_| ())
    }

    fn settle_waiters(&self) {
        let settled: Vec<(Waiter, Result<(), String>)> = {
            let mut s = self.inner.borrow_mut();
            let now = js_sys::Date::now();
            let waiters = std::mem::take(&mut s.waiters);
            let mut settled = Vec::new();
            for w in waiters {
                match (w.until)(&s.phone) {
                    Some(done) => settled.push((w, done)),
                    None if now > w.deadline_ms => settled.push((w, Err("the phone did not do it in time".into()))),
                    None => s.waiters.push(w),
                }
            }
            settled
        };
        for (w, done) in settled {
            let _ = match done {
                Ok(()) => w.resolve.call0(&JsValue::NULL),
                Err(why) => w.reject.call1(&JsValue::NULL, &js_sys::Error::new(&why)),
            };
        }
    }

    /// Carries out the phone's effects (see `effects`).
    pub(crate) fn perform(&self, effects: Vec<Effect>) {
        crate::effects::perform(self, effects);
    }

    /// Feeds `event` to the phone from a fresh task (never while the state is borrowed).
    pub(crate) fn event_later(&self, event: Event) {
        let this = self.clone();
        spawn_local(async move { this.event(event) });
    }
}

/// The `callId` Salesforce names a call by.
pub(crate) fn call_id_of(call: &JsValue) -> String {
    Reflect::get(call, &"callId".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// A refusal as the promise's rejection, the phone untouched.
pub(crate) fn refused(r: &Refusal) -> JsValue {
    warn(&format!("refused: {r}"));
    sdk::refusal(r)
}

pub(crate) fn warn(message: &str) {
    web_sys::console::warn_1(&format!("softphone connector: {message}").into());
}
