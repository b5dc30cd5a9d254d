//! Transfers as the agent lives them: blind, after a consultation (attended), cancelled,
//! swapped, and asked by the other party.

use super::dialing::DialError;
use super::reasons::TransferFailure;
use super::tests::*;
use super::*;

fn saves(effects: &[Effect]) -> Vec<CallRecord> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveLog { record, existing_id: None, .. } => Some(record.as_ref().clone()),
            _ => None,
        })
        .collect()
}

/// On a call with Ada (H1), the agent consults colleague 1002 (H2), who answers at 25 s.
fn consulting() -> Phone {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::Consult { call: H1, number: "1002".into() });
    phone.handle_event(at(20_010), started(&phone, "c2"));
    phone.handle_event(at(25_000), Event::CallConnected { call: H2 });
    phone
}

#[test]
fn consulting_puts_the_customer_on_hold_and_calls_the_colleague() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_intent(at(20_000), Intent::Consult { call: H1, number: "1002".into() });
    let hold = effects.iter().position(|e| *e == Effect::SetHeld { call: H1, held: true });
    let dial = effects.iter().position(|e| *e == Effect::Dial { call: H2, dial: "1002".into() });
    assert!(hold.is_some() && hold < dial, "{effects:?}");
    let consultation = phone.call(H2).and_then(|c| c.consultation()).expect("a consultation");
    assert_eq!((consultation.about, consultation.about_who.as_str()), (H1, "Ada Lovelace"));
}

#[test]
fn completing_hands_the_customer_to_the_colleague_and_both_tasks_say_so() {
    let mut phone = consulting();
    let effects = phone.handle_intent(at(30_000), Intent::CompleteTransfer(H2));
    assert!(effects.contains(&Effect::TransferAttended { call: H1, with: H2 }), "{effects:?}");
    // The colleague's side usually ends the consultation first, then the customer's side
    // reports the transfer done.
    let consult_log = saves(&phone.handle_event(at(30_500), Event::CallEnded { call: H2, reason: EndReason::RemoteHangup }));
    let customer_log = saves(&phone.handle_event(at(30_600), Event::CallEnded { call: H1, reason: EndReason::Transferred }));
    let [consult] = consult_log.as_slice() else { panic!("{consult_log:?}") };
    assert_eq!(consult.link, Some(CallLink::Consultation { about: "Ada Lovelace".into(), handed_over: true }));
    let [customer] = customer_log.as_slice() else { panic!("{customer_log:?}") };
    assert_eq!((customer.transferred_to.as_deref(), customer.link.clone()), (Some("1002"), Some(CallLink::ConsultedFirst)));
    assert_eq!(customer.record, Some(contact()), "the customer's Task stays on their record");
    assert_eq!(phone.notice(), None, "nothing went wrong");
}

#[test]
fn the_transfer_reported_before_the_consultation_ends_reads_the_same() {
    let mut phone = consulting();
    phone.handle_intent(at(30_000), Intent::CompleteTransfer(H2));
    let customer = saves(&phone.handle_event(at(30_500), Event::CallEnded { call: H1, reason: EndReason::Transferred }));
    let consult = saves(&phone.handle_event(at(30_600), Event::CallEnded { call: H2, reason: EndReason::RemoteHangup }));
    assert_eq!(customer[0].link, Some(CallLink::ConsultedFirst));
    assert_eq!(consult[0].link, Some(CallLink::Consultation { about: "Ada Lovelace".into(), handed_over: true }));
}

#[test]
fn cancelling_the_consultation_hangs_it_up_and_takes_the_customer_off_hold() {
    let mut phone = consulting();
    let effects = phone.handle_intent(at(30_000), Intent::CancelConsult(H2));
    assert!(effects.contains(&Effect::HangUp { call: H2 }));
    assert!(effects.contains(&Effect::SetHeld { call: H1, held: false }));
    let [log] = saves(&effects).try_into().expect("the consultation is logged");
    assert_eq!(log.link, Some(CallLink::Consultation { about: "Ada Lovelace".into(), handed_over: false }));
    assert!(!the_call(&phone).held(), "back with Ada");
}

