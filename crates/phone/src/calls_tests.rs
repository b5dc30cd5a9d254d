//! Several calls at once, as the agent lives them: a call waiting, a swap, a third caller.

use super::tests::*;
use super::*;

/// Bob as the PBX presents him, and as the phone keeps him: E.164 (one form per number).
const BOB: &str = "+16505550199";

fn rings_in(phone: &mut Phone, at_ms: u64, call_id: &str, number: &str) -> Vec<Effect> {
    phone.handle_event(at(at_ms), Event::IncomingCall { call_id: call_id.into(), number: number.into(), display_name: String::new(), replaces: None })
}

/// On a call with Ada (H1, answered at 10 s), Bob rings in at 20 s (H2).
fn talking_with_a_call_waiting() -> (Phone, Vec<Effect>) {
    let mut phone = connected_outbound_call();
    let rang = rings_in(&mut phone, 20_000, "c2", "+1 650 555 0199");
    (phone, rang)
}

/// Bob's waiting call answered at 21 s and connected at 22 s: Ada is on hold.
fn bob_answered() -> Phone {
    let (mut phone, _) = talking_with_a_call_waiting();
    phone.handle_intent(at(21_000), Intent::Answer(H2));
    phone.handle_event(at(22_000), Event::CallConnected { call: H2 });
    phone
}

fn held(phone: &Phone, call: CallHandle) -> bool {
    phone.call(call).is_some_and(|c| c.held())
}

#[test]
fn a_caller_while_the_agent_talks_rings_softly_as_a_call_waiting() {
    let (phone, rang) = talking_with_a_call_waiting();
    assert!(matches!(rang.first(), Some(Effect::ScreenPop { call: H2, .. })), "the pop still comes first: {rang:?}");
    assert!(rang.contains(&Effect::Ring { call: H2, call_id: "c2".into() }));
    assert!(rang.contains(&Effect::PlayTone(Some(Tone::CallWaiting))), "not the full ring over the customer: {rang:?}");
    assert!(rang.contains(&Effect::SetLabel(Label::Ringing { who: BOB.into(), waiting: true })));
    assert!(!held(&phone, H1), "Ada is not put on hold before the agent chooses");
    assert_eq!(current(&phone), H2, "the waiting call is what the agent looks at");
}

#[test]
fn answering_the_waiting_call_puts_the_first_on_hold_first() {
    let (mut phone, _) = talking_with_a_call_waiting();
    let effects = phone.handle_intent(at(21_000), Intent::Answer(H2));
    let hold = effects.iter().position(|e| *e == Effect::SetHeld { call: H1, held: true });
    let answer = effects.iter().position(|e| *e == Effect::Answer { call: H2 });
    assert!(hold.is_some() && hold < answer, "hold Ada, then answer Bob: {effects:?}");
    assert!(effects.contains(&Effect::PlayTone(None)), "the waiting tone stops");
    let connected = phone.handle_event(at(22_000), Event::CallConnected { call: H2 });
    assert!(connected.contains(&Effect::SetLabel(Label::Talking { who: BOB.into(), held: false, talk_s: 0, others: 1 })), "{connected:?}");
    assert!(held(&phone, H1) && !held(&phone, H2));
}

#[test]
fn resuming_the_held_call_swaps_holding_the_other() {
    let mut phone = bob_answered();
    let effects = phone.handle_intent(at(30_000), Intent::SetHeld { call: H1, held: false });
    assert_eq!(
        effects.iter().filter(|e| matches!(e, Effect::SetHeld { .. })).collect::<Vec<_>>(),
        [&Effect::SetHeld { call: H2, held: true }, &Effect::SetHeld { call: H1, held: false }]
    );
    assert_eq!(current(&phone), H1, "Ada is live again");
    assert!(held(&phone, H2));
}

#[test]
fn declining_the_waiting_call_logs_it_and_the_first_call_goes_on() {
    for busy in [true, false] {
        let (mut phone, _) = talking_with_a_call_waiting();
        let effects = phone.handle_intent(at(21_000), Intent::Decline { call: H2, busy });
        assert!(effects.contains(&Effect::Decline { call: H2, busy }));
        assert_eq!(save_of(&effects).map(|(_, r, _)| (r.number, r.outcome)), Some((BOB.into(), Some(CallOutcome::Declined))));
        assert!(effects.contains(&Effect::PlayTone(None)));
        assert_eq!(the_call(&phone).handle(), H1);
        assert!(!held(&phone, H1) && phone.wrap_up().is_none(), "no wrap-up for a call never answered");
    }
}

