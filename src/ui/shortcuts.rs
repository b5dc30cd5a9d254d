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

use crate::phone::{CallState, Intent};

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

    /// What it asks of the phone in this state; nothing when its button is not on screen.
    pub fn intent(self, call: &CallState) -> Option<Intent> {
        match (self, call) {
            (Shortcut::Answer, CallState::Incoming(_)) => Some(Intent::Answer),
            (Shortcut::HangUp, CallState::Dialing(_) | CallState::Connected(_)) => Some(Intent::HangUp),
            (Shortcut::Mute, CallState::Connected(c)) => Some(Intent::SetMuted(!c.muted)),
            (Shortcut::Hold, CallState::Connected(c)) => Some(Intent::SetHeld(!c.held)),
            _ => None,
        }
    }

    /// A button's tooltip: its label and its keys, e.g. "Answer (Alt+Shift+A)".
    pub fn title(self, label: &str) -> String {
        format!("{label} ({})", self.keys())
    }
}

/// Listens for the shortcuts on the phone's document while `call` is the phone's call state.
#[hook]
pub fn use_shortcuts(call: CallState, send: Callback<Intent>) {
    use_effect_with(call, move |call| {
        let call = call.clone();
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.repeat() {
                return;
            }
            let Some(shortcut) = Shortcut::of_key(&e.code(), e.alt_key(), e.shift_key(), e.ctrl_key(), e.meta_key()) else { return };
            if let Some(intent) = shortcut.intent(&call) {
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
    use crate::phone::{Call, CallDirection};

    pub(crate) fn call() -> Call {
        Call { call_id: Some("c1".into()), ..Call::new(CallDirection::Inbound, "+1 415 555 0100".into(), None, 0) }
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
        let ringing = CallState::Incoming(call());
        assert_eq!(Shortcut::Answer.intent(&ringing), Some(Intent::Answer));
        assert_eq!(Shortcut::HangUp.intent(&ringing), None, "hanging up is not declining");
        assert_eq!(Shortcut::Mute.intent(&ringing), None);
        let talking = CallState::Connected(Call { answered_at_ms: Some(1), ..call() });
        assert_eq!(Shortcut::Answer.intent(&talking), None);
        assert_eq!(Shortcut::HangUp.intent(&talking), Some(Intent::HangUp));
        assert_eq!(Shortcut::Mute.intent(&talking), Some(Intent::SetMuted(true)));
        assert_eq!(Shortcut::Hold.intent(&talking), Some(Intent::SetHeld(true)));
        let muted_held = CallState::Connected(Call { answered_at_ms: Some(1), muted: true, held: true, ..call() });
        assert_eq!(Shortcut::Mute.intent(&muted_held), Some(Intent::SetMuted(false)));
        assert_eq!(Shortcut::Hold.intent(&muted_held), Some(Intent::SetHeld(false)));
        assert_eq!(Shortcut::HangUp.intent(&CallState::Dialing(call())), Some(Intent::HangUp));
        assert_eq!(Shortcut::Mute.intent(&CallState::Dialing(call())), None);
        assert_eq!(Shortcut::HangUp.intent(&CallState::Idle), None);
    }

    #[test]
    fn titles_name_the_keys() {
        assert_eq!(Shortcut::Answer.title("Answer"), "Answer (Alt+Shift+A)");
    }
}
