//! The glue between the pure phone controller and the browser: it starts Open CTI, feeds
//! Salesforce's events to `phone::Phone` and performs the effects the phone returns.

use std::cell::RefCell;
use std::rc::Rc;

use callcenter_settings::SoftphoneSettings;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use super::owner::{self, TabRole, Tabs};
use super::pop;
use super::context::now;
use super::{calendar, credentials, logs, salesforce, storage, task_facts};
use crate::line::{Line, LineSettings};
use crate::opencti::{self, CallLog, OpenCti, PackageFields};
use crate::phone::dialing::DialingRules;
use crate::phone::recent::RecentCall;
use crate::phone::{CallHandle, CallRecord, Effect, Event, Intent, LeftOut, LocalTime, Notice, PendingLog, Phone, RecordRef};
use crate::support::journal;
use crate::ui::attention::{self, Attention};
use crate::ui::startup::{self, StartError, StartNotice};
use crate::words;

/// Where this browser remembers the agent's microphone (a device id: no secret).
const MICROPHONE_KEY: &str = "softphone.microphone";

/// Hears the line's events about its call outside the phone.
pub(super) type OutsideListener = Rc<dyn Fn(&Event)>;

/// A running phone: Open CTI, the phone state, and the listeners that feed it.
#[derive(Clone)]
pub struct Controller {
    pub(super) inner: Rc<RefCell<Inner>>,
    /// Called with a fresh snapshot after every change, to re-render.
    on_change: Callback<Rc<Phone>>,
}

pub(super) struct Inner {
    pub(super) phone: Phone,
    cti: Rc<OpenCti>,
    pub(super) settings: SoftphoneSettings,
    /// The definition's settings as the diagnostics file shows them (secrets redacted).
    pub(super) settings_lines: String,
    /// Hears the line's events about a call outside the phone (the pre-flight's echo test).
    pub(super) outside: Option<OutsideListener>,
    /// The last notice the event log has, as worded (each new one is logged once).
    logged_notice: Option<String>,
    /// The PBX line, once the controller exists to hear it.
    pub(super) line: Option<Line>,
    /// Held so the closures stay alive exactly as long as the phone does.
    listeners: Vec<opencti::Listener>,
    /// What started but needs attention (bad definition items, click-to-dial off).
    notices: Vec<StartNotice>,
    /// Signals a ring the agent may not see (hidden page).
    attention: Attention,
    /// Which tab of this browser owns the line.
    tabs: Option<Rc<Tabs>>,
    /// The call logs as last written to browser storage.
    stored_logs: Vec<PendingLog>,
    /// The recent calls as last written to browser storage.
    stored_recent: Vec<RecentCall>,
    /// The org's softphone layout (read once at start): says whether "no match" opened a form.
    layout: Option<opencti::SoftphoneLayout>,
    /// The agent's time zone as Salesforce keeps it (with the org package), which dates the
    /// Tasks; `None`: the browser's (see `calendar`).
    pub(super) time_zone: Option<String>,
}

impl super::hears::Hears for Controller {
    fn event(&self, event: Event) {
        Controller::event(self, event);
    }
    fn set_time_zone(&self, zone: String) {
        Controller::set_time_zone(self, zone);
    }
}

