//! Hand-made requests of the kinds RFC 3261 describes as a UAS's trouble (§8.2, §18.3,
//! §25.1): each is answered with the response the RFC asks for, with the headers it names,
//! and none of them reaches the agent as a call.

mod support;

use support::*;

/// A user agent on an open connection, not registered (requests reach it all the same).
fn agent() -> UserAgent {
    let mut ua = UserAgent::new(config(), Box::new(Rng(11)));
    ua.handle_input(Instant::from_millis(0), Input::TransportUp);
    ua
}

/// Feeds `frame`; returns the responses it sent and the events it reported.
fn feed(ua: &mut UserAgent, frame: &str) -> (Vec<Response>, Vec<Event>) {
    ua.handle_input(Instant::from_millis(0), Input::Frame(frame.as_bytes()));
    let (mut responses, mut events) = (Vec::new(), Vec::new());
    while let Some(out) = ua.poll_output() {
        match out {
            Output::Transmit(bytes) => match parse(bytes.as_ref()) {
                Ok(Message::Response(r)) => responses.push(r),
                other => panic!("the agent sent something other than a response: {other:?}"),
            },
            Output::Event(e) => events.push(e),
        }
    }
    (responses, events)
}

/// The one final response to `frame`, and no call offered to the app.
fn refused(frame: &str) -> Response {
    let mut ua = agent();
    let (responses, events) = feed(&mut ua, frame);
    assert!(!events.iter().any(|e| matches!(e, Event::IncomingCall { .. })), "no call is offered: {events:?}");
    let finals: Vec<Response> = responses.into_iter().filter(|r| r.status >= 200).collect();
    assert_eq!(finals.len(), 1, "one final response: {finals:?}");
    finals.into_iter().next().expect("one response")
}

fn invite_with(extra: &str, body: &str) -> String {
    format!(
        "INVITE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p.test;branch=z9hG4bKodd\r\nMax-Forwards: 70\r\nFrom: <sip:1002@pbx.test>;tag=f1\r\nTo: <sip:1001@pbx.test>\r\nCall-ID: odd1\r\nCSeq: 1 INVITE\r\nContact: <sip:1002@y.invalid;transport=ws>\r\n{extra}\r\n{body}"
    )
}

fn sdp_invite(extra: &str) -> String {
    invite_with(&format!("Content-Type: application/sdp\r\n{extra}"), "v=0\r\n")
}

fn options_with(extra: &str) -> String {
    format!("OPTIONS sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p.test;branch=z9hG4bKo\r\nFrom: <sip:p@pbx.test>;tag=a\r\nTo: <sip:1001@x.invalid>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n{extra}\r\n")
}

/// The response echoes the request's transaction and dialog identifiers, and has a To tag.
fn assert_identifies_the_request(r: &Response, call_id: &str) {
    assert_eq!(r.headers.get("Call-ID"), Some(call_id));
    assert!(r.headers.get("Via").is_some_and(|v| v.contains("branch=z9hG4bK")));
    assert!(r.headers.get("CSeq").is_some());
    assert!(r.headers.get("From").is_some_and(|f| f.contains("tag=")));
    assert!(r.headers.get("To").is_some_and(|t| t.contains("tag=")), "a To tag of our own");
}

fn offered_sdp(frame: &str) -> Option<String> {
    let mut ua = agent();
    let (_, events) = feed(&mut ua, frame);
    events.into_iter().find_map(|e| match e {
        Event::IncomingCall { sdp, .. } => Some(sdp.unwrap_or_default()),
        _ => None,
    })
}

#[test]
fn an_invite_requiring_an_unknown_extension_is_refused_with_420_naming_it() {
    let r = refused(&sdp_invite("Require: timer, precondition\r\nRequire: foo\r\n"));
    assert_eq!(r.status, 420);
    assert_eq!(r.headers.get("Unsupported"), Some("precondition, foo"), "only the tags we do not support");
    assert_identifies_the_request(&r, "odd1");
    assert!(offered_sdp(&sdp_invite("Require: timer, replaces\r\n")).is_some(), "extensions we support are fine");
}

#[test]
fn an_options_requiring_an_unknown_extension_is_refused_with_420() {
    let r = refused(&options_with("Require: precondition\r\n"));
    assert_eq!((r.status, r.headers.get("Unsupported")), (420, Some("precondition")));
    assert_eq!(refused(&options_with("Require: timer\r\n")).status, 200);
}

#[test]
fn a_body_of_an_unknown_type_is_refused_with_415_and_accept() {
    let r = refused(&invite_with("Content-Type: text/plain\r\n", "hello"));
    assert_eq!((r.status, r.headers.get("Accept")), (415, Some("application/sdp")));
    assert_identifies_the_request(&r, "odd1");
    let r = refused(&invite_with("", "v=0\r\n"));
    assert_eq!((r.status, r.headers.get("Accept")), (415, Some("application/sdp")), "a body without Content-Type");
    let r = refused(&sdp_invite("Content-Encoding: gzip\r\n"));
    assert_eq!((r.status, r.headers.get("Accept-Encoding")), (415, Some("identity")));
    // Parameters and case do not change the type.
    assert_eq!(offered_sdp(&invite_with("Content-Type: Application/SDP ; charset=utf-8\r\n", "v=0\r\n")).as_deref(), Some("v=0\r\n"));
}

