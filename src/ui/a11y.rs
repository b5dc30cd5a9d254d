//! What a screen reader hears, where the keyboard focus goes, and the call-quality line. The
//! words are derived from the phone's state here; the views only place them.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::phone::recent::RecentCall;
use crate::phone::{Call, Focus, Progress, Stage, Time};
use crate::ui::shortcuts::Shortcut;
use crate::words::{self, t};

/// A sentence for the live region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub text: String,
    /// Said at once, interrupting (a call ringing), rather than when the reader is idle.
    pub urgent: bool,
}

/// What the agent looks at (see [`Focus`]), as a sentence; `None` when there is nothing to
/// say. `calls` is how many calls there are: a ring during a call is a call waiting.
pub fn announcement(focus: Focus<'_>, calls: usize) -> Option<Announcement> {
    let polite = |text: String| Some(Announcement { text, urgent: false });
    match focus {
        Focus::Idle => None,
        Focus::ReadyToCall(target) => {
            let who = target.record.as_ref().map_or(target.number.as_str(), |r| r.name.as_str());
            polite(t::said_ready_to_call(&who))
        }
        Focus::Call(c) => match c.stage() {
            Stage::Dialing => polite(match c.progress() {
                Progress::Calling => t::said_calling(&c.who()),
                Progress::Ringing => t::said_ringing(&c.who()),
                Progress::EarlyMedia => t::said_early_media(&c.who()),
            }),
            Stage::Ringing | Stage::Answering => {
                let said = if calls > 1 { t::said_waiting } else { t::said_incoming };
                Some(Announcement { text: said(&c.who(), &Shortcut::Answer.keys()), urgent: true })
            }
            Stage::Talking => polite(connected(c)),
            Stage::Rejoining => polite(t::said_rejoining(&c.who())),
        },
        Focus::WrapUp(_) => polite(t::said_wrap_up().into()),
    }
}

fn connected(c: &Call) -> String {
    let mut text = if c.held() { t::said_on_hold(&c.who()) } else { t::said_on_call(&c.who()) };
    if c.muted() {
        text.push(' ');
        text.push_str(t::said_muted());
    }
    if let Some(transfer) = &c.transfer() {
        text.push(' ');
        text.push_str(&t::said_transferring(&transfer.to()));
    }
    text
}

/// A recent call in words: "Missed · 3 min ago", "Outbound · 2:05 · yesterday".
pub fn recent_summary(call: &RecentCall, now: Time) -> String {
    let kind = if call.missed { t::recent_missed() } else { words::direction(call.direction) };
    let ago_min = now.millis_since(call.started_at) / 60_000;
    let when = match ago_min {
        0 => t::recent_just_now().to_owned(),
        1..=59 => t::recent_minutes_ago(&ago_min),
        60..=1439 => t::recent_hours_ago(&(ago_min / 60)),
        _ => t::recent_days_ago(&(ago_min / 1440)),
    };
    if call.duration_s > 0 {
        t::recent_summary_duration(&kind, &words::minutes_seconds(call.duration_s), &when)
    } else {
        t::recent_summary(&kind, &when)
    }
}

/// The call card's quality line, e.g. "Call quality: good (MOS 4.1)", once the call had audio.
pub fn quality_words(call: &Call) -> Option<String> {
    call.tally().summary().map(|summary| words::quality_short(&summary))
}

#[derive(Properties, PartialEq)]
pub struct AnnouncerProps {
    pub said: Option<Announcement>,
}

/// Two live regions, always in the page (a region added with its text is not read out): one
/// polite, one assertive for a ringing call. Seen by screen readers only.
#[function_component(Announcer)]
pub fn announcer(props: &AnnouncerProps) -> Html {
    let (urgent, polite) = match &props.said {
        Some(a) if a.urgent => (a.text.clone(), String::new()),
        Some(a) => (String::new(), a.text.clone()),
        None => (String::new(), String::new()),
    };
    html! {
        <div class="visually-hidden">
            <div role="alert" aria-live="assertive" data-testid="announce-urgent">{ urgent }</div>
            <div role="status" aria-live="polite" data-testid="announce">{ polite }</div>
        </div>
    }
}