impl PartialEq for Controller {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Controller {
    /// Loads Open CTI from the Lightning page that framed us and wires the phone to it.
    pub async fn start(on_change: Callback<Rc<Phone>>, on_role: Callback<TabRole>) -> Result<Controller, StartError> {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let params = opencti::LaunchParams::from_query(&search).map_err(StartError::Launch)?;
        // Trust comes from this page's deployment configuration, never from Salesforce.
        let deployment = opencti::read_deployment().map_err(StartError::Deployment)?;
        opencti::check_framing(&deployment, &params.origin, &opencti::ancestor_origins()).map_err(StartError::Launch)?;
        // The script version comes from the adapter URL: it is needed before any setting can be read.
        let cti = Rc::new(opencti::load(&params.origin, &params.api_version, deployment.org_origins()).await.map_err(StartError::from)?);
        let fetched = cti.get_call_center_settings().await.map_err(StartError::from)?;
        let settings_lines = crate::support::settings_lines(&fetched.map);
        let read = startup::read_settings(fetched)?;
        deployment.check_pbx_urls(&read.settings.pbx_urls).map_err(StartError::PbxNotAllowed)?;
        let mut notices = Vec::new();
        if !read.problems.is_empty() {
            notices.push(StartNotice::SettingsProblems(read.problems));
        }
        let settings = read.settings;
        let phone = new_phone(&settings);
        // As the phone restored it: only a change is written (by the tab making calls).
        let stored_recent = phone.recent().to_vec();
        let controller = Controller {
            inner: Rc::new(RefCell::new(Inner {
                phone,
                cti: cti.clone(),
                settings,
                settings_lines,
                outside: None,
                logged_notice: None,
                line: None,
                listeners: Vec::new(),
                notices: Vec::new(),
                attention: Attention::default(),
                tabs: None,
                stored_logs: Vec::new(),
                stored_recent,
                layout: None,
                time_zone: None,
            })),
            on_change,
        };

        let line_settings = LineSettings::from_settings(&controller.inner.borrow().settings);
        let c = controller.clone();
        controller.inner.borrow_mut().line = Some(Line::new(line_settings, move |event| c.event(event)));
        // Everything the line says and measures goes to the diagnostics journal (redacted there).
        journal::listen_to_the_line();
        if let Some(saved) = local_storage().and_then(|s| s.get_item(MICROPHONE_KEY).ok().flatten()).filter(|id| !id.is_empty()) {
            let effects = controller.inner.borrow_mut().phone.handle_intent(now(), Intent::ChooseMicrophone(Some(saved)));
            controller.perform(effects);
        }
        super::outputs::watch(&controller);

        // Only the tab that owns the line saves call logs: the others would save the same
        // stored logs a second time.
        let (c, owner) = (controller.clone(), controller.clone());
        let tabs = Tabs::join(on_role, move |number, record| c.dial_for_another_tab(number, record), move || owner.resume_logs());
        controller.inner.borrow_mut().tabs = Some(tabs.clone());
        controller.listen(&cti, tabs)?;
        // Without click-to-dial the agent can still type numbers: say so, do not stop.
        if let Err(e) = cti.enable_click_to_dial().await {
            notices.push(StartNotice::ClickToDialOff(e));
        }
        controller.inner.borrow_mut().notices = notices;
        // Lightning waits for this before it stops showing the standby page: said as soon as the
        // phone takes clicks, before the calls that can follow it (each one more round trip).
        report(cti.notify_initialization_complete().await);
        if let Ok(view) = cti.get_app_view_info().await {
            controller.event(Event::Viewing(pop::viewed_record(&view)));
        }
        let shown = controller.inner.borrow_mut().phone.presentation(now());
        controller.perform(shown);
        controller.read_layout();
        controller.publish();
        Ok(controller)
    }

    /// Hears Salesforce: a number clicked on a record, and the record the agent looks at.
    fn listen(&self, cti: &OpenCti, tabs: Rc<Tabs>) -> Result<(), StartError> {
        let c = self.clone();
        let on_click = cti
            .on_click_to_dial(move |click| match click {
                // Only the tab that owns the line dials; the others hand the click to it.
                Ok(click) if !tabs.is_owner() => tabs.forward_dial(click.number.clone().unwrap_or_default(), pop::clicked_record(&click)),
                Ok(click) => c.event(Event::ClickToDial { number: click.number.clone().unwrap_or_default(), record: pop::clicked_record(&click) }),
                Err(e) => warn(&e.to_string()),
            })
            .map_err(StartError::from)?;
        let c = self.clone();
        let on_navigation = cti
            .on_navigation_change(move |view| match view {
                Ok(view) => c.event(Event::Viewing(pop::viewed_record(&view))),
                Err(e) => warn(&e.to_string()),
            })
            .map_err(StartError::from)?;
        self.inner.borrow_mut().listeners.extend([on_click, on_navigation]);
        Ok(())
    }

