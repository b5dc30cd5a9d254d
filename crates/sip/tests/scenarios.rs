//! Two user agents and a small in-memory registrar/proxy, with time advanced by hand: the
//! scenarios an agent lives through, checked from the events each side reports.

mod support;

use support::*;

#[test]
fn register_answers_the_challenge_and_refreshes_before_expiry() {
    let mut w = World::new(1);
    w.pbx.grant = Some(300);
    w.register(0, "1001", "pw1001");
    assert_eq!(w.take_events(0), [Event::Registered { expires: 300 }]);
    assert_eq!(w.pbx.registers, 2, "one challenge, one authenticated REGISTER");
    let first = w.sent[0].iter().find(|f| f.contains("Authorization")).expect("an authenticated REGISTER").clone();
    assert!(first.contains("algorithm=SHA-256"), "the strongest challenge is answered");
    assert!(first.contains("+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-000000000001>\";reg-id=1"));
    assert!(first.contains(";ob>"), "RFC 5626 outbound contact");
    assert!(!first.contains("pw1001"), "the password never goes on the wire");

    // A third of the lifetime early (at least 90 s): room for a hidden tab's throttled timer.
    w.advance(199_000);
    assert!(w.take_events(0).is_empty(), "no refresh before 200 s");
    w.advance(2_000);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 300 }]);
    assert_eq!(w.pbx.registers, 4);
}

#[test]
fn a_wrong_password_is_reported_once_and_not_retried() {
    let mut w = World::new(1);
    w.register(0, "1001", "wrong");
    assert_eq!(
        w.take_events(0),
        [Event::RegistrationFailed { failure: RegistrationFailure::Refused { status: 401 }, retry_after: None }]
    );
    let before = w.pbx.registers;
    w.advance(600_000);
    assert_eq!(w.pbx.registers, before, "no loop");
    assert!(!w.uas[0].is_registered());
}

#[test]
fn interval_too_brief_is_retried_with_min_expires() {
    let mut w = World::new(1);
    w.pbx.min_expires = 1200;
    w.register(0, "1001", "pw1001");
    assert_eq!(w.take_events(0), [Event::Registered { expires: 1200 }]);
    assert!(w.sent[0].last().is_some_and(|f| f.contains("Expires: 1200")));
}

#[test]
fn unregister_removes_the_binding() {
    let mut w = World::two_agents();
    w.command(0, Command::Unregister);
    assert_eq!(w.take_events(0), [Event::Unregistered]);
    assert!(w.sent[0].last().is_some_and(|f| f.contains("Expires: 0")));
}

#[test]
fn a_call_is_set_up_through_the_proxy_and_the_caller_hangs_up() {
    let mut w = World::two_agents();
    let id = w.call();
    let incoming = w.take_events(1);
    match incoming.as_slice() {
        [Event::IncomingCall { call, number, display_name, sdp, replaces: None }] => {
            assert_eq!((call, number.as_str(), display_name.as_str(), sdp.as_deref()), (&id, "1001", "Agent", Some("v=0 offer\r\n")));
        }
        other => panic!("expected one incoming call, got {other:?}"),
    }
    assert!(w.sent[0].iter().any(|f| f.starts_with("INVITE") && f.contains("Proxy-Authorization")), "the 407 was answered");
    w.command(1, Command::Ring { call: id.clone() });
    assert_eq!(w.take_events(0), [Event::Ringing { call: id.clone() }]);
    w.command(1, Command::Answer { call: id.clone(), sdp: "v=0 answer\r\n".into() });
    assert_eq!(w.take_events(0), [Event::Answered { call: id.clone(), sdp: "v=0 answer\r\n".into() }]);
    assert_eq!(w.take_events(1), [Event::Confirmed { call: id.clone() }]);
    let ack = w.sent[0].iter().rev().find(|f| f.starts_with("ACK")).expect("ACK sent");
    assert!(ack.contains(&format!("Route: <sip:{PROXY};lr>")), "in-dialog requests follow the route set");

    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call: id.clone(), reason: EndReason::Local }]);
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::Remote }]);
}

#[test]
fn the_callee_hangs_up() {
    let mut w = World::two_agents();
    let id = w.connected_call();
    w.command(1, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call: id.clone(), reason: EndReason::Remote }]);
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::Local }]);
}

