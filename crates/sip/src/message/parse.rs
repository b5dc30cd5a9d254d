//! Parsing one SIP message from one WebSocket frame (RFC 3261 §7, RFC 7118 §5.2).
//!
//! The frame is the message: Content-Length is optional; when present, octets past it are
//! discarded (RFC 3261 §18.3) and a body shorter than it is malformed. Header lines may be folded and may use compact names; lines may end in CRLF or,
//! leniently, a bare LF. Every failure says what is wrong and at which byte.

use std::fmt;

use super::headers::{Headers, Known};
use super::{Message, Method, Request, Response};
use crate::header::syntax::{find_byte, find_cr_or_lf, is_token_byte, parse_decimal, trim_ws, trim_ws_end};
use crate::uri::Uri;

/// Frames larger than this are refused: no SIP message we handle comes close.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// More header fields than this, Content-Length aside, are refused: a message that passes
/// prints with one Content-Length added and still passes (found by the fuzzer).
pub const MAX_HEADERS: usize = 256;

/// What is wrong with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Nothing but white space.
    Empty,
    /// Larger than [`MAX_MESSAGE_BYTES`].
    TooLarge,
    /// The header block is not UTF-8.
    NotUtf8,
    /// The first line is neither a request line nor a status line.
    BadStartLine,
    /// The method is not a token.
    BadMethod,
    /// The Request-URI is a malformed SIP, SIPS or tel URI, or no URI at all.
    BadRequestUri,
    /// The Request-URI is a well-formed absolute URI of another scheme (`http:`, `mailto:`...):
    /// the message is valid, the user agent answers 416 Unsupported URI Scheme.
    UnsupportedUriScheme,
    /// Not `SIP/2.0`.
    BadVersion,
    /// The status code is not three digits from 100 to 699.
    BadStatus,
    /// A header line has no `:` or its name is not a token.
    BadHeader,
    /// A continuation line with no header before it.
    BadFolding,
    /// More than [`MAX_HEADERS`] header lines.
    TooManyHeaders,
    /// Content-Length is not a number or promises more body than the frame holds.
    BadContentLength,
    /// Two Content-Length headers: which one frames the body is anyone's guess (a smuggling
    /// trick when proxies disagree), so neither is trusted.
    RepeatedContentLength,
}

/// A malformed message: what and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the frame.
    pub offset: usize,
}

impl ParseErrorKind {
    /// What is wrong, in a few words (also the reason phrase of the 400 the user agent answers).
    pub fn as_str(self) -> &'static str {
        match self {
            ParseErrorKind::Empty => "empty message",
            ParseErrorKind::TooLarge => "message too large",
            ParseErrorKind::NotUtf8 => "header block is not UTF-8",
            ParseErrorKind::BadStartLine => "first line is neither a request nor a status line",
            ParseErrorKind::BadMethod => "method is not a token",
            ParseErrorKind::BadRequestUri => "malformed Request-URI",
            ParseErrorKind::UnsupportedUriScheme => "Request-URI scheme is not sip, sips or tel",
            ParseErrorKind::BadVersion => "version is not SIP/2.0",
            ParseErrorKind::BadStatus => "status code is not 100-699",
            ParseErrorKind::BadHeader => "header line without a valid name and ':'",
            ParseErrorKind::BadFolding => "continuation line before any header",
            ParseErrorKind::TooManyHeaders => "too many header lines",
            ParseErrorKind::BadContentLength => "Content-Length disagrees with the body",
            ParseErrorKind::RepeatedContentLength => "Duplicate Content-Length header",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed SIP message: {} (at byte {})", self.kind.as_str(), self.offset)
    }
}

impl std::error::Error for ParseError {}

fn fail(kind: ParseErrorKind, offset: usize) -> ParseError {
    ParseError { kind, offset }
}

