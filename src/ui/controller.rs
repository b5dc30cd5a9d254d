//! The glue between the pure phone controller and the browser: it starts Open CTI, feeds
//! Salesforce's events to `phone::Phone` and performs the effects the phone returns.

use std::cell::RefCell;
use std::rc::Rc;

use callcenter::SoftphoneSettings;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::opencti::{self, OpenCti};
use crate::phone::dialing::DialingRules;
use crate::phone::{CallRecord, Effect, Event, Intent, Phone, RecordRef};

/// Origins allowed to host the phone besides Salesforce's, fixed when the app is built
/// (`SOFTPHONE_EXTRA_ORIGINS`, comma-separated). The demo and tests build with the local
/// console's origin; production builds normally list none. This cannot come from the Call
/// Center definition: that arrives through the very script this list decides whether to load.
const EXTRA_ORIGINS: Option<&str> = option_env!("SOFTPHONE_EXTRA_ORIGINS");

/// The Lightning Open CTI API version whose script we load.
const OPENCTI_API_VERSION: &str = "62.0";

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
    /// Held so the closures stay alive exactly as long as the phone does.
    _listeners: Vec<opencti::Listener>,
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
        let extra: Vec<String> = EXTRA_ORIGINS
            .unwrap_or("")
            .split(',')
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        let cti = Rc::new(opencti::load(&params.origin, OPENCTI_API_VERSION, &extra).await.map_err(|e| e.to_string())?);
        let map = cti.get_call_center_settings().await.map_err(|e| e.to_string())?;
        let settings = SoftphoneSettings::from_map(&map).map_err(|e| e.to_string())?;
        let rules = DialingRules {
            outside_prefix: settings.dialing.outside_prefix.clone(),
            long_distance_prefix: settings.dialing.long_distance_prefix.clone(),
            international_prefix: settings.dialing.international_prefix.clone(),
            home_country_code: String::new(),
        };
        let controller = Controller {
            inner: Rc::new(RefCell::new(Inner { phone: Phone::new(rules), cti: cti.clone(), settings, _listeners: Vec::new() })),
            on_change,
        };

        let on_click = {
            let c = controller.clone();
            cti.on_click_to_dial(move |click: opencti::ClickToDial| {
                let record = click.record_id.clone().map(|id| RecordRef {
                    id,
                    name: click.record_name.clone().unwrap_or_default(),
                    object_type: click.object_type.clone().unwrap_or_default(),
                });
                c.event(Event::ClickToDial { number: click.number.clone(), record });
            })
            .map_err(|e| e.to_string())?
        };
        controller.inner.borrow_mut()._listeners.push(on_click);
        cti.enable_click_to_dial().await.map_err(|e| e.to_string())?;
        let label = controller.inner.borrow().phone.label();
        controller.perform(vec![Effect::SetLabel(label), Effect::SetIcon("call")]);
        // Lightning waits for this before it stops showing the standby page.
        if let Err(e) = cti.notify_initialization_complete().await {
            log(&e.to_string());
        }
        controller.publish();
        Ok(controller)
    }

    /// The wrap-up dispositions from the Call Center settings.
    pub fn dispositions(&self) -> Vec<String> {
        self.inner.borrow().settings.dispositions.clone()
    }

    /// The agent asks for something.
    pub fn intent(&self, intent: Intent) {
        let effects = self.inner.borrow_mut().phone.handle_intent(now_ms(), intent);
        self.perform(effects);
        self.publish();
    }

    /// Something happened outside.
    pub fn event(&self, event: Event) {
        let effects = self.inner.borrow_mut().phone.handle_event(event);
        self.perform(effects);
        self.publish();
    }

    fn publish(&self) {
        self.on_change.emit(self.inner.borrow().phone.clone());
    }

    fn perform(&self, effects: Vec<Effect>) {
        let cti = self.inner.borrow().cti.clone();
        for effect in effects {
            let cti = cti.clone();
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
                Effect::SaveLog { id, record } => {
                    let this = self.clone();
                    spawn_local(async move {
                        let event = match cti.save_log(&task(&record)).await {
                            Ok(record_id) => Event::LogSaved { id, record_id },
                            Err(e) => Event::LogFailed { id, reason: e.to_string() },
                        };
                        this.event(event);
                    });
                }
                // The PBX connection arrives with the SIP work (issue 5): say so honestly.
                Effect::Connect(_) => {
                    let this = self.clone();
                    spawn_local(async move {
                        this.event(Event::RegistrationFailed(
                            "Calling through the PBX is not available in this version yet; click-to-dial and call logging work.".into(),
                        ));
                    });
                }
                Effect::Disconnect => {}
            }
        }
    }
}

/// The Salesforce Task for a call record (fields as in the Open CTI guide's call-logging example).
fn task(record: &CallRecord) -> opencti::CallLog {
    let (who, what) = match &record.record {
        Some(r) if r.is_person() => (Some(r.id.clone()), None),
        Some(r) => (None, Some(r.id.clone())),
        None => (None, None),
    };
    opencti::CallLog {
        subject: record.subject(),
        who_id: who,
        what_id: what,
        call_type: record.direction.as_str().to_owned(),
        call_duration_in_seconds: record.duration_s,
        call_object: record.call_id.clone(),
        call_disposition: (!record.disposition.is_empty()).then(|| record.disposition.clone()),
        description: (!record.notes.is_empty()).then(|| record.notes.clone()),
        status: "Completed".to_owned(),
        activity_date: record.activity_date(),
    }
}

fn now_ms() -> u64 {
    // Date.now() is a non-negative integer number of milliseconds well inside u64.
    js_sys::Date::now().max(0.0) as u64
}

fn report<T>(result: Result<T, opencti::OpenCtiError>) {
    if let Err(e) = result {
        log(&e.to_string());
    }
}

fn log(message: &str) {
    web_sys::console::warn_1(&message.into());
}
