//! The ordered header list of a message.

use std::fmt;

/// What a header value is written from: text, numbers and the typed headers. Values append
/// their text to the header buffer directly, which keeps `core::fmt` off the paths every
/// message takes (it weighs kilobytes in the download and is slow in the size build).
pub trait HeaderValue {
    /// Appends the value as it goes on the wire.
    fn write_value(&self, out: &mut String);

    /// The value as text.
    fn to_value_string(&self) -> String {
        let mut out = String::new();
        self.write_value(&mut out);
        out
    }
}

impl HeaderValue for str {
    fn write_value(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl HeaderValue for String {
    fn write_value(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: HeaderValue + ?Sized> HeaderValue for &T {
    fn write_value(&self, out: &mut String) {
        (**self).write_value(out);
    }
}

macro_rules! decimal_header_values {
    ($($t:ty),*) => {$(
        impl HeaderValue for $t {
            fn write_value(&self, out: &mut String) {
                push_decimal(out, u64::from(*self));
            }
        }
    )*};
}
decimal_header_values!(u8, u16, u32, u64);

impl HeaderValue for i32 {
    fn write_value(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        push_decimal(out, u64::from(self.unsigned_abs()));
    }
}

impl HeaderValue for usize {
    fn write_value(&self, out: &mut String) {
        push_decimal(out, u64::try_from(*self).unwrap_or(u64::MAX));
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(i..).unwrap_or(&[])).unwrap_or(""));
}

/// Header names the crate knows, with their compact forms (RFC 3261 §7.3.3 and
/// extensions). Classified once at parse time so lookups compare small integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    Via,
    From,
    To,
    CallId,
    CSeq,
    Contact,
    MaxForwards,
    Route,
    RecordRoute,
    ContentType,
    ContentLength,
    ContentEncoding,
    Expires,
    MinExpires,
    Allow,
    Supported,
    Require,
    WwwAuthenticate,
    ProxyAuthenticate,
    Authorization,
    ProxyAuthorization,
    SessionExpires,
    MinSe,
    ReferTo,
    ReferredBy,
    Replaces,
    Event,
    AllowEvents,
    SubscriptionState,
    Reason,
    PAssertedIdentity,
    UserAgent,
    Subject,
    RSeq,
    RAck,
}

/// Full name and compact letter of each known header.
const TABLE: &[(&str, Option<u8>, Known)] = &[
    ("Via", Some(b'v'), Known::Via),
    ("From", Some(b'f'), Known::From),
    ("To", Some(b't'), Known::To),
    ("Call-ID", Some(b'i'), Known::CallId),
    ("CSeq", None, Known::CSeq),
    ("Contact", Some(b'm'), Known::Contact),
    ("Max-Forwards", None, Known::MaxForwards),
    ("Route", None, Known::Route),
    ("Record-Route", None, Known::RecordRoute),
    ("Content-Type", Some(b'c'), Known::ContentType),
    ("Content-Length", Some(b'l'), Known::ContentLength),
    ("Content-Encoding", Some(b'e'), Known::ContentEncoding),
    ("Expires", None, Known::Expires),
    ("Min-Expires", None, Known::MinExpires),
    ("Allow", None, Known::Allow),
    ("Supported", Some(b'k'), Known::Supported),
    ("Require", None, Known::Require),
    ("WWW-Authenticate", None, Known::WwwAuthenticate),
    ("Proxy-Authenticate", None, Known::ProxyAuthenticate),
    ("Authorization", None, Known::Authorization),
    ("Proxy-Authorization", None, Known::ProxyAuthorization),
    ("Session-Expires", Some(b'x'), Known::SessionExpires),
    ("Min-SE", None, Known::MinSe),
    ("Refer-To", Some(b'r'), Known::ReferTo),
    ("Referred-By", Some(b'b'), Known::ReferredBy),
    ("Replaces", None, Known::Replaces),
    ("Event", Some(b'o'), Known::Event),
    ("Allow-Events", Some(b'u'), Known::AllowEvents),
    ("Subscription-State", None, Known::SubscriptionState),
    ("Reason", None, Known::Reason),
    ("P-Asserted-Identity", None, Known::PAssertedIdentity),
    ("User-Agent", None, Known::UserAgent),
    ("Subject", Some(b's'), Known::Subject),
    ("RSeq", None, Known::RSeq),
    ("RAck", None, Known::RAck),
];

impl Known {
    /// Recognises a header name (full or compact, any case).
    pub(crate) fn classify(name: &str) -> Option<Known> {
        if let [c] = name.as_bytes() {
            let c = c.to_ascii_lowercase();
            return TABLE.iter().find(|(_, compact, _)| *compact == Some(c)).map(|e| e.2);
        }
        // Length and first letter rule out all but one or two names before a full comparison;
        // names mostly come in their canonical case, which one memory comparison confirms.
        let first = name.as_bytes().first()?.to_ascii_lowercase();
        TABLE
            .iter()
            .find(|(full, _, _)| {
                full.len() == name.len()
                    && full.as_bytes().first().map(u8::to_ascii_lowercase) == Some(first)
                    && (*full == name || full.eq_ignore_ascii_case(name))
            })
            .map(|e| e.2)
    }

    /// The canonical full name.
    pub(crate) fn name(self) -> &'static str {
        TABLE.iter().find(|e| e.2 == self).map(|e| e.0).unwrap_or("")
    }
}

/// A byte range in [`Headers::buf`].
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Clone, Debug)]
struct Entry {
    name: Span,
    value: Span,
    known: Option<Known>,
}

