//! The catalogue the phone speaks from: English, built in, unless the agent's language was
//! installed once at start (the app fetches its file). The generated functions of `words::t`
//! say each entry through [`text`] or [`fill`], with its position and its English.
//!
//! The file is read here as simply as it is written (bytes, no substring search, no Unicode
//! tables): this code is in every agent's download. The build (`build.rs`, with
//! `catalogue.rs`) has checked each shipped file against English already; installing checks
//! only that the file is one of this build's, by its number of entries.

use std::fmt::{Display, Write as _};
use std::sync::OnceLock;

use crate::t::COUNT;

/// The agent's language, when it is not English: installed once, before the phone shows anything.
static CHOSEN: OnceLock<Vec<String>> = OnceLock::new();

/// Why a catalogue was not installed: the phone goes on in English.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
#[non_exhaustive]
pub enum Refused {
    /// A line is not an entry (`line`, from 1).
    Unreadable { line: usize },
    /// It has `found` entries where the phone has `COUNT` (a file of another build).
    Entries { found: usize },
    /// A language was installed already.
    AlreadyChosen,
}

impl Display for Refused {
    /// For the console (support reads it), not for the agent.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Unreadable { line } => write!(f, "line {line} is not an entry"),
            Refused::Entries { found } => write!(f, "{found} entries, not {COUNT}: a file of another build"),
            Refused::AlreadyChosen => f.write_str("a language was installed already"),
        }
    }
}

/// Makes `source` (a catalogue file of this build) what the phone says from now on.
pub fn install(source: &str) -> Result<(), Refused> {
    let texts = read(source)?;
    if texts.len() != COUNT {
        return Err(Refused::Entries { found: texts.len() });
    }
    CHOSEN.set(texts).map_err(|_| Refused::AlreadyChosen)
}

/// The texts of a catalogue file, in order: each `key = text` line's text with `\n` made a line
/// break; `#` lines and blank lines skipped.
fn read(source: &str) -> Result<Vec<String>, Refused> {
    let mut texts = Vec::with_capacity(COUNT);
    for (index, line) in source.split('\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let text = line.split_once('=').map(|(_, text)| text.trim_ascii()).filter(|t| !t.is_empty());
        let text = text.ok_or(Refused::Unreadable { line: index + 1 })?;
        texts.push(text.replace("\\n", "\n"));
    }
    Ok(texts)
}

/// Entry `index` in the agent's language; `english` is its English.
pub(crate) fn text(index: usize, english: &'static str) -> &'static str {
    CHOSEN.get().and_then(|texts| texts.get(index)).map_or(english, String::as_str)
}

/// Entry `index` with its `{names}` filled in: `values` are given in the order `english` first
/// names them (a translation may name them in another order).
pub(crate) fn fill(index: usize, english: &'static str, values: &[&dyn Display]) -> String {
    let mut out = String::new();
    let mut rest = text(index, english);
    while let Some((before, name, after)) = placeholder(rest) {
        out.push_str(before);
        if let Some(value) = position(english, name).and_then(|at| values.get(at)) {
            let _ = write!(out, "{value}");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The text before the first `{name}` of `text`, the name, and the text after it.
fn placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let (before, rest) = text.split_once('{')?;
    let (name, after) = rest.split_once('}')?;
    Some((before, name, after))
}

/// Where `name` stands among the distinct names of `english`, in their order.
fn position(english: &str, name: &str) -> Option<usize> {
    let mut seen: Vec<&str> = Vec::new();
    let mut rest = english;
    while let Some((_, found, after)) = placeholder(rest) {
        if found == name {
            return Some(seen.iter().position(|s| *s == found).unwrap_or(seen.len()));
        }
        if !seen.contains(&found) {
            seen.push(found);
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRENCH: &str = include_str!("../lang/fr.txt");

    #[test]
    fn values_are_filled_in_by_name_whatever_their_order() {
        let english = "Incoming call from {who}. {keys} answers.";
        assert_eq!(fill(usize::MAX, english, &[&"Ada", &"Alt+Shift+A"]), "Incoming call from Ada. Alt+Shift+A answers.");
        assert_eq!(position("{who} then {keys}, {who}", "keys"), Some(1));
        assert_eq!(position("{who} then {keys}, {who}", "who"), Some(0));
        assert_eq!(position("{who}", "what"), None);
    }

    #[test]
    fn every_shipped_catalogue_reads_as_the_build_checked_it() {
        let shipped = [
            include_str!("../lang/en.txt"),
            FRENCH,
            include_str!("../lang/de.txt"),
            include_str!("../lang/es.txt"),
            include_str!("../lang/ja.txt"),
            include_str!("../lang/pt-BR.txt"),
        ];
        for source in shipped {
            let texts = read(source).unwrap();
            assert_eq!(texts.len(), COUNT);
            let checked: Vec<String> = crate::catalogue::parse(source).unwrap().into_iter().map(|e| e.text).collect();
            assert_eq!(texts, checked, "the lean reader reads what catalogue.rs reads");
        }
    }

    #[test]
    fn a_catalogue_of_another_build_is_refused_and_english_stays() {
        let shorter: String = FRENCH.lines().filter(|l| !l.starts_with("call.hang_up")).map(|l| format!("{l}\n")).collect();
        assert_eq!(install(&shorter), Err(Refused::Entries { found: COUNT - 1 }));
        assert_eq!(install("not a catalogue"), Err(Refused::Unreadable { line: 1 }));
        assert_eq!(crate::t::call_hang_up(), "Hang up");
    }
}
