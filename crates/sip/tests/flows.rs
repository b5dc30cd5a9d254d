//! Calls and registrations that survive the connection: the WebSocket drops and another opens
//! (RFC 5626 flows), a registrar that is unavailable, a connection that silently died. The
//! in-memory PBX behaves like the project's Kamailio: a Contact is marked with the connection
//! it came over, and requests for a connection that is gone fail with 477.

mod support;

use support::*;

fn config_with_keepalive() -> Config {
    Config { keepalive_ms: 25_000, ..config() }
}

/// Agent 1001 (ua 0) in a call with 1002 (ua 1); 1001's connection drops and a new one opens.
/// Returns the Call-ID, with 1001's events after reconnecting checked.
fn call_across_a_new_connection(w: &mut World) -> CallId {
    let id = w.connected_call();
    w.connection_lost(0);
    assert!(w.take_events(0).is_empty(), "the call stays up while the connection is away");
    w.advance(1_000);
    w.connection_back(0);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }, Event::FlowReplaced { call: id.clone() }]);
    id
}

#[test]
fn without_a_target_refresh_the_far_ends_bye_is_lost() {
    // What the user agent's FlowReplaced prevents: the far end still sends to the old connection.
    let mut w = World::two_agents();
    let id = call_across_a_new_connection(&mut w);
    w.command(1, Command::HangUp { call: id.clone() });
    assert_eq!(w.pbx.undeliverable, [("BYE".to_owned(), 0)]);
    assert!(w.take_events(0).is_empty(), "the agent never hears of the hang-up");
}

#[test]
fn a_reinvite_on_the_new_connection_carries_the_new_contact_and_the_far_ends_bye_arrives() {
    let mut w = World::two_agents();
    let id = call_across_a_new_connection(&mut w);
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 ice-restart\r\n".into() });
    assert_eq!(w.take_events(1), [Event::Reoffered { call: id.clone(), sdp: Some("v=0 ice-restart\r\n".into()) }]);
    let reinvite = w.sent[0].iter().rev().find(|f| f.starts_with("INVITE ")).expect("a re-INVITE").clone();
    assert!(reinvite.contains("\r\nContact: <sip:1001@"), "{reinvite}");
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 answer\r\n".into() });
    assert_eq!(w.take_events(0), [Event::Reanswered { call: id.clone(), sdp: "v=0 answer\r\n".into() }]);

    w.command(1, Command::HangUp { call: id.clone() });
    assert!(w.pbx.undeliverable.is_empty(), "{:?}", w.pbx.undeliverable);
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::Remote }]);
}

#[test]
fn a_second_new_connection_asks_again_and_only_for_calls_still_up() {
    let mut w = World::two_agents();
    let id = call_across_a_new_connection(&mut w);
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 a\r\n".into() });
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 b\r\n".into() });
    w.take_events(0);
    // A registration refresh on the same connection asks for nothing.
    w.advance(400_000);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }]);
    w.connection_lost(0);
    w.connection_back(0);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }, Event::FlowReplaced { call: id.clone() }]);
    w.command(0, Command::HangUp { call: id });
    w.connection_lost(0);
    w.connection_back(0);
    assert_eq!(w.take_events(0).len(), 2, "Ended, then Registered: no call to move");
}

#[test]
fn reinvite_glare_on_the_new_connection_is_retried_and_the_call_moves() {
    let mut w = World::two_agents();
    let id = call_across_a_new_connection(&mut w);
    // The far end puts the call on hold at the moment the agent's re-INVITE goes out: the far
    // end's re-INVITE goes to the old connection (477), the agent's meets the far end's pending
    // offer (491).
    w.hold_to = Some(1);
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 ice-restart\r\n".into() });
    w.command(1, Command::Reinvite { call: id.clone(), sdp: "v=0 far-end hold\r\n".into() });
    w.release_held();
    assert_eq!(w.count_sent(1, "SIP/2.0 491"), 1);
    assert_eq!(w.take_events(1), [Event::ReinviteFailed { call: id.clone(), status: 477 }]);
    // The agent offers again after its random wait (2.1 to 4 s); this time it goes through.
    w.advance(4_000);
    assert_eq!(w.take_events(1), [Event::Reoffered { call: id.clone(), sdp: Some("v=0 ice-restart\r\n".into()) }]);
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 answer\r\n".into() });
    assert_eq!(w.take_events(0), [Event::Reanswered { call: id.clone(), sdp: "v=0 answer\r\n".into() }]);
    w.command(1, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::Remote }]);
}