    /// Reads the softphone layout once, for the screen pops' outcomes (see `pop::outcome`).
    fn read_layout(&self) {
        let (cti, inner) = (self.inner.borrow().cti.clone(), Rc::downgrade(&self.inner));
        spawn_local(async move {
            match cti.get_softphone_layout().await {
                Ok(layout) => {
                    if let Some(inner) = inner.upgrade() {
                        inner.borrow_mut().layout = Some(layout);
                    }
                }
                Err(e) => warn(&format!("The softphone layout could not be read ({e}): a pop to a new record counts as no match.")),
            }
        });
    }

    /// What started but needs attention, for the agent or the admin.
    pub fn notices(&self) -> Vec<StartNotice> {
        self.inner.borrow().notices.clone()
    }

    /// Takes back what a previous page left (unsaved logs, a call cut by a reload), finds out
    /// whether the org package is there, and keeps storage current until the page goes.
    fn resume_logs(&self) {
        // Jitter seed: phones that come back together (a Salesforce outage ends) retry apart.
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        let interrupted = storage::interrupted_calls();
        let mut effects = self.inner.borrow_mut().phone.restore_logs(now(), storage::stored_logs(), interrupted, seed);
        // With the org's credentials the owner signs in at once: a reload, a takeover or a
        // rejoin needs no one at the keyboard.
        effects.extend(self.inner.borrow_mut().phone.start_org_sign_in());
        self.perform(effects);
        self.persist();
        logs::detect_package(self.inner.borrow().cti.clone(), self.clone());
        let inner = Rc::downgrade(&self.inner);
        storage::warn_before_leaving(move || inner.upgrade().is_some_and(|i| !i.borrow().phone.outbox().is_empty()));
        let (inner, on_change) = (Rc::downgrade(&self.inner), self.on_change.clone());
        storage::on_page_hide(move || {
            let Some(inner) = inner.upgrade() else { return };
            let controller = Controller { inner, on_change: on_change.clone() };
            // Wrap-up notes typed so far go into the outbox, which the next page replays; the
            // call in progress is stored with this moment as its heartbeat.
            let effects = controller.inner.borrow_mut().phone.save_wrap_up_draft(now());
            controller.perform(effects);
            controller.persist();
        });
    }

    /// Writes the unsaved logs (when they changed) and the calls in progress to browser storage.
    fn persist(&self) {
        let mut inner = self.inner.borrow_mut();
        let line = inner.line.clone();
        if let Some(calls) = inner.phone.calls_to_store(now(), |call| line.as_ref().and_then(|l| l.dialog(call))) {
            storage::store_calls(&calls);
        }
        if inner.stored_recent.as_slice() != inner.phone.recent() {
            storage::store_recent(inner.phone.recent());
            inner.stored_recent = inner.phone.recent().to_vec();
        }
        if inner.stored_logs.as_slice() != inner.phone.outbox() {
            storage::store_logs(inner.phone.outbox());
            inner.stored_logs = inner.phone.outbox().to_vec();
        }
    }

    /// The agent's time zone as Salesforce keeps it, once the org package said (else the
    /// browser's zone dates the Tasks).
    pub fn time_zone(&self) -> Option<String> {
        self.inner.borrow().time_zone.clone()
    }

    /// Salesforce told the agent's time zone: the next Tasks are dated in it.
    pub fn set_time_zone(&self, zone: String) {
        self.inner.borrow_mut().time_zone = Some(zone);
        self.publish();
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
        if matches!(intent, Intent::SignIn(_) | Intent::SignInWithOrg) {
            // In the agent's click, with the reason shown above the form.
            attention::ask_permission();
        }
        let effects = self.inner.borrow_mut().phone.handle_intent(now(), intent);
        self.persist();
        self.perform(effects);
        self.publish();
    }

