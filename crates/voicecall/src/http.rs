//! Just enough HTTP/1.1 for the service, both ways: one request per connection (`Connection:
//! close`), bounded heads and bodies, over any stream (plain TCP, or rustls).

use std::io::{self, Read, Write};

/// Heads and bodies past these sizes are refused: the service's requests are a few hundred
/// bytes, Salesforce's answers a few hundred more.
const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 64 * 1024;
const MAX_HEADERS: usize = 64;

/// A request the service received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    pub method: String,
    /// The target as sent (path and query).
    pub target: String,
    /// `Origin`, when the request came from a browser page.
    pub origin: Option<String>,
    pub body: Vec<u8>,
}

/// An answer the service sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub status: u16,
    pub body: String,
    /// `Access-Control-Allow-Origin`, for a page the service answers.
    pub allow_origin: Option<String>,
    /// A CORS preflight's answer: GET allowed, from a public page to this private address too
    /// (Chromium's Private Network Access asks before a page on the internet reads a service on
    /// the contact center's own network).
    pub preflight: bool,
}

impl Outgoing {
    pub fn json(status: u16, body: serde_json::Value) -> Outgoing {
        Outgoing { status, body: body.to_string(), allow_origin: None, preflight: false }
    }
}

/// An answer the service received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub retry_after_s: Option<u64>,
    pub body: Vec<u8>,
}

/// Reads one request; an error for anything malformed or too large.
pub fn read_request(stream: &mut impl Read) -> io::Result<Incoming> {
    let (head, rest) = read_head(stream)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let parsed = request.parse(&head).map_err(invalid)?;
    if parsed.is_partial() {
        return Err(invalid("incomplete request head"));
    }
    let (Some(method), Some(target)) = (request.method, request.path) else { return Err(invalid("no request line")) };
    let origin = header(request.headers, "origin").map(str::to_owned);
    let length = match header(request.headers, "content-length") {
        Some(text) => text.trim().parse::<usize>().map_err(invalid)?,
        None => 0,
    };
    if header(request.headers, "transfer-encoding").is_some() {
        return Err(invalid("chunked requests are not taken"));
    }
    let body = read_body(stream, rest, length)?;
    Ok(Incoming { method: method.to_owned(), target: target.to_owned(), origin, body })
}

/// Writes `answer` and ends the exchange.
pub fn write_response(stream: &mut impl Write, answer: &Outgoing) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n", answer.status, reason(answer.status), answer.body.len());
    if let Some(origin) = &answer.allow_origin {
        head.push_str(&format!("Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n"));
        if answer.preflight {
            head.push_str("Access-Control-Allow-Methods: GET\r\nAccess-Control-Allow-Private-Network: true\r\nAccess-Control-Max-Age: 600\r\n");
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(answer.body.as_bytes())?;
    stream.flush()
}

/// Writes a request to `host` with these extra headers.
pub fn write_request(stream: &mut impl Write, method: &str, host: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> io::Result<()> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Reads a whole response (the server closes the connection after it).
pub fn read_response(stream: &mut impl Read) -> io::Result<Reply> {
    let (head, rest) = read_head(stream)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    if response.parse(&head).map_err(invalid)?.is_partial() {
        return Err(invalid("incomplete response head"));
    }
    let status = response.code.ok_or_else(|| invalid("no status"))?;
    let retry_after_s = header(response.headers, "retry-after").and_then(|v| v.trim().parse().ok());
    let chunked = header(response.headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = match header(response.headers, "content-length") {
        _ if chunked => dechunk(&read_to_end_bounded(stream, rest)?)?,
        Some(text) => read_body(stream, rest, text.trim().parse().map_err(invalid)?)?,
        None => read_to_end_bounded(stream, rest)?,
    };
    Ok(Reply { status, retry_after_s, body })
}

fn header<'a>(headers: &[httparse::Header<'a>], name: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).and_then(|h| std::str::from_utf8(h.value).ok())
}

/// The head up to its blank line, and whatever of the body came with it.
fn read_head(stream: &mut impl Read) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let end = buffer.windows(4).position(|w| w == b"\r\n\r\n");
        if end.unwrap_or(buffer.len()) > MAX_HEAD {
            return Err(invalid("head too large"));
        }
        if let Some(end) = end {
            let rest = buffer.split_off(end + 4);
            return Ok((buffer, rest));
        }
        if buffer.len() > MAX_HEAD + 4 {
            return Err(invalid("head too large"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before the head ended"));
        }
        buffer.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

fn read_body(stream: &mut impl Read, mut body: Vec<u8>, length: usize) -> io::Result<Vec<u8>> {
    if length > MAX_BODY || body.len() > length {
        return Err(invalid("body too large or longer than announced"));
    }
    let already = body.len();
    body.resize(length, 0);
    stream.read_exact(body.get_mut(already..).unwrap_or_default())?;
    Ok(body)
}

fn read_to_end_bounded(stream: &mut impl Read, mut body: Vec<u8>) -> io::Result<Vec<u8>> {
    stream.take((MAX_BODY + 1) as u64).read_to_end(&mut body)?;
    if body.len() > MAX_BODY {
        return Err(invalid("body too large"));
    }
    Ok(body)
}

/// RFC 9112 §7.1 chunked coding (extensions and trailers ignored).
fn dechunk(mut data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").ok_or_else(|| invalid("chunk size line"))?;
        let size_text = std::str::from_utf8(data.get(..line_end).unwrap_or_default()).map_err(invalid)?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(invalid)?;
        data = data.get(line_end + 2..).unwrap_or_default();
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or_else(|| invalid("chunk shorter than its size"))?);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_a_body_and_an_origin_is_read() {
        let raw = b"POST /v1/calls/started HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\nContent-Length: 5\r\n\r\nhello";
        let request = read_request(&mut &raw[..]).unwrap();
        assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/v1/calls/started"));
        assert_eq!((request.origin.as_deref(), request.body.as_slice()), (Some("https://a.example"), &b"hello"[..]));
    }

    #[test]
    fn oversized_and_malformed_requests_are_refused() {
        let big = format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1);
        assert!(read_request(&mut big.as_bytes()).is_err());
        assert!(read_request(&mut &b"\x00\x01garbage\r\n\r\n"[..]).is_err());
        assert!(read_request(&mut &b"GET / HTTP/1.1\r\nHost: x\r\n"[..]).is_err(), "no end of head");
        let huge_head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD + 10));
        assert!(read_request(&mut huge_head.as_bytes()).is_err());
    }

    #[test]
    fn responses_are_read_by_length_by_chunks_or_to_the_end() {
        let by_length = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(read_response(&mut &by_length[..]).unwrap(), Reply { status: 201, retry_after_s: None, body: b"{}".to_vec() });
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(read_response(&mut &chunked[..]).unwrap().body, b"{\"a\":1}");
        let to_end = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\n\r\nlater";
        assert_eq!(read_response(&mut &to_end[..]).unwrap(), Reply { status: 503, retry_after_s: Some(7), body: b"later".to_vec() });
    }
}
