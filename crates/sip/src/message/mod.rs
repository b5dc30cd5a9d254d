//! SIP messages: requests, responses, methods, the header list, parsing and printing.

mod headers;
mod parse;

use std::fmt;

pub use headers::{HeaderValue, Headers};
pub(crate) use headers::push_decimal;
pub(crate) use headers::Known;
pub use parse::{parse, salvage_request_headers, ParseError, ParseErrorKind};

use crate::uri::Uri;

/// A request method. Methods are case-sensitive (RFC 3261 §7.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// INVITE
    Invite,
    /// ACK
    Ack,
    /// BYE
    Bye,
    /// CANCEL
    Cancel,
    /// REGISTER
    Register,
    /// OPTIONS
    Options,
    /// INFO
    Info,
    /// REFER
    Refer,
    /// NOTIFY
    Notify,
    /// SUBSCRIBE
    Subscribe,
    /// UPDATE
    Update,
    /// PRACK
    Prack,
    /// MESSAGE
    Message,
    /// PUBLISH
    Publish,
    /// Any other extension method (a token).
    Other(String),
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Refer => "REFER",
            Method::Notify => "NOTIFY",
            Method::Subscribe => "SUBSCRIBE",
            Method::Update => "UPDATE",
            Method::Prack => "PRACK",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Other(s) => s,
        }
    }

    /// Parses a method token; `None` when `s` is not a token.
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "REGISTER" => Method::Register,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "REFER" => Method::Refer,
            "NOTIFY" => Method::Notify,
            "SUBSCRIBE" => Method::Subscribe,
            "UPDATE" => Method::Update,
            "PRACK" => Method::Prack,
            "MESSAGE" => Method::Message,
            "PUBLISH" => Method::Publish,
            other if crate::header::syntax::is_token(other) => Method::Other(other.to_owned()),
            _ => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl HeaderValue for Method {
    fn write_value(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

impl std::str::FromStr for Method {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Method, ParseError> {
        Method::parse(s).ok_or(ParseError { kind: ParseErrorKind::BadMethod, offset: 0 })
    }
}

/// A SIP request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// Header fields in order (without Content-Length).
    pub headers: Headers,
    /// The body (e.g. SDP); Content-Length is written from its length.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, uri: Uri) -> Request {
        Request { method, uri, headers: Headers::new(), body: Vec::new() }
    }

    /// Sets the body and its Content-Type.
    pub fn set_body(&mut self, content_type: &str, body: impl Into<Vec<u8>>) {
        self.headers.set("Content-Type", content_type);
        self.body = body.into();
    }

    /// The message as bytes ready for the WebSocket.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        out.extend_from_slice(self.method.as_str().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.uri.to_value_string().as_bytes());
        out.extend_from_slice(b" SIP/2.0\r\n");
        finish(&self.headers, &self.body, &mut out);
        out
    }
}

/// A SIP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Status code, 100 to 699.
    pub status: u16,
    /// Reason phrase (may be empty).
    pub reason: String,
    /// Header fields in order (without Content-Length).
    pub headers: Headers,
    /// The body; Content-Length is written from its length.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with no headers and no body.
    pub fn new(status: u16, reason: &str) -> Response {
        Response { status, reason: reason.to_owned(), headers: Headers::new(), body: Vec::new() }
    }

    /// A response to `req` (RFC 3261 §8.2.6.2): copies Via (all), From, To,
    /// Call-ID and CSeq (the first of each: a request that repeats one is answered
    /// 400 with a well-formed response). The UAS adds the To tag and, for
    /// dialog-creating responses, Record-Route and Contact.
    pub fn for_request(req: &Request, status: u16, reason: &str) -> Response {
        Response::for_headers(&req.headers, status, reason)
    }

    /// A response carrying the Via (all), From, To, Call-ID and CSeq (first) of `headers`.
    pub fn for_headers(headers: &Headers, status: u16, reason: &str) -> Response {
        let mut resp = Response::new(status, reason);
        for v in headers.all_known(Known::Via) {
            resp.headers.push(Known::Via.name(), v);
        }
        for k in [Known::From, Known::To, Known::CallId, Known::CSeq] {
            if let Some(v) = headers.get_known(k) {
                resp.headers.push(k.name(), v);
            }
        }
        resp
    }

    /// Like [`Response::for_request`] with the standard reason phrase.
    pub fn for_request_std(req: &Request, status: u16) -> Response {
        Response::for_request(req, status, reason_phrase(status))
    }

    /// Sets the body and its Content-Type.
    pub fn set_body(&mut self, content_type: &str, body: impl Into<Vec<u8>>) {
        self.headers.set("Content-Type", content_type);
        self.body = body.into();
    }

    /// 1xx.
    pub fn is_provisional(&self) -> bool {
        self.status < 200
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The message as bytes ready for the WebSocket.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        out.extend_from_slice(b"SIP/2.0 ");
        // Status codes outside 100..=999 cannot be written in three digits.
        let status = self.status.clamp(100, 999);
        let mut code = String::new();
        push_decimal(&mut code, u64::from(status));
        out.extend_from_slice(code.as_bytes());
        out.push(b' ');
        for c in self.reason.chars() {
            let mut tmp = [0u8; 4];
            let c = if c == '\r' || c == '\n' { ' ' } else { c };
            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        finish(&self.headers, &self.body, &mut out);
        out
    }
}

fn finish(headers: &Headers, body: &[u8], out: &mut Vec<u8>) {
    headers.write_to(out);
    out.extend_from_slice(b"Content-Length: ");
    let mut length = String::new();
    body.len().write_value(&mut length);
    out.extend_from_slice(length.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
}

/// A request or a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl Message {
    /// The message as bytes ready for the WebSocket.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }

    /// The header list.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The header list, mutable.
    pub fn headers_mut(&mut self) -> &mut Headers {
        match self {
            Message::Request(r) => &mut r.headers,
            Message::Response(r) => &mut r.headers,
        }
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Message {
        Message::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Message {
        Message::Response(r)
    }
}

/// The standard reason phrase for a status code ("" when unknown).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        182 => "Queued",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        204 => "No Notification",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        305 => "Use Proxy",
        380 => "Alternative Service",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        421 => "Extension Required",
        422 => "Session Interval Too Small",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        482 => "Loop Detected",
        483 => "Too Many Hops",
        484 => "Address Incomplete",
        485 => "Ambiguous",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        489 => "Bad Event",
        491 => "Request Pending",
        493 => "Undecipherable",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        505 => "Version Not Supported",
        513 => "Message Too Large",
        600 => "Busy Everywhere",
        603 => "Decline",
        604 => "Does Not Exist Anywhere",
        606 => "Not Acceptable",
        _ => "",
    }
}
