//! The call controller's behaviour, as an agent would describe it.

use super::dialing::DialError;
use super::quality::{Grade, QualitySummary};
use super::reasons::{ConnectionProblem, CrmProblem, MediaProblem, MicrophoneProblem, RegistrationFailure, SignInProblem};
use super::*;

fn credentials(user: &str, password: &str) -> Credentials {
    Credentials { user: user.into(), password: Secret::new(password.into()), display_name: "Ada".into(), auth_user: None }
}

/// The moment `ms` milliseconds into a test (the phone's clock reads Unix time; a test's starts
/// at 1970).
pub(super) fn at(ms: u64) -> Time {
    Time::from_unix_millis(ms)
}

/// A CRM's answer other than success, as a test's Salesforce gives it.
pub(super) fn crm(detail: &str) -> CrmProblem {
    CrmProblem::Other { detail: detail.into() }
}

/// The first call a test's phone names.
pub(super) const H1: CallHandle = CallHandle(1);
/// The second.
pub(super) const H2: CallHandle = CallHandle(2);

pub(super) fn contact() -> RecordRef {
    RecordRef { id: "003000000000001".into(), name: "Ada Lovelace".into(), object_type: "Contact".into(), person_contact_id: None }
}

/// Signed in as 1001 and registered (shared by the other modules' tests).
pub(super) fn registered_phone() -> Phone {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_intent(at(0), Intent::SignIn(credentials("1001", "pw")));
    phone.handle_event(at(0), Event::Registered);
    phone
}

/// The call whose SIP Call-ID is `call_id` (an unknown one names no call).
pub(super) fn id(phone: &Phone, call_id: &str) -> CallHandle {
    phone.calls().iter().find(|c| c.call_id() == Some(call_id)).map_or(CallHandle(0), |c| c.handle())
}

/// The line reports that the INVITE of the call just dialled went out with `call_id`.
pub(super) fn started(phone: &Phone, call_id: &str) -> Event {
    let call = phone.calls().iter().rev().find(|c| c.call_id().is_none()).map_or(CallHandle(0), |c| c.handle());
    Event::OutgoingCallStarted { call, call_id: call_id.into() }
}

/// The call the agent looks at first (see [`Focus`]).
pub(super) fn current(phone: &Phone) -> CallHandle {
    match phone.focus() {
        Focus::Call(c) => c.handle(),
        _ => CallHandle(0),
    }
}

/// The only call, which the test expects.
pub(super) fn the_call(phone: &Phone) -> &Call {
    match phone.calls() {
        [call] => call,
        other => panic!("one call expected, got {other:?}"),
    }
}

/// The label of a call talked on for `talk_s` seconds, the only one.
pub(super) fn talking(who: &str, talk_s: u64) -> Label {
    Label::Talking { who: who.into(), held: false, talk_s, others: 0 }
}

/// What the effects dial, if they dial.
pub(super) fn dialled(effects: &[Effect]) -> Option<&str> {
    effects.iter().find_map(|e| if let Effect::Dial { dial, .. } = e { Some(dial.as_str()) } else { None })
}

/// What became of a logged call by itself (the disposition stays empty: it is the agent's).
pub(super) fn outcome(record: CallRecord) -> Option<CallOutcome> {
    assert_eq!(record.disposition, "", "no disposition the agent did not choose");
    record.outcome
}

pub(super) fn save_of(effects: &[Effect]) -> Option<(u32, CallRecord, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::SaveLog { id, record, existing_id, .. } => Some((*id, (**record).clone(), existing_id.clone())),
        _ => None,
    })
}

/// Click-to-dial on Ada, call, the far end rings and answers at t=10 s.
pub(super) fn connected_outbound_call() -> Phone {
    let mut phone = registered_phone();
    phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    phone.handle_intent(at(2_000), Intent::Call);
    phone.handle_event(at(2_010), started(&phone, "c1"));
    phone.handle_event(at(3_000), Event::RemoteRinging { call: id(&phone, "c1") });
    phone.handle_event(at(10_000), Event::CallConnected { call: id(&phone, "c1") });
    phone
}

