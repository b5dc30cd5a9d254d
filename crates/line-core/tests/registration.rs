//! The registration and the connection under it: the phone hears of a registration it did not
//! have, not of every refresh; a refusal another PBX (or a later try) may cure is retried without
//! telling the agent their credentials are wrong, while a final one is told; a connection that
//! drops or is replaced is the browser's to mend.

mod support;

use support::*;

#[test]
fn registered_is_told_once_not_on_refreshes() {
    let mut line = Line::new();
    line.sip(SipEvent::Registered { expires: 600 });
    assert_eq!(line.events(), [Event::Registered]);
    assert_eq!(line.actions(), [LineAction::RegistrarAccepted, LineAction::PrepareSpare], "the first call's offer is made ahead");
    line.sip(SipEvent::Registered { expires: 600 });
    assert_eq!(line.events(), [], "a refresh is nothing new");
    assert_eq!(line.actions(), [LineAction::RegistrarAccepted], "the connection is good all the same");
}

#[test]
fn a_transient_refusal_retries_quietly_while_a_final_one_is_told() {
    let mut line = Line::new();
    let busy = RegistrationFailure::Refused { status: 503 };
    line.sip(SipEvent::RegistrationFailed { failure: busy.clone(), retry_after: Some(30) });
    assert_eq!(line.events(), [Event::ConnectionLost { problem: ConnectionProblem::RegistrarRefused(busy.clone()), retry_in_s: None }]);
    assert_eq!(line.actions(), [LineAction::TryAnotherRegistrar { failure: busy, retry_after_s: Some(30) }]);

    line.sip(SipEvent::RegistrationFailed { failure: RegistrationFailure::NoResponse, retry_after: None });
    assert!(matches!(line.actions().as_slice(), [LineAction::TryAnotherRegistrar { .. }]), "no answer: another PBX may answer");
    line.take();

    let wrong_password = RegistrationFailure::Refused { status: 401 };
    line.sip(SipEvent::RegistrationFailed { failure: wrong_password.clone(), retry_after: None });
    assert_eq!(line.events(), [Event::RegistrationFailed(wrong_password)]);
    assert_eq!(line.actions(), [], "no other PBX knows a better password");
}

#[test]
fn server_errors_and_silence_are_retried_elsewhere_but_a_wrong_password_is_final() {
    assert!(is_transient(Some(503)));
    assert!(is_transient(Some(500)));
    assert!(is_transient(None));
    assert!(!is_transient(Some(401)));
    assert!(!is_transient(Some(403)));
    assert!(!is_transient(Some(404)));
}

#[test]
fn a_dropped_connection_is_told_if_we_were_registered_and_the_next_registration_is_told_again() {
    let mut line = Line::registered();
    let problem = ConnectionProblem::Closed { url: "wss://pbx.test".into(), code: 1006 };
    line.core.connection_down(problem.clone(), Some(2));
    assert_eq!(line.events(), [Event::ConnectionLost { problem: problem.clone(), retry_in_s: Some(2) }]);
    line.core.connection_down(problem, Some(4));
    assert_eq!(line.events(), [], "still down: told once");
    line.sip(SipEvent::Registered { expires: 600 });
    assert_eq!(line.events(), [Event::Registered], "back");
}

#[test]
fn a_connection_that_never_registered_drops_quietly() {
    let mut line = Line::new();
    line.core.connection_down(ConnectionProblem::Unresponsive, Some(1));
    assert_eq!(line.events(), []);
}

#[test]
fn a_replaced_connection_moves_each_call_on_it() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(SipEvent::FlowReplaced { call: id("out-1") });
    line.sip(SipEvent::FlowReplaced { call: id("gone") });
    assert_eq!(line.actions(), [LineAction::MoveCall { call: call(1) }], "a call the line let go of is not moved");
    assert_eq!(line.events(), []);
}

#[test]
fn a_dead_connection_is_replaced_and_an_unregistration_closes_it() {
    let mut line = Line::registered();
    line.sip(SipEvent::FlowFailed);
    line.sip(SipEvent::Unregistered);
    assert_eq!(line.actions(), [LineAction::Reconnect, LineAction::Close]);
    assert_eq!(line.events(), []);
}

#[test]
fn signing_out_forgets_the_calls_and_the_registration() {
    let mut line = Line::with_call_up(call(1), "out-1");
    line.sip(incoming("in-2", None));
    line.take();
    line.core.sign_out();
    assert!(line.core.is_idle());
    line.sip(SipEvent::Ended { call: id("out-1"), reason: SipEnd::Remote });
    assert_eq!(line.events(), [], "the call is no longer the line's");
    line.core.ring(call(2), "in-2");
    assert_eq!(line.events(), [Event::CallEnded { call: call(2), reason: EndReason::Missed }], "nor the call ringing in");
    line.sip(SipEvent::Registered { expires: 600 });
    assert_eq!(line.events(), [Event::Registered], "signing in again is told");
}

#[test]
fn a_frame_the_pbx_garbled_is_only_a_console_line() {
    let mut line = Line::registered();
    line.sip(SipEvent::Dropped { reason: sip::DropReason::UnmatchableResponse });
    assert_eq!(line.actions(), [LineAction::Warn(Warning::Dropped(sip::DropReason::UnmatchableResponse))]);
    assert_eq!(line.events(), []);
}

#[test]
fn the_browsers_news_is_told_in_order_with_the_cores() {
    let mut line = Line::new();
    line.sip(SipEvent::Registered { expires: 600 });
    line.core.report(Event::MicrophonesFound(Vec::new()));
    assert_eq!(line.core.take_events(), [Event::Registered, Event::MicrophonesFound(Vec::new())]);
    assert_eq!(line.core.poll_event(), None, "nothing is told twice");
}