    /// Something happened outside.
    pub fn event(&self, event: Event) {
        // A call outside the phone (the pre-flight's echo test) is never the phone's business.
        if event.line_call() == Some(CallHandle::OUTSIDE) {
            let outside = self.inner.borrow().outside.clone();
            if let Some(hear) = outside {
                hear(&event);
            }
            return;
        }
        if let Some(line) = crate::support::events::event_line(&self.inner.borrow().phone, &event) {
            journal::event(&line);
        }
        // The outputs' ids and names are only known once the agent allowed a microphone.
        if matches!(event, Event::MicrophonesFound(_)) {
            super::outputs::find(self.clone());
        }
        let effects = self.inner.borrow_mut().phone.handle_event(now(), event);
        self.persist();
        self.perform(effects);
        // Render after the effects' first steps: an incoming call's screen pop request goes to
        // Salesforce before the view is redrawn (budget: 5 ms from INVITE to searchAndScreenPop).
        let this = self.clone();
        spawn_local(async move { this.publish() });
    }

    /// Called every second: keeps the utility item's call timer running, the stored call's
    /// heartbeat fresh, and sends the call logs whose retry is due.
    pub fn tick(&self) {
        let effects = self.inner.borrow_mut().phone.tick(now());
        self.persist();
        let retried = effects.iter().any(|e| matches!(e, Effect::SaveLog { .. } | Effect::FindLog { .. } | Effect::FetchCredentials));
        self.perform(effects);
        if retried {
            self.publish();
        }
    }

    pub(super) fn publish(&self) {
        let (phone, tabs) = {
            let mut inner = self.inner.borrow_mut();
            // One snapshot, shared by every view that reads it.
            let phone = Rc::new(inner.phone.clone());
            inner.attention.update(&phone);
            // What the agent was told, once each, in the event log.
            let said = phone.notice().map(words::notice);
            if said != inner.logged_notice {
                if let Some(said) = &said {
                    journal::event(&["the phone says: ", said].concat());
                }
                inner.logged_notice = said;
            }
            (phone, inner.tabs.clone())
        };
        if let Some(tabs) = tabs {
            tabs.publish(owner::summary_of(&phone, now()));
        }
        self.on_change.emit(phone);
    }

    /// A number clicked in a tab without the line: dial it here, for the record it was clicked on.
    fn dial_for_another_tab(&self, number: String, record: Option<RecordRef>) {
        self.event(Event::ClickToDial { number, record });
        if self.inner.borrow().phone.ready().is_some() {
            self.intent(Intent::Call);
        }
    }

    fn perform(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::ShowPanel(_)
                | Effect::SetLabel(_)
                | Effect::SetIcon(_)
                | Effect::ScreenPop { .. }
                | Effect::SaveLog { .. }
                | Effect::FindLog { .. }
                | Effect::FetchCredentials => self.perform_in_salesforce(effect),
                Effect::RememberPresence(presence) => storage::store_presence(presence),
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
                Effect::Rejoin { call, dialog } => with_line(&self.inner, |l| l.rejoin(call, dialog)),
                e @ (Effect::UseSpeaker(_) | Effect::UseRinger(_) | Effect::RememberOutputs(_)) => super::outputs::perform(e),
                // Starting WebAudio takes milliseconds: after the screen pop has been sent.
                Effect::PlayTone(tone) => {
                    let this = self.clone();
                    spawn_local(async move { with_line(&this.inner, |l| l.play(tone)) });
                }
                line_effect => with_line(&self.inner, |l| l.perform(line_effect)),
            }
        }
    }

    /// The effects Open CTI carries out.
    fn perform_in_salesforce(&self, effect: Effect) {
        let cti = self.inner.borrow().cti.clone();
        let this = self.clone();
        match effect {
            Effect::ShowPanel(visible) => spawn_local(async move {
                report(cti.set_softphone_panel_visibility(visible).await);
            }),
            Effect::SetLabel(label) => spawn_local(async move {
                report(cti.set_softphone_item_label(&words::label(&label)).await);
            }),
            Effect::SetIcon(icon) => spawn_local(async move {
                report(cti.set_softphone_item_icon(salesforce::icon(icon)).await);
            }),
            Effect::ScreenPop { call, number, direction } => spawn_local(async move {
                crate::line::mark("softphone:screenpop");
                let search = pop::caller_search(&number, direction);
                let answer = cti.search_and_screen_pop(&search).await;
                let outcome = pop::outcome(&answer, this.inner.borrow().layout.as_ref(), direction);
                this.event(Event::PopAnswered { call, outcome });
                // One match is the caller; several or none leave the call unrelated.
                let record = match answer {
                    Ok(found) if found.matches.len() == 1 => found.matches.into_iter().next().and_then(|m| pop::matched_record(&m)),
                    Ok(_) => None,
                    Err(e) => {
                        warn(&e.to_string());
                        None
                    }
                };
                this.event(Event::RecordMatched { call, record });
            }),
            Effect::SaveLog { id, record, left_out, existing_id } => {
                let log = {
                    let inner = self.inner.borrow();
                    let started = calendar::local_time(record.started_at, inner.time_zone.as_deref());
                    let fields = inner.phone.package_fields();
                    task_facts::with_facts(task(&record, &started, left_out, existing_id), &record, fields, &inner.settings.internal_name)
                };
                logs::save(cti, this, id, log);
            }
            Effect::FindLog { id, call_object } => logs::find(cti, this, id, call_object),
            Effect::FetchCredentials => credentials::fetch(cti, this),
            _ => {}
        }
    }
}

