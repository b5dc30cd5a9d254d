//! The Help card at the foot of the phone: the pre-flight check (on a click, and by itself when
//! signing in goes wrong: `preflight::off_at_sign_in`, or still connecting after 10 s) and the
//! diagnostics file for support. `support::preflight` judges and words each item; this runs the
//! probes (`probes.js`, all at once) and the echo test, and shows the list. The echo test's
//! call is the line's, never the phone's: its handle is `CallHandle::OUTSIDE`, whose events the
//! controller hands here.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::controller::Controller;
use crate::phone::outputs::OutputRole;
use crate::phone::{CallHandle, EndReason, Event, Notice, Phone, Registration};
use crate::words::{self, t};
use crate::support::preflight::{self, Echo, Item, State};
use crate::support::{journal, probes};

/// The list as it stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checklist {
    items: Vec<(Item, State)>,
    /// Shown open (the check ran by itself, or the agent opened it).
    open: bool,
}

pub enum Action {
    Start(Vec<Item>),
    Set(Item, State),
}

impl Checklist {
    /// A check is under way (its call to the echo test included): one at a time.
    fn running(&self) -> bool {
        self.items.iter().any(|(item, state)| *state == State::Running && !matches!(item, Item::Speaker | Item::Ringer))
    }
}

impl Reducible for Checklist {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut list = (*self).clone();
        match action {
            Action::Start(items) => {
                // Everything runs at once but the outputs, which wait for the agent.
                let state = |i: &Item| if matches!(i, Item::Speaker | Item::Ringer) { State::Waiting } else { State::Running };
                list = Checklist { items: items.into_iter().map(|i| (state(&i), i)).map(|(state, i)| (i, state)).collect(), open: true };
            }
            Action::Set(item, state) => {
                if let Some(entry) = list.items.iter_mut().find(|(i, _)| *i == item) {
                    entry.1 = state;
                }
            }
        }
        Rc::new(list)
    }
}

type Dispatch = UseReducerDispatcher<Checklist>;

/// A sign-in still connecting after this long is off: the check runs by itself.
const STILL_CONNECTING_MS: u64 = 10_000;

/// Runs the automatic items (the probes at once, then the echo test); the speaker and the
/// ringer wait for the agent's click.
async fn run(c: Controller, list: Dispatch) {
    let (urls, echo_number, microphone, line) = {
        let inner = c.inner.borrow();
        let s = &inner.settings;
        (s.pbx_urls.clone(), s.echo_test_number.clone(), inner.phone.microphone().map(str::to_owned), inner.line.clone())
    };
    let mut items: Vec<Item> = urls.iter().cloned().map(Item::Pbx).collect();
    items.extend([Item::Registration, Item::Turn, Item::Microphone, Item::Speaker, Item::Ringer, Item::EchoTest]);
    list.dispatch(Action::Start(items));
    let set = |item: Item, state: State| list.dispatch(Action::Set(item, state));
    // TURN with the credentials a call would use (minted, or fetched for the offer made at sign-in).
    let ice = line.as_ref().and_then(|l| l.ice_known());
    let servers = ice.as_ref().filter(|i| i.problem.is_none() && i.expects_relay()).map(|i| crate::media::browser_servers(&i.servers));
    let facts = probes::run(urls.clone(), servers, microphone).await;
    for (url, (socket, port)) in urls.iter().zip(facts.pbx) {
        set(Item::Pbx(url.clone()), preflight::pbx(url, socket, port));
    }
    set(Item::Registration, preflight::registration(&c.inner.borrow().phone));
    let fetched = ice.is_some() || line.is_none();
    set(
        Item::Turn,
        match (ice.and_then(|i| i.problem), facts.turn) {
            (Some(problem), _) => State::Failed(words::relay_problem(&problem)),
            (None, Some((relay_ms, errors))) => preflight::turn(true, relay_ms, &errors),
            (None, None) if !fetched => State::Skipped("The TURN credentials are fetched for the first call: check again after one.".into()),
            (None, None) => preflight::turn(false, None, &[]),
        },
    );
    set(Item::Microphone, preflight::microphone(&facts.microphone));
    set(Item::EchoTest, preflight::echo(&echo_test(&c, echo_number).await));
}