#[test]
fn a_hang_up_during_the_outage_reaches_the_far_end_once_connected_again() {
    let mut w = World::two_agents();
    let id = w.connected_call();
    w.connection_lost(0);
    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call: id.clone(), reason: EndReason::Local }]);
    assert!(w.take_events(1).is_empty());
    w.connection_back(0);
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::Remote }]);
}

#[test]
fn a_call_being_placed_when_the_connection_drops_ends_and_is_cancelled_at_the_far_end() {
    let mut w = World::two_agents();
    let id = w.call();
    assert!(matches!(w.take_events(1).as_slice(), [Event::IncomingCall { .. }]));
    w.connection_lost(0);
    assert_eq!(
        w.take_events(0),
        [Event::Ended { call: id.clone(), reason: EndReason::Failed(CallFailure::ConnectionLost) }]
    );
    w.connection_back(0);
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::CallerCancelled }]);
}

#[test]
fn a_registrar_that_is_unavailable_says_when_to_try_again_and_the_next_connection_registers() {
    let mut w = World::new(1);
    w.pbx.refuse_register = Some((503, Some(30)));
    w.register(0, "1001", "pw1001");
    match w.take_events(0).as_slice() {
        [Event::RegistrationFailed { failure: RegistrationFailure::Refused { status: 503 }, retry_after: Some(30) }] => {}
        other => panic!("expected a 503 with Retry-After, got {other:?}"),
    }
    // The app moves to the next server: a new connection, which registers by itself.
    w.pbx.refuse_register = None;
    w.connection_lost(0);
    w.connection_back(0);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }]);
}

#[test]
fn a_registrar_that_never_answers_fails_the_registration_without_a_status() {
    let mut w = World::new(1);
    w.pbx.silent = true;
    w.register(0, "1001", "pw1001");
    w.advance(32_000);
    match w.take_events(0).as_slice() {
        [Event::RegistrationFailed { failure: RegistrationFailure::NoResponse, retry_after: None }] => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn a_connection_that_stops_answering_pings_is_reported_dead() {
    let mut w = World::two_agents_with(config_with_keepalive());
    w.advance(25_000);
    assert_eq!(w.count_sent(0, "\r\n\r\n"), 1, "a CRLF ping after 25 s");
    w.advance(20_000);
    assert!(w.take_events(0).is_empty(), "the PBX answered");
    w.pbx.silent = true;
    w.advance(14_000);
    assert!(w.take_events(0).is_empty(), "a ping is out; 10 s to answer");
    w.advance(2_000);
    assert_eq!(w.take_events(0), [Event::FlowFailed]);
}

#[test]
fn a_pbx_that_never_answers_pings_is_not_taken_for_dead() {
    let mut w = World::two_agents_with(config_with_keepalive());
    w.pbx.pongs = false;
    w.advance(200_000);
    assert!(w.count_sent(0, "\r\n\r\n") >= 7);
    assert!(!w.take_events(0).contains(&Event::FlowFailed));
}

#[test]
fn a_check_after_waking_up_probes_the_connection() {
    // A connection known to answer pings gets a ping; the PBX stopped answering: dead in 10 s.
    let mut w = World::two_agents_with(config_with_keepalive());
    w.advance(25_000);
    w.pbx.silent = true;
    w.command(0, Command::CheckFlow { reregister: false });
    w.advance(9_000);
    assert!(w.take_events(0).is_empty());
    w.advance(1_000);
    assert_eq!(w.take_events(0), [Event::FlowFailed]);

    // A connection that never answered a ping is probed by refreshing the registration.
    let mut w = World::two_agents();
    let before = w.pbx.registers;
    w.command(0, Command::CheckFlow { reregister: false });
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }]);
    assert!(w.pbx.registers > before);
    w.advance(20_000);
    assert!(w.take_events(0).is_empty(), "it answered: alive");
}

#[test]
fn a_check_after_a_sleep_registers_again_even_when_pings_are_answered() {
    let mut w = World::two_agents_with(config_with_keepalive());
    w.advance(25_000);
    let before = w.pbx.registers;
    w.command(0, Command::CheckFlow { reregister: true });
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }]);
    assert!(w.pbx.registers > before);
    assert_eq!(w.count_sent(0, "\r\n\r\n"), 2, "the keep-alive and the probe");
}
