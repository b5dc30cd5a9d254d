//! What Salesforce is told of the phone's calls, as a Salesforce Voice agent would see it.

use phone::dialing::DialingRules;
use phone::{CallHandle, Credentials, EndReason, Event, Intent, Phone, Secret};

use crate::bridge::{Bridge, CallState, CallType, Publication, VoiceCallFate};

/// The moment `ms` milliseconds into a test.
fn at(ms: u64) -> phone::Time {
    phone::Time::from_unix_millis(ms)
}

fn registered() -> Phone {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: "Ada".into(), auth_user: None }));
    phone.handle_event(at(0), Event::Registered);
    phone
}

fn handle(phone: &Phone, call_id: &str) -> CallHandle {
    phone.calls().iter().find(|c| c.call_id() == Some(call_id)).map(|c| c.handle()).expect("the call")
}

fn ring(phone: &mut Phone, call_id: &str, number: &str) -> CallHandle {
    phone.handle_event(at(1_000), Event::IncomingCall { call_id: call_id.into(), number: number.into(), display_name: String::new(), replaces: None });
    handle(phone, call_id)
}

fn kinds(publications: &[Publication]) -> Vec<String> {
    publications
        .iter()
        .map(|p| match p {
            Publication::CallStarted(c) => format!("CALL_STARTED {} {}", c.call_id, c.call_type.as_str()),
            Publication::CallCannotStart { call, .. } => format!("CANNOT_START {}", call.call_id),
            Publication::CallConnected(c) => format!("CALL_CONNECTED {}", c.call_id),
            Publication::ParticipantConnected(c) => format!("PARTICIPANT_CONNECTED {}", c.call_id),
            Publication::ParticipantRemoved(c) => format!("PARTICIPANT_REMOVED {}", c.call_id),
            Publication::Hangup(c) => format!("HANGUP {}", c.call_id),
            Publication::HoldChanged(c) => format!("HOLD_TOGGLE {} held={}", c.call_id, c.held),
        })
        .collect()
}

#[test]
fn an_inbound_call_is_started_only_once_its_voice_call_is_known() {
    let mut phone = registered();
    let mut bridge = Bridge::default();
    let call = ring(&mut phone, "in1@pbx", "+14155550100");
    assert_eq!(kinds(&bridge.changes(&phone)), Vec::<String>::new(), "nothing until the VoiceCall service answers");
    bridge.voice_call(call, VoiceCallFate::Found("0LQ000000000001AAA".into()));
    let published = bridge.changes(&phone);
    assert_eq!(kinds(&published), ["CALL_STARTED in1@pbx Inbound"]);
    let Publication::CallStarted(sf) = &published[0] else { unreachable!() };
    assert_eq!((sf.voice_call_id.as_deref(), sf.state, sf.number.as_str()), (Some("0LQ000000000001AAA"), CallState::Ringing, "+14155550100"));
    assert!(bridge.changes(&phone).is_empty(), "told once");
}

#[test]
fn a_call_the_pbx_did_not_report_is_a_colleagues_and_one_without_a_voice_call_cannot_start() {
    let mut phone = registered();
    let mut bridge = Bridge::default();
    let colleague = ring(&mut phone, "int@pbx", "1005");
    bridge.voice_call(colleague, VoiceCallFate::Internal);
    assert_eq!(kinds(&bridge.changes(&phone)), ["CALL_STARTED int@pbx InternalCall"]);
    phone.handle_event(at(2_000), Event::CallEnded { call: colleague, reason: EndReason::Missed });
    assert_eq!(kinds(&bridge.changes(&phone)), ["HANGUP int@pbx"], "the caller gave up");

    let lost = ring(&mut phone, "lost@pbx", "+14155550100");
    bridge.voice_call(lost, VoiceCallFate::Failed("Salesforce did not answer".into()));
    assert_eq!(kinds(&bridge.changes(&phone)), ["CANNOT_START lost@pbx"]);
    assert!(bridge.changes(&phone).is_empty(), "told once");
    phone.handle_intent(at(3_000), Intent::Decline { call: lost, busy: true });
    assert!(bridge.changes(&phone).is_empty(), "a call Salesforce never showed has no HANGUP");
}

#[test]
fn what_a_method_told_is_not_published_again_but_what_the_far_end_does_is() {
    let mut phone = registered();
    let mut bridge = Bridge::default();
    let call = ring(&mut phone, "in1@pbx", "+14155550100");
    bridge.voice_call(call, VoiceCallFate::Found("0LQ000000000001AAA".into()));
    bridge.changes(&phone);
    // acceptCall: the SDK publishes CALL_CONNECTED from its return value.
    phone.handle_intent(at(2_000), Intent::Answer(call));
    assert!(bridge.absorb(&phone).is_empty());
    assert_eq!(bridge.told(call).map(|c| c.state), Some(CallState::Connected));
    phone.handle_event(at(2_100), Event::CallConnected { call });
    assert!(bridge.changes(&phone).is_empty(), "the media coming up is not a new event");
    // hold: the SDK publishes HOLD_TOGGLE; the far end refusing it is published by the connector.
    phone.handle_intent(at(3_000), Intent::SetHeld { call, held: true });
    bridge.absorb(&phone);
    assert!(bridge.changes(&phone).is_empty());
    phone.handle_event(at(3_100), Event::HoldFailed { call, held: true, status: 488 });
    assert_eq!(kinds(&bridge.changes(&phone)), ["HOLD_TOGGLE in1@pbx held=false"]);
    // The customer hangs up.
    phone.handle_event(at(9_000), Event::CallEnded { call, reason: EndReason::RemoteHangup });
    assert_eq!(kinds(&bridge.changes(&phone)), ["HANGUP in1@pbx"]);
}