/// Header fields in message order.
///
/// Names compare case-insensitively and compact forms match their full names
/// (`get("Call-ID")` finds an `i:` header). Values are kept as received
/// (folded lines joined by one space); typed accessors parse them on demand
/// (see the `header` module). All names and values live in one string buffer,
/// so parsing a message does not allocate per header.
///
/// `Content-Length` is not kept here: the body length is the truth and the
/// printer writes the header.
#[derive(Clone, Default)]
pub struct Headers {
    buf: String,
    entries: Vec<Entry>,
}

/// How a name given by the caller is matched.
enum Query<'q> {
    Known(Known),
    Other(&'q str),
}

impl<'q> Query<'q> {
    fn new(name: &'q str) -> Self {
        match Known::classify(name) {
            Some(k) => Query::Known(k),
            None => Query::Other(name),
        }
    }
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Number of header fields (lines).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no header.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn text(&self, span: Span) -> &str {
        self.buf.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    fn matches(&self, e: &Entry, q: &Query<'_>) -> bool {
        match q {
            Query::Known(k) => e.known == Some(*k),
            Query::Other(name) => e.known.is_none() && self.text(e.name).eq_ignore_ascii_case(name),
        }
    }

    /// Iterates over `(name, value)` in order; names as written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|e| (self.text(e.name), self.text(e.value)))
    }