#[test]
fn swapping_during_a_consultation_goes_back_and_forth_and_the_transfer_still_completes() {
    let mut phone = consulting();
    let back = phone.handle_intent(at(30_000), Intent::SetHeld { call: H1, held: false });
    assert!(back.contains(&Effect::SetHeld { call: H2, held: true }) && back.contains(&Effect::SetHeld { call: H1, held: false }));
    let again = phone.handle_intent(at(31_000), Intent::SetHeld { call: H2, held: false });
    assert!(again.contains(&Effect::SetHeld { call: H1, held: true }) && again.contains(&Effect::SetHeld { call: H2, held: false }));
    assert!(phone.handle_intent(at(32_000), Intent::CompleteTransfer(H2)).contains(&Effect::TransferAttended { call: H1, with: H2 }));
}

#[test]
fn a_colleague_who_hangs_up_leaves_the_customer_on_hold_and_the_agent_told() {
    let mut phone = consulting();
    phone.handle_event(at(30_000), Event::CallEnded { call: H2, reason: EndReason::RemoteHangup });
    assert_eq!(phone.notice(), Some(&Notice::ConsultationEnded { with: "1002".into(), on_hold: "Ada Lovelace".into() }));
    assert!(the_call(&phone).held(), "not put through by surprise");
}

#[test]
fn a_colleague_who_is_busy_leaves_the_customer_on_hold_and_the_agent_told() {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::Consult { call: H1, number: "1002".into() });
    phone.handle_event(at(20_010), started(&phone, "c2"));
    let effects = phone.handle_event(at(21_000), Event::CallEnded { call: H2, reason: EndReason::Busy });
    assert_eq!(saves(&effects)[0].outcome, Some(CallOutcome::Busy));
    assert!(matches!(phone.notice(), Some(Notice::ConsultationEnded { .. })), "{:?}", phone.notice());
}

#[test]
fn a_failed_attended_transfer_leaves_both_calls_with_the_agent() {
    let mut phone = consulting();
    phone.handle_intent(at(30_000), Intent::CompleteTransfer(H2));
    phone.handle_event(at(30_500), Event::TransferFailed { call: H1, reason: reasons::TransferFailure { status: 403 } });
    assert_eq!(phone.calls().len(), 2);
    assert!(phone.call(H1).is_some_and(|c| c.transfer().is_none()));
    assert!(phone.handle_intent(at(31_000), Intent::CompleteTransfer(H2)).contains(&Effect::TransferAttended { call: H1, with: H2 }), "may try again");
}

#[test]
fn a_consultation_not_answered_yet_cannot_be_completed() {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::Consult { call: H1, number: "1002".into() });
    assert!(!phone.handle_intent(at(21_000), Intent::CompleteTransfer(H2)).iter().any(|e| matches!(e, Effect::TransferAttended { .. })));
}

#[test]
fn a_far_ends_transfer_request_is_declined_unless_the_definition_allows_it() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_event(at(20_000), Event::TransferRequested { call: H1, number: "1003".into() });
    assert_eq!(effects.iter().filter(|e| matches!(e, Effect::DeclineTransfer { .. })).collect::<Vec<_>>(), [&Effect::DeclineTransfer { call: H1 }]);
    assert_eq!(phone.notice(), Some(&Notice::TransferNotFollowed { by: "Ada Lovelace".into(), to: "1003".into() }));
    assert_eq!(phone.calls().len(), 1, "the call goes on");
}

#[test]
fn a_far_ends_transfer_request_is_followed_when_allowed_and_both_tasks_say_so() {
    let mut phone = connected_outbound_call();
    phone.set_follow_transfers(true);
    let effects = phone.handle_event(at(20_000), Event::TransferRequested { call: H1, number: "1003".into() });
    assert!(effects.contains(&Effect::FollowTransfer { call: H1, new: H2 }), "{effects:?}");
    let new = phone.call(H2).expect("a new call");
    assert_eq!((new.stage(), new.number(), new.referred_by()), (Stage::Dialing, "1003", Some("Ada Lovelace")));
    phone.handle_event(at(20_010), Event::OutgoingCallStarted { call: H2, call_id: "c3".into() });
    phone.handle_event(at(22_000), Event::CallConnected { call: H2 });
    let old = saves(&phone.handle_event(at(22_100), Event::CallEnded { call: H1, reason: EndReason::RemoteHangup }));
    assert_eq!((old[0].transferred_to.as_deref(), old[0].link.clone()), (Some("1003"), Some(CallLink::TransferAsked)));
    let new = saves(&phone.handle_event(at(40_000), Event::CallEnded { call: H2, reason: EndReason::RemoteHangup }));
    assert_eq!(new[0].link, Some(CallLink::AskedBy { by: "Ada Lovelace".into() }));
}

