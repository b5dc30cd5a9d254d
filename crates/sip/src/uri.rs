//! SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966) and name-addr / addr-spec.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::header::params::{ParamContext, Params};
use crate::message::HeaderValue;
use crate::header::syntax::{is_token_byte, is_ws, quote, quoted_len, trim_ws, unquote};

/// URI scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `sip:`
    Sip,
    /// `sips:` (TLS end to end)
    Sips,
    /// `tel:` (RFC 3966): the number is in [`Uri::user`], the host is empty.
    Tel,
}

impl Scheme {
    /// The scheme as written in a URI, without the colon.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Sip => "sip",
            Scheme::Sips => "sips",
            Scheme::Tel => "tel",
        }
    }
}

/// A SIP, SIPS or tel URI.
///
/// Fields keep the text as written (escapes like `%40` included) so that a
/// printed URI reads like the received one; [`Uri::user_unescaped`] decodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uri {
    /// `sip`, `sips` or `tel`.
    pub scheme: Scheme,
    /// User part (for tel URIs: the number), escaped as written.
    pub user: Option<String>,
    /// Password of the userinfo (deprecated by RFC 3261 but parsed).
    pub password: Option<String>,
    /// Host name, IPv4 address or bracketed IPv6 reference (`[::1]`); empty for tel.
    pub host: String,
    /// Port, when given.
    pub port: Option<u16>,
    /// URI parameters (`;transport=ws;lr`).
    pub params: Params,
    /// URI headers without the leading `?` (`Replaces=...&X=1`), escaped as written.
    pub headers: Option<String>,
}

/// A URI that could not be parsed: what is wrong and where (byte offset in the URI text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UriError {
    /// What is wrong.
    pub reason: &'static str,
    /// Byte offset in the URI text.
    pub offset: usize,
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid URI: {} (at byte {})", self.reason, self.offset)
    }
}

impl std::error::Error for UriError {}

fn err(reason: &'static str, offset: usize) -> UriError {
    UriError { reason, offset }
}

impl Uri {
    /// `sip:user@host` (no user when `user` is empty).
    pub fn sip(user: &str, host: &str) -> Uri {
        Uri {
            scheme: Scheme::Sip,
            user: (!user.is_empty()).then(|| escape_user(user).into_owned()),
            password: None,
            host: host.to_owned(),
            port: None,
            params: Params::new(),
            headers: None,
        }
    }

    /// `tel:number`.
    pub fn tel(number: &str) -> Uri {
        Uri {
            scheme: Scheme::Tel,
            user: Some(escape_user(number).into_owned()),
            password: None,
            host: String::new(),
            port: None,
            params: Params::new(),
            headers: None,
        }
    }

    /// Parses a URI; the whole text must be the URI.
    pub fn parse(s: &str) -> Result<Uri, UriError> {
        let colon = s.find(':').ok_or(err("no scheme (expected sip:, sips: or tel:)", 0))?;
        let scheme_text = s.get(..colon).unwrap_or("");
        let scheme = if scheme_text.eq_ignore_ascii_case("sip") {
            Scheme::Sip
        } else if scheme_text.eq_ignore_ascii_case("sips") {
            Scheme::Sips
        } else if scheme_text.eq_ignore_ascii_case("tel") {
            Scheme::Tel
        } else {
            return Err(err("unsupported scheme (expected sip:, sips: or tel:)", 0));
        };
        let rest = s.get(colon + 1..).unwrap_or("");
        let base = colon + 1;
        if scheme == Scheme::Tel {
            return parse_tel(rest, base);
        }

        // '@' cannot appear unescaped after the userinfo, so the first one ends it.
        let (user, password, host_start) = match rest.find('@') {
            Some(at) => {
                let userinfo = rest.get(..at).unwrap_or("");
                let (user, password) = match userinfo.find(':') {
                    Some(c) => (userinfo.get(..c).unwrap_or(""), Some(userinfo.get(c + 1..).unwrap_or(""))),
                    None => (userinfo, None),
                };
                check_chars(user, base, is_user_byte, "invalid character in user part")?;
                if user.is_empty() {
                    return Err(err("empty user part before '@'", base));
                }
                if let Some(p) = password {
                    check_chars(p, base + user.len() + 1, is_password_byte, "invalid character in password")?;
                }
                (Some(user.to_owned()), password.map(str::to_owned), at + 1)
            }
            None => (None, None, 0),
        };
        let hostport_and_more = rest.get(host_start..).unwrap_or("");
        let base = base + host_start;
        let (host, host_len) = parse_host(hostport_and_more, base)?;
        let mut i = host_len;
        let after_host = hostport_and_more.get(i..).unwrap_or("");
        let mut port = None;
        if let Some(p) = after_host.strip_prefix(':') {
            let digits = p.bytes().take_while(u8::is_ascii_digit).count();
            let text = p.get(..digits).unwrap_or("");
            let number = crate::header::syntax::parse_decimal(text, 18).and_then(|n| u16::try_from(n).ok());
            port = Some(number.ok_or(err("port is not a number from 0 to 65535", base + i + 1))?);
            i += 1 + digits;
        }
        let tail = hostport_and_more.get(i..).unwrap_or("");
        let (params_text, headers) = match tail.find('?') {
            Some(q) => (tail.get(..q).unwrap_or(""), Some(tail.get(q + 1..).unwrap_or(""))),
            None => (tail, None),
        };
        let params = Params::parse(params_text, ParamContext::Uri)
            .map_err(|(reason, at)| err(reason, base + i + at))?;
        if let Some(h) = headers {
            let at = base + i + params_text.len() + 1;
            check_chars(h, at, is_header_byte, "invalid character in URI headers")?;
        }
        Ok(Uri {
            scheme,
            user,
            password,
            host: host.to_owned(),
            port,
            params,
            headers: headers.map(str::to_owned),
        })
    }