/// Moves the focus to `target` (the Answer button) when it appears, if the agent is working in
/// the phone; otherwise as soon as the phone gets the focus, never taking it from Salesforce's
/// page (a key typed there must not answer a call).
#[hook]
pub fn use_focus_when_shown(target: NodeRef) {
    use_effect_with((), move |_| {
        let focus = move || {
            if let Some(element) = target.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        };
        let window = web_sys::window();
        let has_focus = window.as_ref().and_then(|w| w.document()).and_then(|d| d.has_focus().ok()).unwrap_or(false);
        if has_focus {
            focus();
        }
        let listener = Closure::<dyn Fn()>::new(focus);
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("focus", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("focus", listener.as_ref().unchecked_ref());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::quality::{Grade, QualitySummary};
    use crate::phone::dialing::DialingRules;
    use crate::phone::{Credentials, DialTarget, Event, Intent, Phone, RecordRef, Secret};
    use crate::ui::shortcuts::tests::{ringing_phone, talking_phone};

    fn said(focus: Focus<'_>, calls: usize) -> Option<(String, bool)> {
        announcement(focus, calls).map(|a| (a.text, a.urgent))
    }

    fn the_call(phone: &Phone) -> &Call {
        &phone.calls()[0]
    }

    /// The only call's handle.
    fn handle(phone: &Phone) -> crate::phone::CallHandle {
        the_call(phone).handle()
    }

    /// The phone after `event` at 2 s.
    fn after(mut phone: Phone, event: Event) -> Phone {
        phone.handle_event(Time::from_unix_millis(2_000), event);
        phone
    }

    /// After the agent's `intent` at 2 s.
    fn after_intent(mut phone: Phone, intent: Intent) -> Phone {
        phone.handle_intent(Time::from_unix_millis(2_000), intent);
        phone
    }

    /// Ada rings in (her PBX gives her name) and the agent answers.
    fn talking_with_ada() -> Phone {
        let ringing = Event::IncomingCall { call_id: "c1".into(), number: "+1 415 555 0100".into(), display_name: "Ada".into(), replaces: None };
        let phone = after(Phone::new(DialingRules::default()), ringing);
        let call = handle(&phone);
        let phone = after_intent(phone, Intent::Answer(call));
        after(phone, Event::CallConnected { call })
    }

    /// Signed in and registered, calling +1 415 555 0100.
    fn dialing() -> Phone {
        let mut phone = Phone::new(DialingRules::default());
        let credentials = Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None };
        phone.handle_intent(Time::from_unix_millis(0), Intent::SignIn(credentials));
        phone.handle_event(Time::from_unix_millis(0), Event::Registered);
        phone.handle_intent(Time::from_unix_millis(0), Intent::EnterNumber("+1 415 555 0100".into()));
        after_intent(phone, Intent::Call)
    }

    #[test]
    fn a_ringing_call_is_announced_at_once_with_its_key() {
        let phone = ringing_phone();
        assert_eq!(said(phone.focus(), 1), Some(("Incoming call from +14155550100. Alt+Shift+A answers.".into(), true)));
        let barbara = RecordRef { id: "003".into(), name: "Barbara Liskov".into(), object_type: "Contact".into(), person_contact_id: None };
        let call = handle(&phone);
        let known = after(phone, Event::RecordMatched { call, record: Some(barbara) });
        assert_eq!(said(known.focus(), 1).map(|s| s.0), Some("Incoming call from Barbara Liskov. Alt+Shift+A answers.".into()));
        assert_eq!(said(known.focus(), 2).map(|s| s.0), Some("Call waiting from Barbara Liskov. Alt+Shift+A answers.".into()));
    }

    #[test]
    fn call_states_are_announced_politely() {
        assert_eq!(said(Focus::Idle, 0), None);
        let target = DialTarget { number: "1002".into(), dial: Err(crate::phone::dialing::DialError::Empty), record: None };
        assert_eq!(said(Focus::ReadyToCall(&target), 0), Some(("Ready to call 1002.".into(), false)));
        let dialing = dialing();
        assert_eq!(said(dialing.focus(), 1).map(|s| s.0), Some("Calling +14155550100.".into()));
        let call = handle(&dialing);
        let ringing = after(dialing, Event::RemoteRinging { call });
        assert_eq!(said(ringing.focus(), 1).map(|s| s.0), Some("Ringing +14155550100.".into()));
        let message = after(ringing, Event::EarlyMedia { call });
        assert_eq!(said(message.focus(), 1).map(|s| s.0), Some("+14155550100 plays a message before answering.".into()));
        let talking = talking_with_ada();
        let call = handle(&talking);
        assert_eq!(said(talking.focus(), 1), Some(("On call with Ada.".into(), false)));
        let muted = after_intent(talking.clone(), Intent::SetMuted { call, muted: true });
        assert_eq!(said(muted.focus(), 1).map(|s| s.0), Some("On call with Ada. Microphone muted.".into()));
        let held = after_intent(talking.clone(), Intent::SetHeld { call, held: true });
        assert_eq!(said(Focus::Call(the_call(&held)), 1).map(|s| s.0), Some("Call with Ada on hold.".into()));
        let moving = after_intent(talking, Intent::Transfer { call, number: "1003".into() });
        assert_eq!(said(moving.focus(), 1).map(|s| s.0), Some("On call with Ada. Transferring to 1003.".into()));
    }

    #[test]
    fn the_end_of_a_call_is_announced_with_what_comes_next() {
        let mut phone = talking_phone();
        let call = the_call(&phone).handle();
        phone.handle_event(Time::from_unix_millis(9_000), Event::CallEnded { call, reason: crate::phone::EndReason::RemoteHangup });
        assert_eq!(said(phone.focus(), 0), Some(("Call ended. Wrap-up: choose a disposition and add notes.".into(), false)));
    }

    #[test]
    fn quality_is_worded_with_its_mos_once_there_was_audio() {
        let talking = talking_phone();
        assert_eq!(quality_words(the_call(&talking)), None);
        let quality = crate::phone::Quality { packets_received: 50, jitter_ms: 4, round_trip_ms: Some(20), ..Default::default() };
        let call = handle(&talking);
        let measured = after(talking, Event::CallQuality { call, quality });
        assert_eq!(quality_words(the_call(&measured)).as_deref(), Some("Call quality: excellent (MOS 4.4)"));
        let summary = QualitySummary { grade: Grade::Good, mos_tenths: 41, loss_permille: 3, jitter_ms: 6, round_trip_ms: Some(42) };
        assert_eq!(words::quality_short(&summary), "Call quality: good (MOS 4.1)");
        assert_eq!(words::quality_short(&QualitySummary { grade: Grade::Bad, mos_tenths: 19, ..summary }), "Call quality: bad (MOS 1.9)");
    }
}