#[test]
fn a_followed_transfer_whose_new_call_fails_leaves_the_old_call_as_it_was() {
    let mut phone = connected_outbound_call();
    phone.set_follow_transfers(true);
    phone.handle_event(at(20_000), Event::TransferRequested { call: H1, number: "1003".into() });
    phone.handle_event(at(21_000), Event::CallEnded { call: H2, reason: EndReason::Busy });
    assert!(the_call(&phone).transfer().is_none());
    let old = saves(&phone.handle_event(at(30_000), Event::CallEnded { call: H1, reason: EndReason::RemoteHangup }));
    assert_eq!((old[0].transferred_to.clone(), old[0].link.clone()), (None, None));
}

#[test]
fn a_caller_who_replaces_a_call_is_answered_without_ringing_and_popped() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_event(
        at(20_000),
        Event::IncomingCall { call_id: "c2".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: Some(H1) },
    );
    assert!(matches!(effects.first(), Some(Effect::ScreenPop { call: H2, .. })), "{effects:?}");
    assert!(effects.contains(&Effect::Answer { call: H2 }));
    assert!(!effects.iter().any(|e| matches!(e, Effect::PlayTone(Some(_)))), "no ring: {effects:?}");
    phone.handle_event(at(20_100), Event::CallConnected { call: H2 });
    let replaced = saves(&phone.handle_event(at(20_200), Event::CallEnded { call: H1, reason: EndReason::Replaced }));
    assert_eq!(replaced.len(), 1, "the replaced call is logged as it was");
    assert_eq!(the_call(&phone).handle(), H2);
}

#[test]
fn a_replaces_naming_no_call_being_talked_on_rings_like_any_call() {
    let mut phone = registered_phone();
    let effects = phone.handle_event(
        at(0),
        Event::IncomingCall { call_id: "c2".into(), number: "1002".into(), display_name: String::new(), replaces: Some(CallHandle(9)) },
    );
    assert!(!effects.contains(&Effect::Answer { call: H1 }));
    assert!(effects.contains(&Effect::PlayTone(Some(Tone::Ringtone))));
}

#[test]
fn a_blind_transfer_hands_the_call_over_and_the_log_says_where_it_went() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_intent(at(20_000), Intent::Transfer { call: current(&phone), number: "1003".into() });
    assert!(effects.contains(&Effect::Transfer { call: H1, dial: "1003".into() }), "{effects:?}");
    let again = phone.handle_intent(at(20_500), Intent::Transfer { call: current(&phone), number: "1004".into() });
    assert!(!again.iter().any(|e| matches!(e, Effect::Transfer { .. })), "one transfer at a time");

    let effects = phone.handle_event(at(21_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::Transferred });
    let (_, record, _) = save_of(&effects).expect("the call is logged");
    assert_eq!(record.transferred_to.as_deref(), Some("1003"));
    assert_eq!(record.link, None, "a blind transfer");
    assert_eq!(record.duration_s, 11);
    assert!(phone.wrap_up().is_some());
}

#[test]
fn a_failed_transfer_leaves_the_call_with_the_agent() {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::Transfer { call: current(&phone), number: "1003".into() });
    phone.handle_event(
        at(21_000),
        Event::TransferFailed { call: id(&phone, "c1"), reason: TransferFailure { status: 486 } },
    );
    assert_eq!(phone.notice(), Some(&Notice::TransferFailed(TransferFailure { status: 486 })));
    assert_eq!(the_call(&phone).transfer(), None, "the call goes on");
    let retry = phone.handle_intent(at(22_000), Intent::Transfer { call: current(&phone), number: "1004".into() });
    assert!(retry.contains(&Effect::Transfer { call: H1, dial: "1004".into() }), "the agent can try another number");
}

#[test]
fn a_transfer_target_that_would_inject_into_the_uri_is_refused() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_intent(at(20_000), Intent::Transfer { call: current(&phone), number: "1003@evil.example;transport=tcp".into() });
    assert!(!effects.iter().any(|e| matches!(e, Effect::Transfer { .. })));
    assert_eq!(phone.notice(), Some(&Notice::Dial(DialError::InvalidCharacter('@'))));
}
