//! The measure on the call's log, as the controller and the outbox write it: the pop's outcome
//! and latency of an incoming call, and the saveLog attempt that saved the log.

use super::super::dialing::DialingRules;
use super::super::outbox::{Outbox, Work};
use super::super::*;
use super::*;
use crate::tests::*;

fn registered_phone() -> Phone {
    let mut phone = Phone::new(DialingRules::default());
    let credentials = Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: "Ada".into(), auth_user: None };
    phone.handle_intent(at(0), Intent::SignIn(credentials));
    phone.handle_event(at(0), Event::Registered);
    phone
}

fn saves(effects: &[Effect]) -> Vec<(u32, CallRecord, Option<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveLog { id, record, existing_id, .. } => Some((*id, record.as_ref().clone(), existing_id.clone())),
            _ => None,
        })
        .collect()
}

fn save(effects: &[Effect]) -> (u32, CallRecord, Option<String>) {
    saves(effects).into_iter().next().expect("a saveLog")
}

fn ring(phone: &mut Phone, at_ms: u64, number: &str) {
    phone.handle_event(at(at_ms), Event::IncomingCall { call_id: "in1".into(), number: number.into(), display_name: String::new(), replaces: None });
}

#[test]
fn an_answered_inbound_call_is_logged_with_its_pop_outcome_and_latency() {
    let mut phone = registered_phone();
    ring(&mut phone, 1_000, "+17575550142");
    phone.handle_event(at(1_043), Event::PopAnswered { call: current(&phone), outcome: PopOutcome::OneMatch });
    phone.handle_intent(at(3_000), Intent::Answer(current(&phone)));
    phone.handle_event(at(3_100), Event::CallConnected { call: id(&phone, "in1") });
    let (_, record, _) = save(&phone.handle_event(at(20_000), Event::CallEnded { call: id(&phone, "in1"), reason: EndReason::RemoteHangup }));
    assert_eq!(record.screen_pop, Some(PopMeasure { outcome: PopOutcome::OneMatch, latency_ms: Some(43) }));
    assert_eq!(record.log_attempt, Some(1), "the first saveLog");
}

#[test]
fn a_pop_salesforce_never_answered_is_logged_as_timed_out_once_the_timeout_passed() {
    let mut phone = registered_phone();
    ring(&mut phone, 1_000, "+14155550100");
    let (_, record, _) = save(&phone.handle_event(at(1_000 + POP_TIMEOUT_MS), Event::CallEnded { call: id(&phone, "in1"), reason: EndReason::Missed }));
    assert_eq!(record.screen_pop, Some(PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None }));
    // A caller who gives up before Salesforce could answer: no figure either way.
    ring(&mut phone, 50_000, "+14155550100");
    let gave_up = id(&phone, "in1");
    let (_, record, _) = save(&phone.handle_event(at(50_300), Event::CallEnded { call: gave_up, reason: EndReason::Missed }));
    assert_eq!(record.screen_pop, None);
    // Its answer arriving afterwards changes nothing.
    let late = phone.handle_event(at(50_400), Event::PopAnswered { call: gave_up, outcome: PopOutcome::OneMatch });
    assert!(phone.calls().is_empty() && !late.iter().any(|e| matches!(e, Effect::SaveLog { .. })), "{late:?}");
}

#[test]
fn outbound_calls_have_no_pop_to_measure() {
    let mut phone = registered_phone();
    phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100".into(), record: None });
    phone.handle_intent(at(2_000), Intent::Call);
    phone.handle_event(at(2_010), started(&phone, "out1"));
    // A stray pop answer (an earlier call's) is not an outbound call's pop.
    phone.handle_event(at(2_020), Event::PopAnswered { call: current(&phone), outcome: PopOutcome::NoMatch });
    let (_, record, _) = save(&phone.handle_event(at(9_000), Event::CallEnded { call: id(&phone, "out1"), reason: EndReason::Busy }));
    assert_eq!(record.screen_pop, None);
}

