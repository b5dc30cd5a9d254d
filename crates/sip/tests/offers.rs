//! Offers and answers the far end leads (RFC 3264, RFC 3311): an INVITE without an offer
//! (delayed offer) gets ours in the 200 and brings the answer in its ACK, likewise a re-INVITE
//! without one; a PBX puts the agent on hold and back by re-INVITE; UPDATE carries offers;
//! an offer the browser cannot take gets 488 with a Warning; an ACK without the answer we
//! wait for ends the call with a BYE.

mod support;

use sip::{Method, OfferRefusal};
use support::*;

const OUR_OFFER: &str = "v=0 our offer\r\n";
const HOLD: &str = "v=0\r\no=far 1 2 IN IP4 192.0.2.20\r\nm=audio 4000 RTP/SAVPF 0\r\na=sendonly\r\n";

/// The far end calls 1001 (ua 0) with this offer, or none; returns its dialog and our Call-ID.
fn called_by_the_far_end(sdp: Option<&str>) -> (World, FarDialog, CallId) {
    let mut w = World::two_agents().with_far_end();
    let dialog = w.far_call("1001", "", sdp);
    let call = match w.take_events(0).as_slice() {
        [Event::IncomingCall { call, sdp: offer, .. }] => {
            assert_eq!(offer.as_deref(), sdp);
            call.clone()
        }
        other => panic!("expected a call, got {other:?}"),
    };
    (w, dialog, call)
}

/// A call from the far end, answered and confirmed.
fn talking_with_the_far_end() -> (World, FarDialog, CallId) {
    let (mut w, mut dialog, call) = called_by_the_far_end(Some(FAR_SDP));
    w.command(0, Command::Answer { call: call.clone(), sdp: "v=0 answer\r\n".into() });
    w.far_learn(&mut dialog);
    let ack = dialog.request(Method::Ack, Some(1), "", None);
    w.far_send(&ack);
    assert_eq!(w.take_events(0), [Event::Confirmed { call: call.clone() }]);
    (w, dialog, call)
}

#[test]
fn an_invite_without_an_offer_gets_ours_in_the_200_and_the_answer_comes_in_the_ack() {
    let (mut w, mut dialog, call) = called_by_the_far_end(None);
    w.command(0, Command::Answer { call: call.clone(), sdp: OUR_OFFER.into() });
    let ok = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 200).expect("a 200");
    assert_eq!(ok.body, OUR_OFFER.as_bytes(), "the 200 carries our offer");
    let ack = dialog.request(Method::Ack, Some(1), "", Some(FAR_SDP));
    w.far_send(&ack);
    assert_eq!(w.take_events(0), [Event::OfferAnswered { call: call.clone(), sdp: FAR_SDP.into() }, Event::Confirmed { call: call.clone() }]);
    w.advance(10_000);
    assert_eq!(w.far_received().len(), 0, "the 200 is not sent again");
}

#[test]
fn an_ack_without_the_answer_we_wait_for_ends_the_call_with_a_bye() {
    let (mut w, mut dialog, call) = called_by_the_far_end(None);
    w.command(0, Command::Answer { call: call.clone(), sdp: OUR_OFFER.into() });
    w.far_learn(&mut dialog);
    let ack = dialog.request(Method::Ack, Some(1), "", None);
    w.far_send(&ack);
    assert_eq!(w.take_events(0), [Event::Ended { call, reason: EndReason::Failed(CallFailure::MissingAnswer) }]);
    assert_eq!(w.far_requests(Method::Bye).len(), 1);
    w.advance(40_000);
    assert_eq!(w.far_received().len(), 0, "nothing left running: no resent 200, no second BYE");
}

#[test]
fn an_ack_of_an_older_response_acknowledges_nothing() {
    let (mut w, mut dialog, call) = called_by_the_far_end(None);
    w.command(0, Command::Answer { call: call.clone(), sdp: OUR_OFFER.into() });
    w.far_learn(&mut dialog);
    let stray = dialog.request(Method::Ack, Some(0), "", None);
    w.far_send(&stray);
    assert_eq!(w.take_events(0), [], "still waiting for the ACK of the 200");
    let ack = dialog.request(Method::Ack, Some(1), "", Some(FAR_SDP));
    w.far_send(&ack);
    assert!(w.take_events(0).contains(&Event::Confirmed { call }));
}

#[test]
fn a_reinvite_without_an_offer_gets_ours_and_its_ack_brings_the_answer() {
    let (mut w, mut dialog, call) = talking_with_the_far_end();
    let reinvite = dialog.request(Method::Invite, None, "", None);
    w.far_send(&reinvite);
    assert_eq!(w.take_events(0), [Event::Reoffered { call: call.clone(), sdp: None }]);
    w.command(0, Command::AnswerReinvite { call: call.clone(), sdp: OUR_OFFER.into() });
    let ok = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 200).expect("a 200");
    assert_eq!(ok.body, OUR_OFFER.as_bytes());
    let ack = dialog.request(Method::Ack, Some(dialog.cseq), "", Some(FAR_SDP));
    w.far_send(&ack);
    assert_eq!(w.take_events(0), [Event::OfferAnswered { call, sdp: FAR_SDP.into() }], "no second Confirmed: the call was up");
}

