//! Calls we place: linked to their Call-ID as soon as the SIP core names them, so none of their
//! news is lost; the far end's audio descriptions go to the browser, and the phone hears of
//! early media and the answer once the browser took them. One the browser refuses ends the call.

mod support;

use support::*;

#[test]
fn a_placed_call_is_told_started_and_its_news_is_told_under_its_handle() {
    let mut line = Line::registered();
    line.core.place(call(1));
    assert_eq!(line.core.call_id(call(1)), None, "no Call-ID before the INVITE");
    line.core.placed(call(1), id("out-1"));
    assert_eq!(line.events(), [Event::OutgoingCallStarted { call: call(1), call_id: "out-1".into() }]);
    line.sip(SipEvent::Ringing { call: id("out-1") });
    assert_eq!(line.events(), [Event::RemoteRinging { call: call(1) }]);
}

#[test]
fn early_media_then_the_answer_then_the_confirmation() {
    let mut line = Line::with_call_placed(call(1), "out-1");
    line.sip(SipEvent::EarlyMedia { call: id("out-1"), sdp: ANNOUNCEMENT.into() });
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: ANNOUNCEMENT.into(), kind: FarSdp::Early }]);
    assert_eq!(line.events(), [], "told once the browser plays it");
    line.core.far_sdp_applied(call(1), FarSdp::Early);
    assert_eq!(line.events(), [Event::EarlyMedia { call: call(1) }]);

    line.sip(SipEvent::Answered { call: id("out-1"), sdp: FAR_SDP.into() });
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: FAR_SDP.into(), kind: FarSdp::Answer }]);
    line.core.far_sdp_applied(call(1), FarSdp::Answer);
    assert_eq!(line.events(), [Event::CallConnected { call: call(1) }]);
}

#[test]
fn an_answer_the_browser_refuses_hangs_up_and_says_why() {
    let mut line = Line::with_call_placed(call(1), "out-1");
    line.sip(SipEvent::Answered { call: id("out-1"), sdp: "v=0\r\n".into() });
    line.take();
    let problem = MediaProblem::Offer(OfferRefusal::Other);
    line.core.far_sdp_refused(call(1), FarSdp::Answer, problem.clone());
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, sip(Command::HangUp { call: id("out-1") }), LineAction::PrepareSpare]);
    assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason: EndReason::Failed(CallFailure::Media(problem)) }]);
    line.sip(SipEvent::Ended { call: id("out-1"), reason: SipEnd::Local });
    assert_eq!(line.events(), [], "the hang-up's own end is not told twice");
}

#[test]
fn the_far_end_hanging_up_is_told_as_it_said() {
    for (sip_reason, reason) in [
        (SipEnd::Remote, EndReason::RemoteHangup),
        (SipEnd::Busy, EndReason::Busy),
        (SipEnd::Declined, EndReason::RemoteDeclined),
        (SipEnd::NoAnswer, EndReason::NoAnswer),
        (SipEnd::Transferred, EndReason::Transferred),
        (SipEnd::Failed(sip::CallFailure::Refused { status: 404 }), EndReason::Failed(CallFailure::Sip(sip::CallFailure::Refused { status: 404 }))),
    ] {
        let mut line = Line::with_call_placed(call(1), "out-1");
        line.sip(SipEvent::Ended { call: id("out-1"), reason: sip_reason });
        assert_eq!(line.events(), [Event::CallEnded { call: call(1), reason }], "{sip_reason:?}");
        assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, LineAction::PrepareSpare]);
        assert!(line.core.is_idle());
    }
}

#[test]
fn hanging_up_before_the_invite_went_out_sends_nothing() {
    let mut line = Line::registered();
    line.core.place(call(1));
    line.core.hang_up(call(1));
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, LineAction::PrepareSpare]);
    assert!(!line.core.carries(call(1)), "the offer being made is not sent");
}

#[test]
fn hanging_up_a_call_under_way_ends_it_at_the_sip_core() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.hang_up(call(1));
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }, sip(Command::HangUp { call: id("out-1") }), LineAction::PrepareSpare]);
    assert_eq!(line.events(), [], "the phone knows: it asked");
}

#[test]
fn a_call_that_could_not_start_is_told_failed() {
    let mut line = Line::registered();
    line.core.place(call(1));
    line.core.place_failed(call(1), CallFailure::Command(CommandError::WrongState));
    assert_eq!(line.events(), [Event::CallFailed { call: call(1), reason: CallFailure::Command(CommandError::WrongState) }]);
    assert_eq!(line.actions(), [LineAction::ReleaseMedia { call: call(1) }]);
}

#[test]
fn a_second_call_keeps_its_own_news() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.placed(call(2), "out-2");
    line.sip(SipEvent::Ringing { call: id("out-2") });
    line.sip(SipEvent::Ended { call: id("out-1"), reason: SipEnd::Remote });
    assert_eq!(line.events(), [Event::RemoteRinging { call: call(2) }, Event::CallEnded { call: call(1), reason: EndReason::RemoteHangup }]);
    assert!(!line.core.is_idle(), "the second call is still the line's");
    assert_eq!((line.core.call_id(call(1)), line.core.call_id(call(2))), (None, Some(&id("out-2"))));
}
