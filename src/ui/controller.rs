//! The glue between the pure phone controller and the browser: it starts Open CTI, feeds
//! Salesforce's events to `phone::Phone` and performs the effects the phone returns.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use callcenter::SoftphoneSettings;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::line::{Line, LineSettings};
use crate::opencti::{self, CallLog, CallType, OpenCti, Search};
use crate::phone::dialing::DialingRules;
use crate::phone::{CallRecord, Effect, Event, Intent, Phone, RecordRef};

/// The Lightning Open CTI API version whose script we load (before any setting can be read).
const OPENCTI_API_VERSION: &str = "62.0";

/// Where this browser remembers the agent's microphone (a device id: no secret).
const MICROPHONE_KEY: &str = "softphone.microphone";

/// A running phone: Open CTI, the phone state, and the listeners that feed it.
#[derive(Clone)]
pub struct Controller {
    inner: Rc<RefCell<Inner>>,
    /// Called with a fresh snapshot after every change, to re-render.
    on_change: Callback<Phone>,
}

struct Inner {
    phone: Phone,
    cti: Rc<OpenCti>,
    settings: SoftphoneSettings,
    /// The PBX line, once the controller exists to hear it.
    line: Option<Line>,
    /// Held so the closures stay alive exactly as long as the phone does.
    listeners: Vec<opencti::Listener>,
}

impl PartialEq for Controller {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Why the phone did not start, in words for the agent (or the admin).
pub type StartError = String;

impl Controller {
    /// Loads Open CTI from the Lightning page that framed us and wires the phone to it.
    pub async fn start(on_change: Callback<Phone>) -> Result<Controller, StartError> {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let params = opencti::LaunchParams::from_query(&search).map_err(|e| e.to_string())?;
        // Trust comes from this page's deployment configuration, never from Salesforce.
        let deployment = opencti::read_deployment().map_err(|e| e.to_string())?;
        deployment.check_framing(&params.origin, &opencti::ancestor_origins()).map_err(|e| e.to_string())?;
        let cti = Rc::new(opencti::load(&params.origin, OPENCTI_API_VERSION, deployment.org_origins()).await.map_err(|e| e.to_string())?);
        let map = cti.get_call_center_settings().await.map_err(|e| e.to_string())?;
        let settings = SoftphoneSettings::from_map(&map)
            .map_err(|e| format!("The Call Center definition needs fixing by your Salesforce admin:\n{e}"))?;
        deployment.check_pbx_urls(&settings.pbx_urls).map_err(|e| e.to_string())?;
        let rules = DialingRules {
            outside_prefix: settings.dialing.outside_prefix.clone(),
            long_distance_prefix: settings.dialing.long_distance_prefix.clone(),
            international_prefix: settings.dialing.international_prefix.clone(),
            home_country_code: String::new(),
        };
        let controller = Controller {
            inner: Rc::new(RefCell::new(Inner { phone: Phone::new(rules), cti: cti.clone(), settings, line: None, listeners: Vec::new() })),
            on_change,
        };

        let line_settings = {
            let s = &controller.inner.borrow().settings;
            LineSettings {
                pbx_urls: s.pbx_urls.clone(),
                sip_domain: s.sip_domain.clone(),
                ice_servers: s.ice_servers.clone(),
                register_expires: s.register_expires,
            }
        };
        let c = controller.clone();
        controller.inner.borrow_mut().line = Some(Line::new(line_settings, move |event| c.event(event)));
        if let Some(saved) = local_storage().and_then(|s| s.get_item(MICROPHONE_KEY).ok().flatten()).filter(|id| !id.is_empty()) {
            let effects = controller.inner.borrow_mut().phone.handle_intent(now_ms(), Intent::ChooseMicrophone(Some(saved)));
            controller.perform(effects);
        }

        let c = controller.clone();
        let on_click = cti
            .on_click_to_dial(move |click| match click {
                Ok(click) => c.event(Event::ClickToDial {
                    number: click.number.clone().unwrap_or_default(),
                    record: record_ref(click.record_id, click.record_name, click.object_type),
                }),
                Err(e) => warn(&e.to_string()),
            })
            .map_err(|e| e.to_string())?;
        let c = controller.clone();
        let on_navigation = cti
            .on_navigation_change(move |view| match view {
                Ok(view) => c.event(Event::Viewing(record_ref(view.record_id, view.record_name, view.object_type))),
                Err(e) => warn(&e.to_string()),
            })
            .map_err(|e| e.to_string())?;
        controller.inner.borrow_mut().listeners.extend([on_click, on_navigation]);
        cti.enable_click_to_dial().await.map_err(|e| e.to_string())?;
        if let Ok(view) = cti.get_app_view_info().await {
            controller.event(Event::Viewing(record_ref(view.record_id, view.record_name, view.object_type)));
        }
        let label = controller.inner.borrow().phone.label(now_ms());
        controller.perform(vec![Effect::SetLabel(label), Effect::SetIcon("call")]);
        // Lightning waits for this before it stops showing the standby page.
        report(cti.notify_initialization_complete().await);
        controller.publish();
        Ok(controller)
    }