/// What the echo test call saw.
#[derive(Default)]
struct Seen {
    connected_at: Option<f64>,
    audio_after_ms: Option<u32>,
    ended: Option<String>,
}

/// Calls the PBX's echo test and waits for audio to come back (at most a few seconds).
async fn echo_test(c: &Controller, number: Option<String>) -> Echo {
    let Some(number) = number else { return Echo::NotOffered };
    let (line, registered, busy) = {
        let inner = c.inner.borrow();
        (inner.line.clone(), *inner.phone.registration() == Registration::Registered, !inner.phone.calls().is_empty())
    };
    let Some(line) = line.filter(|_| registered) else { return Echo::NotRegistered };
    if busy {
        return Echo::Failed("the phone is on a call; check again after it.".into());
    }
    let seen = Rc::new(RefCell::new(Seen::default()));
    let hear = seen.clone();
    c.inner.borrow_mut().outside = Some(Rc::new(move |event: &Event| {
        let mut s = hear.borrow_mut();
        let now = js_sys::Date::now();
        match event {
            Event::CallConnected { .. } => s.connected_at = Some(now),
            Event::CallQuality { quality, .. } if quality.packets_received > 0 && s.audio_after_ms.is_none() => {
                s.audio_after_ms = s.connected_at.map(|at| (now - at).max(0.0) as u32);
            }
            Event::CallEnded { reason, .. } => s.ended = Some(ended(reason)),
            Event::CallFailed { reason, .. } => s.ended = Some(words::call_failure(reason)),
            _ => {}
        }
    }));
    line.dial(CallHandle::OUTSIDE, &number);
    for _ in 0..60 {
        probes::sleep(250).await;
        let s = seen.borrow();
        if s.audio_after_ms.is_some() || s.ended.is_some() || s.connected_at.is_some_and(|at| js_sys::Date::now() - at > 5_000.0) {
            break;
        }
        if s.connected_at.is_some() {
            line.measure_quality(CallHandle::OUTSIDE);
        }
    }
    line.hang_up(CallHandle::OUTSIDE);
    c.inner.borrow_mut().outside = None;
    let s = seen.borrow();
    match (&s.ended, s.connected_at) {
        (Some(why), None) => Echo::Failed(why.clone()),
        (_, None) => Echo::Failed("nobody answered within 15 seconds.".into()),
        (_, Some(_)) => Echo::Connected(s.audio_after_ms),
    }
}

fn ended(reason: &EndReason) -> String {
    match reason {
        EndReason::Failed(why) => words::call_failure(why),
        EndReason::Busy => "the echo test's number is busy.".into(),
        EndReason::NoAnswer => "nobody answered.".into(),
        _ => "the call ended before it was answered.".into(),
    }
}

