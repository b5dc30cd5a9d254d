//! Calls to a PBX that plays something before it answers (RFC 3960): an 18x with SDP is early
//! media the app plays as a provisional answer, then the 200 answers (the same SDP, another, or
//! none); a call that fails after its announcement ends as the failure says. The PBX is a far
//! end the test plays by hand (`support::far`), as SIPp does in the end-to-end tests.

mod support;

use sip::Method;
use support::*;

const ANNOUNCEMENT: &str = "v=0\r\no=far 1 1 IN IP4 192.0.2.20\r\nm=audio 4000 RTP/SAVPF 0\r\na=sendonly\r\n";

#[test]
fn early_media_is_a_provisional_answer_then_the_200_answers_with_the_same_sdp() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    assert_eq!(w.take_events(0), [Event::EarlyMedia { call: id.clone(), sdp: ANNOUNCEMENT.into() }]);
    // Unreliable 183s repeat every so often: the same early answer again is nothing new.
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    assert_eq!(w.take_events(0), []);
    w.far_respond(&invite, 200, "", Some(ANNOUNCEMENT));
    assert_eq!(w.take_events(0), [Event::Answered { call: id.clone(), sdp: ANNOUNCEMENT.into() }]);
    assert_eq!(w.far_requests(Method::Ack).len(), 1, "the 200 was acknowledged");
    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.far_requests(Method::Bye).len(), 1, "the BYE reaches the PBX");
}

#[test]
fn the_200_may_answer_with_another_sdp_or_none_at_all() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    w.take_events(0);
    w.far_respond(&invite, 200, "", Some(FAR_SDP));
    assert_eq!(w.take_events(0), [Event::Answered { call: id, sdp: FAR_SDP.into() }], "the 200's SDP is the answer");

    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    w.take_events(0);
    w.far_respond(&invite, 200, "", None);
    assert_eq!(w.take_events(0), [Event::Answered { call: id, sdp: ANNOUNCEMENT.into() }], "no SDP: the early one stands");
}

#[test]
fn a_200_without_any_answer_is_hung_up_at_once() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 180, "", None);
    assert_eq!(w.take_events(0), [Event::Ringing { call: id.clone() }]);
    w.far_respond(&invite, 200, "", None);
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::Failed(CallFailure::MissingAnswer) }]);
    let got: Vec<String> = w.far_received().iter().map(|m| String::from_utf8_lossy(&m.to_bytes()).lines().next().unwrap_or("").to_owned()).collect();
    assert!(got.iter().any(|l| l.starts_with("ACK")) && got.iter().any(|l| l.starts_with("BYE")), "acknowledged, then hung up: {got:?}");
}

#[test]
fn a_call_that_fails_after_its_announcement_ends_as_the_failure_says() {
    for (status, reason) in [(486, EndReason::Busy), (404, EndReason::Failed(CallFailure::Refused { status: 404 }))] {
        let (mut w, id, invite) = World::calling_the_far_end();
        w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
        assert!(matches!(w.take_events(0).as_slice(), [Event::EarlyMedia { .. }]));
        w.far_respond(&invite, status, "", None);
        assert_eq!(w.take_events(0), [Event::Ended { call: id, reason }], "{status}");
        assert_eq!(w.far_requests(Method::Ack).len(), 1, "the {status} was acknowledged");
    }
}

#[test]
fn an_early_answer_that_changes_within_its_dialog_cancels_the_call() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    w.take_events(0);
    w.far_respond(&invite, 183, "", Some(FAR_SDP));
    let cancel = w.far_request(Method::Cancel);
    assert_eq!(w.take_events(0), [], "the call ends when the CANCEL is through");
    w.far_respond(&cancel, 200, "", None);
    w.far_respond(&invite, 487, "", None);
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::Failed(CallFailure::EarlyAnswerChanged) }]);
    assert_eq!(w.far_requests(Method::Ack).len(), 1, "the 487 was acknowledged");
}

#[test]
fn each_early_dialog_of_a_forked_call_has_its_own_early_answer() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    let mut other = invite.clone();
    other.headers.set("To", format!("<sip:{FAR_USER}@{DOMAIN}>;tag=branch2"));
    w.far_respond(&other, 183, "", Some(FAR_SDP));
    assert_eq!(
        w.take_events(0),
        [Event::EarlyMedia { call: id.clone(), sdp: ANNOUNCEMENT.into() }, Event::EarlyMedia { call: id.clone(), sdp: FAR_SDP.into() }],
        "another branch's early media is no change of the first's"
    );
    // The first branch answers without SDP: its own early answer is the answer.
    w.far_respond(&invite, 200, "", None);
    assert_eq!(w.take_events(0), [Event::Answered { call: id, sdp: ANNOUNCEMENT.into() }]);
}

#[test]
fn a_far_end_inventing_early_dialogs_without_end_gets_sixteen() {
    let (mut w, _, invite) = World::calling_the_far_end();
    for branch in 0..40 {
        let mut forked = invite.clone();
        forked.headers.set("To", format!("<sip:{FAR_USER}@{DOMAIN}>;tag=branch{branch}"));
        w.far_respond(&forked, 183, "", Some(ANNOUNCEMENT));
    }
    let early = w.take_events(0).iter().filter(|e| matches!(e, Event::EarlyMedia { .. })).count();
    assert_eq!(early, 16, "the call keeps a bounded list of early dialogs");
}

#[test]
fn an_announcement_may_play_for_minutes_before_the_answer() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    w.take_events(0);
    // Longer than any transaction timeout (32 s): a queue's greeting, hold music, an IVR.
    w.advance(120_000);
    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    w.advance(120_000);
    assert_eq!(w.take_events(0), []);
    w.far_respond(&invite, 200, "", Some(ANNOUNCEMENT));
    assert!(matches!(w.take_events(0).as_slice(), [Event::Answered { .. }]));
    let _ = id;
}

#[test]
fn a_pbx_silent_for_three_minutes_after_ringing_is_cancelled_as_no_answer() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 180, "", None);
    w.take_events(0);
    w.advance(180_000);
    assert_eq!(w.take_events(0), []);
    w.advance(2_000);
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::NoAnswer }]);
    assert_eq!(w.far_requests(Method::Cancel).len(), 1, "the far end is told");
}