#[test]
fn sign_in_connects_and_labels_the_utility_item() {
    let mut phone = Phone::new(DialingRules::default());
    let effects = phone.handle_intent(at(0), Intent::SignIn(credentials("1001", "pw")));
    assert_eq!(phone.registration(), &Registration::Connecting);
    assert!(matches!(effects.first(), Some(Effect::Connect(c)) if c.user == "1001"));
    assert!(effects.contains(&Effect::SetLabel(Label::Idle(Idle::Connecting))));
}

#[test]
fn sign_in_refuses_users_that_would_inject_into_a_sip_uri_and_empty_passwords() {
    let mut phone = Phone::new(DialingRules::default());
    let effects = phone.handle_intent(at(0), Intent::SignIn(credentials("1001@evil", "pw")));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Connect(_))));
    assert_eq!(phone.notice(), Some(&Notice::SignIn(SignInProblem::BadUser)));
    phone.handle_intent(at(0), Intent::SignIn(credentials("1001", "")));
    assert_eq!(phone.notice(), Some(&Notice::SignIn(SignInProblem::NoPassword)));
    assert_eq!(phone.registration(), &Registration::SignedOut);
}

#[test]
fn the_password_never_shows_in_debug_output() {
    let debug = format!("{:?}", Effect::Connect(credentials("1001", "hunter2")));
    assert!(!debug.contains("hunter2"));
}

#[test]
fn click_to_dial_opens_the_panel_ready_to_call_the_record() {
    let mut phone = Phone::new(DialingRules { outside_prefix: "9".into(), ..DialingRules::default() });
    let effects = phone.handle_event(at(0), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    assert_eq!(effects, vec![Effect::ShowPanel(true), Effect::SetLabel(Label::ReadyToCall { who: "Ada Lovelace".into() }), Effect::SetIcon(Icon::Phone)]);
    let target = phone.ready().expect("ready to call");
    assert_eq!(target.dial.as_ref().map(|p| p.dial.as_str()), Ok("+14155550100"));
    assert_eq!(target.record, Some(contact()));
}

#[test]
fn a_hostile_clicked_number_is_shown_with_the_reason_and_never_dialled() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::ClickToDial { number: "1001@evil.example".into(), record: None });
    let target = phone.ready().expect("ready to call");
    assert_eq!(target.dial, Err(DialError::InvalidCharacter('@')));
    let effects = phone.handle_intent(at(1), Intent::Call);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Dial { .. })));
    assert_eq!(phone.notice(), Some(&Notice::Dial(DialError::InvalidCharacter('@'))));
}

#[test]
fn calling_needs_a_registered_line() {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    let effects = phone.handle_intent(at(1), Intent::Call);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Dial { .. })));
    assert_eq!(phone.notice(), Some(&Notice::NotRegistered));
}

#[test]
fn an_outbound_call_rings_back_connects_and_shows_a_running_timer() {
    let mut phone = registered_phone();
    phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    let effects = phone.handle_intent(at(2_000), Intent::Call);
    assert!(effects.contains(&Effect::Dial { call: H1, dial: "+14155550100".into() }));
    assert!(effects.contains(&Effect::SetLabel(Label::Calling { who: "Ada Lovelace".into(), others: 0 })));
    phone.handle_event(at(2_010), started(&phone, "c1"));
    let ringing = phone.handle_event(at(3_000), Event::RemoteRinging { call: id(&phone, "c1") });
    assert!(ringing.contains(&Effect::PlayTone(Some(Tone::Ringback))));
    let answered = phone.handle_event(at(10_000), Event::CallConnected { call: id(&phone, "c1") });
    assert!(answered.contains(&Effect::PlayTone(None)));
    assert_eq!(phone.tick(at(75_000)), vec![Effect::MeasureQuality { call: H1 }, Effect::SetLabel(talking("Ada Lovelace", 65))]);
}

