//! A reload in the middle of a call, as the agent lives it: the call is taken back after
//! sign-in, or logged as lost with the agent told why.

use super::dialing::DialingRules;
use super::reasons::{RejoinFailure, SipCallFailure};
use super::rejoin::REJOIN_WINDOW_MS;
use super::*;
use crate::tests::*;

fn ada() -> RecordRef {
    RecordRef { id: "003000000000001".into(), name: "Ada Lovelace".into(), object_type: "Contact".into(), person_contact_id: None }
}

/// An outbound call to Ada, answered at t=10 s, that the page went away during at t=70 s.
fn interrupted(can_rejoin: bool) -> CallSnapshot {
    CallSnapshot {
        direction: CallDirection::Outbound,
        number: "+1 415 555 0100".into(),
        who: "Ada Lovelace".into(),
        stage: CallStage::Talking,
        record: Some(ada()),
        about: None,
        call_id: Some("first".into()),
        started_at: at(2_000),
        answered_at: Some(at(10_000)),
        screen_pop: None,
        taken_at: at(70_000),
        held: false,
        dialog: can_rejoin.then(first_dialog),
    }
}

/// The dialog the page was on when it went away.
fn first_dialog() -> sip::DialogRef {
    sip::DialogRef { call_id: "first".into(), local_tag: "ours".into(), remote_tag: "theirs".into(), remote_target: "sip:1002@pbx.example".parse().expect("uri") }
}

/// The far end no longer knows the call (481 to the INVITE with Replaces).
const LOST_CALL: CallFailure = CallFailure::Sip(SipCallFailure::Refused { status: 481 });

fn is_rejoin(effect: &Effect) -> bool {
    matches!(effect, Effect::Rejoin { .. })
}

fn saves(effects: &[Effect]) -> Vec<CallRecord> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveLog { record, .. } => Some(record.as_ref().clone()),
            _ => None,
        })
        .collect()
}

