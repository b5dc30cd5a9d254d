//! One phone per browser. Every Salesforce tab loads the softphone, but only the tab holding the
//! `softphone-line` Web Lock signs in to the PBX and carries the audio: otherwise each tab
//! registers, calls fork to all of them and the tabs that did not answer log "Missed" Tasks.
//! The other tabs queue on the lock (the next one owns the line the moment the owner's page goes
//! away), show the owner's state read-only and forward click-to-dial to it.
//!
//! Messages on the `softphone` BroadcastChannel are versioned, parsed fallibly, and carry no
//! secret: the password never leaves the tab it was typed in, so a new owner asks the agent to
//! sign in again.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::js_value::{from_js, to_js};
use crate::phone::value::Value;
use crate::phone::{CallSnapshot, CallStage, Phone, RecordRef, Registration};
use crate::words::t;

const LOCK_NAME: &str = "softphone-line";
const CHANNEL_NAME: &str = "softphone";
/// Bumped when a message changes shape; tabs ignore messages of another version (a tab still
/// running an older build until it reloads).
const VERSION: u32 = 1;

#[wasm_bindgen(module = "/src/ui/owner.js")]
extern "C" {
    #[wasm_bindgen(js_name = claimLine)]
    fn claim_line(name: &str, on_granted: &js_sys::Function, on_waiting: &js_sys::Function) -> bool;
    #[wasm_bindgen(js_name = openChannel)]
    fn open_channel(name: &str, on_message: &js_sys::Function) -> JsValue;
    #[wasm_bindgen(js_name = post)]
    fn post(channel: &JsValue, message: &JsValue);
}

/// What this tab is, for the view.
#[derive(Clone, Debug, PartialEq)]
pub enum TabRole {
    /// Waiting for the lock's first answer.
    Claiming,
    /// This tab owns the line: the full phone.
    Owner,
    /// Another tab owns the line; its latest state, once heard.
    Elsewhere(Option<LineSummary>),
}

/// The owner's line, as the other tabs show it.
#[derive(Clone, Debug, PartialEq)]
pub struct LineSummary {
    pub signed_in: bool,
    pub registered: bool,
    /// The call in focus there, or being wrapped up, as the phone snapshots it.
    pub call: Option<Box<CallSnapshot>>,
}

/// What one tab tells the others.
#[derive(Clone, Debug, PartialEq)]
pub enum TabMessage {
    /// A tab opened and wants the owner's state.
    Hello,
    /// The owner's line changed.
    Line(LineSummary),
    /// A number was clicked in a tab that does not own the line: the owner dials it, and the
    /// Task goes to the record it was clicked on.
    Dial { number: String, record: Option<RecordRef> },
}

/// A message as it crosses between tabs: `{version, message}`, the message as serde's derive
/// wrote it in the first version (`"Hello"`, `{"Line": {...}}`, `{"Dial": {...}}`), so tabs
/// still running that build and this one understand each other.
impl TabMessage {
    fn to_value(&self) -> Value {
        let message = match self {
            TabMessage::Hello => "Hello".into(),
            TabMessage::Line(line) => Value::variant("Line", line.to_value()),
            TabMessage::Dial { number, record } => Value::variant(
                "Dial",
                Value::object([
                    ("number", number.as_str().into()),
                    ("record", record.as_ref().map_or(Value::Null, RecordRef::to_value)),
                ]),
            ),
        };
        Value::object([("version", VERSION.into()), ("message", message)])
    }

    /// The message of an envelope of this version; `Err` says why another is ignored.
    fn from_value(envelope: &Value) -> Result<TabMessage, Ignored> {
        match envelope.get("version").u32() {
            Some(VERSION) => {}
            Some(other) => return Err(Ignored::Version(other)),
            None => return Err(Ignored::Malformed),
        }
        let message = envelope.get("message").as_variant().ok_or(Ignored::Malformed)?;
        let body = message.body;
        let read = match message.name {
            "Hello" => Some(TabMessage::Hello),
            "Line" => LineSummary::from_value(body).map(TabMessage::Line),
            "Dial" => body.get("number").string().and_then(|number| {
                Some(TabMessage::Dial { number, record: body.get("record").optional(RecordRef::from_value)? })
            }),
            _ => None,
        };
        read.ok_or(Ignored::Malformed)
    }
}