#[test]
fn the_pbx_puts_the_agent_on_hold_and_takes_them_off_again() {
    let (mut w, mut dialog, call) = talking_with_the_far_end();
    for (offer, answer) in [(HOLD, "v=0 a=recvonly\r\n"), (FAR_SDP, "v=0 a=sendrecv\r\n")] {
        let reinvite = dialog.request(Method::Invite, None, "", Some(offer));
        w.far_send(&reinvite);
        assert_eq!(w.take_events(0), [Event::Reoffered { call: call.clone(), sdp: Some(offer.into()) }]);
        w.command(0, Command::AnswerReinvite { call: call.clone(), sdp: answer.into() });
        let ok = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 200).expect("a 200");
        assert_eq!(ok.body, answer.as_bytes());
        let ack = dialog.request(Method::Ack, Some(dialog.cseq), "", None);
        w.far_send(&ack);
        assert_eq!(w.take_events(0), [], "an ACK without SDP is right here: the offer was theirs");
    }
    // The call is still there for us to hang up.
    w.command(0, Command::HangUp { call });
    assert_eq!(w.far_requests(Method::Bye).len(), 1);
}

#[test]
fn an_update_with_an_offer_is_answered_in_its_200() {
    let (mut w, mut dialog, call) = talking_with_the_far_end();
    let update = dialog.request(Method::Update, None, "", Some(HOLD));
    w.far_send(&update);
    assert_eq!(w.take_events(0), [Event::Reoffered { call: call.clone(), sdp: Some(HOLD.into()) }]);
    w.command(0, Command::AnswerReinvite { call: call.clone(), sdp: "v=0 a=recvonly\r\n".into() });
    let ok = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 200).expect("a 200");
    assert_eq!((ok.headers.get("CSeq"), ok.body.as_slice()), (Some(format!("{} UPDATE", dialog.cseq).as_str()), b"v=0 a=recvonly\r\n".as_slice()));
    assert!(ok.headers.get("Contact").is_some());
    w.advance(10_000);
    assert_eq!(w.far_received().len(), 0, "an UPDATE's 200 is not resent");
}

#[test]
fn an_update_crossing_an_offer_is_refused_as_rfc_3311_says() {
    let (mut w, mut dialog, call) = talking_with_the_far_end();
    // Their re-INVITE is waiting for our answer: a second offer gets 500 with Retry-After.
    let reinvite = dialog.request(Method::Invite, None, "", Some(HOLD));
    w.far_send(&reinvite);
    w.take_events(0);
    let update = dialog.request(Method::Update, None, "", Some(FAR_SDP));
    w.far_send(&update);
    let got = w.far_learn(&mut dialog);
    assert!(got.iter().any(|r| r.status == 500 && r.headers.get("Retry-After").is_some()), "{got:?}");
    w.command(0, Command::AnswerReinvite { call: call.clone(), sdp: "v=0\r\n".into() });
    let ack = dialog.request(Method::Ack, Some(dialog.cseq - 1), "", None);
    w.far_send(&ack);
    // Our re-INVITE is out (the far end sits on it): their UPDATE offer gets 491.
    w.command(0, Command::Reinvite { call: call.clone(), sdp: "v=0 hold\r\n".into() });
    let update = dialog.request(Method::Update, None, "", Some(FAR_SDP));
    w.far_send(&update);
    assert!(w.far_learn(&mut dialog).iter().any(|r| r.status == 491));
    assert_eq!(w.take_events(0), [], "neither reached the app");
}

#[test]
fn an_offer_the_app_cannot_take_gets_488_with_a_warning() {
    let (mut w, mut dialog, call) = called_by_the_far_end(Some("v=0\r\nm=audio 4000 RTP/AVP 18\r\n"));
    w.command(0, Command::RefuseOffer { call: call.clone(), refusal: OfferRefusal::MediaFormat });
    let refused = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 488).expect("a 488");
    let warning = refused.headers.get("Warning").unwrap_or("");
    assert!(warning.starts_with("305 ") && warning.ends_with("\"Incompatible media format\""), "{warning}");
    assert_eq!(w.take_events(0), [Event::Ended { call, reason: EndReason::Local }]);
}

#[test]
fn a_reoffer_the_app_cannot_take_gets_488_and_the_call_goes_on() {
    let (mut w, mut dialog, call) = talking_with_the_far_end();
    let reinvite = dialog.request(Method::Invite, None, "", Some("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));
    w.far_send(&reinvite);
    w.take_events(0);
    w.command(0, Command::RefuseOffer { call: call.clone(), refusal: OfferRefusal::Transport });
    let refused = w.far_learn(&mut dialog).into_iter().find(|r| r.status == 488).expect("a 488");
    assert!(refused.headers.get("Warning").is_some_and(|w| w.starts_with("302 ")));
    assert_eq!(w.take_events(0), [], "the call goes on as it was");
    // The next offer is taken as usual.
    let reinvite = dialog.request(Method::Invite, None, "", Some(HOLD));
    w.far_send(&reinvite);
    assert!(matches!(w.take_events(0).as_slice(), [Event::Reoffered { .. }]));
    assert_eq!(w.try_command(0, Command::RefuseOffer { call: "gone".into(), refusal: OfferRefusal::Other }), Err(CommandError::UnknownCall));
}
