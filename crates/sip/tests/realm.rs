//! A registrar that challenges for a realm other than the configured SIP domain gets no answer:
//! the password is never hashed for it, and the agent is told why.

use sip::message::{parse, Message, Response};
use sip::auth::ForeignRealm;
use sip::{Command, Config, Credentials, Event, Input, Instant, Output, RegistrationFailure, UserAgent};

mod support;

use support::{config, Rng};

fn agent() -> UserAgent {
    UserAgent::new(Config { domain: "pbx.acme.example".into(), ..config() }, Box::new(Rng(1)))
}

/// Everything the user agent has to say: frames sent and events.
fn drain(ua: &mut UserAgent) -> (Vec<String>, Vec<Event>) {
    let (mut frames, mut events) = (Vec::new(), Vec::new());
    while let Some(out) = ua.poll_output() {
        match out {
            Output::Transmit(f) => frames.push(String::from_utf8(f).expect("UTF-8")),
            Output::Event(e) => events.push(e),
        }
    }
    (frames, events)
}

/// Registers, answers the first REGISTER with a 401 naming `realms`, returns what followed.
fn challenged_by(realms: &[&str]) -> (Vec<String>, Vec<Event>) {
    let mut ua = agent();
    ua.handle_input(Instant::from_millis(0), Input::TransportUp);
    let _ = ua.command(Instant::from_millis(0), Command::Register(Credentials { user: "1001".into(), password: "secret".into() }));
    let (frames, _) = drain(&mut ua);
    let register = frames.iter().find(|f| f.starts_with("REGISTER")).expect("a REGISTER");
    let Ok(Message::Request(req)) = parse(register.as_bytes()) else { panic!("a valid REGISTER") };
    let mut challenge = Response::for_request_std(&req, 401);
    for realm in realms {
        challenge.headers.push("WWW-Authenticate", format!("Digest realm=\"{realm}\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256"));
    }
    let bytes = challenge.to_bytes();
    ua.handle_input(Instant::from_millis(10), Input::Frame(&bytes));
    drain(&mut ua)
}

#[test]
fn a_challenge_for_another_realm_is_refused_and_the_agent_told_why() {
    let (frames, events) = challenged_by(&["evil.example"]);
    assert!(frames.iter().all(|f| !f.contains("Authorization")), "no digest answer was sent: {frames:?}");
    assert_eq!(
        events,
        [Event::RegistrationFailed {
            failure: RegistrationFailure::ForeignRealm {
                status: 401,
                realm: ForeignRealm { offered: "evil.example".into(), expected: "pbx.acme.example".into() }
            },
            retry_after: None,
        }]
    );
}

#[test]
fn the_configured_domain_is_answered_even_beside_a_foreign_realm() {
    let (frames, events) = challenged_by(&["evil.example", "PBX.acme.example"]);
    let answer = frames.iter().find(|f| f.contains("Authorization")).expect("the domain's challenge is answered");
    assert!(answer.contains("realm=\"PBX.acme.example\""), "{answer}");
    assert!(events.is_empty(), "{events:?}");
}