/// Parses one message from one frame.
pub fn parse(frame: &[u8]) -> Result<Message, ParseError> {
    if frame.len() > MAX_MESSAGE_BYTES {
        return Err(fail(ParseErrorKind::TooLarge, MAX_MESSAGE_BYTES));
    }
    // RFC 3261 §7.5: ignore empty lines before the start line (keep-alive CRLFs).
    let start = frame.iter().position(|&b| b != b'\r' && b != b'\n').ok_or(fail(ParseErrorKind::Empty, 0))?;
    // One pass over the header block: each line is found, checked for UTF-8 and read.
    let mut lines = Lines { bytes: frame, pos: start };
    let (first, at, bare_cr) = lines.next().ok_or(fail(ParseErrorKind::Empty, start))?;
    let first = utf8(first, at)?;
    if let Some(cr) = bare_cr {
        return Err(fail(ParseErrorKind::BadStartLine, at + cr));
    }
    let start_line = parse_start_line(first, start)?;
    let (headers, content_length) = parse_headers(&mut lines)?;
    // The header block ends at the first empty line, or with the frame.
    let body_start = lines.pos.min(frame.len());
    let mut body = frame.get(body_start..).unwrap_or(&[]);
    if let Some(declared) = content_length {
        let declared = declared.ok_or(fail(ParseErrorKind::BadContentLength, body_start))?;
        // RFC 3261 §18.3: octets past Content-Length are discarded; fewer is malformed.
        body = usize::try_from(declared).ok().and_then(|n| body.get(..n)).ok_or(fail(ParseErrorKind::BadContentLength, body_start))?;
    }
    let body = body.to_vec();
    Ok(match start_line {
        StartLine::Request(method, uri) => Message::Request(Request { method, uri, headers, body }),
        StartLine::Response(status, reason) => Message::Response(Response { status, reason, headers, body }),
    })
}

/// The line at `at` as text.
fn utf8(line: &[u8], at: usize) -> Result<&str, ParseError> {
    std::str::from_utf8(line).map_err(|e| fail(ParseErrorKind::NotUtf8, at + e.valid_up_to()))
}

/// Lines of a frame from `pos` on, with their offsets in the frame; the CR of a CRLF is
/// dropped. The header block's lines end at the first empty one (the body follows).
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// One line: its bytes, its offset in the frame, and where in it a bare CR is, if anywhere
/// (CR only ever ends a line, RFC 3261 §7: the printer could not keep one).
type Line<'a> = (&'a [u8], usize, Option<usize>);

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.bytes.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let at = self.pos;
        let mut bare_cr = None;
        let mut from = 0;
        let (len, advance) = loop {
            let Some(n) = find_cr_or_lf(rest.get(from..).unwrap_or(&[])) else { break (rest.len(), rest.len()) };
            let i = from + n;
            match (rest.get(i), rest.get(i + 1)) {
                (Some(b'\n'), _) => break (i, i + 1),
                (_, Some(b'\n')) => break (i, i + 2),
                (_, None) => break (i, i + 1),
                _ => {
                    bare_cr.get_or_insert(i);
                    from = i + 1;
                }
            }
        };
        self.pos += advance;
        Some((rest.get(..len).unwrap_or(&[]), at, bare_cr))
    }
}

enum StartLine {
    Request(Method, Uri),
    Response(u16, String),
}

fn parse_start_line(line: &str, base: usize) -> Result<StartLine, ParseError> {
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let status = rest
            .get(..3)
            .and_then(|code| parse_decimal(code, 3))
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (100..=699).contains(s))
            .ok_or(fail(ParseErrorKind::BadStatus, base + 8))?;
        let reason = rest.get(3..).unwrap_or("");
        if !reason.is_empty() && !reason.starts_with(' ') {
            return Err(fail(ParseErrorKind::BadStatus, base + 11));
        }
        return Ok(StartLine::Response(status, reason.trim_start().to_owned()));
    }
    if line.starts_with("SIP/") {
        return Err(fail(ParseErrorKind::BadVersion, base));
    }
    let bad_line = fail(ParseErrorKind::BadStartLine, base);
    let method_end = find_byte(line.as_bytes(), b' ').ok_or(bad_line)?;
    let (method, rest) = (line.get(..method_end).unwrap_or(""), line.get(method_end + 1..).unwrap_or(""));
    let uri_end = find_byte(rest.as_bytes(), b' ').ok_or(bad_line)?;
    let (uri_text, version) = (rest.get(..uri_end).unwrap_or(""), rest.get(uri_end + 1..).unwrap_or(""));
    let method = Method::parse(method).ok_or(fail(ParseErrorKind::BadMethod, base))?;
    let uri_at = base + method_end + 1;
    let uri = Uri::parse(uri_text).map_err(|e| {
        let kind = if is_foreign_absolute_uri(uri_text) { ParseErrorKind::UnsupportedUriScheme } else { ParseErrorKind::BadRequestUri };
        fail(kind, uri_at + e.offset)
    })?;
    if version != "SIP/2.0" {
        return Err(fail(ParseErrorKind::BadVersion, uri_at + uri_end + 1));
    }
    Ok(StartLine::Request(method, uri))
}