#[test]
fn busy_and_declined_reach_the_caller() {
    for (busy, reason) in [(true, EndReason::Busy), (false, EndReason::Declined)] {
        let mut w = World::two_agents();
        let id = w.call();
        w.command(1, Command::Decline { call: id.clone(), busy });
        assert_eq!(w.take_events(0), [Event::Ended { call: id.clone(), reason }]);
        assert!(w.sent[1].iter().any(|f| f.starts_with(if busy { "SIP/2.0 486" } else { "SIP/2.0 603" })));
    }
}

#[test]
fn the_caller_cancels_before_an_answer() {
    let mut w = World::two_agents();
    let id = w.call();
    w.take_events(1);
    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(1), [Event::Ended { call: id.clone(), reason: EndReason::CallerCancelled }]);
    assert_eq!(w.take_events(0), [Event::Ended { call: id, reason: EndReason::Local }]);
    assert!(w.sent[1].iter().any(|f| f.starts_with("SIP/2.0 487")), "the INVITE ends with 487");
}

#[test]
fn a_cancel_saying_another_device_answered_is_not_a_missed_call() {
    let mut w = World::two_agents();
    w.pbx.cancel_reason = Some("SIP ;cause=200 ;text=\"Call completed elsewhere\"");
    let id = w.call();
    w.take_events(1);
    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::AnsweredElsewhere }]);
    assert!(w.sent[1].iter().any(|f| f.starts_with("SIP/2.0 487")), "the INVITE still ends with 487");
}

#[test]
fn a_cancel_racing_the_answer_ends_the_call_with_a_bye() {
    let mut w = World::two_agents();
    let id = w.call();
    w.take_events(1);
    // The callee answers, but its 200 is still on the way when the caller gives up.
    w.hold_to = Some(0);
    w.command(1, Command::Answer { call: id.clone(), sdp: "v=0 answer\r\n".into() });
    w.command(0, Command::HangUp { call: id.clone() });
    w.release_held();
    assert_eq!(w.take_events(0), [Event::Ended { call: id.clone(), reason: EndReason::Local }]);
    let callee = w.take_events(1);
    assert!(callee.contains(&Event::Ended { call: id.clone(), reason: EndReason::Remote }), "{callee:?}");
    assert!(w.sent[0].iter().any(|f| f.starts_with("BYE")));
}

#[test]
fn hold_and_resume_by_reinvite() {
    let mut w = World::two_agents();
    let id = w.connected_call();
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 a=sendonly\r\n".into() });
    assert_eq!(w.take_events(1), [Event::Reoffered { call: id.clone(), sdp: Some("v=0 a=sendonly\r\n".into()) }]);
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 a=recvonly\r\n".into() });
    assert_eq!(w.take_events(0), [Event::Reanswered { call: id.clone(), sdp: "v=0 a=recvonly\r\n".into() }]);
    w.advance(10_000);
    assert!(w.take_events(1).is_empty(), "the 200 was ACKed: no retransmission, no failure");
}

#[test]
fn reinvite_glare_is_resolved_by_491_and_a_later_retry() {
    let mut w = World::two_agents();
    let id = w.connected_call();
    // Both sides put the call on hold at the same moment: the two re-INVITEs cross.
    w.hold_all = true;
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 from-0\r\n".into() });
    w.command(1, Command::Reinvite { call: id.clone(), sdp: "v=0 from-1\r\n".into() });
    w.release_held();
    assert_eq!(w.sent[0].iter().chain(&w.sent[1]).filter(|f| f.starts_with("SIP/2.0 491")).count(), 2, "both get 491");
    // Each retries after its own random wait; whoever is offered to answers.
    let mut all = Vec::new();
    for _ in 0..6 {
        w.advance(2_000);
        for ua in 0..2 {
            for e in w.take_events(ua) {
                if let Event::Reoffered { call, .. } = &e {
                    w.command(ua, Command::AnswerReinvite { call: call.clone(), sdp: format!("v=0 ans-{ua}\r\n") });
                }
                all.push((ua, e));
            }
        }
    }
    let reoffered: Vec<(usize, String)> = all.iter().filter_map(|(ua, e)| match e {
        Event::Reoffered { sdp, .. } => Some((*ua, sdp.clone().unwrap_or_default())),
        _ => None,
    }).collect();
    assert!(reoffered.contains(&(0, "v=0 from-1\r\n".into())) && reoffered.contains(&(1, "v=0 from-0\r\n".into())), "{all:?}");
    assert_eq!(all.iter().filter(|(_, e)| matches!(e, Event::Reanswered { .. })).count(), 2, "{all:?}");
}