#[test]
fn an_announcement_before_the_answer_stops_the_ringback_and_is_not_talk_time() {
    let mut phone = registered_phone();
    phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    phone.handle_intent(at(2_000), Intent::Call);
    phone.handle_event(at(2_010), started(&phone, "c1"));
    let ringing = phone.handle_event(at(3_000), Event::RemoteRinging { call: id(&phone, "c1") });
    assert!(ringing.contains(&Effect::PlayTone(Some(Tone::Ringback))));
    let early = phone.handle_event(at(4_000), Event::EarlyMedia { call: id(&phone, "c1") });
    assert!(early.contains(&Effect::PlayTone(None)), "the far end's own audio plays instead: {early:?}");
    assert_eq!(the_call(&phone).progress(), Progress::EarlyMedia);
    // Ringing heard after the announcement does not bring the ringback back over it.
    let again = phone.handle_event(at(5_000), Event::RemoteRinging { call: id(&phone, "c1") });
    assert!(!again.iter().any(|e| matches!(e, Effect::PlayTone(_))), "{again:?}");
    assert_eq!((the_call(&phone).stage(), the_call(&phone).answered_at()), (Stage::Dialing, None), "not answered yet");
    // The number turns out busy after its announcement: a busy call, never answered, no talk time.
    let ended = phone.handle_event(at(30_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::Busy });
    let (_, record, _) = save_of(&ended).expect("logged");
    assert_eq!((record.outcome, record.duration_s), (Some(CallOutcome::Busy), 0));
    assert!(phone.wrap_up().is_none(), "an unanswered call has no wrap-up");
}

#[test]
fn hanging_up_logs_the_call_at_once_and_wrap_up_updates_that_log() {
    let mut phone = connected_outbound_call();
    let effects = phone.handle_intent(at(52_000), Intent::HangUp(current(&phone)));
    assert!(effects.contains(&Effect::HangUp { call: H1 }));
    let (id, record, existing) = save_of(&effects).expect("logged at hang-up");
    assert_eq!((record.direction, record.duration_s, existing), (CallDirection::Outbound, 42, None));
    assert_eq!(record.record, Some(contact()));
    assert_eq!(record.call_id.as_deref(), Some("c1"));
    assert!(phone.wrap_up().is_some());
    assert!(phone.calls().is_empty());

    phone.handle_event(at(53_000), Event::LogSaved { id, record_id: "00T1".into() });
    let done = phone.handle_intent(at(60_000), Intent::FinishWrapUp { disposition: "Resolved".into(), notes: "Happy".into() });
    let (_, updated, existing) = save_of(&done).expect("wrap-up saves");
    assert_eq!(existing.as_deref(), Some("00T1"));
    assert_eq!((updated.disposition.as_str(), updated.notes.as_str(), updated.duration_s), ("Resolved", "Happy", 42));
    assert_eq!(phone.focus(), Focus::Idle);
}

#[test]
fn wrap_up_before_the_first_save_is_confirmed_updates_instead_of_duplicating() {
    let mut phone = connected_outbound_call();
    let (id, ..) = save_of(&phone.handle_intent(at(20_000), Intent::HangUp(current(&phone)))).expect("logged");
    let done = phone.handle_intent(at(21_000), Intent::FinishWrapUp { disposition: "Voicemail".into(), notes: String::new() });
    assert_eq!(save_of(&done), None, "no second create while the first is in flight");
    let after = phone.handle_event(at(22_000), Event::LogSaved { id, record_id: "00T9".into() });
    let (_, record, existing) = save_of(&after).expect("update after the create");
    assert_eq!((record.disposition.as_str(), existing.as_deref()), ("Voicemail", Some("00T9")));
}

#[test]
fn an_inbound_call_pops_the_caller_rings_and_is_logged_with_the_matched_record() {
    let mut phone = registered_phone();
    let effects = phone.handle_event(
        at(1_000),
        Event::IncomingCall { call_id: "in1".into(), number: "+14155550100".into(), display_name: "Ada".into(), replaces: None },
    );
    assert!(effects.contains(&Effect::ShowPanel(true)));
    assert!(effects.contains(&Effect::PlayTone(Some(Tone::Ringtone))));
    assert!(effects.contains(&Effect::ScreenPop { call: H1, number: "+14155550100".into(), direction: CallDirection::Inbound }));
    assert!(effects.contains(&Effect::Ring { call: H1, call_id: "in1".into() }), "the caller hears it ring");
    assert!(effects.contains(&Effect::SetLabel(Label::Ringing { who: "Ada".into(), waiting: false })));
    // What an agent coming back to a background tab sees in the utility bar: the label and the
    // ringing icon (the panel may be closed).
    assert!(effects.contains(&Effect::SetIcon(Icon::IncomingCall)));
    phone.handle_event(at(1_002), Event::RecordMatched { call: current(&phone), record: Some(contact()) });
    let answer = phone.handle_intent(at(3_000), Intent::Answer(current(&phone)));
    assert!(answer.contains(&Effect::Answer { call: H1 }));
    assert!(answer.contains(&Effect::PlayTone(None)), "the ring stops at once");
    let connected = phone.handle_event(at(3_100), Event::CallConnected { call: id(&phone, "in1") });
    assert!(connected.contains(&Effect::SetIcon(Icon::OnCall)), "the icon says the call is on: {connected:?}");
    let ended = phone.handle_event(at(33_100), Event::CallEnded { call: id(&phone, "in1"), reason: EndReason::RemoteHangup });
    let (_, record, _) = save_of(&ended).expect("logged");
    assert_eq!((record.direction, record.duration_s), (CallDirection::Inbound, 30));
    assert_eq!(record.record, Some(contact()));
}

