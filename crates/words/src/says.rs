//! The catalogue the phone speaks from: English, built in, unless the agent's language was
//! installed once at start (the app fetches its file). Each entry the phone says goes through
//! [`text`] or [`fill`], which the generated functions of `words::t` call.

use std::fmt::{Display, Write as _};
use std::sync::OnceLock;

use crate::catalogue;
use crate::t::{COUNT, ENGLISH};

/// The agent's language, when it is not English: installed once, before the phone shows anything.
static CHOSEN: OnceLock<Vec<String>> = OnceLock::new();

/// Why a catalogue was not installed: the phone goes on in English.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refused {
    /// A line is not an entry (`line`, from 1).
    Unreadable { line: usize },
    /// It has `found` entries where the phone has `COUNT` (a file of another build).
    Entries { found: usize },
    /// Entry `key` fills in other values than English does.
    Values { key: String },
    /// A language was installed already.
    AlreadyChosen,
}

/// Makes `source` (a catalogue file of this build) what the phone says from now on. Checked as
/// the build checks it, so that no text can lack a value the phone fills in.
pub fn install(source: &str) -> Result<(), Refused> {
    let entries = catalogue::parse(source).map_err(|e| Refused::Unreadable { line: e.line })?;
    if entries.len() != COUNT {
        return Err(Refused::Entries { found: entries.len() });
    }
    for (entry, english) in entries.iter().zip(ENGLISH) {
        let (mut want, mut have) = (catalogue::placeholders(english).unwrap_or_default(), catalogue::placeholders(&entry.text));
        want.sort_unstable();
        if let Ok(have) = have.as_mut() {
            have.sort_unstable();
        }
        if have.as_ref() != Ok(&want) {
            return Err(Refused::Values { key: entry.key.to_owned() });
        }
    }
    CHOSEN.set(entries.into_iter().map(|e| e.text).collect()).map_err(|_| Refused::AlreadyChosen)
}

/// Entry `index` in the agent's language.
pub(crate) fn text(index: usize) -> &'static str {
    CHOSEN.get().and_then(|texts| texts.get(index)).map_or_else(|| ENGLISH.get(index).copied().unwrap_or_default(), String::as_str)
}

/// Entry `index` with its `{names}` filled in from `values`.
pub(crate) fn fill(index: usize, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::new();
    let mut rest = text(index);
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let name = after.get(1..close).unwrap_or_default();
        if let Some((_, value)) = values.iter().find(|(n, _)| *n == name) {
            let _ = write!(out, "{value}");
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRENCH: &str = include_str!("../lang/fr.txt");

    #[test]
    fn values_are_filled_in_by_name_whatever_their_order() {
        // English's order: who, then keys; a translation may name them the other way round.
        let said = fill(index_of("said.incoming"), &[("keys", &"Alt+Shift+A"), ("who", &"Ada")]);
        assert_eq!(said, "Incoming call from Ada. Alt+Shift+A answers.");
    }

    /// The position of `key` in en.txt.
    fn index_of(key: &str) -> usize {
        catalogue::parse(include_str!("../lang/en.txt")).unwrap().iter().position(|e| e.key == key).unwrap()
    }

    #[test]
    fn a_catalogue_of_another_build_is_refused_and_english_stays() {
        let shorter: String = FRENCH.lines().filter(|l| !l.starts_with("call.hang_up")).map(|l| format!("{l}\n")).collect();
        assert_eq!(install(&shorter), Err(Refused::Entries { found: COUNT - 1 }));
        let renamed = FRENCH.replace("{who} ou refusez-le", "{qui} ou refusez-le");
        assert_eq!(install(&renamed), Err(Refused::Values { key: "notice.answer_ringing_first".into() }));
        assert_eq!(install("not a catalogue"), Err(Refused::Unreadable { line: 1 }));
        assert_eq!(crate::t::call_hang_up(), "Hang up");
    }
}