    /// The wrap-up dispositions from the Call Center settings.
    pub fn dispositions(&self) -> Vec<String> {
        self.inner.borrow().settings.dispositions.clone()
    }

    /// The agent asks for something.
    pub fn intent(&self, intent: Intent) {
        if intent == Intent::Call {
            crate::line::mark("softphone:click");
        }
        let effects = self.inner.borrow_mut().phone.handle_intent(now_ms(), intent);
        self.perform(effects);
        self.publish();
    }

    /// Something happened outside.
    pub fn event(&self, event: Event) {
        let effects = self.inner.borrow_mut().phone.handle_event(now_ms(), event);
        self.perform(effects);
        // Render after the effects' first steps: an incoming call's screen pop request goes to
        // Salesforce before the view is redrawn (budget: 5 ms from INVITE to searchAndScreenPop).
        let this = self.clone();
        spawn_local(async move { this.publish() });
    }

    /// Called every second: keeps the utility item's call timer running.
    pub fn tick(&self) {
        let effects = self.inner.borrow().phone.tick(now_ms());
        self.perform(effects);
    }

    fn publish(&self) {
        self.on_change.emit(self.inner.borrow().phone.clone());
    }

    fn perform(&self, effects: Vec<Effect>) {
        let cti = self.inner.borrow().cti.clone();
        for effect in effects {
            let cti = cti.clone();
            let this = self.clone();
            match effect {
                Effect::ShowPanel(visible) => spawn_local(async move {
                    report(cti.set_softphone_panel_visibility(visible).await);
                }),
                Effect::SetLabel(label) => spawn_local(async move {
                    report(cti.set_softphone_item_label(&label).await);
                }),
                Effect::SetIcon(icon) => spawn_local(async move {
                    report(cti.set_softphone_item_icon(icon).await);
                }),
                Effect::ScreenPop { number } => spawn_local(async move {
                    crate::line::mark("softphone:screenpop");
                    let search = Search {
                        search_params: number,
                        query_params: String::new(),
                        default_field_values: BTreeMap::new(),
                        call_type: CallType::Inbound,
                        deferred: false,
                    };
                    // One match is the caller; several or none leave the call unrelated.
                    let record = match cti.search_and_screen_pop(&search).await {
                        Ok(found) if found.matches.len() == 1 => found
                            .matches
                            .into_iter()
                            .next()
                            .and_then(|m| record_ref(m.id, m.name, m.record_type)),
                        Ok(_) => None,
                        Err(e) => {
                            warn(&e.to_string());
                            None
                        }
                    };
                    this.event(Event::RecordMatched(record));
                }),
                Effect::SaveLog { id, record, existing_id } => spawn_local(async move {
                    let event = match cti.save_log(&task(&record, existing_id)).await {
                        Ok(record_id) => Event::LogSaved { id, record_id },
                        Err(e) => Event::LogFailed { id, reason: e.to_string() },
                    };
                    this.event(event);
                }),
                Effect::Connect(credentials) => with_line(&self.inner, |l| l.connect(&credentials)),
                Effect::Disconnect => with_line(&self.inner, Line::disconnect),
                Effect::Dial { dial } => with_line(&self.inner, |l| l.dial(&dial)),
                Effect::Answer { call_id } => with_line(&self.inner, |l| l.answer(&call_id)),
                Effect::Decline { call_id, busy } => with_line(&self.inner, |l| l.decline(&call_id, busy)),
                Effect::HangUp { call_id: Some(call_id) } => with_line(&self.inner, |l| l.hang_up(&call_id)),
                // Hung up before the INVITE left: the phone hangs up again once it has a Call-ID.
                Effect::HangUp { call_id: None } => {}
                Effect::SetMuted(muted) => with_line(&self.inner, |l| l.set_muted(muted)),
                Effect::SetHeld { call_id, held } => with_line(&self.inner, |l| l.set_held(&call_id, held)),
                Effect::SendDigit { call_id, digit } => with_line(&self.inner, |l| l.send_digit(&call_id, digit)),
                Effect::Transfer { call_id, dial } => with_line(&self.inner, |l| l.transfer(&call_id, &dial)),
                Effect::MeasureQuality { call_id } => with_line(&self.inner, |l| l.measure_quality(&call_id)),
                Effect::UseMicrophone(id) => {
                    if let Some(storage) = local_storage() {
                        // Storage may be full or blocked: the choice then lasts this session only.
                        let _ = match &id {
                            Some(id) => storage.set_item(MICROPHONE_KEY, id),
                            None => storage.remove_item(MICROPHONE_KEY),
                        };
                    }
                    with_line(&self.inner, |l| l.use_microphone(id));
                }
                // Starting WebAudio takes milliseconds: after the screen pop has been sent.
                Effect::PlayTone(tone) => {
                    let this = self.clone();
                    spawn_local(async move { with_line(&this.inner, |l| l.play(tone)) });
                }
            }
        }
    }
}

/// This origin's `localStorage`, when the browser allows it (it may not in a third-party frame).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Runs `f` on the line without holding the controller's state (the line reports back later).
fn with_line(inner: &Rc<RefCell<Inner>>, f: impl FnOnce(&Line)) {
    let line = inner.borrow().line.clone();
    if let Some(line) = line {
        f(&line);
    }
}

/// A CRM record from Salesforce's optional fields: none without an Id.
fn record_ref(id: Option<String>, name: Option<String>, object_type: Option<String>) -> Option<RecordRef> {
    let id = id.filter(|id| !id.is_empty())?;
    Some(RecordRef { id, name: name.unwrap_or_default(), object_type: object_type.unwrap_or_default() })
}

/// The Salesforce Task for a call record (fields as in OPENCTI.md, "A call log as a Task").
fn task(record: &CallRecord, existing_id: Option<String>) -> CallLog {
    let (who, what) = match &record.record {
        Some(r) if r.is_person() => (Some(r.id.clone()), None),
        Some(r) => (None, Some(r.id.clone())),
        None => (None, None),
    };
    CallLog {
        entity_api_name: "Task",
        id: existing_id,
        subject: record.subject(),
        who_id: who,
        what_id: what,
        call_type: record.direction.as_str(),
        call_duration_in_seconds: u32::try_from(record.duration_s).unwrap_or(u32::MAX),
        call_object: record.call_id.clone(),
        call_disposition: (!record.disposition.is_empty()).then(|| record.disposition.clone()),
        description: Some(record.description()).filter(|d| !d.is_empty()),
        status: "Completed",
        activity_date: record.activity_date(),
    }
}

/// Unix milliseconds; `Date.now()` is a non-negative integer well inside u64.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

fn report<T>(result: Result<T, opencti::OpenCtiError>) {
    if let Err(e) = result {
        warn(&e.to_string());
    }
}

fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}