#[test]
fn a_caller_who_gives_up_leaves_the_phone_idle_and_a_missed_call_log() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::IncomingCall { call_id: "in2".into(), number: "+14155550199".into(), display_name: String::new(), replaces: None });
    let ended = phone.handle_event(at(5_000), Event::CallEnded { call: id(&phone, "in2"), reason: EndReason::Missed });
    let (_, record, _) = save_of(&ended).expect("missed call logged");
    assert_eq!((record.outcome, record.duration_s), (Some(CallOutcome::Missed), 0));
    assert!(ended.contains(&Effect::PlayTone(None)));
    assert_eq!(phone.focus(), Focus::Idle);
}

#[test]
fn a_ring_answered_on_another_device_logs_nothing_and_says_so() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::IncomingCall { call_id: "in9".into(), number: "+14155550199".into(), display_name: String::new(), replaces: None });
    let ended = phone.handle_event(at(4_000), Event::CallEnded { call: id(&phone, "in9"), reason: EndReason::AnsweredElsewhere });
    assert_eq!(save_of(&ended), None, "no missed-call Task");
    assert!(ended.contains(&Effect::PlayTone(None)), "the ringtone stops");
    assert_eq!(phone.focus(), Focus::Idle);
    assert_eq!(phone.notice(), Some(&Notice::AnsweredElsewhere));
}

#[test]
fn declining_sends_decline_and_logs_it() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::IncomingCall { call_id: "in3".into(), number: "+14155550199".into(), display_name: String::new(), replaces: None });
    let effects = phone.handle_intent(at(1_000), Intent::Decline { call: current(&phone), busy: false });
    assert!(effects.contains(&Effect::Decline { call: H1, busy: false }));
    assert_eq!(save_of(&effects).and_then(|(_, r, _)| r.outcome), Some(CallOutcome::Declined));
    assert_eq!(phone.focus(), Focus::Idle);
}

#[test]
fn with_room_for_one_call_a_second_caller_hears_busy_and_is_logged_missed() {
    let mut phone = connected_outbound_call();
    phone.set_max_calls(1);
    let effects = phone.handle_event(
        at(11_000),
        Event::IncomingCall { call_id: "in4".into(), number: "+14155550142".into(), display_name: String::new(), replaces: None },
    );
    assert!(effects.contains(&Effect::Refuse { call_id: "in4".into(), busy: true }));
    assert_eq!(save_of(&effects).and_then(|(_, r, _)| r.outcome), Some(CallOutcome::MissedAgentBusy));
    assert_eq!(the_call(&phone).call_id(), Some("c1"), "the call goes on");
}

#[test]
fn hanging_up_before_the_invite_left_tells_the_line_at_once_by_the_calls_name() {
    let mut phone = registered_phone();
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    phone.handle_intent(at(1), Intent::Call);
    let effects = phone.handle_intent(at(2), Intent::HangUp(H1));
    assert!(effects.contains(&Effect::HangUp { call: H1 }), "no Call-ID needed: {effects:?}");
    assert_eq!(save_of(&effects).and_then(|(_, r, _)| r.outcome), Some(CallOutcome::Cancelled));
    let late = phone.handle_event(at(3), Event::OutgoingCallStarted { call: H1, call_id: "c9".into() });
    assert!(late.is_empty() && phone.calls().is_empty(), "the line's late news of it changes nothing");
}

