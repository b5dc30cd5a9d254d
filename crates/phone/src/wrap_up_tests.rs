//! Wrap-up as the agent lives it: what they typed is never thrown away.

use super::dialing::DialingRules;
use super::*;
use crate::tests::*;

fn ada() -> RecordRef {
    RecordRef { id: "003000000000001".into(), name: "Ada Lovelace".into(), object_type: "Contact".into(), person_contact_id: None }
}

/// A registered phone whose call with Ada ended at t=52 s (logged, saved as 00T1): in wrap-up.
fn in_wrap_up(limit_s: Option<u32>) -> Phone {
    let mut phone = Phone::new(DialingRules::default());
    phone.set_wrap_up_limit(limit_s);
    phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
    phone.handle_event(at(0), Event::Registered);
    phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(ada()) });
    phone.handle_intent(at(2_000), Intent::Call);
    phone.handle_event(at(2_010), started(&phone, "c1"));
    phone.handle_event(at(10_000), Event::CallConnected { call: id(&phone, "c1") });
    let ended = phone.handle_intent(at(52_000), Intent::HangUp(current(&phone)));
    let id = ended.iter().find_map(|e| if let Effect::SaveLog { id, .. } = e { Some(*id) } else { None }).expect("logged");
    phone.handle_event(at(53_000), Event::LogSaved { id, record_id: "00T1".into() });
    assert!(matches!(phone.focus(), Focus::WrapUp(_)));
    phone
}

/// The updates of Task 00T1 among `effects`: (disposition, notes).
fn updates(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveLog { record, existing_id: Some(id), .. } if id == "00T1" => Some((record.disposition.clone(), record.notes.clone())),
            _ => None,
        })
        .collect()
}

fn type_notes(phone: &mut Phone, disposition: &str, notes: &str) {
    let effects = phone.handle_intent(at(55_000), Intent::EditWrapUp { disposition: disposition.into(), notes: notes.into() });
    assert!(updates(&effects).is_empty(), "typing saves nothing yet");
}

#[test]
fn a_call_ringing_in_during_wrap_up_saves_what_the_agent_typed_then_rings() {
    let mut phone = in_wrap_up(None);
    type_notes(&mut phone, "Callback requested", "Wants a call on Monday");
    let effects = phone.handle_event(
        at(60_000),
        Event::IncomingCall { call_id: "c2".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: None },
    );
    assert_eq!(updates(&effects), [("Callback requested".to_owned(), "Wants a call on Monday".to_owned())]);
    assert!(matches!(phone.focus(), Focus::Call(c) if c.stage() == Stage::Ringing), "the new call rings");
    assert_eq!(phone.notice(), Some(&Notice::WrapUpSaved), "the agent is told where the notes went");
}

#[test]
fn a_number_clicked_or_typed_during_wrap_up_keeps_the_notes_too() {
    let mut phone = in_wrap_up(None);
    type_notes(&mut phone, "", "Sent the brochure");
    let clicked = phone.handle_event(at(60_000), Event::ClickToDial { number: "+1 650 555 0199".into(), record: None });
    assert_eq!(updates(&clicked), [(String::new(), "Sent the brochure".to_owned())]);
    assert!(matches!(phone.focus(), Focus::ReadyToCall(_)));

    let mut phone = in_wrap_up(None);
    type_notes(&mut phone, "Resolved", "");
    let typed = phone.handle_intent(at(60_000), Intent::EnterNumber("1002".into()));
    assert_eq!(updates(&typed), [("Resolved".to_owned(), String::new())]);
}

#[test]
fn leaving_an_untouched_wrap_up_saves_nothing_more() {
    let mut phone = in_wrap_up(None);
    let effects =
        phone.handle_event(at(60_000), Event::IncomingCall { call_id: "c2".into(), number: "1002".into(), display_name: String::new(), replaces: None });
    assert!(updates(&effects).is_empty());
    assert_eq!(phone.notice(), None);
}

#[test]
fn wrap_up_completes_by_itself_when_its_countdown_ends_with_what_was_typed() {
    let mut phone = in_wrap_up(Some(30));
    let wrap = phone.wrap_up().expect("in wrap-up");
    assert_eq!(wrap.ends_at, Some(at(82_000)), "30 s after the call ended");
    type_notes(&mut phone, "Resolved", "All good");
    assert!(updates(&phone.tick(at(81_000))).is_empty(), "not before zero");
    assert_eq!(updates(&phone.tick(at(82_000))), [("Resolved".to_owned(), "All good".to_owned())]);
    assert!(matches!(phone.focus(), Focus::Idle));
}

#[test]
fn without_a_countdown_wrap_up_waits_for_the_agent() {
    let mut phone = in_wrap_up(None);
    assert!(updates(&phone.tick(at(3_600_000))).is_empty());
    assert!(matches!(phone.focus(), Focus::WrapUp(_)));
}

#[test]
fn the_screen_pop_is_the_first_thing_an_incoming_call_asks_for() {
    let mut phone = in_wrap_up(None);
    let effects = phone.handle_event(
        at(60_000),
        Event::IncomingCall { call_id: "c2".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: None },
    );
    assert!(matches!(effects.first(), Some(Effect::ScreenPop { .. })), "{effects:?}");
}