#[test]
fn an_accept_leaving_out_sdp_is_refused_with_406() {
    for accept in ["text/html", "application/sdp;q=0", "text/plain, application/json"] {
        let r = refused(&sdp_invite(&format!("Accept: {accept}\r\n")));
        assert_eq!((r.status, r.headers.get("Accept")), (406, Some("application/sdp")), "{accept}");
    }
    for accept in ["application/sdp", "application/*;q=0.5", "*/*", "text/html, application/sdp"] {
        assert!(offered_sdp(&sdp_invite(&format!("Accept: {accept}\r\n"))).is_some(), "{accept}");
    }
}

#[test]
fn a_repeated_single_value_header_is_refused_with_400_saying_which() {
    let repeats = [
        ("Call-ID", "Call-ID: other\r\n"),
        ("To", "To: <sip:1003@pbx.test>\r\n"),
        ("From", "From: <sip:1003@pbx.test>;tag=f2\r\n"),
        ("CSeq", "CSeq: 2 INVITE\r\n"),
        ("Max-Forwards", "Max-Forwards: 69\r\n"),
    ];
    for (name, line) in repeats {
        let r = refused(&sdp_invite(line));
        assert_eq!((r.status, r.reason.as_str()), (400, format!("Duplicate {name} header").as_str()));
        for single in ["Call-ID", "To", "From", "CSeq"] {
            assert_eq!(r.headers.get_all(single).count(), 1, "the 400 itself is well-formed: one {single}");
        }
        assert_identifies_the_request(&r, "odd1");
    }
}

#[test]
fn two_content_lengths_are_refused_with_400_as_any_repeated_single_header() {
    // Which one frames the body is anyone's guess: neither is trusted.
    let r = refused(&invite_with("Content-Type: application/sdp\r\nContent-Length: 5\r\nl: 5\r\n", "v=0\r\n"));
    assert_eq!((r.status, r.reason.as_str()), (400, "Duplicate Content-Length header"));
    assert_identifies_the_request(&r, "odd1");
    for (name, line) in [("Content-Type", "Content-Type: application/sdp\r\n"), ("Session-Expires", "Session-Expires: 1800\r\nx: 90\r\n"), ("RAck", "RAck: 1 1 INVITE\r\nRAck: 2 1 INVITE\r\n")] {
        let r = refused(&sdp_invite(line));
        assert_eq!((r.status, r.reason.as_str()), (400, format!("Duplicate {name} header").as_str()));
    }
}

#[test]
fn what_we_advertise_is_what_we_handle() {
    let ok = refused(&options_with(""));
    assert_eq!(ok.status, 200);
    let list = |name: &str| -> Vec<String> { ok.headers.get(name).unwrap_or("").split(',').map(|t| t.trim().to_owned()).collect() };
    // Every method we allow is acted on (not 501); any other is refused with 501 and our Allow.
    for method in list("Allow") {
        let request = options_with("").replace("OPTIONS sip", &format!("{method} sip")).replace("CSeq: 1 OPTIONS", &format!("CSeq: 1 {method}"));
        let mut ua = agent();
        let (responses, _) = feed(&mut ua, &request);
        assert!(responses.iter().all(|r| r.status != 501), "{method}: {responses:?}");
    }
    for method in ["SUBSCRIBE", "MESSAGE", "PUBLISH", "REGISTER"] {
        let request = options_with("").replace("OPTIONS sip", &format!("{method} sip")).replace("CSeq: 1 OPTIONS", &format!("CSeq: 1 {method}"));
        let r = refused(&request);
        assert_eq!((r.status, r.headers.get("Allow")), (501, ok.headers.get("Allow")), "{method}");
    }
    // Every option tag we list may be required of us; others get 420.
    for tag in list("Supported") {
        assert_eq!(refused(&options_with(&format!("Require: {tag}\r\n"))).status, 200, "{tag}");
    }
    assert_eq!(list("Supported"), ["100rel", "timer", "replaces", "outbound"]);
    // Every body type we accept is read by the method that carries it.
    assert_eq!(list("Accept"), ["application/sdp", "application/dtmf-relay", "message/sipfrag"]);
    assert!(offered_sdp(&sdp_invite("")).is_some(), "SDP in an INVITE");
}

