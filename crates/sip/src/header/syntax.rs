//! Small lexical helpers shared by the URI and header parsers (RFC 3261 §25.1).

use std::borrow::Cow;

/// `token` characters of RFC 3261 §25.1.
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
        )
}

/// True when `s` is a non-empty token.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Linear white space inside one (already unfolded) header value.
pub(crate) fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims spaces and tabs (not other Unicode space: SIP only knows these two).
pub(crate) fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// Iterator over the top-level comma-separated elements of a header value.
///
/// Commas inside quoted strings and inside `<...>` do not split: display names
/// and URIs may contain them.
pub(crate) struct CommaSplit<'a> {
    rest: &'a str,
}

/// Splits `s` at top-level commas; empty elements are skipped.
pub(crate) fn split_commas(s: &str) -> CommaSplit<'_> {
    CommaSplit { rest: s }
}

impl<'a> Iterator for CommaSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let end = top_level_comma(self.rest).unwrap_or(self.rest.len());
            let item = self.rest.get(..end).unwrap_or("");
            self.rest = self.rest.get(end + 1..).unwrap_or("");
            let item = trim_ws(item);
            if !item.is_empty() {
                return Some(item);
            }
        }
    }
}

/// Position of the first comma outside quotes and angle brackets.
pub(crate) fn top_level_comma(s: &str) -> Option<usize> {
    let mut in_quote = false;
    let mut escaped = false;
    let mut in_angle = false;
    for (i, b) in s.bytes().enumerate() {
        if in_quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_quote = false;
            }
            continue;
        }
        match b {
            b'"' => in_quote = true,
            b'<' => in_angle = true,
            b'>' => in_angle = false,
            b',' if !in_angle => return Some(i),
            _ => {}
        }
    }
    None
}

/// Length of the quoted string at the start of `s` (which must start with `"`),
/// including both quotes; `None` when it is not closed.
pub(crate) fn quoted_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            return Some(i + 1);
        }
    }
    None
}

/// Removes the quotes and backslash escapes of a quoted string; other text is
/// returned unchanged.
pub(crate) fn unquote(s: &str) -> Cow<'_, str> {
    let inner = match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if s.len() >= 2 => inner,
        _ => return Cow::Borrowed(s),
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `s` as a quoted string, escaping `"` and `\`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        // CR and LF cannot be carried inside a header value at all.
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parses a decimal number that fits `u32` (no sign, no spaces).
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_inside_quotes_and_brackets_do_not_split() {
        let v = r#""Smith, John" <sip:a@b;x=1,2>;p=1 , <sip:c@d>,,"#;
        let items: Vec<&str> = split_commas(v).collect();
        assert_eq!(items, vec![r#""Smith, John" <sip:a@b;x=1,2>;p=1"#, "<sip:c@d>"]);
    }

    #[test]
    fn unquote_removes_escapes() {
        assert_eq!(unquote(r#""a \"b\" \\c""#), r#"a "b" \c"#);
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(quote(r#"a "b""#), r#""a \"b\"""#);
    }

    #[test]
    fn numbers_reject_signs_and_overflow() {
        assert_eq!(parse_u32("3600"), Some(3600));
        assert_eq!(parse_u32("-1"), None);
        assert_eq!(parse_u32("99999999999"), None);
        assert_eq!(parse_u32(""), None);
    }
}