#[test]
fn the_log_names_the_attempt_that_saved_it_and_wrap_up_keeps_that_number() {
    let mut phone = registered_phone();
    ring(&mut phone, 1_000, "+12125550134");
    phone.handle_event(at(1_030), Event::PopAnswered { call: current(&phone), outcome: PopOutcome::SeveralMatches });
    phone.handle_intent(at(2_000), Intent::Answer(current(&phone)));
    phone.handle_event(at(2_100), Event::CallConnected { call: id(&phone, "in1") });
    let (id, first, _) = save(&phone.handle_event(at(8_000), Event::CallEnded { call: id(&phone, "in1"), reason: EndReason::LocalHangup }));
    assert_eq!(first.log_attempt, Some(1));
    phone.handle_event(at(8_100), Event::LogFailed { id, reason: crm("UNABLE_TO_LOCK_ROW") });
    let (_, second, _) = save(&phone.tick(at(8_100 + super::super::outbox::FIRST_RETRY_MS)));
    assert_eq!(second.log_attempt, Some(2), "stamped when sent");
    phone.handle_event(at(11_000), Event::LogSaved { id, record_id: "00T1".into() });
    let (_, update, existing) = save(&phone.handle_intent(at(15_000), Intent::FinishWrapUp { disposition: String::new(), notes: "Sorted.".into() }));
    assert_eq!(existing.as_deref(), Some("00T1"));
    assert_eq!(update.log_attempt, Some(2), "the update says which attempt made the Task");
    assert_eq!(update.screen_pop, Some(PopMeasure { outcome: PopOutcome::SeveralMatches, latency_ms: Some(30) }));
}

#[test]
fn a_create_that_may_have_landed_counts_as_the_attempt_that_made_it() {
    let mut outbox = Outbox::default();
    let record = |attempt: &Work| match attempt {
        Work::Save { record, .. } => record.log_attempt,
        Work::Find { .. } => None,
    };
    let call = CallRecord {
        direction: CallDirection::Inbound,
        number: "+1 757 555 0142".into(),
        record: None,
        about: None,
        outcome: None,
        started_at: at(0),
        duration_s: 0,
        call_id: Some("c1".into()),
        screen_pop: None,
        log_attempt: None,
        disposition: String::new(),
        notes: String::new(),
        transferred_to: None,
        quality: None,
        link: None,
        cut_off: false,
    };
    let first = outbox.queue(call, None, at(0));
    assert_eq!(record(&first), Some(1));
    // No answer; without the package the log is created again after the late window.
    outbox.set_package(Package::Missing, at(0));
    outbox.timed_out(1, crm("no answer"), at(10_000));
    let again = outbox.due(at(super::super::outbox::LATE_WINDOW_MS));
    assert_eq!(again.iter().map(record).collect::<Vec<_>>(), [Some(2)]);
    // The agent completes the log while that save is on its way: the update, once the create is
    // confirmed, says the create's attempt.
    let mut completed = outbox.logs()[0].record.clone();
    completed.notes = "Sorted.".into();
    assert_eq!(outbox.update(1, completed, at(31_000)), None, "waits for the create");
    let update = outbox.saved(1, "00T7".into(), at(32_000)).expect("the update goes out");
    assert!(matches!(&update, Work::Save { existing_id: Some(id), .. } if id == "00T7"));
    assert_eq!(record(&update), Some(2));
}

#[test]
fn an_org_refusing_the_package_fields_gets_the_facts_in_the_description_from_then_on() {
    // An org with an earlier package version: the Apex class answers, the fields do not exist.
    let refusal = "INVALID_FIELD No such column 'Softphone_Pop_Outcome__c' on entity 'Task'.";
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::PackageDetected(Package::Installed));
    assert!(phone.package_fields());
    ring(&mut phone, 1_000, "+17575550142");
    phone.handle_event(at(1_020), Event::PopAnswered { call: current(&phone), outcome: PopOutcome::OneMatch });
    let (id, _, _) = save(&phone.handle_event(at(5_000), Event::CallEnded { call: id(&phone, "in1"), reason: EndReason::Missed }));
    let again = phone.handle_event(at(5_100), Event::LogRejected { id, reason: crm(refusal), rejection: Rejection::PackageFields });
    let (resent, record, _) = save(&again);
    assert_eq!((resent, record.log_attempt), (id, Some(2)), "sent again at once, as attempt 2");
    assert!(!phone.package_fields(), "the glue now writes the description form");
    // Refused once more (it is not the fields after all): retried later like any failure.
    let later = phone.handle_event(at(5_200), Event::LogRejected { id, reason: crm(refusal), rejection: Rejection::PackageFields });
    assert!(saves(&later).is_empty());
    assert_eq!(phone.outbox().len(), 1, "kept until saved");
}
