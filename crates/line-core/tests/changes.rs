//! A call's session changing under way: our hold and resume (re-INVITEs the far end may refuse),
//! the far end's own re-offers (answered by the browser, or refused with 488 and the call left as
//! it was), and transfers both ways.

mod support;

use support::*;

#[test]
fn a_hold_the_far_end_accepts_is_applied() {
    let mut line = Line::with_call_up(call(1), "out-1");
    assert_eq!(line.core.hold(call(1), true), Some(id("out-1")), "re-INVITE this dialog");
    line.sip(SipEvent::Reanswered { call: id("out-1"), sdp: FAR_SDP.into() });
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: FAR_SDP.into(), kind: FarSdp::Reanswer }]);
    line.core.far_sdp_applied(call(1), FarSdp::Reanswer);
    assert_eq!(line.events(), [], "the phone holds already");
}

#[test]
fn an_answer_to_our_hold_the_browser_refuses_leaves_the_call_as_it_was() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.hold(call(1), true);
    line.sip(SipEvent::Reanswered { call: id("out-1"), sdp: "v=0 odd".into() });
    line.take();
    let problem = MediaProblem::Offer(OfferRefusal::Other);
    line.core.far_sdp_refused(call(1), FarSdp::Reanswer, problem.clone());
    assert_eq!(line.actions(), [LineAction::Warn(Warning::ReanswerRefused(problem))], "not hung up");
    assert_eq!(line.events(), []);
    assert!(line.core.carries(call(1)));
}

#[test]
fn a_refused_hold_withdraws_the_reoffer_and_tells_the_phone() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.hold(call(1), true);
    line.sip(SipEvent::ReinviteFailed { call: id("out-1"), status: 488 });
    assert_eq!(line.actions(), [LineAction::WithdrawReoffer { call: call(1), held: true }]);
    assert_eq!(line.events(), [Event::HoldFailed { call: call(1), held: true, status: 488 }]);
}

#[test]
fn a_refused_change_that_was_no_hold_is_only_warned() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.hold(call(1), false);
    line.sip(SipEvent::Reanswered { call: id("out-1"), sdp: FAR_SDP.into() });
    line.take();
    // A later re-INVITE (the call moved to a new connection) refused: the resume is long done.
    line.sip(SipEvent::ReinviteFailed { call: id("out-1"), status: 500 });
    assert_eq!(line.actions(), [LineAction::Warn(Warning::ChangeRefused { status: 500 })]);
    assert_eq!(line.events(), []);
}

#[test]
fn the_far_ends_reoffer_is_answered_by_the_browser() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(SipEvent::Reoffered { call: id("out-1"), sdp: Some(FAR_SDP.into()) });
    assert_eq!(line.actions(), [LineAction::AnswerReoffer { call: call(1), call_id: id("out-1"), offer: Some(FAR_SDP.into()) }]);
    line.core.reoffer_answered(id("out-1"), "v=0 ours".into());
    assert_eq!(line.actions(), [sip(Command::AnswerReinvite { call: id("out-1"), sdp: "v=0 ours".into() })]);
    assert_eq!(line.events(), []);
}

#[test]
fn a_reoffer_the_browser_refuses_gets_488_and_the_agent_is_warned() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(SipEvent::Reoffered { call: id("out-1"), sdp: Some("v=0 plain RTP".into()) });
    line.take();
    let problem = MediaProblem::Offer(OfferRefusal::Transport);
    line.core.reoffer_refused(id("out-1"), problem.clone());
    assert_eq!(line.actions(), [sip(Command::RefuseOffer { call: id("out-1"), refusal: OfferRefusal::Transport })]);
    assert_eq!(line.events(), [Event::MediaWarning(MediaWarning::ChangeRefused(problem))]);
}

#[test]
fn a_reoffer_on_a_call_the_line_let_go_of_is_refused() {
    let mut line = Line::registered();
    line.sip(SipEvent::Reoffered { call: id("gone"), sdp: None });
    assert_eq!(line.actions(), [sip(Command::RefuseOffer { call: id("gone"), refusal: OfferRefusal::Other })]);
    assert_eq!(line.events(), [Event::MediaWarning(MediaWarning::ChangeRefused(MediaProblem::Offer(OfferRefusal::Other)))]);
}

#[test]
fn a_refer_asks_the_phone_with_the_number_to_call() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(SipEvent::TransferRequested { call: id("out-1"), target: Uri::sip("1003", "pbx.test") });
    assert_eq!(line.events(), [Event::TransferRequested { call: call(1), number: "1003".into() }]);
    assert_eq!(line.actions(), []);
}

#[test]
fn a_refer_on_an_unknown_call_is_declined() {
    let mut line = Line::registered();
    line.sip(SipEvent::TransferRequested { call: id("gone"), target: Uri::sip("1003", "pbx.test") });
    assert_eq!(line.actions(), [sip(Command::DeclineTransfer { call: id("gone") })]);
    assert_eq!(line.events(), [], "nobody to ask");
}

#[test]
fn following_a_transfer_names_the_call_whose_refer_is_followed() {
    let mut line = Line::with_call_up(call(1), "out-1");
    assert_eq!(line.core.follow_transfer(call(1), call(2)), Some(id("out-1")));
    assert_eq!(line.core.follow_transfer(call(7), call(3)), None);
    assert_eq!(line.events(), [Event::CallFailed { call: call(3), reason: CallFailure::TransferFromGone }]);
}

#[test]
fn our_transfers_go_out_as_refers_and_fail_back_to_the_phone() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.placed(call(2), "out-2");
    let target = Uri::sip("1003", "pbx.test");
    line.core.transfer(call(1), target.clone());
    line.core.transfer_attended(call(1), call(2));
    assert_eq!(
        line.actions(),
        [sip(Command::Transfer { call: id("out-1"), target }), sip(Command::TransferAttended { call: id("out-1"), replacing: id("out-2") })]
    );
    line.sip(SipEvent::TransferFailed { call: id("out-1"), status: 486 });
    assert_eq!(line.events(), [Event::TransferFailed { call: call(1), reason: TransferFailure { status: 486 } }]);
}

#[test]
fn a_transfer_of_a_call_without_a_dialog_fails_at_once() {
    let mut line = Line::registered();
    line.core.place(call(1));
    line.core.transfer(call(1), Uri::sip("1003", "pbx.test"));
    line.core.transfer_attended(call(1), call(9));
    let failed = Event::TransferFailed { call: call(1), reason: TransferFailure { status: 481 } };
    assert_eq!(line.events(), [failed.clone(), failed]);
    assert_eq!(line.actions(), []);
}

#[test]
fn a_transfer_the_sip_core_refuses_is_told_and_anything_else_is_warned() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.command_refused(Some("out-1"), CommandError::TransferPending);
    assert_eq!(line.events(), [Event::TransferFailed { call: call(1), reason: TransferFailure { status: 491 } }]);
    line.core.command_refused(None, CommandError::UnknownCall);
    assert_eq!(line.actions(), [LineAction::Warn(Warning::CommandRefused(CommandError::UnknownCall))]);
    assert_eq!(line.events(), []);
}

#[test]
fn the_phone_declines_a_refer_on_its_call() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.core.decline_transfer(call(1));
    line.core.decline_transfer(call(5));
    assert_eq!(line.actions(), [sip(Command::DeclineTransfer { call: id("out-1") })], "no dialog, nothing to decline");
}