#[test]
fn mute_hold_and_digits_apply_to_a_connected_call_only() {
    let mut phone = registered_phone();
    assert!(phone.handle_intent(at(0), Intent::SetMuted { call: H1, muted: true }).is_empty(), "no call: nothing happens");
    let mut phone = connected_outbound_call();
    assert!(phone.handle_intent(at(11_000), Intent::SetMuted { call: H1, muted: true }).contains(&Effect::SetMuted { call: H1, muted: true }));
    let held = phone.handle_intent(at(12_000), Intent::SetHeld { call: H1, held: true });
    assert!(held.contains(&Effect::SetHeld { call: H1, held: true }));
    assert!(held.contains(&Effect::SetLabel(Label::Talking { who: "Ada Lovelace".into(), held: true, talk_s: 2, others: 0 })));
    assert!(
        !phone.handle_intent(at(13_000), Intent::SendDigit { call: H1, digit: '5' }).iter().any(|e| matches!(e, Effect::SendDigit { .. })),
        "not while on hold"
    );
    phone.handle_intent(at(14_000), Intent::SetHeld { call: H1, held: false });
    assert!(phone.handle_intent(at(15_000), Intent::SendDigit { call: H1, digit: '5' }).contains(&Effect::SendDigit { call: H1, digit: '5' }));
    assert!(!phone.handle_intent(at(15_000), Intent::SendDigit { call: H1, digit: 'x' }).iter().any(|e| matches!(e, Effect::SendDigit { .. })));
    assert!(phone.handle_intent(at(15_000), Intent::SetHeld { call: CallHandle(7), held: false }).is_empty(), "another call's name does nothing");
}

#[test]
fn a_lost_connection_shows_reconnecting_until_registered_again() {
    let mut phone = registered_phone();
    let problem = ConnectionProblem::Closed { url: "ws://127.0.0.1:8080".into(), code: 1006 };
    let lost = phone.handle_event(at(0), Event::ConnectionLost { problem: problem.clone(), retry_in_s: Some(2) });
    assert!(lost.contains(&Effect::SetLabel(Label::Idle(Idle::Reconnecting))));
    assert_eq!(phone.registration(), &Registration::Reconnecting { problem, retry_in_s: Some(2) });
    phone.handle_event(at(1), Event::Registered);
    assert_eq!(phone.label(at(1)), Label::Idle(Idle::Ready));
}

#[test]
fn registration_failure_reason_reaches_the_agent() {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_intent(at(0), Intent::SignIn(credentials("1001", "bad")));
    phone.handle_event(at(0), Event::RegistrationFailed(RegistrationFailure::Refused { status: 403 }));
    assert_eq!(phone.registration(), &Registration::Failed(RegistrationFailure::Refused { status: 403 }));
    assert_eq!(phone.label(at(0)), Label::Idle(Idle::Offline));
}

#[test]
fn logging_a_call_made_elsewhere_queues_it_until_salesforce_confirms() {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_event(at(0), Event::ClickToDial { number: "+14155550100".into(), record: Some(contact()) });
    let effects = phone.handle_intent(at(1_000), Intent::LogCall { disposition: "Resolved".into(), notes: "Called back".into() });
    let (id, record, _) = save_of(&effects).expect("saved");
    assert_eq!((record.record, record.disposition.as_str()), (Some(contact()), "Resolved"));
    assert_eq!(phone.focus(), Focus::Idle);
    assert_eq!(phone.outbox().len(), 1);
    phone.handle_event(at(2_000), Event::LogSaved { id, record_id: "00T1".into() });
    assert!(phone.outbox().is_empty());
}

#[test]
fn a_published_snapshot_shares_the_waiting_logs_and_recent_calls_until_they_change() {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_event(at(0), Event::ClickToDial { number: "+14155550100".into(), record: Some(contact()) });
    let (id, ..) = save_of(&phone.handle_intent(at(1_000), Intent::LogCall { disposition: String::new(), notes: String::new() })).expect("saved");
    let snapshot = phone.clone();
    phone.tick(at(2_000));
    assert!(std::ptr::eq(phone.outbox(), snapshot.outbox()), "a tick with nothing due copies no logs");
    assert!(std::ptr::eq(phone.recent(), snapshot.recent()));
    phone.handle_event(at(3_000), Event::LogSaved { id, record_id: "00T1".into() });
    assert!(phone.outbox().is_empty());
    assert_eq!(snapshot.outbox().len(), 1, "the snapshot still shows what it showed");
}

