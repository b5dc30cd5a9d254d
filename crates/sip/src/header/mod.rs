//! Header syntax shared by the parsers, and the typed headers the user agent reads and writes.
//! Typed headers parse from a header value and print back with `Display`.

pub mod params;
pub mod reason;
pub(crate) mod syntax;

use std::fmt;

pub use params::Params;
use params::ParamContext;
use syntax::{parse_u32, quote, split_commas, trim_ws, unquote};

use crate::message::{HeaderValue, Method};
use crate::uri::NameAddr;

/// A malformed header value, naming the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    /// Which header.
    pub header: &'static str,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed {} header: {}", self.header, self.reason)
    }
}

impl std::error::Error for HeaderError {}

fn bad(header: &'static str, reason: &'static str) -> HeaderError {
    HeaderError { header, reason }
}

/// `Via: SIP/2.0/WSS host[:port];branch=...` (one element).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    /// `WS`, `WSS`, `UDP`, ...
    pub transport: String,
    /// sent-by host (and port), as written.
    pub sent_by: String,
    /// `;branch=...;rport;received=...`.
    pub params: Params,
}

impl Via {
    /// Parses the first element of a Via value.
    pub fn parse(value: &str) -> Result<Via, HeaderError> {
        let first = split_commas(value).next().ok_or(bad("Via", "empty"))?;
        // sent-protocol = name SLASH version SLASH transport, where SLASH may have white
        // space around it (RFC 3261 §25.1).
        let (name, rest) = first.split_once('/').ok_or(bad("Via", "expected SIP/2.0/transport"))?;
        let (version, rest) = rest.split_once('/').ok_or(bad("Via", "expected SIP/2.0/transport"))?;
        if !trim_ws(name).eq_ignore_ascii_case("SIP") || trim_ws(version) != "2.0" {
            return Err(bad("Via", "expected SIP/2.0/transport"));
        }
        let rest = trim_ws(rest);
        let end = rest.find([' ', '\t']).ok_or(bad("Via", "no sent-by"))?;
        let transport = rest.get(..end).unwrap_or("").to_owned();
        let rest = trim_ws(rest.get(end..).unwrap_or(""));
        let params_at = rest.find(';').unwrap_or(rest.len());
        let sent_by = trim_ws(rest.get(..params_at).unwrap_or("")).to_owned();
        if !syntax::is_token(&transport) || !is_sent_by(&sent_by) {
            return Err(bad("Via", "no transport or a malformed sent-by"));
        }
        let params = Params::parse(rest.get(params_at..).unwrap_or(""), ParamContext::Header).map_err(|(r, _)| bad("Via", r))?;
        Ok(Via { transport, sent_by, params })
    }

    /// The branch parameter.
    pub fn branch(&self) -> Option<&str> {
        self.params.get("branch")
    }
}

/// `host[:port]`: a host name, IPv4 address or bracketed IPv6 reference, and a port.
fn is_sent_by(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']' | b'_'))
}

impl HeaderValue for Via {
    fn write_value(&self, out: &mut String) {
        out.push_str("SIP/2.0/");
        out.push_str(&self.transport);
        out.push(' ');
        out.push_str(&self.sent_by);
        out.push_str(self.params.as_str());
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value_string())
    }
}

/// `CSeq: 314159 INVITE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number.
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Parses a CSeq value.
    pub fn parse(value: &str) -> Result<CSeq, HeaderError> {
        let mut parts = value.split_whitespace();
        let seq = parts.next().and_then(parse_u32).ok_or(bad("CSeq", "no sequence number"))?;
        let method = parts.next().and_then(Method::parse).ok_or(bad("CSeq", "no method"))?;
        if parts.next().is_some() {
            return Err(bad("CSeq", "trailing text"));
        }
        Ok(CSeq { seq, method })
    }
}

impl HeaderValue for CSeq {
    fn write_value(&self, out: &mut String) {
        self.seq.write_value(out);
        out.push(' ');
        out.push_str(self.method.as_str());
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value_string())
    }
}

/// Every name-addr of a list header (Route, Record-Route, Contact, P-Asserted-Identity).
pub fn name_addrs<'a>(values: impl Iterator<Item = &'a str>) -> Result<Vec<NameAddr>, HeaderError> {
    let mut out = Vec::new();
    for value in values {
        for item in split_commas(value) {
            if item == "*" {
                continue;
            }
            out.push(NameAddr::parse(item).map_err(|_| bad("name-addr list", "an element is not a name-addr"))?);
        }
    }
    Ok(out)
}

/// A digest challenge (`WWW-Authenticate` / `Proxy-Authenticate`, RFC 7616 / RFC 8760).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `opaque`, echoed back.
    pub opaque: Option<String>,
    /// `algorithm`, `MD5` when absent.
    pub algorithm: String,
    /// `qop` options offered, e.g. `["auth"]`.
    pub qop: Vec<String>,
    /// `stale=true`: the nonce expired, the password was fine.
    pub stale: bool,
}