    /// The value of the first header called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let q = Query::new(name);
        self.entries.iter().find(|e| self.matches(e, &q)).map(|e| self.text(e.value))
    }

    /// The values of every header called `name`, in order (one per header line;
    /// comma-separated lists are split by the typed accessors).
    pub fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let q = match Query::new(name) {
            Query::Known(k) => Err(k),
            Query::Other(n) => Ok(n.to_owned()),
        };
        self.entries
            .iter()
            .filter(move |e| match &q {
                Err(k) => e.known == Some(*k),
                Ok(n) => e.known.is_none() && self.text(e.name).eq_ignore_ascii_case(n),
            })
            .map(|e| self.text(e.value))
    }

    pub(crate) fn get_known(&self, k: Known) -> Option<&str> {
        self.entries.iter().find(|e| e.known == Some(k)).map(|e| self.text(e.value))
    }

    pub(crate) fn all_known(&self, k: Known) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().filter(move |e| e.known == Some(k)).map(|e| self.text(e.value))
    }

    /// True when a header called `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Appends a header: `&str`, numbers, typed headers (see [`HeaderValue`]).
    ///
    /// CR and LF in the value become spaces and characters not allowed in a
    /// header name become `-`, so a printed message always parses back.
    pub fn push(&mut self, name: &str, value: impl HeaderValue) {
        let e = self.write_entry(name, &value);
        self.entries.push(e);
    }

    /// Inserts a header before all others (e.g. a new top Via).
    pub fn push_front(&mut self, name: &str, value: impl HeaderValue) {
        let e = self.write_entry(name, &value);
        self.entries.insert(0, e);
    }

    /// Replaces every header called `name` with one header (at the position of
    /// the first one, or at the end).
    pub fn set(&mut self, name: &str, value: impl HeaderValue) {
        let q = Query::new(name);
        let first = self.entries.iter().position(|e| self.matches(e, &q));
        let e = self.write_entry(name, &value);
        match first {
            Some(i) => {
                self.remove(name);
                let i = i.min(self.entries.len());
                self.entries.insert(i, e);
            }
            None => self.entries.push(e),
        }
    }

    /// Removes every header called `name`; returns how many were removed.
    pub fn remove(&mut self, name: &str) -> usize {
        let q = Query::new(name);
        let before = self.entries.len();
        let keep: Vec<bool> = self.entries.iter().map(|e| !self.matches(e, &q)).collect();
        let mut flags = keep.into_iter();
        self.entries.retain(|_| flags.next().unwrap_or(true));
        before - self.entries.len()
    }

    /// Not generic on purpose: one copy in the binary however many value types are pushed.
    fn write_entry(&mut self, name: &str, value: &dyn HeaderValue) -> Entry {
        if self.buf.len() > u32::MAX as usize / 2 {
            // A header buffer this large is never legitimate; start over rather
            // than overflow the 32-bit spans (only reachable by a misbehaving caller).
            self.compact();
        }
        let name_start = self.buf.len();
        for c in name.chars() {
            self.buf.push(if c.is_ascii() && super::super::header::syntax::is_token_byte(c as u8) { c } else { '-' });
        }
        if name.is_empty() {
            self.buf.push('X');
        }
        let name_end = self.buf.len();
        let value_start = self.buf.len();
        value.write_value(&mut self.buf);
        let written = self.buf.get(value_start..).unwrap_or("");
        if written.contains(['\r', '\n']) {
            let clean = written.replace(['\r', '\n'], " ");
            self.buf.truncate(value_start);
            self.buf.push_str(&clean);
        }
        let written = self.buf.get(value_start..).unwrap_or("");
        let lead = written.len() - written.trim_start_matches([' ', '\t']).len();
        let trimmed = written.trim_matches([' ', '\t']).len();
        let known = Known::classify(self.buf.get(name_start..name_end).unwrap_or(""));
        Entry {
            name: span(name_start, name_end),
            value: span(value_start + lead, value_start + lead + trimmed),
            known,
        }
    }

    /// Rebuilds the buffer without text of removed headers.
    fn compact(&mut self) {
        let mut fresh = Headers::default();
        for (n, v) in self.iter() {
            fresh.push(n, v);
        }
        *self = fresh;
    }

    /// Builds the list from a parsed header block: `buf` holds the block, the
    /// spans index into it (made by the message parser).
    pub(crate) fn from_parts(buf: String) -> Self {
        Headers { buf, entries: Vec::with_capacity(16) }
    }

    pub(crate) fn buf_mut(&mut self) -> &mut String {
        &mut self.buf
    }

    pub(crate) fn push_span(&mut self, name: (usize, usize), value: (usize, usize), known: Option<Known>) {
        self.entries.push(Entry { name: span(name.0, name.1), value: span(value.0, value.1), known });
    }

    /// Writes `Name: value\r\n` lines (Content-Length excluded).
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        for e in &self.entries {
            if e.known == Some(Known::ContentLength) {
                continue;
            }
            out.extend_from_slice(self.text(e.name).as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(self.text(e.value).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

fn span(start: usize, end: usize) -> Span {
    // Callers keep the buffer below u32::MAX (see write_entry and the parser's size limit).
    Span { start: u32::try_from(start).unwrap_or(u32::MAX), end: u32::try_from(end).unwrap_or(u32::MAX) }
}

impl PartialEq for Headers {
    /// Same headers in the same order: names compared case-insensitively (compact
    /// forms equal full names), values compared exactly.
    fn eq(&self, other: &Headers) -> bool {
        self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&other.entries).all(|(a, b)| {
                let names = match (a.known, b.known) {
                    (Some(x), Some(y)) => x == y,
                    (None, None) => self.text(a.name).eq_ignore_ascii_case(other.text(b.name)),
                    _ => false,
                };
                names && self.text(a.value) == other.text(b.value)
            })
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Authorization values carry digest responses: keep them out of logs.
        f.debug_list()
            .entries(self.entries.iter().map(|e| {
                let secret = matches!(e.known, Some(Known::Authorization | Known::ProxyAuthorization));
                (self.text(e.name), if secret { "<redacted>" } else { self.text(e.value) })
            }))
            .finish()
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Headers {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        let mut h = Headers::new();
        for (n, v) in iter {
            h.push(n, v);
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_full_names_find_each_other() {
        let mut h = Headers::new();
        h.push("i", "abc@host");
        h.push("v", "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
        h.push("VIA", "SIP/2.0/WSS b.invalid;branch=z9hG4bK2");
        h.push("X-Custom", "1");
        assert_eq!(h.get("Call-ID"), Some("abc@host"));
        assert_eq!(h.get("call-id"), Some("abc@host"));
        assert_eq!(h.get_all("Via").count(), 2);
        assert_eq!(h.get("x-custom"), Some("1"));
        assert_eq!(h.get("X-Other"), None);
    }

    #[test]
    fn set_replaces_in_place_and_remove_counts() {
        let mut h = Headers::new();
        h.push("A", "1");
        h.push("Expires", "60");
        h.push("B", "2");
        h.push("expires", "70");
        h.set("Expires", 3600);
        let names: Vec<(&str, &str)> = h.iter().collect();
        assert_eq!(names, vec![("A", "1"), ("Expires", "3600"), ("B", "2")]);
        assert_eq!(h.remove("a"), 1);
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn injected_line_breaks_cannot_add_headers() {
        let mut h = Headers::new();
        h.push("Subject", "hi\r\nVia: evil");
        h.push("Bad Name:", " x ");
        assert_eq!(h.get("Subject"), Some("hi  Via: evil"));
        assert_eq!(h.len(), 2);
        assert_eq!(h.get("Bad-Name-"), Some("x"));
    }

    #[test]
    fn debug_hides_authorization() {
        let mut h = Headers::new();
        h.push("Authorization", "Digest response=\"secret\"");
        assert!(!format!("{h:?}").contains("secret"));
    }
}