#[test]
fn dtmf_by_sip_info() {
    let mut w = World::two_agents();
    let id = w.connected_call();
    for d in ['5', '#'] {
        w.command(0, Command::SendDtmf { call: id.clone(), digit: d, duration_ms: 160 });
    }
    let infos = w.count_sent(0, "INFO");
    assert_eq!(w.try_command(0, Command::SendDtmf { call: id.clone(), digit: 'x', duration_ms: 160 }), Err(CommandError::NotADigit));
    assert_eq!(w.count_sent(0, "INFO"), infos, "nothing was sent");
    assert_eq!(w.take_events(1), [Event::Dtmf { call: id.clone(), digit: '5' }, Event::Dtmf { call: id, digit: '#' }]);
}

#[test]
fn a_dropped_connection_registers_again_when_it_is_back() {
    let mut w = World::two_agents();
    w.input(0, Input::TransportDown);
    assert!(!w.uas[0].is_registered());
    w.advance(5_000);
    w.input(0, Input::TransportUp);
    assert_eq!(w.take_events(0), [Event::Registered { expires: 600 }]);
    // Calls reach the agent on the new connection.
    w.place(1, NewCall::Dial { target: Uri::sip("1001", DOMAIN), sdp: "v=0\r\n".into() });
    assert!(w.take_events(0).iter().any(|e| matches!(e, Event::IncomingCall { .. })));
}

#[test]
fn a_pbx_that_stops_answering_fails_calls_and_registrations_after_32_seconds() {
    let mut w = World::two_agents();
    w.pbx.silent = true;
    let id = w.call();
    w.advance(31_000);
    assert!(w.take_events(0).is_empty());
    w.advance(2_000);
    assert_eq!(
        w.take_events(0),
        [Event::Ended { call: id, reason: EndReason::Failed(CallFailure::NoResponse) }]
    );
}

#[test]
fn options_is_answered_and_garbage_is_dropped() {
    let mut ua = UserAgent::new(config(), Box::new(Rng(7)));
    ua.handle_input(Instant::from_millis(0), Input::TransportUp);
    let options = "OPTIONS sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS proxy.test;branch=z9hG4bK1\r\nFrom: <sip:p@proxy.test>;tag=a\r\nTo: <sip:1001@x.invalid>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    ua.handle_input(Instant::from_millis(0), Input::Frame(options.as_bytes()));
    match ua.poll_output() {
        Some(Output::Transmit(f)) => assert!(f.starts_with(b"SIP/2.0 200 OK") && String::from_utf8_lossy(&f).contains("Allow: INVITE")),
        other => panic!("expected a 200, got {other:?}"),
    }
    ua.handle_input(Instant::from_millis(0), Input::Frame(b"\x00\xffnot sip"));
    assert!(matches!(ua.poll_output(), Some(Output::Event(Event::Dropped { .. }))));
    ua.handle_input(Instant::from_millis(0), Input::Frame(b"\r\n\r\n"));
    assert_eq!(ua.poll_output(), None, "keep-alive CRLFs are not messages");
    let no_cseq = "BYE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p;branch=z9hG4bK2\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\n\r\n";
    ua.handle_input(Instant::from_millis(0), Input::Frame(no_cseq.as_bytes()));
    assert!(matches!(ua.poll_output(), Some(Output::Transmit(f)) if f.starts_with(b"SIP/2.0 400")));
}

#[test]
fn incoming_caller_identity_prefers_p_asserted_identity() {
    let mut ua = UserAgent::new(config(), Box::new(Rng(9)));
    let invite = "INVITE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p;branch=z9hG4bK3\r\nFrom: \"Unknown\" <sip:anonymous@pbx.test>;tag=f\r\nTo: <sip:1001@pbx.test>\r\nP-Asserted-Identity: \"Grace Hopper\" <sip:+12125550134@pbx.test>\r\nCall-ID: in1\r\nCSeq: 1 INVITE\r\nContact: <sip:g@y.invalid;transport=ws>\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n";
    ua.handle_input(Instant::from_millis(0), Input::Frame(invite.as_bytes()));
    let mut events = Vec::new();
    while let Some(o) = ua.poll_output() {
        if let Output::Event(e) = o {
            events.push(e);
        }
    }
    assert_eq!(
        events,
        [Event::IncomingCall { call: "in1".into(), number: "+12125550134".into(), display_name: "Grace Hopper".into(), sdp: Some("v=0\r\n".into()), replaces: None }]
    );
}