    /// The user part with `%HH` escapes decoded (invalid UTF-8 is replaced).
    pub fn user_unescaped(&self) -> Option<Cow<'_, str>> {
        self.user.as_deref().map(unescape)
    }

    /// The host without the brackets of an IPv6 reference.
    pub fn host_unbracketed(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&self.host)
    }

    /// Value of URI parameter `name` (`Some("")` for a flag like `lr`).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name)
    }

    /// The value of a URI header (`?Replaces=...`), %-decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let headers = self.headers.as_deref()?;
        headers.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            n.eq_ignore_ascii_case(name).then(|| unescape(v).into_owned())
        })
    }

    /// RFC 3261 §19.1.4 comparison: scheme, user (escapes decoded), password,
    /// host (case-insensitive), port, and the parameters that must match.
    pub fn matches(&self, other: &Uri) -> bool {
        if self.scheme != other.scheme
            || self.user_unescaped() != other.user_unescaped()
            || self.password != other.password
            || !self.host.eq_ignore_ascii_case(&other.host)
            || self.port != other.port
        {
            return false;
        }
        for name in ["transport", "user", "ttl", "method", "maddr"] {
            match (self.params.get(name), other.params.get(name)) {
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {}
                (None, None) => {}
                _ => return false,
            }
        }
        // Any other parameter present in both must agree.
        self.params.iter().all(|(n, v)| match other.params.get(n) {
            Some(ov) => ov.eq_ignore_ascii_case(v.unwrap_or("")),
            None => true,
        })
    }
}

fn parse_tel(rest: &str, base: usize) -> Result<Uri, UriError> {
    let end = rest.find(';').unwrap_or(rest.len());
    let number = rest.get(..end).unwrap_or("");
    if number.is_empty() {
        return Err(err("empty telephone number", base));
    }
    check_chars(number, base, is_tel_byte, "invalid character in telephone number")?;
    let params = Params::parse(rest.get(end..).unwrap_or(""), ParamContext::Uri)
        .map_err(|(reason, at)| err(reason, base + end + at))?;
    Ok(Uri {
        scheme: Scheme::Tel,
        user: Some(number.to_owned()),
        password: None,
        host: String::new(),
        port: None,
        params,
        headers: None,
    })
}

/// Returns the host text and its length in `s`.
fn parse_host(s: &str, base: usize) -> Result<(&str, usize), UriError> {
    if s.starts_with('[') {
        let close = s.find(']').ok_or(err("IPv6 reference without ']'", base))?;
        let inner = s.get(1..close).unwrap_or("");
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return Err(err("invalid IPv6 reference", base + 1));
        }
        return Ok((s.get(..=close).unwrap_or(""), close + 1));
    }
    let len = s
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        .count();
    if len == 0 {
        return Err(err("missing host", base));
    }
    Ok((s.get(..len).unwrap_or(""), len))
}

fn check_chars(s: &str, base: usize, ok: fn(u8) -> bool, reason: &'static str) -> Result<(), UriError> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err(err("'%' not followed by two hex digits", base + i));
            }
            i += 3;
            continue;
        }
        if !ok(c) {
            return Err(err(reason, base + i));
        }
        i += 1;
    }
    Ok(())
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
}

fn is_user_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/')
}

fn is_password_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'&' | b'=' | b'+' | b'$' | b',')
}

fn is_header_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$' | b'&' | b'=')
}

fn is_tel_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || matches!(b, b'+' | b'-' | b'.' | b'(' | b')' | b'*' | b'#' | b'p' | b'w' | b'P' | b'W')
}

