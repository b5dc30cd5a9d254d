//! The catalogue files (`crates/words/lang/<language>.txt`): how they are read, and the rules
//! every language must keep. The build script (`build.rs`) runs [`check`] on every file and fails
//! the build when a translation is missing; the phone reads the agent's file with [`parse`].
//!
//! A file is UTF-8 text, one entry a line: `key = text`. Lines starting with `#` and blank lines
//! are comments. In a text, `{name}` is a value the phone fills in (a number, a name), `\n` a line
//! break and `\\` a backslash. English (`en.txt`) is the reference: every other language has the
//! same keys, in the same order, each with the same `{names}`.

/// One entry of a catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: &'a str,
    /// The text, with `\n` and `\\` turned into what they stand for.
    pub text: String,
    /// Its line in the file, from 1 (for the build's messages).
    pub line: usize,
}

/// A line that is not an entry, a comment or blank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub what: &'static str,
}

/// The entries of a catalogue file, in file order.
pub fn parse(source: &str) -> Result<Vec<Entry<'_>>, ParseError> {
    let mut entries = Vec::new();
    for (index, raw) in source.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, text)) = trimmed.split_once(" = ") else {
            return Err(ParseError { line, what: "expected `key = text`" });
        };
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.') {
            return Err(ParseError { line, what: "a key is made of a-z, 0-9, `_` and `.`" });
        }
        let text = unescape(text.trim()).ok_or(ParseError { line, what: "a backslash stands before `n` or `\\` only" })?;
        if text.is_empty() {
            return Err(ParseError { line, what: "the text is empty" });
        }
        entries.push(Entry { key, text, line });
    }
    Ok(entries)
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            _ => return None,
        }
    }
    Some(out)
}

/// The `{names}` in a text, in order, or `Err` naming a brace that opens no placeholder.
pub fn placeholders(text: &str) -> Result<Vec<&str>, &'static str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        let after = rest.get(open..).unwrap_or_default();
        if after.starts_with('}') {
            return Err("a `}` closes no placeholder");
        }
        let Some(close) = after.find('}') else {
            return Err("a `{` is never closed");
        };
        let name = after.get(1..close).unwrap_or_default();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err("a placeholder is `{name}` with a-z and `_`");
        }
        names.push(name);
        rest = after.get(close + 1..).unwrap_or_default();
    }
    Ok(names)
}

/// What is wrong with the reference catalogue (English) on its own: repeated keys, bad braces.
pub fn check_reference(file: &str, reference: &[Entry<'_>]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, entry) in reference.iter().enumerate() {
        if reference.iter().take(i).any(|e| e.key == entry.key) {
            problems.push(format!("{file}:{}: {} appears twice", entry.line, entry.key));
        }
        if let Err(what) = placeholders(&entry.text) {
            problems.push(format!("{file}:{}: {}: {what}", entry.line, entry.key));
        }
    }
    problems
}

/// What keeps `translation` (the catalogue `file`) from standing in for `reference`: a key
/// missing or extra, out of order, or a text whose `{names}` differ from the reference's.
pub fn check(file: &str, reference: &[Entry<'_>], translation: &[Entry<'_>]) -> Vec<String> {
    let mut problems = Vec::new();
    for entry in reference {
        if !translation.iter().any(|t| t.key == entry.key) {
            problems.push(format!("{file}: no translation of {} (en.txt line {}: {:?})", entry.key, entry.line, entry.text));
        }
    }
    for entry in translation {
        let Some(original) = reference.iter().find(|r| r.key == entry.key) else {
            problems.push(format!("{file}:{}: {} is not a key of en.txt", entry.line, entry.key));
            continue;
        };
        match (placeholders(&original.text), placeholders(&entry.text)) {
            (Ok(mut want), Ok(mut have)) => {
                want.sort_unstable();
                have.sort_unstable();
                if want != have {
                    problems.push(format!("{file}:{}: {} fills in {{{}}}, en.txt {{{}}}", entry.line, entry.key, have.join("} {"), want.join("} {")));
                }
            }
            (_, Err(what)) => problems.push(format!("{file}:{}: {}: {what}", entry.line, entry.key)),
            (Err(_), _) => {}
        }
    }
    if problems.is_empty() {
        // Same keys: the phone reads a catalogue by position, so the order must be English's.
        if let Some((want, have)) = reference.iter().zip(translation).find(|(r, t)| r.key != t.key) {
            problems.push(format!("{file}:{}: {} stands where en.txt has {} (keep en.txt's order)", have.line, have.key, want.key));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "# comment\n\ncall.hang_up = Hang up\ncall.ringing = {who} is calling\\nAnswer?\n";

    #[test]
    fn entries_are_read_in_order_with_their_escapes() {
        let entries = parse(EN).unwrap();
        assert_eq!(entries.iter().map(|e| e.key).collect::<Vec<_>>(), ["call.hang_up", "call.ringing"]);
        assert_eq!(entries[1].text, "{who} is calling\nAnswer?");
        assert_eq!(entries[1].line, 4);
        assert_eq!(parse("a = x = y").unwrap()[0].text, "x = y");
    }

    #[test]
    fn lines_that_are_not_entries_are_refused_with_their_line() {
        assert_eq!(parse("ok = fine\nno equals sign").unwrap_err().line, 2);
        assert!(parse("Bad Key = text").is_err());
        assert!(parse("key = a \\t tab").is_err());
        assert!(parse("key = ").is_err());
    }

    #[test]
    fn placeholders_are_named_in_braces() {
        assert_eq!(placeholders("{who} on hold {time}"), Ok(vec!["who", "time"]));
        assert!(placeholders("a { b").is_err());
        assert!(placeholders("a } b").is_err());
        assert!(placeholders("{Who}").is_err());
    }

    #[test]
    fn a_missing_or_extra_translation_is_named() {
        let en = parse(EN).unwrap();
        let fr = parse("call.hang_up = Raccrocher\n").unwrap();
        let problems = check("fr.txt", &en, &fr);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("no translation of call.ringing"), "{problems:?}");
        let extra = parse("call.hang_up = Raccrocher\ncall.ringing = {who} appelle\ncall.other = x\n").unwrap();
        assert!(check("fr.txt", &en, &extra)[0].contains("call.other is not a key"));
    }

    #[test]
    fn a_translation_must_fill_in_the_same_values_in_the_same_order_of_keys() {
        let en = parse(EN).unwrap();
        let wrong_name = parse("call.hang_up = Raccrocher\ncall.ringing = {qui} appelle\n").unwrap();
        assert!(check("fr.txt", &en, &wrong_name)[0].contains("fills in {qui}"));
        let swapped = parse("call.ringing = {who} appelle\ncall.hang_up = Raccrocher\n").unwrap();
        assert!(check("fr.txt", &en, &swapped)[0].contains("keep en.txt's order"));
        let good = parse("call.hang_up = Raccrocher\ncall.ringing = Appel de {who}\n").unwrap();
        assert!(check("fr.txt", &en, &good).is_empty());
    }

    #[test]
    fn the_reference_has_each_key_once() {
        let en = parse("a = x\na = y\n").unwrap();
        assert!(check_reference("en.txt", &en)[0].contains("a appears twice"));
    }
}