#[test]
fn a_waiting_caller_who_gives_up_is_logged_missed_and_the_label_is_the_call_again() {
    let (mut phone, _) = talking_with_a_call_waiting();
    let effects = phone.handle_event(at(25_000), Event::CallEnded { call: H2, reason: EndReason::Missed });
    assert_eq!(save_of(&effects).and_then(|(_, r, _)| r.outcome), Some(CallOutcome::Missed));
    assert!(effects.contains(&Effect::PlayTone(None)));
    assert!(effects.contains(&Effect::SetLabel(talking("Ada Lovelace", 15))), "{effects:?}");
}

#[test]
fn a_third_caller_hears_busy_when_the_phone_has_as_many_calls_as_it_takes() {
    let mut phone = bob_answered();
    let effects = rings_in(&mut phone, 30_000, "c3", "+1 212 555 0123");
    assert!(effects.contains(&Effect::Refuse { call_id: "c3".into(), busy: true }));
    assert_eq!(save_of(&effects).and_then(|(_, r, _)| r.outcome), Some(CallOutcome::MissedAgentBusy));
    assert_eq!(phone.calls().len(), 2);

    let mut roomy = bob_answered();
    roomy.set_max_calls(3);
    assert!(rings_in(&mut roomy, 30_000, "c3", "+1 212 555 0123").contains(&Effect::Ring { call: CallHandle(3), call_id: "c3".into() }));
}

#[test]
fn a_second_caller_while_the_first_still_rings_hears_busy() {
    let mut phone = registered_phone();
    rings_in(&mut phone, 1_000, "c1", BOB);
    let effects = rings_in(&mut phone, 2_000, "c2", "+1 212 555 0123");
    assert!(effects.contains(&Effect::Refuse { call_id: "c2".into(), busy: true }), "one ring at a time: {effects:?}");
}

#[test]
fn answering_while_the_own_call_is_still_being_placed_is_refused_with_a_reason() {
    let mut phone = registered_phone();
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    phone.handle_intent(at(1_000), Intent::Call);
    phone.handle_event(at(1_010), started(&phone, "c1"));
    rings_in(&mut phone, 2_000, "c2", BOB);
    assert_eq!(phone.handle_intent(at(3_000), Intent::Answer(H2)), Vec::new());
    assert_eq!(phone.notice(), Some(&Notice::NotAnsweredYet { who: "1002".into() }));
    assert_eq!(phone.call(H2).map(|c| c.stage()), Some(Stage::Ringing), "still ringing: the agent may hang up the first");
}

#[test]
fn placing_a_call_during_a_call_puts_that_one_on_hold_first() {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::EnterNumber("1002".into()));
    let effects = phone.handle_intent(at(21_000), Intent::Call);
    let hold = effects.iter().position(|e| *e == Effect::SetHeld { call: H1, held: true });
    let dial = effects.iter().position(|e| *e == Effect::Dial { call: H2, dial: "1002".into() });
    assert!(hold.is_some() && hold < dial, "{effects:?}");
}

#[test]
fn when_the_live_call_ends_the_held_one_waits_on_hold_with_the_wrap_up_alongside() {
    let mut phone = bob_answered();
    let ended = phone.handle_event(at(40_000), Event::CallEnded { call: H2, reason: EndReason::RemoteHangup });
    assert!(save_of(&ended).is_some(), "Bob's call is logged at once");
    assert!(phone.wrap_up().is_some(), "Bob's wrap-up");
    assert_eq!(current(&phone), H1);
    assert!(held(&phone, H1), "Ada stays on hold until the agent resumes: nobody is put through by surprise");
    assert!(matches!(phone.label(at(40_000)), Label::Talking { held: true, .. }), "{:?}", phone.label(at(40_000)));
}

#[test]
fn mute_and_keypad_go_to_the_call_named_only() {
    let mut phone = bob_answered();
    assert!(phone.handle_intent(at(30_000), Intent::SetMuted { call: H2, muted: true }).contains(&Effect::SetMuted { call: H2, muted: true }));
    assert!(phone.call(H1).is_some_and(|c| !c.muted()));
    assert!(phone.handle_intent(at(30_000), Intent::SendDigit { call: H2, digit: '5' }).contains(&Effect::SendDigit { call: H2, digit: '5' }));
    assert!(
        !phone.handle_intent(at(30_000), Intent::SendDigit { call: H1, digit: '5' }).iter().any(|e| matches!(e, Effect::SendDigit { .. })),
        "not to a call on hold"
    );
}

#[test]
fn signing_out_hangs_up_every_call_and_logs_each() {
    let mut phone = bob_answered();
    let effects = phone.handle_intent(at(50_000), Intent::SignOut);
    assert!(effects.contains(&Effect::HangUp { call: H1 }) && effects.contains(&Effect::HangUp { call: H2 }), "{effects:?}");
    assert_eq!(effects.iter().filter(|e| matches!(e, Effect::SaveLog { .. })).count(), 2);
    assert!(phone.calls().is_empty());
}
