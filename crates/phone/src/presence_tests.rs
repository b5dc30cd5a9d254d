//! Presence as the agent lives it: busy, away and offline.

use super::*;
use crate::reasons::Notice;
use crate::{Effect, Phone, Registration};
use crate::dialing::DialingRules;
use crate::log::CallOutcome;
use crate::tests::{at, registered_phone};
use crate::shown::{Icon, Idle, Label};
use crate::{Credentials, Event, Intent, Secret};

fn ring(phone: &mut Phone) -> Vec<Effect> {
    phone.handle_event(
        at(5_000),
        Event::IncomingCall { call_id: "c9".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: None },
    )
}

fn missed_as(effects: &[Effect]) -> Option<CallOutcome> {
    effects.iter().find_map(|e| match e {
        Effect::SaveLog { record, .. } => record.outcome.clone(),
        _ => None,
    })
}

#[test]
fn busy_answers_new_calls_with_486_and_logs_them_as_missed_busy() {
    let mut phone = registered_phone();
    let effects = phone.handle_intent(at(1_000), Intent::SetPresence(Presence::Busy));
    assert!(effects.contains(&Effect::RememberPresence(Presence::Busy)));
    assert!(effects.contains(&Effect::SetIcon(Icon::Busy)));
    assert_eq!(phone.label(at(1_000)), Label::Idle(Idle::Busy));
    let rang = ring(&mut phone);
    assert!(rang.contains(&Effect::Refuse { call_id: "c9".into(), busy: true }));
    assert_eq!(missed_as(&rang), Some(CallOutcome::MissedBusy));
    assert!(phone.calls().is_empty(), "nothing rings");
}

#[test]
fn away_refuses_calls_as_unavailable_so_the_pbx_can_route_them() {
    let mut phone = registered_phone();
    phone.handle_intent(at(1_000), Intent::SetPresence(Presence::Away));
    let rang = ring(&mut phone);
    assert!(rang.contains(&Effect::Refuse { call_id: "c9".into(), busy: false }));
    assert_eq!(missed_as(&rang), Some(CallOutcome::MissedAway));
}

#[test]
fn offline_unregisters_and_available_registers_again_with_the_same_sign_in() {
    let mut phone = registered_phone();
    let off = phone.handle_intent(at(1_000), Intent::SetPresence(Presence::Offline));
    assert!(off.contains(&Effect::Disconnect));
    assert_eq!(phone.agent_user(), Some("1001"), "still signed in here");
    assert_eq!(phone.label(at(1_000)), Label::Idle(Idle::Offline));
    let back = phone.handle_intent(at(2_000), Intent::SetPresence(Presence::Available));
    assert!(back.iter().any(|e| matches!(e, Effect::Connect(c) if c.user == "1001")));
    assert_eq!(phone.registration(), &Registration::Connecting);
}

#[test]
fn going_offline_waits_for_the_call_to_end() {
    let mut phone = registered_phone();
    ring(&mut phone);
    let effects = phone.handle_intent(at(6_000), Intent::SetPresence(Presence::Offline));
    assert!(!effects.contains(&Effect::Disconnect));
    assert_eq!(phone.presence(), Presence::Available);
    assert_eq!(phone.notice(), Some(&Notice::CallsBeforeOffline));
}

#[test]
fn signing_in_after_a_remembered_offline_means_available() {
    let mut phone = Phone::new(DialingRules::default());
    phone.restore_presence(Presence::Offline);
    let effects = phone
        .handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
    assert!(effects.contains(&Effect::RememberPresence(Presence::Available)));
    assert_eq!(phone.presence(), Presence::Available);
}