#[test]
fn a_call_log_that_fails_to_save_is_kept_and_retried() {
    let mut phone = Phone::new(DialingRules::default());
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    let (id, ..) = save_of(&phone.handle_intent(at(5), Intent::LogCall { disposition: String::new(), notes: String::new() })).expect("saved");
    phone.handle_event(at(6), Event::LogFailed { id, reason: crm("Salesforce did not answer.") });
    assert_eq!(phone.outbox().len(), 1);
    assert!(matches!(phone.notice(), Some(Notice::LogNotSaved(_))), "{:?}", phone.notice());
    let retry = phone.handle_intent(at(10), Intent::RetryLogs);
    assert_eq!(save_of(&retry).map(|(again, ..)| again), Some(id));
    assert_eq!(save_of(&phone.handle_intent(at(11), Intent::RetryLogs)), None, "not twice while in flight");
}

#[test]
fn calls_to_and_from_extensions_are_internal() {
    let mut phone = registered_phone();
    let effects =
        phone.handle_event(at(0), Event::IncomingCall { call_id: "i".into(), number: "1002".into(), display_name: "Bob".into(), replaces: None });
    assert_eq!(the_call(&phone).direction(), CallDirection::Internal);
    // The CRM looks the colleague up with the softphone layout's rules for internal calls.
    assert!(effects.contains(&Effect::ScreenPop { call: H1, number: "1002".into(), direction: CallDirection::Internal }));
}

#[test]
fn a_number_typed_on_a_record_page_is_related_to_that_record() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::Viewing(Some(contact())));
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    assert_eq!(phone.ready().map(|t| t.record.clone()), Some(Some(contact())));
    phone.handle_intent(at(0), Intent::Dismiss);
    phone.handle_event(at(0), Event::Viewing(None));
    phone.handle_intent(at(0), Intent::EnterNumber("1002".into()));
    assert_eq!(phone.ready().map(|t| t.record.clone()), Some(None));
}

#[test]
fn an_extension_known_as_a_crm_record_is_a_customer_call() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::IncomingCall { call_id: "i".into(), number: "1003".into(), display_name: "Barbara".into(), replaces: None });
    phone.handle_event(at(0), Event::RecordMatched { call: current(&phone), record: Some(contact()) });
    assert_eq!(the_call(&phone).direction(), CallDirection::Inbound);

    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::ClickToDial { number: "1002".into(), record: Some(contact()) });
    phone.handle_intent(at(0), Intent::Call);
    assert_eq!(the_call(&phone).direction(), CallDirection::Outbound);
}

#[test]
fn choosing_a_microphone_switches_to_it_once_and_mid_call() {
    let mut phone = connected_outbound_call();
    let headset = AudioInput { id: "h1".into(), label: "Headset (USB)".into() };
    phone.handle_event(at(11_000), Event::MicrophonesFound(vec![headset.clone()]));
    assert_eq!(phone.microphones(), [headset]);
    let effects = phone.handle_intent(at(12_000), Intent::ChooseMicrophone(Some("h1".into())));
    assert!(effects.contains(&Effect::UseMicrophone(Some("h1".into()))), "{effects:?}");
    assert_eq!(phone.microphone(), Some("h1"));
    assert_eq!(the_call(&phone).stage(), Stage::Talking, "the call goes on");
    let again = phone.handle_intent(at(13_000), Intent::ChooseMicrophone(Some("h1".into())));
    assert!(!again.iter().any(|e| matches!(e, Effect::UseMicrophone(_))), "choosing it again does nothing");
}

#[test]
fn a_microphone_problem_is_shown_to_the_agent_even_when_idle() {
    let mut phone = registered_phone();
    let blocked = MicrophoneProblem::Unavailable(MediaProblem::MicrophoneBlocked { detail: "NotAllowedError".into() });
    phone.handle_event(at(1_000), Event::MicrophoneProblem(blocked.clone()));
    assert_eq!(phone.notice(), Some(&Notice::Microphone(blocked)));
    assert_eq!(phone.focus(), Focus::Idle);
}