/// An absolute URI (RFC 3986 §4.3: `scheme ":" ...`) whose scheme is not sip, sips or tel.
fn is_foreign_absolute_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let ours = ["sip", "sips", "tel"].iter().any(|s| s.eq_ignore_ascii_case(scheme));
    scheme_ok && !ours && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic())
}

/// The header fields of a request that does not parse, as far as they can be read: lines
/// that are not `name: value` are skipped. `None` for a response (never answered) or when the
/// start line is missing. The user agent answers such a request when it finds what a response
/// needs (RFC 3261 §8.2: 400, or 505 for another SIP version).
pub fn salvage_request_headers(frame: &[u8]) -> Option<Headers> {
    let start = frame.iter().position(|&b| b != b'\r' && b != b'\n')?;
    let mut lines = Lines { bytes: frame, pos: start };
    let (first, _, _) = lines.next()?;
    let first = std::str::from_utf8(first).ok()?;
    if first.starts_with("SIP/") || !first.contains(' ') {
        return None;
    }
    let mut headers = Headers::new();
    // Up to the end of the header block, or to the first line that is not text.
    for line in lines.map_while(|(line, _, _)| std::str::from_utf8(line).ok()).take_while(|line| !line.is_empty()) {
        let Some((name, value)) = line.split_once(':') else { continue };
        let name = trim_ws_end(name);
        if !line.starts_with([' ', '\t']) && !name.is_empty() && name.bytes().all(is_token_byte) && !value.contains('\r') {
            headers.push(name, trim_ws(value));
        }
    }
    Some(headers)
}

/// A header being read: its name's span, where its value starts in the buffer, its kind.
type Open = ((usize, usize), usize, Option<Known>);

/// Reads header lines into one buffer, joining folded lines with a single space. Content-Length
/// is not kept (the body's length is the truth; the printer writes the header from it): its
/// value is returned instead (a second one is an error).
fn parse_headers(lines: &mut Lines<'_>) -> Result<(Headers, ContentLength), ParseError> {
    // Room for the rest of the frame's text at most; reallocations would cost more.
    let mut headers = Headers::from_parts(String::with_capacity(lines.bytes.len().saturating_sub(lines.pos).min(4096)));
    let mut open: Option<Open> = None;
    let mut content_length = None;
    let mut fields = 0usize;
    for (bytes, at, bare_cr) in lines {
        if bytes.is_empty() && bare_cr.is_none() {
            break;
        }
        let line = utf8(bytes, at)?;
        if let Some(cr) = bare_cr {
            return Err(fail(ParseErrorKind::BadHeader, at + cr));
        }
        if matches!(bytes.first(), Some(b' ' | b'\t')) {
            let Some((_, value_start, _)) = open else {
                return Err(fail(ParseErrorKind::BadFolding, at));
            };
            let buf = headers.buf_mut();
            let piece = trim_ws(line);
            if !piece.is_empty() {
                // Folding is one space between words, none before the first (found by the fuzzer).
                if buf.len() > value_start {
                    buf.push(' ');
                }
                buf.push_str(piece);
            }
            continue;
        }
        if let Some(done) = open.take() {
            finish(&mut headers, done, &mut content_length);
        }
        let colon = find_byte(bytes, b':').ok_or(fail(ParseErrorKind::BadHeader, at))?;
        let name = trim_ws_end(line.get(..colon).unwrap_or(""));
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(fail(ParseErrorKind::BadHeader, at));
        }
        let known = Known::classify(name);
        if known == Some(Known::ContentLength) && content_length.is_some() {
            return Err(fail(ParseErrorKind::RepeatedContentLength, at));
        }
        if known != Some(Known::ContentLength) {
            fields += 1;
            if fields > MAX_HEADERS {
                return Err(fail(ParseErrorKind::TooManyHeaders, at));
            }
        }
        let value = trim_ws(line.get(colon + 1..).unwrap_or(""));
        let buf = headers.buf_mut();
        let name_start = buf.len();
        buf.push_str(name);
        let name_end = buf.len();
        buf.push_str(value);
        open = Some(((name_start, name_end), name_end, known));
    }
    if let Some(done) = open {
        finish(&mut headers, done, &mut content_length);
    }
    Ok((headers, content_length))
}