/// Decodes `%HH` escapes; invalid sequences are kept as written.
pub fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hi = b.get(i + 1).and_then(|h| (*h as char).to_digit(16));
            let lo = b.get(i + 2).and_then(|h| (*h as char).to_digit(16));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(crate::header::syntax::lossy_text(&out))
}

/// Escapes what may not appear literally in a user part.
pub fn escape_user(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_user_byte) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for b in s.bytes() {
        if is_user_byte(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        }
    }
    Cow::Owned(out)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl HeaderValue for Uri {
    fn write_value(&self, out: &mut String) {
        out.push_str(self.scheme.as_str());
        out.push(':');
        if let Some(user) = &self.user {
            out.push_str(user);
            if let Some(p) = &self.password {
                out.push(':');
                out.push_str(p);
            }
            if self.scheme != Scheme::Tel {
                out.push('@');
            }
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push(':');
            port.write_value(out);
        }
        out.push_str(self.params.as_str());
        if let Some(h) = &self.headers {
            out.push('?');
            out.push_str(h);
        }
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value_string())
    }
}

impl FromStr for Uri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Uri, UriError> {
        Uri::parse(s)
    }
}

/// A name-addr or addr-spec with header parameters, as in From, To, Contact,
/// Route, Record-Route, Refer-To, Referred-By and P-Asserted-Identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NameAddr {
    /// Display name without quotes and escapes (`Alice` in `"Alice" <sip:a@b>`).
    pub display_name: Option<String>,
    /// The address.
    pub uri: Uri,
    /// Header parameters after the address (`;tag=...`, `;expires=...`).
    pub params: Params,
}

impl NameAddr {
    /// An address without display name and parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr { display_name: None, uri, params: Params::new() }
    }

    /// Parses one name-addr or addr-spec with its parameters.
    pub fn parse(s: &str) -> Result<NameAddr, UriError> {
        let lead = s.len() - s.trim_start_matches([' ', '\t']).len();
        let t = s.get(lead..).unwrap_or("");
        let (display_name, uri_start) = if t.starts_with('"') {
            let len = quoted_len(t).ok_or(err("unterminated quoted display name", lead))?;
            let name = unquote(t.get(..len).unwrap_or("")).into_owned();
            let after = t.get(len..).unwrap_or("");
            let ws = after.len() - after.trim_start_matches([' ', '\t']).len();
            if !after.get(ws..).unwrap_or("").starts_with('<') {
                return Err(err("expected '<' after the display name", lead + len + ws));
            }
            (Some(name), len + ws)
        } else if let Some(lt) = t.find('<') {
            // Unquoted display name: tokens separated by white space.
            let name = trim_ws(t.get(..lt).unwrap_or(""));
            if let Some(bad) = name.bytes().position(|b| !(is_token_byte(b) || is_ws(b))) {
                return Err(err("invalid character in display name (quote it)", lead + bad));
            }
            ((!name.is_empty()).then(|| name.to_owned()), lt)
        } else {
            (None, usize::MAX)
        };

        if uri_start == usize::MAX {
            // addr-spec: the URI ends at the first ';' (its parameters belong to the header).
            let end = t.find([';', ' ', '\t']).unwrap_or(t.len());
            let uri = Uri::parse(t.get(..end).unwrap_or("")).map_err(|e| shift(e, lead))?;
            if uri.headers.is_some() {
                return Err(err("URI with '?' headers must be enclosed in '<' '>'", lead));
            }
            let params = Params::parse(t.get(end..).unwrap_or(""), ParamContext::Header)
                .map_err(|(r, at)| err(r, lead + end + at))?;
            return Ok(NameAddr { display_name: None, uri, params });
        }

        let inner_start = uri_start + 1;
        let rest = t.get(inner_start..).unwrap_or("");
        let gt = rest.find('>').ok_or(err("'<' without matching '>'", lead + uri_start))?;
        let uri = Uri::parse(rest.get(..gt).unwrap_or("")).map_err(|e| shift(e, lead + inner_start))?;
        let params_at = inner_start + gt + 1;
        let params = Params::parse(t.get(params_at..).unwrap_or(""), ParamContext::Header)
            .map_err(|(r, at)| err(r, lead + params_at + at))?;
        Ok(NameAddr { display_name, uri, params })
    }

    /// The `tag` parameter (From/To).
    pub fn tag(&self) -> Option<&str> {
        self.params.get("tag")
    }

    /// Sets the `tag` parameter.
    pub fn set_tag(&mut self, tag: &str) {
        self.params.set("tag", Some(tag));
    }

    /// Builder form of [`NameAddr::set_tag`].
    pub fn with_tag(mut self, tag: &str) -> NameAddr {
        self.set_tag(tag);
        self
    }

    /// Builder: sets the display name.
    pub fn with_display_name(mut self, name: &str) -> NameAddr {
        self.display_name = Some(name.to_owned());
        self
    }
}

