//! Keyboard shortcuts for the call's main controls, while the phone's panel has the focus.
//!
//! Alt+Shift with a letter. Lightning's own keyboard shortcuts (Ctrl+/ or Cmd+/ lists them;
//! console shortcuts are set by the admin) hear only keys typed in Salesforce's page, and the
//! phone's only keys typed in its frame, so neither takes the other's. Alt+Shift+letter types no
//! character in the number and notes fields (US and most European layouts; where it would, e.g.
//! on a Mac, the shortcut wins), and the page has no access keys (Firefox's Alt+Shift). Keys are
//! matched by their position (`KeyboardEvent.code`), so they are the same on any layout.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::phone::{Call, Intent, Stage};

/// A call control with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Answer,
    HangUp,
    Mute,
    Hold,
}

impl Shortcut {
    const ALL: [Shortcut; 4] = [Shortcut::Answer, Shortcut::HangUp, Shortcut::Mute, Shortcut::Hold];

    /// The keys, as `aria-keyshortcuts` writes them.
    pub fn keys(self) -> &'static str {
        match self {
            Shortcut::Answer => "Alt+Shift+A",
            Shortcut::HangUp => "Alt+Shift+E",
            Shortcut::Mute => "Alt+Shift+M",
            Shortcut::Hold => "Alt+Shift+H",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Shortcut::Answer => "KeyA",
            Shortcut::HangUp => "KeyE",
            Shortcut::Mute => "KeyM",
            Shortcut::Hold => "KeyH",
        }
    }

    /// The shortcut a key press is, if any: Alt and Shift with the letter, nothing else held.
    pub fn of_key(code: &str, alt: bool, shift: bool, ctrl: bool, meta: bool) -> Option<Shortcut> {
        if !(alt && shift) || ctrl || meta {
            return None;
        }
        Shortcut::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What it asks of the call the agent looks at (see `phone::Focus`); nothing when its
    /// button is not on screen.
    pub fn intent(self, call: Option<&Call>) -> Option<Intent> {
        let c = call?;
        let live = c.stage() == Stage::Talking && !c.held();
        match (self, c.stage()) {
            (Shortcut::Answer, Stage::Ringing) => Some(Intent::Answer(c.handle())),
            (Shortcut::HangUp, Stage::Dialing | Stage::Talking | Stage::Rejoining) if c.consultation().is_none() => Some(Intent::HangUp(c.handle())),
            (Shortcut::Mute, Stage::Talking) if live => Some(Intent::SetMuted { call: c.handle(), muted: !c.muted() }),
            (Shortcut::Hold, Stage::Talking) => Some(Intent::SetHeld { call: c.handle(), held: !c.held() }),
            _ => None,
        }
    }

    /// A button's tooltip: its label and its keys, e.g. "Answer (Alt+Shift+A)".
    pub fn title(self, label: &str) -> String {
        crate::words::t::call_with_keys(&label, &self.keys())
    }
}