#[test]
fn an_invite_without_an_offer_is_a_call_whose_answer_will_carry_ours() {
    let mut ua = agent();
    let (responses, events) = feed(&mut ua, &invite_with("", ""));
    assert_eq!(responses.iter().map(|r| r.status).collect::<Vec<_>>(), [100]);
    assert!(matches!(events.as_slice(), [Event::IncomingCall { sdp: None, .. }]), "{events:?}");
}

#[test]
fn a_malformed_top_via_is_refused_with_400() {
    for via in ["SIP/2.0/WS p.test;;branch=z9hG4bKodd", "SIP/2.0/WS p.test;branch=z9hG4bKodd;", "SIP/2.0/WS p test;branch=z9hG4bKodd"] {
        let r = refused(&sdp_invite("").replace("SIP/2.0/WS p.test;branch=z9hG4bKodd", via));
        assert_eq!((r.status, r.reason.as_str()), (400, "Malformed Via header"), "{via}");
    }
}

#[test]
fn a_malformed_or_missing_contact_is_refused_with_400_not_replaced_by_from() {
    let r = refused(&sdp_invite("").replace("Contact: <sip:1002@y.invalid;transport=ws>", "Contact: <sip:1002@y.invalid;transport=ws"));
    assert_eq!((r.status, r.reason.as_str()), (400, "Malformed Contact header"));
    let r = refused(&sdp_invite("").replace("Contact: <sip:1002@y.invalid;transport=ws>\r\n", ""));
    assert_eq!((r.status, r.reason.as_str()), (400, "Missing Contact header"));
}

#[test]
fn a_request_uri_of_another_scheme_is_answered_416() {
    let r = refused(&sdp_invite("").replace("INVITE sip:1001@x.invalid", "INVITE mailto:agent@example.com"));
    assert_eq!((r.status, r.reason.as_str()), (416, "Unsupported URI Scheme"));
    assert_identifies_the_request(&r, "odd1");
    let r = refused(&options_with("").replace("OPTIONS sip:1001@x.invalid", "OPTIONS urn:service:sos"));
    assert_eq!(r.status, 416);
}

#[test]
fn an_unparsable_request_is_answered_400_with_the_reason_when_it_can_be() {
    let r = refused(&sdp_invite("This line has no colon\r\n"));
    assert_eq!((r.status, r.reason.as_str()), (400, "header line without a valid name and ':'"));
    assert_identifies_the_request(&r, "odd1");
    let r = refused(&sdp_invite("Content-Length: 500\r\n"));
    assert_eq!((r.status, r.reason.as_str()), (400, "Content-Length disagrees with the body"));
    let r = refused(&sdp_invite("").replace("x.invalid SIP/2.0", "x.invalid SIP/3.0"));
    assert_eq!((r.status, r.reason.as_str()), (505, "Version Not Supported"));
    assert_identifies_the_request(&r, "odd1");
}

#[test]
fn an_unparsable_request_without_what_a_response_needs_or_an_ack_gets_no_answer() {
    let mut ua = agent();
    let no_call_id = sdp_invite("").replace("x.invalid SIP/2.0", "x.invalid SIP/3.0").replace("Call-ID: odd1\r\n", "");
    let (responses, events) = feed(&mut ua, &no_call_id);
    assert!(responses.is_empty());
    assert!(matches!(events.as_slice(), [Event::Dropped { .. }]), "the app hears of it: {events:?}");
    let ack = "ACK sip:1001@x.invalid SIP/3.0\r\nVia: SIP/2.0/WS p.test;branch=z9hG4bKa\r\nFrom: <sip:1002@pbx.test>;tag=f1\r\nTo: <sip:1001@pbx.test>;tag=t\r\nCall-ID: a1\r\nCSeq: 1 ACK\r\n\r\n";
    assert!(feed(&mut ua, ack).0.is_empty(), "an ACK is never answered");
    let bad_ack = "ACK sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS p.test;branch=z9hG4bKa\r\nFrom: <sip:1002@pbx.test>;tag=f1\r\nTo: <sip:1001@pbx.test>;tag=t\r\nCall-ID: a1\r\nCall-ID: a2\r\nCSeq: 1 ACK\r\n\r\n";
    assert!(feed(&mut ua, bad_ack).0.is_empty(), "not even a malformed one");
}

#[test]
fn octets_past_content_length_are_discarded() {
    let frame = invite_with("Content-Type: application/sdp\r\nContent-Length: 5\r\n", "v=0\r\nGARBAGE AFTER THE BODY");
    assert_eq!(offered_sdp(&frame).as_deref(), Some("v=0\r\n"));
}

#[test]
fn a_via_with_white_space_around_the_slashes_is_accepted() {
    let frame = sdp_invite("").replace("Via: SIP/2.0/WS p.test", "Via: SIP / 2.0 / WSS p.test");
    let mut ua = agent();
    let (responses, events) = feed(&mut ua, &frame);
    assert!(events.iter().any(|e| matches!(e, Event::IncomingCall { .. })), "{events:?}");
    assert_eq!(responses.first().map(|r| r.status), Some(100));
}