#[test]
fn the_agent_hanging_up_is_told_by_end_call_alone() {
    let mut phone = registered();
    let mut bridge = Bridge::default();
    let call = ring(&mut phone, "in1@pbx", "+14155550100");
    bridge.voice_call(call, VoiceCallFate::Found("0LQ000000000001AAA".into()));
    bridge.changes(&phone);
    phone.handle_intent(at(2_000), Intent::Answer(call));
    bridge.absorb(&phone);
    phone.handle_intent(at(5_000), Intent::HangUp(call));
    let gone = bridge.absorb(&phone);
    assert_eq!(gone.iter().map(|c| c.call_id.as_str()).collect::<Vec<_>>(), ["in1@pbx"], "endCall returns it");
    assert!(bridge.changes(&phone).is_empty());
}

#[test]
fn an_outbound_call_is_connected_when_the_far_end_answers_and_a_consultation_is_a_participant() {
    let mut phone = registered();
    let mut bridge = Bridge::default();
    phone.handle_intent(at(1_000), Intent::EnterNumber("1002".into()));
    phone.handle_intent(at(1_000), Intent::Call);
    let dialing = phone.calls()[0].handle();
    phone.handle_event(at(1_010), Event::OutgoingCallStarted { call: dialing, call_id: "out1@phone".into() });
    // dial: the SDK publishes CALL_STARTED from its return value.
    let view = bridge.view(&phone);
    assert_eq!((view[0].call_type, view[0].state), (CallType::Outbound, CallState::Ringing), "an extension dialled is an outbound call");
    bridge.tell(view[0].clone());
    phone.handle_event(at(4_000), Event::CallConnected { call: dialing });
    assert_eq!(kinds(&bridge.changes(&phone)), ["CALL_CONNECTED out1@phone"]);

    // addParticipant (consult): the SDK publishes PARTICIPANT_ADDED; the customer goes on hold.
    phone.handle_intent(at(5_000), Intent::Consult { call: dialing, number: "1003".into() });
    let consult = phone.calls().iter().find(|c| c.consultation().is_some()).map(|c| c.handle()).expect("a consultation");
    phone.handle_event(at(5_010), Event::OutgoingCallStarted { call: consult, call_id: "cons@phone".into() });
    bridge.absorb(&phone);
    let leg = bridge.view(&phone).into_iter().find(|c| c.handle == consult).expect("the leg");
    assert_eq!((leg.call_type, leg.parent_call_id.as_deref()), (CallType::AddParticipant, Some("out1@phone")));
    bridge.tell(leg);
    assert!(bridge.told(dialing).is_some_and(|c| c.held), "the hold the method made is told with it");
    assert!(bridge.changes(&phone).is_empty());
    phone.handle_event(at(7_000), Event::CallConnected { call: consult });
    assert_eq!(kinds(&bridge.changes(&phone)), ["PARTICIPANT_CONNECTED cons@phone"]);
    phone.handle_event(at(9_000), Event::CallEnded { call: consult, reason: EndReason::RemoteHangup });
    assert_eq!(kinds(&bridge.changes(&phone)), ["PARTICIPANT_REMOVED cons@phone"]);
}

#[test]
fn a_call_a_reload_cut_off_is_shown_again_once_its_voice_call_is_looked_up() {
    let mut phone = Phone::new(DialingRules::default());
    let dialog = sip::DialogRef { call_id: "in1@pbx".into(), local_tag: "a".into(), remote_tag: "b".into(), remote_target: "sip:x@pbx".parse().expect("uri") };
    let interrupted = phone::CallSnapshot {
        direction: phone::CallDirection::Inbound,
        number: "+14155550100".into(),
        who: "+14155550100".into(),
        stage: phone::CallStage::Talking,
        record: None,
        about: None,
        call_id: Some("in1@pbx".into()),
        started_at: at(1_000),
        answered_at: Some(at(2_000)),
        screen_pop: None,
        taken_at: at(30_000),
        held: false,
        dialog: Some(dialog),
    };
    phone.restore_logs(at(31_000), Vec::new(), vec![interrupted], 1);
    let mut bridge = Bridge::default();
    assert!(bridge.view(&phone).is_empty(), "not before the lookup");
    let call = phone.calls()[0].handle();
    bridge.voice_call(call, VoiceCallFate::Found("0LQ000000000001AAA".into()));
    let view = bridge.view(&phone);
    assert_eq!((view[0].call_id.as_str(), view[0].call_type, view[0].state), ("in1@pbx", CallType::Inbound, CallState::Connected));
}