#[test]
fn blind_transfer_hands_the_far_end_to_the_target_and_ends_our_call() {
    // 1001 talks to 1002, then transfers 1002 to 1003 without consulting.
    let mut w = World::three_agents();
    let call = w.connected_call();
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    let requested = w.take_events(1);
    assert_eq!(requested, [Event::TransferRequested { call: call.clone(), target: Uri::sip("1003", DOMAIN) }]);
    assert!(w.sent[1].iter().any(|f| f.starts_with("SIP/2.0 202")), "REFER accepted");

    let new = w.place(1, NewCall::Referred { call: call.clone(), sdp: "v=0 second offer\r\n".into() });
    let invite = w.sent[1].iter().rev().find(|f| f.starts_with("INVITE sip:1003")).expect("INVITE to the target");
    assert!(invite.contains("Referred-By: <sip:1001@pbx.test>"), "{invite}");
    match w.take_events(2).as_slice() {
        [Event::IncomingCall { call, number, replaces: None, .. }] => assert_eq!((call, number.as_str()), (&new, "1002")),
        other => panic!("expected the transferred call at 1003, got {other:?}"),
    }
    assert_eq!(w.take_events(0), [Event::TransferProgress { call: call.clone(), status: 100 }]);

    w.command(2, Command::Ring { call: new.clone() });
    assert_eq!(w.take_events(0), [Event::TransferProgress { call: call.clone(), status: 180 }]);
    w.command(2, Command::Answer { call: new.clone(), sdp: "v=0 answer 3\r\n".into() });
    assert_eq!(
        w.take_events(0),
        [Event::TransferProgress { call: call.clone(), status: 200 }, Event::Ended { call: call.clone(), reason: EndReason::Transferred }]
    );
    let transferee = w.take_events(1);
    assert!(transferee.contains(&Event::Answered { call: new.clone(), sdp: "v=0 answer 3\r\n".into() }), "{transferee:?}");
    assert!(transferee.contains(&Event::Ended { call, reason: EndReason::Remote }), "{transferee:?}");
    let notify = w.sent[1].iter().rev().find(|f| f.starts_with("NOTIFY")).expect("NOTIFY");
    assert!(notify.contains("Event: refer") && notify.contains("Subscription-State: terminated") && notify.ends_with("SIP/2.0 200 OK\r\n"), "{notify}");
}

#[test]
fn a_transfer_the_far_end_declines_leaves_the_call_up() {
    let mut w = World::three_agents();
    let call = w.connected_call();
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    w.take_events(1);
    w.command(1, Command::DeclineTransfer { call: call.clone() });
    assert_eq!(w.take_events(0), [Event::TransferFailed { call: call.clone(), status: 603 }]);
    // The call goes on: the caller can still hang it up normally.
    w.command(0, Command::HangUp { call: call.clone() });
    assert_eq!(w.take_events(1), [Event::Ended { call, reason: EndReason::Remote }]);
}

#[test]
fn a_transfer_to_a_target_that_is_busy_fails_back_to_the_transferor() {
    let mut w = World::three_agents();
    let call = w.connected_call();
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    w.take_events(1);
    let new = w.place(1, NewCall::Referred { call: call.clone(), sdp: "v=0\r\n".into() });
    w.command(2, Command::Decline { call: new, busy: true });
    assert_eq!(
        w.take_events(0),
        [Event::TransferProgress { call: call.clone(), status: 100 }, Event::TransferFailed { call: call.clone(), status: 486 }]
    );
    assert!(w.uas[0].poll_timeout().is_none_or(|t| t > w.now), "nothing pending");
    w.command(1, Command::HangUp { call: call.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call, reason: EndReason::Remote }]);
}

