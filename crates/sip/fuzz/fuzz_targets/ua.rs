//! A registered user agent with a call in progress, fed arbitrary frames (split at 0xFF bytes)
//! and time: it must never panic, whatever arrives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::{Command, Config, Credentials, Input, Instant, Random, Uri, UserAgent};

struct Counter(u64);
impl Random for Counter {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        self.0
    }
}

fuzz_target!(|data: &[u8]| {
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
    let _ = ua.command(start, Command::Call { target: Uri::sip("1002", "pbx.test"), sdp: "v=0\r\n".into() });
    let mut now = Instant::from_millis(1);
    for frame in data.split(|&b| b == 0xff) {
        ua.handle_input(now, Input::Frame(frame));
        // Do what the app would be asked to, so more states (answers, re-offers, transfers) are reached.
        while let Some(out) = ua.poll_output() {
            let sip::Output::Event(event) = out else { continue };
            let command = match event {
                sip::Event::IncomingCall { call, .. } => Command::Answer { call, sdp: "v=0\r\n".into() },
                sip::Event::Reoffered { call, .. } => Command::AnswerReinvite { call, sdp: "v=0\r\n".into() },
                sip::Event::TransferRequested { call, .. } => Command::AcceptTransfer { call, sdp: "v=0\r\n".into() },
                sip::Event::Answered { call, .. } => Command::Transfer { call, target: Uri::sip("1003", "pbx.test") },
                _ => continue,
            };
            // Refusals are part of what is fuzzed: they must not panic either.
            let _ = ua.command(now, command);
        }
        now = now + 700;
        ua.handle_input(now, Input::Timeout);
    }
    ua.handle_input(now + 40_000, Input::Timeout);
    while ua.poll_output().is_some() {}
});
