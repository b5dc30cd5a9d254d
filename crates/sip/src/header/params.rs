//! `;name=value` parameter lists (URI parameters and header parameters).

use std::fmt;

use super::syntax::{is_ws, quoted_len};

/// An ordered list of `;name[=value]` parameters, kept as one canonical string
/// (no white space) so that parsing a message allocates once per list.
///
/// Names compare case-insensitively; values are returned as written (a quoted
/// value keeps its quotes, see [`Params::get_unquoted`]).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Params {
    raw: String,
}

/// Where a parameter list is found: header parameters allow white space around
/// `;` and `=` and quoted values, URI parameters allow neither.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamContext {
    Header,
    Uri,
}

impl Params {
    /// An empty list.
    pub fn new() -> Self {
        Params { raw: String::new() }
    }

    /// True when there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The list as printed, e.g. `;tag=1;lr` (empty when there is none).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Iterates over `(name, value)`; flag parameters like `lr` have no value.
    pub fn iter(&self) -> ParamsIter<'_> {
        ParamsIter { rest: &self.raw }
    }

    /// The value of the first parameter `name`; `Some("")` for a flag parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.unwrap_or(""))
    }

    /// Like [`Params::get`] with the quotes and escapes of a quoted value removed.
    pub fn get_unquoted(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.get(name).map(super::syntax::unquote)
    }

    /// True when parameter `name` is present (with or without a value).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Appends a parameter (no check for duplicates). `value` is written as
    /// given: quote it yourself when it is not a token.
    pub fn push(&mut self, name: &str, value: Option<&str>) {
        self.raw.push(';');
        push_clean(&mut self.raw, name);
        if let Some(v) = value {
            self.raw.push('=');
            push_clean(&mut self.raw, v);
        }
    }

    /// Replaces every parameter `name` with one (appended at the end).
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        self.remove(name);
        self.push(name, value);
    }

    /// Removes every parameter `name`; returns whether one was there.
    pub fn remove(&mut self, name: &str) -> bool {
        if !self.contains(name) {
            return false;
        }
        let mut out = String::with_capacity(self.raw.len());
        for (n, v) in self.iter() {
            if !n.eq_ignore_ascii_case(name) {
                out.push(';');
                out.push_str(n);
                if let Some(v) = v {
                    out.push('=');
                    out.push_str(v);
                }
            }
        }
        self.raw = out;
        true
    }

    /// Parses a parameter list that starts at `s` (empty, or starting with `;`)
    /// and runs to the end of `s`. Errors give a reason and a byte offset in `s`.
    pub(crate) fn parse(s: &str, ctx: ParamContext) -> Result<Params, (&'static str, usize)> {
        let b = s.as_bytes();
        let mut raw = String::with_capacity(s.len());
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            if ctx == ParamContext::Header {
                while b.get(*i).is_some_and(|&c| is_ws(c)) {
                    *i += 1;
                }
            }
        };
        loop {
            skip_ws(&mut i);
            match b.get(i) {
                None => break,
                Some(b';') => i += 1,
                Some(_) => return Err(("expected ';' before a parameter", i)),
            }
            skip_ws(&mut i);
            let name_start = i;
            while b.get(i).is_some_and(|&c| is_name_byte(c, ctx)) {
                i += 1;
            }
            let name = s.get(name_start..i).unwrap_or("");
            if name.is_empty() {
                return Err(("empty parameter name", i));
            }
            raw.push(';');
            raw.push_str(name);
            skip_ws(&mut i);
            if b.get(i) == Some(&b'=') {
                i += 1;
                skip_ws(&mut i);
                let value_start = i;
                if ctx == ParamContext::Header && b.get(i) == Some(&b'"') {
                    let len = s
                        .get(i..)
                        .and_then(quoted_len)
                        .ok_or(("unterminated quoted parameter value", i))?;
                    i += len;
                } else {
                    while b.get(i).is_some_and(|&c| is_value_byte(c, ctx)) {
                        i += 1;
                    }
                }
                let value = s.get(value_start..i).unwrap_or("");
                if value.is_empty() {
                    return Err(("empty parameter value after '='", i));
                }
                raw.push('=');
                raw.push_str(value);
            }
        }
        Ok(Params { raw })
    }
}

/// Parameter names: tokens; URIs also allow `[ ] / : & + $` and `%` escapes.
fn is_name_byte(c: u8, ctx: ParamContext) -> bool {
    super::syntax::is_token_byte(c)
        || (ctx == ParamContext::Uri && matches!(c, b'[' | b']' | b'/' | b':' | b'&' | b'$'))
}

/// Unquoted values: tokens, hosts (IPv6 references) and, in URIs, paramchars.
fn is_value_byte(c: u8, ctx: ParamContext) -> bool {
    super::syntax::is_token_byte(c)
        || matches!(c, b'[' | b']' | b':')
        || (ctx == ParamContext::Uri && matches!(c, b'/' | b'&' | b'$'))
}

/// Keeps characters that would break the list structure out of the canonical form.
fn push_clean(out: &mut String, s: &str) {
    for c in s.chars() {
        out.push(match c {
            '\r' | '\n' | ';' | ',' | ' ' | '\t' if !s.starts_with('"') => '_',
            '\r' | '\n' => ' ',
            c => c,
        });
    }
}

/// Iterator over the parameters of a [`Params`].
pub struct ParamsIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for ParamsIter<'a> {
    type Item = (&'a str, Option<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest.strip_prefix(';')?;
        let name_end = s.find(['=', ';']).unwrap_or(s.len());
        let name = s.get(..name_end).unwrap_or("");
        let after = s.get(name_end..).unwrap_or("");
        if let Some(v) = after.strip_prefix('=') {
            let len = if v.starts_with('"') {
                quoted_len(v).unwrap_or(v.len())
            } else {
                v.find(';').unwrap_or(v.len())
            };
            self.rest = v.get(len..).unwrap_or("");
            Some((name, Some(v.get(..len).unwrap_or(""))))
        } else {
            self.rest = after;
            Some((name, None))
        }
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl crate::message::HeaderValue for Params {
    fn write_value(&self, out: &mut String) {
        out.push_str(&self.raw);
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.raw, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_params_allow_spaces_and_quotes() {
        let p = Params::parse(r#" ; tag = 12ab ;lr; +sip.instance="<urn:uuid:1;2>""#, ParamContext::Header)
            .unwrap();
        assert_eq!(p.as_str(), r#";tag=12ab;lr;+sip.instance="<urn:uuid:1;2>""#);
        assert_eq!(p.get("TAG"), Some("12ab"));
        assert_eq!(p.get("lr"), Some(""));
        assert_eq!(p.get_unquoted("+sip.instance").unwrap(), "<urn:uuid:1;2>");
        assert_eq!(p.get("missing"), None);
    }

    #[test]
    fn uri_params_reject_spaces() {
        assert!(Params::parse(";transport=ws", ParamContext::Uri).is_ok());
        assert!(Params::parse("; transport=ws", ParamContext::Uri).is_err());
        assert_eq!(Params::parse(";a=", ParamContext::Uri).unwrap_err().0, "empty parameter value after '='");
    }

    #[test]
    fn set_and_remove_keep_order_of_others() {
        let mut p = Params::parse(";a=1;b;c=3", ParamContext::Uri).unwrap();
        p.set("b", Some("2"));
        assert_eq!(p.as_str(), ";a=1;c=3;b=2");
        assert!(p.remove("A"));
        assert_eq!(p.as_str(), ";c=3;b=2");
        assert!(!p.remove("zz"));
    }
}