fn shift(e: UriError, by: usize) -> UriError {
    UriError { reason: e.reason, offset: e.offset + by }
}

impl HeaderValue for NameAddr {
    fn write_value(&self, out: &mut String) {
        if let Some(name) = &self.display_name {
            out.push_str(&quote(name));
            out.push(' ');
        }
        out.push('<');
        self.uri.write_value(out);
        out.push('>');
        out.push_str(self.params.as_str());
    }
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value_string())
    }
}

impl FromStr for NameAddr {
    type Err = UriError;
    fn from_str(s: &str) -> Result<NameAddr, UriError> {
        NameAddr::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_uri_with_everything() {
        let u = Uri::parse("sips:alice:secret@[2001:db8::1]:5061;transport=ws;lr?Subject=hi&X=%20y").unwrap();
        assert_eq!(u.scheme, Scheme::Sips);
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.host, "[2001:db8::1]");
        assert_eq!(u.host_unbracketed(), "2001:db8::1");
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.param("transport"), Some("ws"));
        assert_eq!(u.param("lr"), Some(""));
        assert_eq!(u.header("x").as_deref(), Some(" y"));
        assert_eq!(u.to_string(), "sips:alice:secret@[2001:db8::1]:5061;transport=ws;lr?Subject=hi&X=%20y");
    }

    #[test]
    fn user_part_may_hold_semicolons_and_escapes() {
        // RFC 4475 3.1.1.11 style: ';' and escaped '@' inside the user part.
        let u = Uri::parse("sip:user;par=u%40example.net@example.com").unwrap();
        assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
        assert_eq!(u.user_unescaped().unwrap(), "user;par=u@example.net");
        assert_eq!(u.host, "example.com");
        assert!(u.params.is_empty());
    }

    #[test]
    fn tel_uri() {
        let u = Uri::parse("tel:+1-201-555-0123;phone-context=example.com").unwrap();
        assert_eq!(u.scheme, Scheme::Tel);
        assert_eq!(u.user.as_deref(), Some("+1-201-555-0123"));
        assert_eq!(u.to_string(), "tel:+1-201-555-0123;phone-context=example.com");
    }

    #[test]
    fn bad_uris_say_where() {
        assert_eq!(Uri::parse("http://x").unwrap_err().reason, "unsupported scheme (expected sip:, sips: or tel:)");
        assert_eq!(Uri::parse("sip:a@b:99999").unwrap_err().offset, 8);
        assert_eq!(Uri::parse("sip:a%4@b").unwrap_err().offset, 5);
        assert!(Uri::parse("sip:a@[::1").is_err());
        assert!(Uri::parse("sip:@host").is_err());
        assert!(Uri::parse("sip:a b@host").is_err());
    }

    #[test]
    fn uri_comparison_follows_rfc3261() {
        let a = Uri::parse("sip:%61lice@ATLANTA.com;transport=TCP").unwrap();
        let b = Uri::parse("sip:alice@atlanta.com;transport=tcp").unwrap();
        assert!(a.matches(&b));
        let c = Uri::parse("sip:alice@atlanta.com").unwrap();
        assert!(!b.matches(&c));
    }

    #[test]
    fn name_addr_forms() {
        let n = NameAddr::parse(r#" "Bob \"B\" Smith" <sip:bob@biloxi.com;transport=ws>;tag=a6c85cf"#).unwrap();
        assert_eq!(n.display_name.as_deref(), Some(r#"Bob "B" Smith"#));
        assert_eq!(n.uri.param("transport"), Some("ws"));
        assert_eq!(n.tag(), Some("a6c85cf"));

        let n = NameAddr::parse("Anonymous Caller <sip:c@d>").unwrap();
        assert_eq!(n.display_name.as_deref(), Some("Anonymous Caller"));

        // addr-spec: ';tag' belongs to the header, not the URI.
        let n = NameAddr::parse("sip:alice@atlanta.com;tag=88").unwrap();
        assert!(n.uri.params.is_empty());
        assert_eq!(n.tag(), Some("88"));
        assert_eq!(n.to_string(), "<sip:alice@atlanta.com>;tag=88");
    }

    #[test]
    fn name_addr_errors() {
        assert!(NameAddr::parse("\"unterminated <sip:a@b>").is_err());
        assert!(NameAddr::parse("<sip:a@b").is_err());
        assert!(NameAddr::parse("sip:a@b?X=1").is_err());
        assert!(NameAddr::parse("a@b <sip:a@b>").is_err());
    }
}