/// Why a message from another tab was ignored.
enum Ignored {
    /// A tab running a build of another message version.
    Version(u32),
    Malformed,
}

impl LineSummary {
    /// The summary without the moment its call snapshot was taken.
    fn undated(&self) -> LineSummary {
        let mut undated = self.clone();
        if let Some(call) = undated.call.as_mut() {
            call.taken_at = crate::phone::Time::from_unix_millis(0);
        }
        undated
    }

    fn to_value(&self) -> Value {
        let call = self.call.as_ref().map_or(Value::Null, |c| c.to_value());
        Value::object([("signed_in", self.signed_in.into()), ("registered", self.registered.into()), ("call", call)])
    }

    fn from_value(v: &Value) -> Option<LineSummary> {
        let call = v.get("call").optional(CallSnapshot::from_value)?.map(Box::new);
        Some(LineSummary { signed_in: v.get("signed_in").bool()?, registered: v.get("registered").bool()?, call })
    }
}

/// The line summary of this tab's phone at `now`.
pub fn summary_of(phone: &Phone, now: crate::phone::Time) -> LineSummary {
    LineSummary {
        signed_in: !matches!(phone.registration(), Registration::SignedOut),
        registered: matches!(phone.registration(), Registration::Registered),
        call: phone.shown_snapshot(now).map(Box::new),
    }
}

/// This tab's place among the browser's softphone tabs.
pub struct Tabs {
    owner: Cell<bool>,
    /// The BroadcastChannel (undefined where the browser has none).
    channel: RefCell<JsValue>,
    /// This tab's own line, last published (posted again when this tab becomes the owner or a
    /// tab says hello).
    current: RefCell<Option<LineSummary>>,
    /// The owner's line as last heard (while another tab owns it).
    owner_line: RefCell<Option<LineSummary>>,
    on_role: Callback<TabRole>,
    /// Runs once, when this tab first owns the line (only the owner resumes the call logs).
    on_owned: RefCell<Option<Box<dyn FnOnce()>>>,
    /// Kept alive as long as the tab: the browser calls them.
    closures: RefCell<Vec<BrowserCallback>>,
}

type BrowserCallback = Closure<dyn FnMut(JsValue)>;

