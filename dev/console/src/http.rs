//! Just enough HTTP/1.1 for a loopback development server: one request per connection,
//! bodies up to a limit, no keep-alive. Never used with untrusted networks.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Bodies larger than this are refused (call logs and recorded calls are small).
const MAX_BODY: usize = 1 << 20;

/// A parsed request.
pub struct Request {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    pub body: Vec<u8>,
}

/// A response to write.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Readable from any origin: the shim tests' page lives on another loopback origin.
    pub cors: bool,
    /// A page that a cross-origin-isolated page (COEP `require-corp`, as the wasm-bindgen test
    /// runner's is) may frame: it must declare the same embedder policy.
    pub isolated: bool,
}

impl Response {
    pub fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response { status: 200, content_type, body: body.into(), cors: false, isolated: false }
    }
    pub fn json(body: String) -> Response {
        Response { status: 200, content_type: "application/json", body: body.into(), cors: true, isolated: false }
    }
    pub fn error(status: u16, message: &str) -> Response {
        Response { status, content_type: "text/plain; charset=utf-8", body: message.as_bytes().to_vec(), cors: true, isolated: false }
    }
}

/// Reads one request; `Ok(None)` when the client sent nothing usable.
pub fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (method, path) = (method.to_owned(), target.split('?').next().unwrap_or("/").to_owned());
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    if length > MAX_BODY {
        return Ok(None);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request { method, path, body }))
}

/// Writes `response` and closes the connection.
pub fn write_response(mut stream: &TcpStream, response: &Response) -> io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let cors = if response.cors {
        "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Headers: Content-Type\r\n"
    } else {
        ""
    };
    let isolated = if response.isolated { "Cross-Origin-Embedder-Policy: require-corp\r\n" } else { "" };
    write!(
        stream,
        // Cross-Origin-Resource-Policy lets pages that isolate themselves (COEP, as the
        // wasm-bindgen test runner's do) still load the stand-in script.
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nCross-Origin-Resource-Policy: cross-origin\r\n{cors}{isolated}Connection: close\r\n\r\n",
        response.status,
        response.content_type,
        response.body.len()
    )?;
    stream.write_all(&response.body)?;
    stream.flush()
}
