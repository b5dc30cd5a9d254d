//! Small lexical helpers shared by the URI and header parsers (RFC 3261 §25.1).

use std::borrow::Cow;

/// `token` characters of RFC 3261 §25.1 as a table: one load per byte, which the
/// size-optimised build keeps fast (a chain of comparisons it would not).
// Evaluated at compile time; `b` stays below 128, inside the table.
#[allow(clippy::indexing_slicing)]
const TOKEN: [bool; 256] = {
    let mut set = [false; 256];
    let mut b = 0u8;
    while b < 128 {
        set[b as usize] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~');
        b += 1;
    }
    set
};

/// `token` characters of RFC 3261 §25.1.
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN.get(usize::from(b)).copied().unwrap_or(false)
}

/// True when `s` is a non-empty token.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Linear white space inside one (already unfolded) header value.
pub(crate) fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims spaces and tabs (not other Unicode space: SIP only knows these two). Byte-wise: both
/// are ASCII, so the cuts fall on character boundaries.
pub(crate) fn trim_ws(s: &str) -> &str {
    trim_ws_end(trim_ws_start(s))
}

/// Trims leading spaces and tabs.
pub(crate) fn trim_ws_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    s.get(i..).unwrap_or("")
}

/// Trims trailing spaces and tabs.
pub(crate) fn trim_ws_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && b.get(end - 1).is_some_and(|&c| is_ws(c)) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// A word with each byte set to `b`.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// Whether some byte of `word` is zero (exact: no false positives or negatives).
const fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(splat(1)) & !word & splat(0x80) != 0
}

/// Bytes skipped eight at a time before the first chunk that may hold `a` or `b`: a word
/// without them costs a few arithmetic operations, fast in the size-optimised build too.
fn skip_words(hay: &[u8], a: u8, b: u8) -> usize {
    let mut skipped = 0;
    for chunk in hay.chunks_exact(8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([a; 8]));
        if has_zero_byte(word ^ splat(a)) || has_zero_byte(word ^ splat(b)) {
            break;
        }
        skipped += 8;
    }
    skipped
}

/// The first `needle` in `hay`: the parser's separator search.
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let skipped = skip_words(hay, needle, needle);
    hay.get(skipped..)?.iter().position(|&b| b == needle).map(|i| skipped + i)
}

/// The first CR or LF in `hay`: where a line ends, or holds a bare CR.
pub(crate) fn find_cr_or_lf(hay: &[u8]) -> Option<usize> {
    let skipped = skip_words(hay, b'\r', b'\n');
    hay.get(skipped..)?.iter().position(|&b| b == b'\r' || b == b'\n').map(|i| skipped + i)
}

/// A decimal number of at most `max_digits` digits (no sign, no spaces).
pub(crate) fn parse_decimal(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    let mut n = 0u64;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
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

/// `bytes` as text: a body we read (SDP, DTMF, sipfrag) or a decoded escape. Should it not be
/// UTF-8, each non-ASCII byte becomes U+FFFD; std's `from_utf8_lossy`, which keeps the valid
/// sequences, weighs a kilobyte of download for a case no peer of ours produces.
pub(crate) fn lossy_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| if b.is_ascii() { char::from(b) } else { char::REPLACEMENT_CHARACTER }).collect(),
    }
}

/// Parses a decimal number that fits `u32` (no sign, no spaces).
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    parse_decimal(s, 10).and_then(|n| u32::try_from(n).ok())
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
        assert_eq!(parse_u32("4294967296"), None);
        assert_eq!(parse_decimal("007", 3), Some(7));
        assert_eq!(parse_decimal("1000", 3), None);
        assert_eq!(parse_decimal("+1", 3), None);
    }

    #[test]
    fn find_byte_agrees_with_a_plain_search() {
        let text = b"0123456789abcdef\r\nxyz:0123456789";
        for needle in [b'0', b'\n', b':', b'z', b'#', 0] {
            for start in 0..text.len() {
                let hay = &text[start..];
                assert_eq!(find_byte(hay, needle), hay.iter().position(|&b| b == needle), "{needle} from {start}");
            }
        }
        for start in 0..text.len() {
            let hay = &text[start..];
            assert_eq!(find_cr_or_lf(hay), hay.iter().position(|&b| b == b'\r' || b == b'\n'), "from {start}");
        }
    }

    #[test]
    fn token_bytes_are_the_rfc_set() {
        let expected = |b: u8| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b);
        for b in 0..=255u8 {
            assert_eq!(is_token_byte(b), expected(b), "{b}");
        }
        assert_eq!(trim_ws(" \t a b\t "), "a b");
        assert_eq!(trim_ws(" \t "), "");
    }
}
