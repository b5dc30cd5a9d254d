//! Calls ringing in: the phone hears of each with its number and name, names it (or refuses it)
//! at once, and the line keeps the caller's offer until the agent answers. A caller who gives up
//! before the phone named the call is told under that name; events of a call the phone let go of
//! are not told at all.

mod support;

use support::*;

#[test]
fn an_incoming_call_is_told_with_its_number_and_name_and_nothing_is_done_yet() {
    let mut line = Line::registered();
    line.sip(incoming("in-1", Some(CALLER_SDP)));
    assert_eq!(line.events(), [told_incoming("in-1")]);
    assert_eq!(line.actions(), [], "it rings only once the phone names it");
}

#[test]
fn the_phone_names_the_call_and_it_rings() {
    let mut line = Line::registered();
    line.sip(incoming("in-1", Some(CALLER_SDP)));
    line.take();
    line.core.ring(call(1), "in-1");
    assert_eq!(line.actions(), [sip(Command::Ring { call: id("in-1") })]);
    assert_eq!(line.events(), []);
    assert_eq!(line.core.handle("in-1"), Some(call(1)), "the Call-ID now names the phone's call");
    assert_eq!(line.core.call_id(call(1)), Some(&id("in-1")));
}

#[test]
fn a_call_ended_before_the_phone_named_it_is_told_when_it_is_named() {
    let mut line = Line::registered();
    line.sip(incoming("in-1", Some(CALLER_SDP)));
    line.take();
    line.sip(SipEvent::Ended { call: id("in-1"), reason: SipEnd::AnsweredElsewhere });
    assert_eq!(line.events(), [], "the phone has no name for it yet");
    line.core.ring(call(1), "in-1");
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::AnsweredElsewhere }]);
    assert_eq!(line.actions(), [], "nothing rings");
    assert!(!line.core.carries(call(1)));
}

#[test]
fn a_call_the_line_no_longer_knows_is_told_missed_when_named() {
    let mut line = Line::registered();
    line.core.ring(call(1), "never-heard-of");
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Missed }]);
    assert_eq!(line.actions(), []);
}

#[test]
fn only_the_last_eight_unnamed_calls_are_kept() {
    let mut line = Line::registered();
    for n in 0..9 {
        line.sip(incoming(&format!("in-{n}"), None));
    }
    line.take();
    line.core.ring(call(1), "in-0");
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Missed }], "the oldest was let go of");
    line.core.ring(call(2), "in-8");
    assert_eq!(line.actions(), [sip(Command::Ring { call: id("in-8") })]);
}

#[test]
fn a_call_refused_without_ringing_is_busy_or_sent_elsewhere() {
    let mut line = Line::registered();
    line.sip(incoming("in-1", None)).sip(incoming("in-2", None));
    line.take();
    line.core.refuse("in-1", true);
    line.core.refuse("in-2", false);
    assert_eq!(line.actions(), [sip(Command::Decline { call: id("in-1"), busy: true }), sip(Command::Unavailable { call: id("in-2") })]);
    assert_eq!(line.events(), []);
}

#[test]
fn refusing_a_caller_who_gave_up_sends_nothing() {
    let mut line = Line::registered();
    line.sip(incoming("in-1", None)).sip(SipEvent::Ended { call: id("in-1"), reason: SipEnd::CallerCancelled });
    line.take();
    line.core.refuse("in-1", true);
    assert_eq!(line.actions(), []);
    assert_eq!(line.events(), []);
}

#[test]
fn answering_takes_the_callers_offer_once() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", Some(CALLER_SDP));
    assert_eq!(line.core.answer(call(1)), Some(Answering { call_id: id("in-1"), offer: Some(CALLER_SDP.into()) }));
    assert_eq!(line.core.answer(call(1)), None, "a second click answers nothing");
    assert_eq!(line.core.answer(call(2)), None, "no such call");
}

#[test]
fn a_delayed_offer_is_answered_with_ours_and_the_ack_brings_the_answer() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", None);
    assert_eq!(line.core.answer(call(1)), Some(Answering { call_id: id("in-1"), offer: None }), "no offer: the answer carries ours");
    line.sip(SipEvent::OfferAnswered { call: id("in-1"), sdp: FAR_SDP.into() });
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: FAR_SDP.into(), kind: FarSdp::AckAnswer }]);
    line.core.far_sdp_applied(call(1), FarSdp::AckAnswer);
    assert_eq!(line.events(), [], "the ACK's confirmation tells the phone");
    line.sip(SipEvent::Confirmed { call: id("in-1") });
    assert_eq!(line.events(), [Event::CallConnected { call: call(1) }]);
}

#[test]
fn an_offer_the_browser_cannot_take_is_refused_with_488_and_the_phone_told_why() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", Some(CALLER_SDP));
    let answering = line.core.answer(call(1)).expect("the call rings");
    let problem = MediaProblem::Offer(OfferRefusal::MediaFormat);
    line.core.answer_failed(call(1), answering, problem.clone());
    assert_eq!(
        line.actions(),
        [LineAction::ReleaseMedia { call: call(1) }, sip(Command::RefuseOffer { call: id("in-1"), refusal: OfferRefusal::MediaFormat })]
    );
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Failed(CallFailure::Media(problem)) }]);
}

#[test]
fn an_answer_that_fails_on_our_side_declines_the_call() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", Some(CALLER_SDP));
    let answering = line.core.answer(call(1)).expect("the call rings");
    let problem = MediaProblem::MicrophoneBlocked { detail: "NotAllowedError".into() };
    line.core.answer_failed(call(1), answering, problem.clone());
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, sip(Command::Decline { call: id("in-1"), busy: false })]);
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Failed(CallFailure::Media(problem)) }]);
}

#[test]
fn a_call_replacing_one_of_ours_names_it() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(SipEvent::IncomingCall { call: id("in-2"), number: "1003".into(), display_name: String::new(), sdp: None, replaces: Some(id("out-1")) });
    assert_eq!(line.events(), [Event::IncomingCall { call_id: "in-2".into(), number: "1003".into(), display_name: String::new(), replaces: Some(call(1)) }]);
}

#[test]
fn events_of_a_call_the_phone_let_go_of_are_not_told() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", Some(CALLER_SDP));
    line.core.decline(call(1), false);
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, sip(Command::Decline { call: id("in-1"), busy: false })]);
    line.sip(SipEvent::Ended { call: id("in-1"), reason: SipEnd::Local });
    line.sip(SipEvent::Dtmf { call: id("in-1"), digit: '5' });
    assert_eq!(line.events(), []);
    assert_eq!(line.actions(), [], "no spare is prepared for a call that was never the line's");
}

#[test]
fn the_caller_hanging_up_ends_the_call_and_the_line_gets_ready_for_the_next() {
    let mut line = Line::with_call_ringing_in(call(1), "in-1", Some(CALLER_SDP));
    line.sip(SipEvent::Ended { call: id("in-1"), reason: SipEnd::CallerCancelled });
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Missed }]);
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, LineAction::PrepareSpare]);
    assert!(line.core.is_idle());
}