impl Tabs {
    /// Joins the browser's tabs: queues on the lock and listens on the channel. `on_dial` runs
    /// in the owner for a number clicked in another tab; `on_owned` once this tab owns the line.
    pub fn join(on_role: Callback<TabRole>, on_dial: impl Fn(String, Option<RecordRef>) + 'static, on_owned: impl FnOnce() + 'static) -> Rc<Tabs> {
        let tabs = Rc::new(Tabs {
            owner: Cell::new(false),
            channel: RefCell::new(JsValue::UNDEFINED),
            current: RefCell::new(None),
            owner_line: RefCell::new(None),
            on_role,
            on_owned: RefCell::new(Some(Box::new(on_owned))),
            closures: RefCell::new(Vec::new()),
        });
        let weak = Rc::downgrade(&tabs);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            if let Some(tabs) = weak.upgrade() {
                tabs.receive(data, &on_dial);
            }
        });
        *tabs.channel.borrow_mut() = open_channel(CHANNEL_NAME, on_message.as_ref().unchecked_ref());
        let weak = Rc::downgrade(&tabs);
        let on_granted = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(tabs) = weak.upgrade() {
                tabs.become_owner();
            }
        });
        let weak = Rc::downgrade(&tabs);
        let on_waiting = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(tabs) = weak.upgrade().filter(|t| !t.is_owner()) {
                tabs.on_role.emit(TabRole::Elsewhere(tabs.owner_line.borrow().clone()));
            }
        });
        if !claim_line(LOCK_NAME, on_granted.as_ref().unchecked_ref(), on_waiting.as_ref().unchecked_ref()) {
            // No Web Locks in this browser: every tab keeps its own phone, as before.
            tabs.become_owner();
        }
        tabs.closures.borrow_mut().extend([on_message, on_granted, on_waiting]);
        tabs.send(TabMessage::Hello);
        tabs
    }

    /// True when this tab owns the line (signs in, rings, carries the audio).
    pub fn is_owner(&self) -> bool {
        self.owner.get()
    }

    /// Records this tab's line; the owner tells the other tabs when it changed.
    pub fn publish(&self, summary: LineSummary) {
        // A snapshot is dated: the same line a second later is no news to the other tabs.
        let changed = self.current.borrow().as_ref().map(LineSummary::undated) != Some(summary.undated());
        *self.current.borrow_mut() = Some(summary.clone());
        if changed && self.is_owner() {
            self.send(TabMessage::Line(summary));
        }
    }

    /// Hands a number clicked here to the owner.
    pub fn forward_dial(&self, number: String, record: Option<RecordRef>) {
        self.send(TabMessage::Dial { number, record });
    }

    fn become_owner(&self) {
        self.owner.set(true);
        self.on_role.emit(TabRole::Owner);
        let on_owned = self.on_owned.borrow_mut().take();
        if let Some(on_owned) = on_owned {
            on_owned();
        }
        let current = self.current.borrow().clone();
        if let Some(summary) = current {
            self.send(TabMessage::Line(summary));
        }
    }

    fn receive(&self, data: JsValue, on_dial: &impl Fn(String, Option<RecordRef>)) {
        let message = match TabMessage::from_value(&from_js(&data)) {
            Ok(message) => message,
            Err(Ignored::Version(v)) => return warn(&format!("Ignored a message from a tab running another version ({v}).")),
            Err(Ignored::Malformed) => return warn("Ignored a malformed message from another tab."),
        };
        match (message, self.is_owner()) {
            (TabMessage::Hello, true) => {
                let current = self.current.borrow().clone();
                if let Some(summary) = current {
                    self.send(TabMessage::Line(summary));
                }
            }
            (TabMessage::Line(summary), false) => {
                *self.owner_line.borrow_mut() = Some(summary.clone());
                self.on_role.emit(TabRole::Elsewhere(Some(summary)));
            }
            (TabMessage::Dial { number, record }, true) => on_dial(number, record),
            // Hello and Dial are for the owner; Line is from it.
            _ => {}
        }
    }

    fn send(&self, message: TabMessage) {
        post(&self.channel.borrow(), &to_js(&message.to_value()));
    }
}

fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}

/// The words a tab without the line shows about the owner's state.
pub fn elsewhere_status(line: Option<&LineSummary>) -> String {
    let Some(line) = line else {
        return t::tabs_waiting().into();
    };
    match (&line.call, line.signed_in, line.registered) {
        (Some(c), _, _) => match c.stage {
            CallStage::Dialing => t::tabs_calling(&c.who),
            CallStage::Ringing => t::tabs_ringing(&c.who),
            CallStage::Talking => t::tabs_talking(&c.who),
            CallStage::WrappingUp => t::tabs_wrapping_up(&c.who),
        },
        (None, false, _) => t::tabs_signed_out().into(),
        (None, true, true) => t::tabs_ready().into(),
        (None, true, false) => t::tabs_connecting().into(),
    }
}

#[derive(Properties, PartialEq)]
pub struct ElsewhereProps {
    pub line: Option<LineSummary>,
}

