//! What a UAS checks before acting on a request (RFC 3261 §8.2): a well-formed header set,
//! a method it knows, extensions it supports, a body it understands, a response the sender
//! accepts. The first check that fails gives the response; nothing else happens.

use crate::header::{name_addrs, syntax::split_commas, CSeq, Via};
use crate::message::{reason_phrase, Headers, Method, Request, Response};
use crate::uri::NameAddr;

/// Headers a request carries once at most (RFC 3261 §7.3.1: not lists) that we read.
/// Content-Length is the parser's: a second one makes the message malformed.
const SINGLE: [&str; 13] = [
    "Call-ID",
    "To",
    "From",
    "CSeq",
    "Max-Forwards",
    "Content-Type",
    "RAck",
    "Session-Expires",
    "Min-SE",
    "Refer-To",
    "Replaces",
    "Event",
    "Subscription-State",
];

/// The response refusing `req`, or `None` when the user agent may act on it.
pub(super) fn refusal(req: &Request) -> Option<Response> {
    if let Some(what) = duplicated(req) {
        return Some(Response::for_request(req, 400, &what));
    }
    if let Some(what) = malformed(req) {
        return Some(Response::for_request(req, 400, what));
    }
    if !split_commas(super::ALLOW).any(|m| m == req.method.as_str()) {
        let mut r = Response::for_request_std(req, 501);
        r.headers.push("Allow", super::ALLOW);
        return Some(r);
    }
    unsupported_extensions(req).or_else(|| unsupported_body(req)).or_else(|| unacceptable_answer(req))
}

/// What is wrong with the headers every request needs, as a reason phrase.
fn malformed(req: &Request) -> Option<&'static str> {
    let h = &req.headers;
    let Some(top_via) = h.get("Via") else { return Some("Missing Via header") };
    if Via::parse(top_via).is_err() {
        return Some("Malformed Via header");
    }
    let Some(cseq) = h.get("CSeq") else { return Some("Missing CSeq header") };
    let Ok(cseq) = CSeq::parse(cseq) else { return Some("Malformed CSeq header") };
    if req.method != Method::Ack && req.method != Method::Cancel && cseq.method != req.method {
        return Some("CSeq method does not match the request");
    }
    if h.get("Call-ID").is_none_or(str::is_empty) {
        return Some("Missing Call-ID header");
    }
    for (name, problem) in [("From", "Malformed From header"), ("To", "Malformed To header")] {
        match h.get(name) {
            None => return Some(if name == "From" { "Missing From header" } else { "Missing To header" }),
            Some(value) if NameAddr::parse(value).is_err() => return Some(problem),
            Some(_) => {}
        }
    }
    if h.get("Max-Forwards").is_some_and(|v| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(v)).is_none()) {
        return Some("Malformed Max-Forwards header");
    }
    contact_problem(req)
}

/// "Duplicate NAME header" when `req` repeats a header it may have once.
fn duplicated(req: &Request) -> Option<String> {
    let name = SINGLE.into_iter().find(|name| req.headers.get_all(name).nth(1).is_some())?;
    let mut reason = String::from("Duplicate ");
    reason.push_str(name);
    reason.push_str(" header");
    Some(reason)
}

/// An INVITE names the far end's target in one Contact (RFC 3261 §8.1.1.8); any Contact we
/// would read must parse: an unreadable one is refused, not replaced by the From.
fn contact_problem(req: &Request) -> Option<&'static str> {
    let contacts = req.headers.get_all("Contact");
    match name_addrs(contacts) {
        Err(_) => Some("Malformed Contact header"),
        Ok(list) if req.method == Method::Invite && list.len() != 1 => Some(if list.is_empty() { "Missing Contact header" } else { "More than one Contact" }),
        Ok(_) => None,
    }
}

/// 420 Bad Extension naming the option tags of Require we do not support (RFC 3261 §8.2.2.3).
/// ACK and CANCEL are exempt: they cannot be refused on their own.
fn unsupported_extensions(req: &Request) -> Option<Response> {
    if matches!(req.method, Method::Ack | Method::Cancel) {
        return None;
    }
    let mut unknown = String::new();
    let understood = |tag: &str| split_commas(super::SUPPORTED).any(|u| u.eq_ignore_ascii_case(tag));
    for tag in req.headers.get_all("Require").flat_map(split_commas).filter(|tag| !understood(tag)) {
        if !unknown.is_empty() {
            unknown.push_str(", ");
        }
        unknown.push_str(tag);
    }
    if unknown.is_empty() {
        return None;
    }
    let mut r = Response::for_request_std(req, 420);
    r.headers.push("Unsupported", unknown);
    Some(r)
}