/// The phone with the dialing rules of the definition's home country; a country without a
/// numbering plan is reported, and numbers then go to the PBX as written.
fn new_phone(settings: &SoftphoneSettings) -> Phone {
    let rules = DialingRules::new(&settings.dialing, &settings.home_country, settings.number_format);
    let mut phone = Phone::new(rules.clone().unwrap_or_else(|_| DialingRules::without_plan(&settings.dialing, settings.number_format)));
    phone.set_wrap_up_limit(settings.wrap_up_seconds);
    phone.set_max_calls(settings.max_calls);
    phone.set_follow_transfers(settings.follow_transfer_requests);
    phone.set_credential_source(settings.credentials);
    phone.restore_presence(storage::stored_presence());
    phone.restore_recent(storage::stored_recent());
    phone.restore_outputs(storage::stored_outputs());
    if let Err(unknown) = rules {
        warn(&words::unknown_country(&unknown));
        phone.report(Notice::UnknownCountry(unknown));
    }
    phone
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

/// The Salesforce Task for a call record (the fields Lightning call logs use: CallType,
/// CallDurationInSeconds, CallObject, CallDisposition, WhoId/WhatId, TaskSubtype), dated on the
/// agent's calendar (`started`: the call's start there), without what Salesforce refused before
/// (`left_out`, named in the description instead).
fn task(record: &CallRecord, started: &LocalTime, left_out: LeftOut, existing_id: Option<String>) -> CallLog {
    // A Contact, Lead or person account is who the call was with; the record the agent clicked
    // or worked on, when no person, what it was about.
    let related = |id: Option<&str>| id.filter(|_| !left_out.record).map(str::to_owned);
    CallLog {
        entity_api_name: "Task",
        // Lightning's timeline shows a Task as a call by its subtype, which only a create may set.
        task_subtype: existing_id.is_none().then_some("Call"),
        id: existing_id,
        subject: words::task_subject(record, started),
        who_id: related(record.who_id()),
        what_id: related(record.what_id()),
        call_type: record.direction.as_str(),
        call_duration_in_seconds: u32::try_from(record.duration_s).unwrap_or(u32::MAX),
        call_object: record.call_id.clone(),
        call_disposition: words::task_disposition(record).filter(|_| !left_out.disposition),
        description: Some(words::task_description(record, left_out)).filter(|d| !d.is_empty()),
        status: "Completed",
        activity_date: started.date.clone(),
        // The call's measured facts: task_facts::with_facts.
        package: PackageFields::default(),
    }
}


fn report<T>(result: Result<T, opencti::OpenCtiError>) {
    if let Err(e) = result {
        warn(&e.to_string());
    }
}

fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}