/// Shown in a tab that does not own the line.
#[function_component(Elsewhere)]
pub fn elsewhere(props: &ElsewhereProps) -> Html {
    html! {
        <main class="phone">
            <div class="card" role="status" data-testid="elsewhere">
                <h2>{ t::tabs_title() }</h2>
                <p data-testid="elsewhere-status">{ elsewhere_status(props.line.as_ref()) }</p>
                <p class="weak">{ t::tabs_about() }</p>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::{CallDirection, Time};

    fn snapshot(who: &str, stage: CallStage) -> CallSnapshot {
        CallSnapshot {
            direction: CallDirection::Inbound,
            number: "+1 415 555 0100".into(),
            who: who.into(),
            stage,
            record: None,
            about: None,
            call_id: Some("c1@pbx".into()),
            started_at: Time::from_unix_millis(1_000),
            answered_at: Some(Time::from_unix_millis(2_000)),
            screen_pop: None,
            taken_at: Time::from_unix_millis(3_000),
            held: false,
            dialog: None,
        }
    }

    #[test]
    fn another_tab_on_a_call_is_shown_by_name() {
        let line = LineSummary {
            signed_in: true,
            registered: true,
            call: Some(Box::new(snapshot("Ada Lovelace", CallStage::Talking))),
        };
        assert_eq!(elsewhere_status(Some(&line)), "On a call with Ada Lovelace in another tab.");
    }

    #[test]
    fn every_message_crosses_to_another_tab_unchanged() {
        let line = LineSummary {
            signed_in: true,
            registered: false,
            call: Some(Box::new(snapshot("Ada", CallStage::WrappingUp))),
        };
        let record = RecordRef { id: "003A".into(), name: "Ada".into(), object_type: "Contact".into(), person_contact_id: None };
        for message in [
            TabMessage::Hello,
            TabMessage::Line(line),
            TabMessage::Line(LineSummary { signed_in: false, registered: false, call: None }),
            TabMessage::Dial { number: "+1 415 555 0100".into(), record: Some(record) },
            TabMessage::Dial { number: "1003".into(), record: None },
        ] {
            assert!(matches!(TabMessage::from_value(&message.to_value()), Ok(m) if m == message));
        }
    }

    #[test]
    fn a_tab_still_running_the_first_build_is_understood() {
        // What serde's derive posted: the record's missing contact as undefined (absent).
        let record = Value::object([("id", "003A".into()), ("name", "Ada".into()), ("object_type", "Contact".into())]);
        let dial = Value::object([("number", "1002".into()), ("record", record)]);
        let envelope = Value::object([("version", 1u32.into()), ("message", Value::variant("Dial", dial))]);
        assert!(matches!(TabMessage::from_value(&envelope), Ok(TabMessage::Dial { number, record: Some(r) }) if number == "1002" && r.name == "Ada"));
        let hello = Value::object([("version", 1u32.into()), ("message", "Hello".into())]);
        assert!(matches!(TabMessage::from_value(&hello), Ok(TabMessage::Hello)));
    }

    #[test]
    fn messages_of_another_version_or_shape_are_ignored() {
        let newer = Value::object([("version", 2u32.into()), ("message", "Hello".into())]);
        assert!(matches!(TabMessage::from_value(&newer), Err(Ignored::Version(2))));
        let odd = Value::object([("version", 1u32.into()), ("message", "Goodbye".into())]);
        assert!(matches!(TabMessage::from_value(&odd), Err(Ignored::Malformed)));
        let no_number = Value::object([("version", 1u32.into()), ("message", Value::variant("Dial", Value::object([])))]);
        assert!(matches!(TabMessage::from_value(&no_number), Err(Ignored::Malformed)));
        assert!(matches!(TabMessage::from_value(&Value::from("Hello")), Err(Ignored::Malformed)));
    }

    #[test]
    fn a_signed_out_owner_asks_for_a_sign_in_there() {
        let line = LineSummary { signed_in: false, registered: false, call: None };
        assert!(elsewhere_status(Some(&line)).starts_with("Not signed in"));
    }
}
