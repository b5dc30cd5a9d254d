//! Reliable provisional responses (RFC 3262), both ways: a PBX's 183 that requires `100rel`
//! is PRACKed in its early dialog, in RSeq order, its retransmissions absorbed; a caller that
//! requires `100rel` gets our ringing reliably, sent again until its PRACK.

mod support;

use sip::Method;
use support::*;

const EARLY: &str = "v=0\r\no=far 1 1 IN IP4 192.0.2.20\r\nm=audio 4000 RTP/SAVPF 0\r\n";

fn reliable(rseq: u32) -> String {
    format!("Require: 100rel\r\nRSeq: {rseq}\r\n")
}

#[test]
fn our_invite_says_we_support_reliable_provisional_responses() {
    let (_, _, invite) = World::calling_the_far_end();
    let supported: Vec<&str> = invite.headers.get_all("Supported").flat_map(|v| v.split(',')).map(str::trim).collect();
    assert!(supported.contains(&"100rel"), "{supported:?}");
    assert!(invite.headers.get("Allow").is_some_and(|a| a.contains("PRACK")));
}

#[test]
fn a_reliable_183_is_pracked_in_its_early_dialog_and_the_call_is_answered() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 183, &reliable(7), Some(EARLY));
    assert_eq!(w.take_events(0), [Event::EarlyMedia { call: id.clone(), sdp: EARLY.into() }]);
    let prack = w.far_request(Method::Prack);
    let invite_cseq = invite.headers.get("CSeq").unwrap_or("");
    assert_eq!(prack.headers.get("RAck"), Some(format!("7 {invite_cseq}").as_str()));
    assert!(prack.headers.get("To").is_some_and(|t| t.contains("tag=far")), "in the early dialog");
    assert_eq!(prack.uri.host, FAR_HOST, "to the far end's Contact");
    w.far_respond(&prack, 200, "", None);
    w.far_respond(&invite, 200, "", None);
    assert_eq!(w.take_events(0), [Event::Answered { call: id, sdp: EARLY.into() }], "the reliable early answer is the answer");
    assert_eq!(w.far_requests(Method::Ack).len(), 1);
}

#[test]
fn retransmissions_are_absorbed_and_a_response_out_of_order_is_discarded() {
    let (mut w, id, invite) = World::calling_the_far_end();
    w.far_respond(&invite, 180, &reliable(7), None);
    assert_eq!(w.far_requests(Method::Prack).len(), 1);
    w.far_respond(&invite, 180, &reliable(7), None);
    assert_eq!(w.far_requests(Method::Prack).len(), 0, "a retransmission is not PRACKed again");
    w.far_respond(&invite, 183, &reliable(9), Some(EARLY));
    assert_eq!(w.far_requests(Method::Prack).len(), 0, "RSeq 9 before 8: discarded, unprocessed");
    assert_eq!(w.take_events(0), [Event::Ringing { call: id.clone() }]);
    w.far_respond(&invite, 183, &reliable(8), Some(EARLY));
    let prack = w.far_request(Method::Prack);
    assert!(prack.headers.get("RAck").is_some_and(|r| r.starts_with("8 ")));
    assert_eq!(w.take_events(0), [Event::EarlyMedia { call: id, sdp: EARLY.into() }]);
}

#[test]
fn a_caller_requiring_100rel_gets_our_ringing_until_it_pracks() {
    let mut w = World::two_agents().with_far_end();
    let mut dialog = w.far_call("1001", "Require: 100rel\r\nSupported: 100rel\r\n", Some(FAR_SDP));
    let call = w.rung(0);
    w.command(0, Command::Ring { call: call.clone() });
    let responses = w.far_learn(&mut dialog);
    let ringing = responses.iter().find(|r| r.status == 180).expect("180");
    assert_eq!(ringing.headers.get("Require"), Some("100rel"));
    let rseq: u32 = ringing.headers.get("RSeq").and_then(|v| v.parse().ok()).expect("an RSeq");
    assert!(ringing.headers.get("Contact").is_some(), "the early dialog's target, for the PRACK");
    // Unacknowledged, it is sent again at 0.5 s, 1 s, 2 s...
    w.advance(1_600);
    assert_eq!(w.far_received().len(), 2, "sent again at 0.5 s and 1.5 s");
    // A PRACK naming another RSeq is refused; the right one is answered and stops the resends.
    let wrong = dialog.request(Method::Prack, None, &format!("RAck: {} 1 INVITE\r\n", rseq + 1), None);
    w.far_send(&wrong);
    assert!(matches!(w.far_received().as_slice(), [Message::Response(r)] if r.status == 481));
    let right = dialog.request(Method::Prack, None, &format!("RAck: {rseq} 1 INVITE\r\n"), None);
    w.far_send(&right);
    assert!(matches!(w.far_received().as_slice(), [Message::Response(r)] if r.status == 200));
    w.advance(10_000);
    assert_eq!(w.far_received().len(), 0, "no more resends");
    w.command(0, Command::Answer { call: call.clone(), sdp: "v=0 answer\r\n".into() });
    assert!(w.far_learn(&mut dialog).iter().any(|r| r.status == 200));
}

#[test]
fn ringing_never_pracked_refuses_the_call_after_32_seconds() {
    let mut w = World::two_agents().with_far_end();
    let _dialog = w.far_call("1001", "Require: 100rel\r\n", Some(FAR_SDP));
    let call = w.rung(0);
    w.command(0, Command::Ring { call: call.clone() });
    w.advance(33_000);
    assert_eq!(w.take_events(0), [Event::Ended { call, reason: EndReason::Failed(CallFailure::NotAcknowledged) }]);
    let last = w.far_received().into_iter().last();
    assert!(matches!(last, Some(Message::Response(r)) if r.status == 504), "the caller hears a 5xx (RFC 3262 §3)");
}

#[test]
fn a_prack_for_no_reliable_response_of_ours_gets_481() {
    let mut w = World::two_agents().with_far_end();
    let mut dialog = w.far_call("1001", "", Some(FAR_SDP));
    let call = w.rung(0);
    w.command(0, Command::Ring { call: call.clone() });
    let ringing = w.far_learn(&mut dialog);
    assert!(ringing.iter().any(|r| r.status == 180 && r.headers.get("RSeq").is_none()), "not required: sent once, unreliably");
    let prack = dialog.request(Method::Prack, None, "RAck: 1 1 INVITE\r\n", None);
    w.far_send(&prack);
    assert!(matches!(w.far_received().as_slice(), [Message::Response(r)] if r.status == 481));
    let garbled = dialog.request(Method::Prack, None, "RAck: one INVITE\r\n", None);
    w.far_send(&garbled);
    assert!(matches!(w.far_received().as_slice(), [Message::Response(r)] if r.status == 481));
    assert_eq!(w.take_events(0), [], "the call rings on");
}
