//! Properties that must hold for any input: printing then parsing gives the message back, and
//! no byte sequence makes the parser or the user agent panic.

use proptest::prelude::*;
use sip::message::{parse, Message, Method, Request, Response};
use sip::{Command, Config, Input, Instant, Random, Uri, UserAgent};

struct Rng(u64);
impl Random for Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
}

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9][a-zA-Z0-9.!%*_+`'~-]{0,12}"
}

fn header_value() -> impl Strategy<Value = String> {
    // Any printable text without line breaks; leading/trailing blanks are not significant.
    "[ -~]{0,40}".prop_map(|s| s.trim().to_owned())
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![Just(Method::Invite), Just(Method::Bye), Just(Method::Register), Just(Method::Info), token().prop_map(|t| Method::parse(&t).unwrap_or(Method::Options))]
}

fn message() -> impl Strategy<Value = Message> {
    let headers = || proptest::collection::vec((token(), header_value()), 0..8);
    let body = || proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        (method(), "[a-z0-9]{1,8}", "[a-z0-9.]{1,12}", headers(), body()).prop_map(|(m, user, host, hs, body): (Method, String, String, Vec<(String, String)>, Vec<u8>)| {
            let mut r = Request::new(m, Uri::sip(&user, &host));
            for (n, v) in hs {
                if !n.eq_ignore_ascii_case("content-length") && !n.eq_ignore_ascii_case("l") {
                    r.headers.push(&n, v);
                }
            }
            r.body = body;
            Message::Request(r)
        }),
        (100u16..700, "[ -~]{0,20}", headers(), body()).prop_map(|(status, reason, hs, body): (u16, String, Vec<(String, String)>, Vec<u8>)| {
            let mut r = Response::new(status, reason.trim());
            for (n, v) in hs {
                if !n.eq_ignore_ascii_case("content-length") && !n.eq_ignore_ascii_case("l") {
                    r.headers.push(&n, v);
                }
            }
            r.body = body;
            Message::Response(r)
        }),
    ]
}

const SEEDS: [&str; 3] = [
    "INVITE sip:1002@pbx.test SIP/2.0\r\nVia: SIP/2.0/WS a.invalid;branch=z9hG4bK1\r\nFrom: <sip:1001@pbx.test>;tag=1\r\nTo: <sip:1002@pbx.test>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContact: <sip:1001@a.invalid;transport=ws>\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n",
    "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/WS a.invalid;branch=z9hG4bK2\r\nFrom: <sip:1001@pbx.test>;tag=1\r\nTo: <sip:1001@pbx.test>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"pbx.test\", nonce=\"abc\", qop=\"auth\"\r\n\r\n",
    "BYE sip:1001@a.invalid SIP/2.0\r\nVia: SIP/2.0/WS p;branch=z9hG4bK3\r\nFrom: <sip:1002@pbx.test>;tag=9\r\nTo: <sip:1001@pbx.test>;tag=1\r\nCall-ID: c1\r\nCSeq: 2 BYE\r\n\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn printing_then_parsing_gives_the_same_message(m in message()) {
        let printed = m.to_bytes();
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{e} in {:?}", String::from_utf8_lossy(&printed))))?;
        prop_assert_eq!(parsed, m);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic_the_user_agent(seed in 0usize..3, at in 0usize..400, cut in 0usize..8, insert in "[ -~\r\n]{0,6}") {
        let text = SEEDS[seed];
        let at = at.min(text.len());
        let mut frame: Vec<u8> = text.as_bytes()[..at].to_vec();
        frame.extend_from_slice(insert.as_bytes());
        frame.extend_from_slice(text.as_bytes().get(at + cut..).unwrap_or(&[]));
        let config = Config { domain: "pbx.test".into(), display_name: String::new(), register_expires: 600, instance_id: String::new(), user_agent: String::new(), keepalive_ms: 0, session_expires: 90 };
        let mut ua = UserAgent::new(config, Box::new(Rng(seed as u64)));
        ua.handle_input(Instant::from_millis(0), Input::TransportUp);
        let _ = ua.command(Instant::from_millis(0), Command::Register(sip::Credentials { user: "1001".into(), password: "pw".into() }));
        ua.handle_input(Instant::from_millis(1), Input::Frame(&frame));
        ua.handle_input(Instant::from_millis(2), Input::Frame(&frame));
        ua.handle_input(Instant::from_millis(40_000), Input::Timeout);
        while ua.poll_output().is_some() {}
    }
}