#[test]
fn call_quality_is_measured_every_second_and_told() {
    let mut phone = connected_outbound_call();
    assert!(phone.tick(at(11_000)).contains(&Effect::MeasureQuality { call: H1 }));
    let status = |p: &Phone| the_call(p).audio_status();
    assert_eq!(status(&phone), None, "nothing to say before the first figures");
    let good = Quality { loss_percent: 0, jitter_ms: 4, bytes_received: 8_000, ..Quality::default() };
    phone.handle_event(at(11_100), Event::CallQuality { call: id(&phone, "c1"), quality: good });
    assert_eq!(status(&phone), Some(AudioStatus::Good));
    let poor = Quality { loss_percent: 7, jitter_ms: 62, bytes_received: 7_000, ..Quality::default() };
    phone.handle_event(at(12_100), Event::CallQuality { call: id(&phone, "c1"), quality: poor });
    assert_eq!(status(&phone), Some(AudioStatus::Poor { loss_percent: 7, jitter_ms: 62 }));
    // Silence from the far end for three readings in a row is said plainly.
    let silent = Quality { loss_percent: 0, jitter_ms: 0, bytes_received: 0, ..Quality::default() };
    for t in [13_100, 14_100] {
        phone.handle_event(at(t), Event::CallQuality { call: id(&phone, "c1"), quality: silent });
        assert_eq!(status(&phone), Some(AudioStatus::Good), "one or two quiet seconds are normal");
    }
    phone.handle_event(at(15_100), Event::CallQuality { call: id(&phone, "c1"), quality: silent });
    assert_eq!(status(&phone), Some(AudioStatus::Silent { seconds: 3 }));
    // On hold nothing is expected to arrive.
    phone.handle_intent(at(16_000), Intent::SetHeld { call: current(&phone), held: true });
    assert_eq!(status(&phone), Some(AudioStatus::Good));
    // Figures for another call are ignored.
    phone.handle_event(at(16_100), Event::CallQuality { call: CallHandle(9), quality: poor });
    assert_eq!(status(&phone), Some(AudioStatus::Good));
}

#[test]
fn a_hold_the_far_end_refuses_is_undone_and_the_agent_told_they_can_still_be_heard() {
    let mut phone = connected_outbound_call();
    phone.handle_intent(at(20_000), Intent::SetHeld { call: current(&phone), held: true });
    phone.handle_event(at(20_100), Event::HoldFailed { call: id(&phone, "c1"), held: true, status: 488 });
    assert!(!the_call(&phone).held(), "the phone no longer says On hold");
    assert_eq!(phone.notice(), Some(&Notice::HoldRefused { held: true, status: 488 }));
    // A late refusal of an older change does not flip the current state.
    phone.handle_event(at(20_200), Event::HoldFailed { call: id(&phone, "c1"), held: true, status: 488 });
    assert!(!the_call(&phone).held());
}

#[test]
fn the_call_log_says_how_the_call_sounded() {
    let mut phone = connected_outbound_call();
    let second = Quality { jitter_ms: 6, bytes_received: 8_000, packets_received: 50, round_trip_ms: Some(42), ..Quality::default() };
    for t in [11_100, 12_100, 13_100] {
        phone.handle_event(at(t), Event::CallQuality { call: id(&phone, "c1"), quality: second });
    }
    let (id, record, _) = save_of(&phone.handle_intent(at(14_000), Intent::HangUp(current(&phone)))).expect("logged");
    phone.handle_event(at(14_500), Event::LogSaved { id, record_id: "00T1".into() });
    let excellent = QualitySummary { grade: Grade::Excellent, mos_tenths: 44, loss_permille: 0, jitter_ms: 6, round_trip_ms: Some(42) };
    assert_eq!(record.quality, Some(excellent));
    let (_, completed, _) =
        save_of(&phone.handle_intent(at(15_000), Intent::FinishWrapUp { disposition: String::new(), notes: "Sent the quote.".into() })).expect("saved");
    assert_eq!((completed.notes.as_str(), completed.quality), ("Sent the quote.", Some(excellent)), "wrap-up keeps how it sounded");
}