/// The Help card: *Check my setup*, *Download diagnostics*, and the check's list. A hook of the
/// phone's view rather than a component of its own: one component type less in the download.
#[hook]
pub fn use_help(phone: &Phone) -> Html {
    let list = use_reducer(Checklist::default);
    let controller = use_context::<Controller>();
    // By itself when something is off at sign-in, or the phone is still connecting after a while.
    let off = preflight::off_at_sign_in(phone);
    let connecting = *phone.registration() == Registration::Connecting;
    {
        let (c, dispatch) = (controller.clone(), list.dispatcher());
        use_effect_with((off, connecting), move |(off, connecting)| {
            let c = c.filter(|_| *off || *connecting);
            if let (true, Some(c)) = (*off, &c) {
                spawn_local(run(c.clone(), dispatch.clone()));
            }
            // Dropped (cancelled) as soon as the phone stops connecting.
            let later = c.filter(|_| *connecting).map(|c| crate::timer::Timeout::start(STILL_CONNECTING_MS, move || spawn_local(run(c.clone(), dispatch.clone()))));
            move || drop(later)
        });
    }
    let Some(controller) = controller else { return html! {} };
    let check = {
        let (c, dispatch) = (controller.clone(), list.dispatcher());
        Callback::from(move |_| spawn_local(run(c.clone(), dispatch.clone())))
    };
    let download = {
        let c = controller.clone();
        Callback::from(move |_| c.download_diagnostics())
    };
    let outputs = phone.outputs();
    let sinks = [outputs.in_use(OutputRole::Speaker), outputs.in_use(OutputRole::Ringer)].map(|s| s.unwrap_or("").to_owned());
    // One click handler for the list's buttons (they are the speaker's and the ringer's).
    let answer = {
        let (list, dispatch) = (list.clone(), list.dispatcher());
        Callback::from(move |e: MouseEvent| {
            let Some(button) = e.target_dyn_into::<web_sys::Element>() else { return };
            let Some(answer) = button.get_attribute("data-answer") else { return };
            let index = button.closest("li").ok().flatten().and_then(|li| li.get_attribute("data-index")).and_then(|i| i.parse::<usize>().ok());
            let Some((item, _)) = index.and_then(|i| list.items.get(i)) else { return };
            let sink = if *item == Item::Ringer { sinks[1].clone() } else { sinks[0].clone() };
            agent_answers(item.clone(), &answer, sink, dispatch.clone());
        })
    };
    html! {
        <details class="card help" open={list.open}>
            <summary>{ t::help_title() }</summary>
            <div class="actions">
                <button onclick={check} disabled={!phone.calls().is_empty() || list.running()}>{ t::help_check() }</button>
                <button onclick={download}>{ t::help_download() }</button>
            </div>
            <ul class="checks" aria-live="polite" onclick={answer}>{ Html::from_html_unchecked(rows(&list).into()) }</ul>
        </details>
    }
}

/// The list as markup (its text escaped): one item a line, the speaker's and the ringer's with
/// their buttons.
fn rows(list: &Checklist) -> String {
    let mut html = String::new();
    for (index, (item, state)) in list.items.iter().enumerate() {
        let button = |answer: &str, label: &str| format!(r#"<button data-answer="{answer}">{}</button>"#, escape(label));
        let buttons = match (item, state) {
            (Item::Speaker | Item::Ringer, State::Asking) => button("yes", t::help_yes()) + &button("no", t::help_no()),
            (Item::Speaker | Item::Ringer, State::Waiting | State::Passed(_) | State::Failed(_)) => button("play", t::help_play()),
            _ => String::new(),
        };
        html.push_str(&format!(
            r#"<li data-testid="check" data-index="{index}" data-item="{}" data-state="{}"><strong>{}</strong> {}{buttons}</li>"#,
            item.key(),
            state.key(),
            escape(&item.title()),
            escape(state.sentence())
        ));
    }
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The agent played the test sound (`play`), or says whether they heard it (`yes`, `no`).
fn agent_answers(item: Item, answer: &str, sink: String, list: Dispatch) {
    if answer != "play" {
        let heard = answer == "yes";
        list.dispatch(Action::Set(item.clone(), preflight::output(&item, true, Some(heard))));
        return;
    }
    list.dispatch(Action::Set(item.clone(), State::Running));
    spawn_local(async move {
        let played = probes::play(&sink).await;
        list.dispatch(Action::Set(item.clone(), preflight::output(&item, played, None)));
    });
}

impl Controller {
    /// Downloads the diagnostics file: the phone's state and settings (secrets redacted), then
    /// the journal.
    pub fn download_diagnostics(&self) {
        let header = {
            let inner = self.inner.borrow();
            crate::support::header(&inner.phone, &inner.settings_lines, inner.time_zone.as_deref())
        };
        if !journal::download(&header) {
            self.inner.borrow_mut().phone.report(Notice::DiagnosticsNotSaved);
            self.publish();
        }
    }
}