#[test]
fn attended_transfer_replaces_the_consultation_call() {
    // 1001 talks to 1002 (call one), consults 1003 (call two), then joins 1002 to 1003.
    let mut w = World::three_agents();
    let one = w.connected_call_between(0, 1, "1002");
    let two = w.connected_call_between(0, 2, "1003");
    w.command(0, Command::TransferAttended { call: one.clone(), replacing: two.clone() });
    let refer = w.sent[0].iter().rev().find(|f| f.starts_with("REFER")).expect("REFER").clone();
    assert!(refer.contains("?Replaces="), "{refer}");
    match w.take_events(1).as_slice() {
        [Event::TransferRequested { call, target }] => assert_eq!((call, target), (&one, &Uri::sip("1003", DOMAIN))),
        other => panic!("{other:?}"),
    }
    let new = w.place(1, NewCall::Referred { call: one.clone(), sdp: "v=0 from 1002\r\n".into() });
    let invite = w.sent[1].iter().rev().find(|f| f.starts_with("INVITE")).expect("INVITE");
    assert!(invite.contains(&format!("Replaces: {two};to-tag=")), "{invite}");
    match w.take_events(2).as_slice() {
        [Event::IncomingCall { call, replaces, .. }] => assert_eq!((call, replaces), (&new, &Some(two.clone()))),
        other => panic!("{other:?}"),
    }
    w.command(2, Command::Answer { call: new.clone(), sdp: "v=0 from 1003\r\n".into() });
    // 1003 hangs up the consultation call it replaced; 1001 is told the transfer worked.
    assert!(w.take_events(2).contains(&Event::Ended { call: two.clone(), reason: EndReason::Replaced }));
    let transferor = w.take_events(0);
    assert!(transferor.contains(&Event::Ended { call: two, reason: EndReason::Remote }), "{transferor:?}");
    assert!(transferor.contains(&Event::Ended { call: one.clone(), reason: EndReason::Transferred }), "{transferor:?}");
    let transferee = w.take_events(1);
    assert!(transferee.contains(&Event::Answered { call: new, sdp: "v=0 from 1003\r\n".into() }), "{transferee:?}");
    assert!(transferee.contains(&Event::Ended { call: one, reason: EndReason::Remote }), "{transferee:?}");
}

#[test]
fn an_invite_replacing_an_unknown_call_is_refused_with_481() {
    let mut w = World::three_agents();
    let _talking = w.connected_call();
    let mut ua = UserAgent::new(config(), Box::new(Rng(3)));
    let invite = "INVITE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p;branch=z9hG4bK9\r\nFrom: <sip:1002@pbx.test>;tag=f\r\nTo: <sip:1001@pbx.test>\r\nCall-ID: new1\r\nCSeq: 1 INVITE\r\nContact: <sip:1002@y.invalid;transport=ws>\r\nReplaces: nosuchcall;to-tag=a;from-tag=b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n";
    ua.handle_input(Instant::from_millis(0), Input::Frame(invite.as_bytes()));
    let mut frames = Vec::new();
    while let Some(o) = ua.poll_output() {
        assert!(!matches!(o, Output::Event(Event::IncomingCall { .. })), "no call is offered");
        if let Output::Transmit(f) = o {
            frames.push(String::from_utf8(f).expect("UTF-8"));
        }
    }
    assert!(frames.iter().any(|f| f.starts_with("SIP/2.0 481")), "{frames:?}");
}

fn timer_config(seconds: u32) -> Config {
    Config { session_expires: seconds, ..config() }
}

#[test]
fn the_caller_refreshes_the_session_with_update_at_half_the_interval() {
    let mut w = World::two_agents_with(timer_config(120));
    let id = w.connected_call();
    let ok = w.sent[1].iter().rev().find(|f| f.starts_with("SIP/2.0 200") && f.contains("CSeq: ") && f.contains("INVITE")).expect("200 to INVITE");
    assert!(ok.contains("Session-Expires: 120;refresher=uac") && ok.contains("Require: timer"), "{ok}");

    w.advance(59_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 0, "no refresh before half the interval");
    w.advance(2_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 1, "refreshed at 60 s");
    // Ten minutes later the call is still up, refreshed every minute, and nobody was bothered.
    w.advance(600_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 11);
    let calls_events = |events: Vec<Event>| events.into_iter().filter(|e| !matches!(e, Event::Registered { .. })).collect::<Vec<_>>();
    assert_eq!(calls_events(w.take_events(0)), []);
    assert_eq!(calls_events(w.take_events(1)), []);
    w.command(0, Command::HangUp { call: id.clone() });
    assert_eq!(w.take_events(1), [Event::Ended { call: id, reason: EndReason::Remote }]);
}