fn case(id: &str) -> RecordRef {
    RecordRef { id: id.into(), name: format!("Case {id}"), object_type: "Case".into(), person_contact_id: None }
}

#[test]
fn a_contact_called_while_working_a_case_is_logged_with_both() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::Viewing(Some(case("500A"))));
    phone.handle_event(at(1), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    phone.handle_intent(at(2), Intent::Call);
    let started = started(&phone, "out1");
    phone.handle_event(at(3), started);
    phone.handle_event(at(1_000), Event::CallConnected { call: H1 });
    let ended = phone.handle_event(at(31_000), Event::CallEnded { call: H1, reason: EndReason::RemoteHangup });
    let (_, record, _) = save_of(&ended).expect("logged");
    assert_eq!((record.who_id(), record.what_id()), (Some("003000000000001"), Some("500A")));
    assert_eq!(outcome(record), Some(CallOutcome::Answered));
}

#[test]
fn the_record_opened_during_a_call_is_what_it_was_about_and_a_person_opened_changes_nothing() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::IncomingCall { call_id: "in7".into(), number: "+14155550100".into(), display_name: String::new(), replaces: None });
    phone.handle_event(at(5), Event::RecordMatched { call: H1, record: Some(contact()) });
    phone.handle_intent(at(1_000), Intent::Answer(H1));
    phone.handle_event(at(1_100), Event::CallConnected { call: H1 });
    // The pop took the agent to the caller, who rang about a case; then another contact's page.
    phone.handle_event(at(2_000), Event::Viewing(Some(contact())));
    phone.handle_event(at(3_000), Event::Viewing(Some(case("500B"))));
    let someone_else = RecordRef { id: "003B".into(), ..contact() };
    phone.handle_event(at(4_000), Event::Viewing(Some(someone_else)));
    let ended = phone.handle_event(at(9_000), Event::CallEnded { call: H1, reason: EndReason::RemoteHangup });
    let (_, record, _) = save_of(&ended).expect("logged");
    assert_eq!((record.who_id(), record.what_id()), (Some("003000000000001"), Some("500B")));
}

#[test]
fn a_call_made_off_any_record_page_is_about_nothing() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::Viewing(None));
    phone.handle_intent(at(1), Intent::EnterNumber("+1 415 555 0100".into()));
    phone.handle_intent(at(2), Intent::Call);
    let started = started(&phone, "out2");
    phone.handle_event(at(3), started);
    let ended = phone.handle_event(at(5_000), Event::CallEnded { call: H1, reason: EndReason::NoAnswer });
    let (_, record, _) = save_of(&ended).expect("logged");
    assert_eq!((record.who_id(), record.what_id()), (None, None));
    assert_eq!(outcome(record), Some(CallOutcome::NoAnswer));
}

#[test]
fn a_case_stays_the_work_while_the_agent_opens_its_contact_and_ends_when_they_leave_records() {
    let mut phone = registered_phone();
    phone.handle_event(at(0), Event::Viewing(Some(case("500C"))));
    // The case's contact, opened from it (a console subtab): the call is about the case.
    phone.handle_event(at(1), Event::Viewing(Some(contact())));
    phone.handle_event(at(2), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    phone.handle_intent(at(3), Intent::Call);
    let out = started(&phone, "out3");
    phone.handle_event(at(4), out);
    let ended = phone.handle_event(at(5_000), Event::CallEnded { call: H1, reason: EndReason::NoAnswer });
    assert_eq!(save_of(&ended).map(|(_, r, _)| r.what_id().map(str::to_owned)), Some(Some("500C".into())));
    // Home, or a list: no record is worked on any more.
    phone.handle_event(at(6_000), Event::Viewing(None));
    phone.handle_event(at(6_001), Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
    phone.handle_intent(at(6_002), Intent::Call);
    let out = started(&phone, "out4");
    phone.handle_event(at(6_003), out);
    let ended = phone.handle_event(at(9_000), Event::CallEnded { call: CallHandle(2), reason: EndReason::NoAnswer });
    assert_eq!(save_of(&ended).map(|(_, r, _)| r.what_id().map(str::to_owned)), Some(None));
}