/// The new page: restored at t=75 s, then the agent signs in and the PBX registers at t=80 s.
fn rejoining_phone() -> (Phone, Vec<Effect>) {
    let mut phone = Phone::new(DialingRules::default());
    let restored = phone.restore_logs(at(75_000), Vec::new(), vec![interrupted(true)], 1);
    assert!(saves(&restored).is_empty(), "nothing is logged while the call may still be rejoined");
    let call = the_call(&phone);
    assert!(call.stage() == Stage::Rejoining && call.who() == "Ada Lovelace", "{call:?}");
    assert!(!restored.iter().any(is_rejoin), "not before the line is registered");
    phone.handle_intent(at(78_000), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
    let registered = phone.handle_event(at(80_000), Event::Registered);
    (phone, registered)
}

#[test]
fn after_a_reload_mid_call_the_phone_rejoins_the_call_once_registered() {
    let (mut phone, registered) = rejoining_phone();
    assert_eq!(registered.iter().filter(|e| is_rejoin(e)).count(), 1);
    assert!(registered.contains(&Effect::Rejoin { call: H1, dialog: first_dialog() }), "the far end is asked on the dialog the page was on");
    assert_eq!(phone.label(at(80_000)), Label::Rejoining { who: "Ada Lovelace".into(), others: 0 });
    assert_eq!(phone.calls_in_progress().count(), 0, "storage keeps the interrupted call as it was while rejoining");
    // A registration refresh or a reconnect does not ask again.
    assert!(!phone.handle_event(at(81_000), Event::Registered).iter().any(is_rejoin));
}

#[test]
fn a_rejoined_call_goes_on_as_the_same_call_with_one_log_under_its_first_call_id() {
    let (mut phone, _) = rejoining_phone();
    phone.handle_event(at(80_010), started(&phone, "second"));
    phone.handle_event(at(80_500), Event::CallConnected { call: id(&phone, "second") });
    let call = the_call(&phone);
    assert_eq!(call.stage(), Stage::Talking);
    assert_eq!(call.talk_seconds(at(90_000)), 80, "talk time runs from the first answer");
    assert_eq!(call.log_call_id(), Some("first"));
    assert_eq!(phone.calls_in_progress().count(), 1, "the rejoined call is stored again");
    let ended = phone.handle_event(at(100_000), Event::CallEnded { call: id(&phone, "second"), reason: EndReason::RemoteHangup });
    match saves(&ended).as_slice() {
        [log] => {
            assert_eq!(log.call_id.as_deref(), Some("first"), "the Task is keyed by the call's first Call-ID");
            assert_eq!(log.duration_s, 90);
            assert_eq!(log.record, Some(ada()));
            assert_eq!((log.disposition.as_str(), &log.outcome), ("", &Some(CallOutcome::Answered)), "no disposition the agent did not choose");
            assert!(!log.cut_off, "rejoined: nothing was lost");
        }
        other => panic!("one log expected: {other:?}"),
    }
    assert!(phone.wrap_up().is_some() && phone.calls().is_empty());
}

#[test]
fn a_far_end_that_refuses_the_rejoin_leaves_a_log_up_to_the_reload_and_tells_the_agent() {
    let (mut phone, _) = rejoining_phone();
    phone.handle_event(at(80_010), started(&phone, "second"));
    let ended = phone.handle_event(
        at(80_300),
        Event::CallEnded { call: id(&phone, "second"), reason: EndReason::Failed(LOST_CALL) },
    );
    match saves(&ended).as_slice() {
        [log] => {
            assert_eq!((log.call_id.as_deref(), log.duration_s), (Some("first"), 60), "talk time ends when the page went away");
            assert!(log.cut_off, "the Task says the reload cut the call off");
            assert_eq!((log.disposition.as_str(), &log.outcome), ("", &Some(CallOutcome::Answered)));
        }
        other => panic!("one log expected: {other:?}"),
    }
    let why = RejoinFailure::Failed(LOST_CALL);
    assert_eq!(phone.notice(), Some(&Notice::LostInReload { who: "Ada Lovelace".into(), why }), "the agent is told");
    assert!(phone.wrap_up().is_some(), "the agent can still write notes");
}

#[test]
fn an_agent_who_does_not_sign_in_again_in_time_gets_the_call_logged_as_lost() {
    let mut phone = Phone::new(DialingRules::default());
    phone.restore_logs(at(75_000), Vec::new(), vec![interrupted(true)], 1);
    assert!(saves(&phone.tick(at(70_000 + REJOIN_WINDOW_MS))).is_empty(), "still within the window");
    let late = phone.tick(at(70_000 + REJOIN_WINDOW_MS + 1_000));
    assert_eq!(saves(&late).iter().map(|l| l.duration_s).collect::<Vec<_>>(), [60]);
    let why = RejoinFailure::Failed(CallFailure::NotRejoinedInTime);
    assert_eq!(phone.notice(), Some(&Notice::LostInReload { who: "Ada Lovelace".into(), why }));
}

#[test]
fn hanging_up_while_rejoining_logs_the_call_as_lost_without_asking_the_line() {
    let mut phone = Phone::new(DialingRules::default());
    phone.restore_logs(at(75_000), Vec::new(), vec![interrupted(true)], 1);
    let effects = phone.handle_intent(at(76_000), Intent::HangUp(current(&phone)));
    assert!(effects.contains(&Effect::HangUp { call: H1 }));
    assert_eq!(saves(&effects).iter().map(|l| l.duration_s).collect::<Vec<_>>(), [60]);
    assert_eq!(phone.notice(), None, "the agent chose it: nothing to explain");
}

#[test]
fn a_call_that_cannot_be_rejoined_is_logged_at_once_and_the_agent_told() {
    for (case, stored, restored_at) in
        [("no dialog kept", interrupted(false), 75_000), ("cut off too long ago", interrupted(true), 70_000 + REJOIN_WINDOW_MS + 1)]
    {
        let mut phone = Phone::new(DialingRules::default());
        let effects = phone.restore_logs(at(restored_at), Vec::new(), vec![stored], 1);
        match saves(&effects).as_slice() {
            [log] => assert!((log.duration_s, log.cut_off) == (60, true), "{case}: talk time up to the reload: {log:?}"),
            other => panic!("{case}: one log expected: {other:?}"),
        }
        assert!(phone.calls().is_empty(), "{case}");
        assert_eq!(phone.notice(), Some(&Notice::CutOffByReload { who: "Ada Lovelace".into() }), "{case}");
    }
}

#[test]
fn a_call_not_answered_yet_is_logged_as_missed_or_cancelled_not_rejoined() {
    for (direction, unanswered) in [(CallDirection::Outbound, CallOutcome::Cancelled), (CallDirection::Inbound, CallOutcome::Missed)] {
        let mut phone = Phone::new(DialingRules::default());
        let ringing = CallSnapshot { answered_at: None, direction, ..interrupted(true) };
        let effects = phone.restore_logs(at(75_000), Vec::new(), vec![ringing], 1);
        match saves(&effects).as_slice() {
            [log] => assert_eq!((&log.outcome, log.duration_s, log.cut_off), (&Some(unanswered), 0, true)),
            other => panic!("one log expected: {other:?}"),
        }
        assert_eq!(phone.notice(), None);
    }
}

/// What the page writes to browser storage at `now` (`None`: storage is left as it is).
fn stored_at(phone: &mut Phone, now: u64) -> Option<Vec<CallSnapshot>> {
    phone.calls_to_store(at(now), |_| Some(first_dialog()))
}

#[test]
fn storage_keeps_a_cut_off_call_as_it_was_until_it_is_rejoined_then_the_call_as_it_goes_on() {
    let (mut phone, _) = rejoining_phone();
    assert_eq!(stored_at(&mut phone, 80_005), None, "a second reload while rejoining still finds the call");
    phone.handle_event(at(80_010), started(&phone, "second"));
    phone.handle_event(at(80_500), Event::CallConnected { call: id(&phone, "second") });
    match stored_at(&mut phone, 81_000).as_deref() {
        Some([call]) => {
            assert_eq!((call.call_id.as_deref(), call.who.as_str(), call.stage), (Some("first"), "Ada Lovelace", CallStage::Talking));
            assert_eq!((call.answered_at, call.taken_at, call.dialog.is_some()), (Some(at(10_000)), at(81_000), true), "answered when it first was");
        }
        other => panic!("the rejoined call expected: {other:?}"),
    }
}

#[test]
fn storage_forgets_the_calls_once_the_last_one_is_over_and_is_left_alone_when_idle() {
    let (mut phone, _) = rejoining_phone();
    phone.handle_event(at(80_010), started(&phone, "second"));
    phone.handle_event(at(80_500), Event::CallConnected { call: id(&phone, "second") });
    assert!(stored_at(&mut phone, 81_000).is_some_and(|calls| calls.len() == 1));
    phone.handle_event(at(90_000), Event::CallEnded { call: id(&phone, "second"), reason: EndReason::RemoteHangup });
    assert_eq!(stored_at(&mut phone, 90_001), Some(Vec::new()), "forgotten once");
    assert_eq!(stored_at(&mut phone, 91_000), None, "then left alone");
    let mut fresh = Phone::new(DialingRules::default());
    assert_eq!(stored_at(&mut fresh, 1_000), None, "a page that never had a call writes nothing");
}

#[test]
fn a_call_a_reload_could_not_take_back_is_forgotten_by_storage_once_logged() {
    let mut phone = Phone::new(DialingRules::default());
    phone.restore_logs(at(75_000), Vec::new(), vec![interrupted(false)], 1);
    assert_eq!(stored_at(&mut phone, 75_001), Some(Vec::new()), "its log is in the outbox now");
}