/// The Content-Length: absent, or its value as a number (`None` when it is not one).
type ContentLength = Option<Option<u64>>;

fn finish(headers: &mut Headers, (name, value_start, known): Open, content_length: &mut ContentLength) {
    let buf = headers.buf_mut();
    let end = buf.len();
    if known == Some(Known::ContentLength) {
        *content_length = Some(buf.get(value_start..end).and_then(|v| parse_decimal(v, 18)));
        buf.truncate(name.0);
        return;
    }
    headers.push_span(name, (value_start, end), known);
}
#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:1002@127.0.0.1 SIP/2.0\r\n\
Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\n\
To: <sip:1002@127.0.0.1>\r\n\
From: \"Ada, Agent\" <sip:1001@127.0.0.1>;tag=1928301774\r\n\
i: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:1001@df7jal23ls0d.invalid;transport=ws;ob>\r\n\
Subject: a folded\r\n\t subject line\r\n\
c: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

    fn parse_str(s: &str) -> Result<Message, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn a_request_with_compact_and_folded_headers() {
        let Message::Request(r) = parse_str(INVITE).expect("valid") else { panic!("a request") };
        assert_eq!(r.method, Method::Invite);
        assert_eq!(r.uri.to_string(), "sip:1002@127.0.0.1");
        assert_eq!(r.headers.get("Call-ID"), Some("a84b4c76e66710@pc33.example.com"));
        assert_eq!(r.headers.get("content-type"), Some("application/sdp"));
        assert_eq!(r.headers.get("Subject"), Some("a folded subject line"));
        assert_eq!(r.body, b"v=0\n");
    }

    #[test]
    fn printing_then_parsing_gives_the_same_message() {
        let m = parse_str(INVITE).expect("valid");
        let printed = m.to_bytes();
        assert_eq!(parse(&printed).expect("own output parses"), m);
    }

    #[test]
    fn a_response_with_lf_line_ends_and_no_content_length() {
        let Message::Response(r) = parse_str("SIP/2.0 180 Ringing\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\nCall-ID: a\n\n").expect("valid")
        else {
            panic!("a response")
        };
        assert_eq!((r.status, r.reason.as_str()), (180, "Ringing"));
        assert!(r.body.is_empty());
    }

    #[test]
    fn malformed_messages_say_what_and_where() {
        let cases: &[(&str, ParseErrorKind, usize)] = &[
            ("", ParseErrorKind::Empty, 0),
            ("\r\n\r\n", ParseErrorKind::Empty, 0),
            ("HELLO\r\n\r\n", ParseErrorKind::BadStartLine, 0),
            ("INV@TE sip:a@b SIP/2.0\r\n\r\n", ParseErrorKind::BadMethod, 0),
            ("INVITE http://a SIP/2.0\r\n\r\n", ParseErrorKind::UnsupportedUriScheme, 7),
            ("INVITE sip:a@@b SIP/2.0\r\n\r\n", ParseErrorKind::BadRequestUri, 13),
            ("INVITE 1http:x SIP/2.0\r\n\r\n", ParseErrorKind::BadRequestUri, 7),
            ("INVITE sip:a@b SIP/3.0\r\n\r\n", ParseErrorKind::BadVersion, 15),
            ("SIP/2.0 99 Odd\r\n\r\n", ParseErrorKind::BadStatus, 8),
            ("SIP/2.0 700 Odd\r\n\r\n", ParseErrorKind::BadStatus, 8),
            ("SIP/3.0 200 OK\r\n\r\n", ParseErrorKind::BadVersion, 0),
            ("SIP/2.0 200 OK\r\nNo colon here\r\n\r\n", ParseErrorKind::BadHeader, 16),
            ("SIP/2.0 200 OK\r\nBad Name: x\r\n\r\n", ParseErrorKind::BadHeader, 16),
            ("SIP/2.0 200 OK\r\n folded: x\r\n\r\n", ParseErrorKind::BadFolding, 16),
            ("SIP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nabc", ParseErrorKind::BadContentLength, 37),
            ("SIP/2.0 200 OK\r\nl: x\r\n\r\n", ParseErrorKind::BadContentLength, 24),
        ];
        for (text, kind, offset) in cases {
            assert_eq!(parse_str(text), Err(ParseError { kind: *kind, offset: *offset }), "{text:?}");
        }
        assert_eq!(parse(&[0xff, 0xfe]), Err(ParseError { kind: ParseErrorKind::NotUtf8, offset: 0 }));
        assert_eq!(parse(&vec![b'a'; MAX_MESSAGE_BYTES + 1]).map_err(|e| e.kind), Err(ParseErrorKind::TooLarge));
        let many = format!("SIP/2.0 200 OK\r\n{}\r\n", "X: y\r\n".repeat(MAX_HEADERS + 1));
        assert_eq!(parse_str(&many).map_err(|e| e.kind), Err(ParseErrorKind::TooManyHeaders));
        let lengths = "SIP/2.0 200 OK\r\nContent-Length: 0\r\nl: 0\r\n\r\n";
        assert_eq!(parse_str(lengths), Err(ParseError { kind: ParseErrorKind::RepeatedContentLength, offset: 35 }));
    }

    #[test]
    fn the_most_headers_allowed_still_parse_once_printed() {
        // Found by the fuzzer: printing adds a Content-Length line.
        let full = format!("SIP/2.0 200 OK\r\n{}\r\n", "X: y\r\n".repeat(MAX_HEADERS));
        let m = parse_str(&full).expect("at the limit");
        assert_eq!(parse(&m.to_bytes()), Ok(m));
    }

    #[test]
    fn a_value_that_starts_on_a_continuation_line_has_no_leading_space() {
        let Message::Response(r) = parse_str("SIP/2.0 200 OK\r\nTo:\r\n <sip:a@b>\r\n\r\n").expect("valid") else { panic!("a response") };
        assert_eq!(r.headers.get("To"), Some("<sip:a@b>"));
    }

    #[test]
    fn a_bare_cr_inside_a_line_is_malformed() {
        // Found by the fuzzer: the printer cannot keep a bare CR, so the parser must refuse it.
        assert_eq!(parse_str("SIP/2.0 401 Unauth\rorized\r\n\r\n").map_err(|e| e.kind), Err(ParseErrorKind::BadStartLine));
        assert_eq!(parse_str("SIP/2.0 200 OK\r\nX: a\rb\r\n\r\n").map_err(|e| e.kind), Err(ParseErrorKind::BadHeader));
    }

    #[test]
    fn octets_past_content_length_are_discarded() {
        let Message::Response(r) = parse_str("SIP/2.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").expect("valid") else { panic!("a response") };
        assert_eq!(r.body, b"abc");
        let Message::Response(r) = parse_str("SIP/2.0 200 OK\r\nl: 0\r\n\r\n\r\n").expect("valid") else { panic!("a response") };
        assert!(r.body.is_empty());
    }

    #[test]
    fn the_headers_of_an_unparsable_request_are_salvaged() {
        let frame = b"INVITE sip:a@b SIP/3.0\r\nVia: SIP/2.0/WS p;branch=z9hG4bK1\r\nBad line\r\nCall-ID: c1\r\n\r\nbody";
        let headers = salvage_request_headers(frame).expect("a request");
        assert_eq!(headers.get("Call-ID"), Some("c1"));
        assert_eq!(headers.get("Via"), Some("SIP/2.0/WS p;branch=z9hG4bK1"));
        assert_eq!(headers.len(), 2);
        assert!(salvage_request_headers(b"SIP/3.0 200 OK\r\nCall-ID: c1\r\n\r\n").is_none(), "responses are never answered");
        assert!(salvage_request_headers(b"\r\n").is_none());
    }

    #[test]
    fn leading_keepalive_crlfs_are_skipped() {
        assert!(parse_str("\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n\r\n").is_ok());
    }
}