/// The body types each method's body may have: SDP for offers, DTMF for INFO, the transfer
/// target's status line for NOTIFY. Other methods' bodies are not read.
fn accepted_types(method: &Method) -> Option<&'static str> {
    match method {
        Method::Invite | Method::Update => Some("application/sdp"),
        Method::Info => Some("application/dtmf-relay"),
        Method::Notify => Some("message/sipfrag"),
        _ => None,
    }
}

/// 415 with Accept (or Accept-Encoding) for a body we would misread (RFC 3261 §8.2.3).
fn unsupported_body(req: &Request) -> Option<Response> {
    let accepted = accepted_types(&req.method)?;
    if req.body.is_empty() {
        return None;
    }
    let encoding = req.headers.get_all("Content-Encoding").flat_map(split_commas).find(|e| !e.eq_ignore_ascii_case("identity"));
    if encoding.is_some() {
        let mut r = Response::for_request_std(req, 415);
        r.headers.push("Accept-Encoding", "identity");
        return Some(r);
    }
    let media_type = req.headers.get("Content-Type").map(media_type);
    if media_type.is_some_and(|t| t.eq_ignore_ascii_case(accepted)) {
        return None;
    }
    let mut r = Response::for_request(req, 415, if media_type.is_none() { "Missing Content-Type" } else { reason_phrase(415) });
    r.headers.push("Accept", accepted);
    Some(r)
}

/// 406 when the INVITE's Accept leaves out SDP, the only body our answer can have
/// (RFC 3261 §8.2.3, §21.4.7).
fn unacceptable_answer(req: &Request) -> Option<Response> {
    if req.method != Method::Invite || !req.headers.contains("Accept") {
        return None;
    }
    let takes_sdp = req.headers.get_all("Accept").flat_map(split_commas).any(admits_sdp);
    if takes_sdp {
        return None;
    }
    let mut r = Response::for_request_std(req, 406);
    r.headers.push("Accept", "application/sdp");
    Some(r)
}

/// Whether one Accept media range (`application/*;q=0.5`) admits `application/sdp`.
fn admits_sdp(range: &str) -> bool {
    let mut parts = range.split(';');
    let kind = parts.next().map_or("", |k| k.trim());
    let refused = parts.filter_map(|p| p.split_once('=')).any(|(k, v)| k.trim().eq_ignore_ascii_case("q") && is_zero_qvalue(v));
    !refused && ["application/sdp", "application/*", "*/*"].iter().any(|t| t.eq_ignore_ascii_case(kind))
}

/// A q-value of 0 (`0`, `0.0`, `0.000`: RFC 3261 §25.1), read without float parsing, which
/// would weigh kilobytes in wasm.
fn is_zero_qvalue(value: &str) -> bool {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    whole == "0" && fraction.bytes().all(|b| b == b'0')
}

/// `type/subtype` of a Content-Type value, without parameters.
pub(super) fn media_type(value: &str) -> &str {
    value.split(';').next().map_or("", str::trim)
}

/// The response to a request that did not parse, when what a response needs can be found
/// in it (RFC 3261 §8.2: 400 saying why, 505 for another SIP version, 416 for a URI scheme
/// we do not handle). Never for an ACK.
pub(super) fn unparsable(headers: &Headers, kind: crate::ParseErrorKind) -> Option<Response> {
    use crate::ParseErrorKind as Kind;
    let cseq = headers.get("CSeq").and_then(|v| CSeq::parse(v).ok())?;
    let parts_present = headers.get("Call-ID").is_some() && headers.get("From").is_some() && headers.get("To").is_some();
    if cseq.method == Method::Ack || !parts_present || Via::parse(headers.get("Via")?).is_err() {
        return None;
    }
    let (status, reason) = match kind {
        Kind::BadVersion => (505, reason_phrase(505)),
        Kind::UnsupportedUriScheme => (416, reason_phrase(416)),
        other => (400, other.as_str()),
    };
    Some(Response::for_headers(headers, status, reason))
}
