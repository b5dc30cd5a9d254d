//! A registered user agent with a call in progress, fed arbitrary frames (split at 0xFF bytes)
//! and time: it must never panic, whatever arrives. It does what the app would be asked to,
//! so more states are reached; how it answers depends on the input's length (the fuzzer
//! varies it): answer everything, refuse offers (488), hang up during early media, or only
//! ring (our reliable ringing then waits for a PRACK that may never come).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::{Command, Config, Credentials, Event, Input, Instant, NewCall, OfferRefusal, Random, Uri, UserAgent};

struct Counter(u64);
impl Random for Counter {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        self.0
    }
}

/// How the app answers, picked by the input's length.
#[derive(Clone, Copy, PartialEq)]
enum Policy {
    AnswerAll,
    RefuseOffers,
    HangUpEarly,
    RingOnly,
}

/// What the app would do about `event`.
fn commands(event: Event, policy: Policy) -> Vec<Command> {
    let sdp = || "v=0\r\n".to_owned();
    match event {
        Event::IncomingCall { call, .. } => match policy {
            Policy::RefuseOffers => vec![Command::RefuseOffer { call, refusal: OfferRefusal::MediaFormat }],
            Policy::RingOnly => vec![Command::Ring { call }],
            _ => vec![Command::Ring { call: call.clone() }, Command::Answer { call, sdp: sdp() }],
        },
        Event::Reoffered { call, .. } if policy == Policy::RefuseOffers => vec![Command::RefuseOffer { call, refusal: OfferRefusal::Transport }],
        Event::Reoffered { call, .. } => vec![Command::AnswerReinvite { call, sdp: sdp() }],
        Event::EarlyMedia { call, .. } if policy == Policy::HangUpEarly => vec![Command::HangUp { call }],
        Event::Answered { call, .. } => vec![Command::Transfer { call, target: Uri::sip("1003", "pbx.test") }],
        _ => Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let policy = [Policy::AnswerAll, Policy::RefuseOffers, Policy::HangUpEarly, Policy::RingOnly][data.len() % 4];
    let config = Config {
        domain: "pbx.test".into(),
        display_name: "Fuzz".into(),
        register_expires: 600,
        instance_id: "urn:uuid:1".into(),
        user_agent: "fuzz".into(),
        keepalive_ms: 1000,
        session_expires: 90,
    };
    let mut ua = UserAgent::new(config, Box::new(Counter(1)));
    let start = Instant::from_millis(0);
    ua.handle_input(start, Input::TransportUp);
    let _ = ua.command(start, Command::Register(Credentials { user: "1001".into(), password: "pw".into() }));
    let _ = ua.place_call(start, NewCall::Dial { target: Uri::sip("1002", "pbx.test"), sdp: "v=0\r\n".into() });
    let mut now = Instant::from_millis(1);
    for frame in data.split(|&b| b == 0xff) {
        ua.handle_input(now, Input::Frame(frame));
        while let Some(out) = ua.poll_output() {
            let sip::Output::Event(event) = out else { continue };
            // A transfer the far end asks for is followed: a new call.
            if let Event::TransferRequested { call, .. } = &event {
                let _ = ua.place_call(now, NewCall::Referred { call: call.clone(), sdp: "v=0\r\n".into() });
                continue;
            }
            for command in commands(event, policy) {
                // Refusals are part of what is fuzzed: they must not panic either.
                let _ = ua.command(now, command);
            }
        }
        now = now + 700;
        ua.handle_input(now, Input::Timeout);
    }
    ua.handle_input(now + 40_000, Input::Timeout);
    while ua.poll_output().is_some() {}
});