impl Challenge {
    /// Parses one `Digest ...` challenge.
    pub fn parse(value: &str) -> Result<Challenge, HeaderError> {
        const H: &str = "WWW-Authenticate";
        let value = trim_ws(value);
        let (scheme, rest) = value.split_once([' ', '\t']).ok_or(bad(H, "no parameters"))?;
        if !scheme.eq_ignore_ascii_case("Digest") {
            return Err(bad(H, "not a Digest challenge"));
        }
        let mut c = Challenge { realm: String::new(), nonce: String::new(), opaque: None, algorithm: "MD5".into(), qop: Vec::new(), stale: false };
        let mut have_nonce = false;
        for item in split_commas(rest) {
            let (name, v) = item.split_once('=').ok_or(bad(H, "a parameter has no value"))?;
            let v = unquote(trim_ws(v)).into_owned();
            match trim_ws(name).to_ascii_lowercase().as_str() {
                "realm" => c.realm = v,
                "nonce" => {
                    c.nonce = v;
                    have_nonce = true;
                }
                "opaque" => c.opaque = Some(v),
                "algorithm" => c.algorithm = v,
                "qop" => c.qop = v.split(',').map(|q| trim_ws(q).to_owned()).filter(|q| !q.is_empty()).collect(),
                "stale" => c.stale = v.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        if !have_nonce {
            return Err(bad(H, "no nonce"));
        }
        Ok(c)
    }
}

/// The `Authorization` / `Proxy-Authorization` value answering a [`Challenge`].
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// Who.
    pub username: String,
    /// The challenge's realm.
    pub realm: String,
    /// The challenge's nonce.
    pub nonce: String,
    /// The Request-URI, as sent.
    pub uri: String,
    /// The digest.
    pub response: String,
    /// The algorithm used.
    pub algorithm: String,
    /// The challenge's opaque.
    pub opaque: Option<String>,
    /// `(cnonce, nc)` when qop=auth is used.
    pub qop_auth: Option<(String, u32)>,
}

impl HeaderValue for Authorization {
    fn write_value(&self, out: &mut String) {
        out.push_str("Digest");
        let quoted = [("username", &self.username), ("realm", &self.realm), ("nonce", &self.nonce), ("uri", &self.uri), ("response", &self.response)];
        for (i, (name, value)) in quoted.into_iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            out.push_str(name);
            out.push('=');
            out.push_str(&quote(value));
        }
        out.push_str(", algorithm=");
        out.push_str(&self.algorithm);
        if let Some(opaque) = &self.opaque {
            out.push_str(", opaque=");
            out.push_str(&quote(opaque));
        }
        if let Some((cnonce, nc)) = &self.qop_auth {
            out.push_str(", qop=auth, cnonce=");
            out.push_str(&quote(cnonce));
            out.push_str(", nc=");
            out.push_str(&crate::auth::nc_hex(*nc));
        }
    }
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value_string())
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The response proves knowledge of the password: never in logs.
        write!(f, "Authorization {{ username: {:?}, realm: {:?}, .. }}", self.username, self.realm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn via_with_params() {
        let v = Via::parse("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport, SIP/2.0/UDP x").expect("valid");
        assert_eq!(v.transport, "WSS");
        assert_eq!(v.sent_by, "df7jal23ls0d.invalid");
        assert_eq!(v.branch(), Some("z9hG4bKnashds7"));
        assert!(v.params.contains("rport"));
        assert_eq!(v.to_string(), "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport");
        assert!(Via::parse("SIP/2.0/WS").is_err());
        let spaced = Via::parse("SIP / 2.0 / WSS a.invalid;branch=z9hG4bK1").expect("white space around the slashes");
        assert_eq!((spaced.transport.as_str(), spaced.sent_by.as_str(), spaced.branch()), ("WSS", "a.invalid", Some("z9hG4bK1")));
        for stray in ["SIP/2.0/WS a.invalid;;branch=z9hG4bK1", "SIP/2.0/WS a.invalid;branch=z9hG4bK1;", "SIP/2.0/WS a b;branch=z", "SIP/2.0//WS a", "SIP/2.0/WS a.invalid;branch="] {
            assert!(Via::parse(stray).is_err(), "{stray}");
        }
        assert!(Via::parse("HTTP/1.1 x").is_err());
    }

    #[test]
    fn cseq_round_trip() {
        let c = CSeq::parse("  314159   INVITE ").expect("valid");
        assert_eq!((c.seq, c.method.clone()), (314159, Method::Invite));
        assert_eq!(c.to_string(), "314159 INVITE");
        assert!(CSeq::parse("x INVITE").is_err());
        assert!(CSeq::parse("1").is_err());
        assert!(CSeq::parse("1 INVITE extra").is_err());
    }

    #[test]
    fn challenges_with_quoted_commas_and_qop_lists() {
        let c = Challenge::parse(r#"Digest realm="a, b", nonce="n1", qop="auth,auth-int", algorithm=SHA-256, opaque="o", stale=TRUE"#).expect("valid");
        assert_eq!(c.realm, "a, b");
        assert_eq!(c.qop, ["auth", "auth-int"]);
        assert_eq!(c.algorithm, "SHA-256");
        assert!(c.stale);
        assert!(Challenge::parse("Basic realm=x").is_err());
        assert!(Challenge::parse(r#"Digest realm="x""#).is_err());
    }

    #[test]
    fn route_lists_split_at_top_level_commas() {
        let routes = name_addrs(["<sip:p1.example;lr>, <sip:p2.example;lr>", "\"A, B\" <sip:p3.example>"].into_iter()).expect("valid");
        assert_eq!(routes.len(), 3);
        assert_eq!(routes[2].uri.host, "p3.example");
    }
}