#[test]
fn a_session_nobody_refreshes_is_ended_before_it_expires() {
    let mut w = World::two_agents_with(timer_config(120));
    let id = w.connected_call();
    // The caller's refreshes stop reaching anyone (its network died without a BYE).
    w.pbx.silent = true;
    w.advance(87_000);
    assert!(w.take_events(1).is_empty(), "not before 120 - 32 s");
    w.advance(2_000);
    assert_eq!(
        w.take_events(1),
        [Event::Ended { call: id.clone(), reason: EndReason::Failed(CallFailure::SessionExpired) }]
    );
    w.advance(60_000);
    assert_eq!(
        w.take_events(0),
        [Event::Ended { call: id, reason: EndReason::Failed(CallFailure::RefreshUnanswered) }]
    );
}

#[test]
fn a_session_interval_too_small_is_raised_to_the_min_se_asked_for() {
    let mut w = World::two_agents_with(timer_config(90));
    w.pbx.min_se = Some(300);
    w.connected_call();
    let invites: Vec<&String> = w.sent[0].iter().filter(|f| f.starts_with("INVITE")).collect();
    assert!(invites.last().is_some_and(|f| f.contains("Session-Expires: 300")), "{invites:?}");
    assert!(w.sent[1].iter().any(|f| f.starts_with("SIP/2.0 200") && f.contains("Session-Expires: 300;refresher=uac")));
}

#[test]
fn a_hold_restarts_the_session_interval() {
    let mut w = World::two_agents_with(timer_config(120));
    let id = w.connected_call();
    // A hold at 50 s restarts the interval: the next refresh is due at 110 s, not 60 s.
    w.advance(50_000);
    w.command(0, Command::Reinvite { call: id.clone(), sdp: "v=0 hold\r\n".into() });
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 held\r\n".into() });
    w.take_events(0);
    w.advance(59_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 0);
    w.advance(2_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 1);
}

#[test]
fn without_update_the_refresh_is_a_reinvite_the_app_never_sees() {
    let mut w = World::two_agents_with(timer_config(120));
    w.pbx.hide_update = true;
    let id = w.connected_call();
    w.advance(61_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 0);
    let refresh = w.sent[0].iter().rev().find(|f| f.starts_with("INVITE")).expect("a refresh re-INVITE");
    assert!(refresh.contains("Session-Expires: 120;refresher=uac") && refresh.ends_with("v=0 offer\r\n"), "the same offer again: {refresh}");
    // The callee's app answers it like any re-INVITE; the caller's app hears nothing of it.
    match w.take_events(1).as_slice() {
        [Event::Reoffered { call, sdp }] => assert_eq!((call, sdp.as_deref()), (&id, Some("v=0 offer\r\n"))),
        other => panic!("{other:?}"),
    }
    w.command(1, Command::AnswerReinvite { call: id.clone(), sdp: "v=0 answer\r\n".into() });
    assert!(w.take_events(0).is_empty());
    assert_eq!(w.count_sent(0, "ACK"), 2, "the refresh was ACKed");
}

#[test]
fn an_update_refused_with_501_is_retried_at_once_as_a_reinvite() {
    let mut w = World::two_agents_with(timer_config(120));
    w.pbx.refuse_update = true;
    let id = w.connected_call();
    w.advance(61_000);
    assert_eq!(w.count_sent(0, "UPDATE"), 1);
    assert!(w.sent[0].last().is_some_and(|f| f.starts_with("INVITE")), "the refresh went out again as a re-INVITE");
    assert!(matches!(w.take_events(1).as_slice(), [Event::Reoffered { call, .. }] if *call == id));
}

#[test]
fn a_transfer_the_far_end_accepts_but_never_reports_on_fails_after_two_minutes() {
    let mut w = World::three_agents();
    let call = w.connected_call();
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    assert!(matches!(w.take_events(1).as_slice(), [Event::TransferRequested { .. }]));
    // The far end's app never answers the request: no NOTIFY ever comes.
    w.advance(119_000);
    assert_eq!(w.take_events(0), []);
    w.advance(2_000);
    assert_eq!(w.take_events(0), [Event::TransferFailed { call: call.clone(), status: 408 }]);
    // The call is still up and a new transfer may be tried: it goes out (this far end, still
    // sitting on the first request, refuses it with 491).
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    assert_eq!(w.count_sent(0, "REFER"), 2);
    assert_eq!(w.take_events(0), [Event::TransferFailed { call, status: 491 }]);
}