/// Listens for the shortcuts on the phone's document while `call` is the call the agent looks at.
#[hook]
pub fn use_shortcuts(call: Option<Call>) {
    let send = super::context::use_intents();
    use_effect_with(call, move |call| {
        let call = call.clone();
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.repeat() {
                return;
            }
            let Some(shortcut) = Shortcut::of_key(&e.code(), e.alt_key(), e.shift_key(), e.ctrl_key(), e.meta_key()) else {
                return;
            };
            if let Some(intent) = shortcut.intent(call.as_ref()) {
                e.prevent_default();
                send.emit(intent);
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
        }
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::phone::dialing::DialingRules;
    use crate::phone::{Event, Phone, Time};

    /// A phone with a call ringing in from +1 415 555 0100 (Call-ID c1).
    pub(crate) fn ringing_phone() -> Phone {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_event(
            Time::from_unix_millis(0),
            Event::IncomingCall { call_id: "c1".into(), number: "+1 415 555 0100".into(), display_name: String::new(), replaces: None },
        );
        phone
    }

    /// That call, answered at t=1 s.
    pub(crate) fn talking_phone() -> Phone {
        let mut phone = ringing_phone();
        let call = phone.calls()[0].handle();
        phone.handle_intent(Time::from_unix_millis(500), Intent::Answer(call));
        phone.handle_event(Time::from_unix_millis(1_000), Event::CallConnected { call });
        phone
    }

    #[test]
    fn only_alt_shift_and_the_letter_is_a_shortcut() {
        assert_eq!(Shortcut::of_key("KeyA", true, true, false, false), Some(Shortcut::Answer));
        assert_eq!(Shortcut::of_key("KeyE", true, true, false, false), Some(Shortcut::HangUp));
        assert_eq!(Shortcut::of_key("KeyM", true, true, false, false), Some(Shortcut::Mute));
        assert_eq!(Shortcut::of_key("KeyH", true, true, false, false), Some(Shortcut::Hold));
        assert_eq!(Shortcut::of_key("KeyA", false, false, false, false), None, "typing an a");
        assert_eq!(Shortcut::of_key("KeyA", false, true, false, false), None, "typing an A");
        assert_eq!(Shortcut::of_key("KeyA", true, false, false, false), None);
        assert_eq!(Shortcut::of_key("KeyA", true, true, true, false), None, "AltGr (Ctrl+Alt) combinations are left alone");
        assert_eq!(Shortcut::of_key("KeyA", true, true, false, true), None);
        assert_eq!(Shortcut::of_key("KeyZ", true, true, false, false), None);
    }

    #[test]
    fn a_shortcut_does_what_its_button_would_and_nothing_without_one() {
        let phone = ringing_phone();
        let ringing = &phone.calls()[0];
        let h = ringing.handle();
        assert_eq!(Shortcut::Answer.intent(Some(ringing)), Some(Intent::Answer(h)));
        assert_eq!(Shortcut::HangUp.intent(Some(ringing)), None, "hanging up is not declining");
        assert_eq!(Shortcut::Mute.intent(Some(ringing)), None);
        let phone = talking_phone();
        let talking = &phone.calls()[0];
        assert_eq!(Shortcut::Answer.intent(Some(talking)), None);
        assert_eq!(Shortcut::HangUp.intent(Some(talking)), Some(Intent::HangUp(h)));
        assert_eq!(Shortcut::Mute.intent(Some(talking)), Some(Intent::SetMuted { call: h, muted: true }));
        assert_eq!(Shortcut::Hold.intent(Some(talking)), Some(Intent::SetHeld { call: h, held: true }));
        let mut muted_held = phone.clone();
        muted_held.handle_intent(Time::from_unix_millis(2_000), Intent::SetMuted { call: h, muted: true });
        muted_held.handle_intent(Time::from_unix_millis(2_000), Intent::SetHeld { call: h, held: true });
        let muted_held = &muted_held.calls()[0];
        assert_eq!(Shortcut::Mute.intent(Some(muted_held)), None, "nobody hears a held call's microphone");
        assert_eq!(Shortcut::Hold.intent(Some(muted_held)), Some(Intent::SetHeld { call: h, held: false }));
        let mut placing = Phone::new(DialingRules::default());
        let credentials = crate::phone::Credentials { user: "1001".into(), password: crate::phone::Secret::new("pw".into()), display_name: String::new(), auth_user: None };
        placing.handle_intent(Time::from_unix_millis(0), Intent::SignIn(credentials));
        placing.handle_event(Time::from_unix_millis(0), Event::Registered);
        placing.handle_intent(Time::from_unix_millis(0), Intent::EnterNumber("1002".into()));
        placing.handle_intent(Time::from_unix_millis(0), Intent::Call);
        let dialing = &placing.calls()[0];
        assert_eq!(Shortcut::HangUp.intent(Some(dialing)), Some(Intent::HangUp(dialing.handle())));
        assert_eq!(Shortcut::Mute.intent(Some(dialing)), None);
        assert_eq!(Shortcut::HangUp.intent(None), None);
    }

    #[test]
    fn titles_name_the_keys() {
        assert_eq!(Shortcut::Answer.title("Answer"), "Answer (Alt+Shift+A)");
    }
}
