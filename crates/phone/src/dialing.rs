//! Turning what an agent clicked or typed into the digits the PBX is dialled with.
//!
//! Numbers come from CRM records ("+1 (415) 555-0100 x123", "020 7946 0000"), from the dial pad,
//! or from a paste. They end up in a SIP Request-URI, so anything that is not a digit or a dialling
//! symbol is refused here, with a message the agent can act on: a stray `@`, `;` or `>` would
//! otherwise change the URI or inject a header.
//!
//! The home country's numbering plan ([`numbering`](super::numbering)) decides how an E.164
//! number is dialled: one of the home country becomes a national number (trunk or long-distance
//! prefix), a foreign one gets the international prefix. An extension written on the record is
//! split off and keyed in as DTMF once the call is answered: every PBX and every company
//! switchboard takes that, whereas a dial syntax for extensions differs from PBX to PBX.

use super::numbering::{self, NumberingPlan, UnknownCountry};

/// The Call Center's dialling options (section `reqDialingOptions`) plus the home country's plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialingRules {
    /// Dialled first to reach an outside line (e.g. "9"); empty when the PBX needs none.
    pub outside_prefix: String,
    /// Dialled before a national number of the home country instead of its trunk prefix (e.g.
    /// "1" in North America); empty: the plan's trunk prefix.
    pub long_distance_prefix: String,
    /// Dialled before a foreign country code (e.g. "011"); empty means the PBX takes "+" (E.164).
    pub international_prefix: String,
    /// The home country's numbering plan; `None` (unknown country): E.164 numbers are handed
    /// to the PBX as they are and national numbers are dialled as typed.
    pub plan: Option<&'static NumberingPlan>,
}

impl Default for DialingRules {
    /// No prefixes, the PBX takes E.164, home in North America.
    fn default() -> Self {
        DialingRules {
            outside_prefix: String::new(),
            long_distance_prefix: String::new(),
            international_prefix: String::new(),
            plan: numbering::plan_for(numbering::DEFAULT_COUNTRY).ok(),
        }
    }
}

/// What the PBX is dialled with, and the extension to key in once the call is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialPlan {
    /// The dial string: only `0-9`, `*`, `#` and a leading `+`.
    pub dial: String,
    /// Digits to send as DTMF after the far end answers, e.g. "123".
    pub extension: Option<String>,
}

/// Why a number cannot be dialled (the app words it as advice for the agent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialError {
    /// Nothing to dial.
    Empty,
    /// A character that has no place in a phone number.
    InvalidCharacter(char),
    /// "+" anywhere but in front.
    MisplacedPlus,
    /// More digits than any real number has (E.164 allows 15).
    TooLong,
    /// Fewer digits than a full number of that country has.
    TooShort,
    /// An extension where none can be keyed in (a transfer hands the call over at once).
    ExtensionNotPossible,
}

/// The longest dial string we accept: E.164's 15 digits plus generous room for prefixes.
const MAX_DIGITS: usize = 24;

/// E.164: country code and national number together.
const MIN_E164_DIGITS: usize = 7;
const MAX_E164_DIGITS: usize = 15;

/// Numbers this short are internal extensions and are dialled exactly as typed.
const MAX_EXTENSION_DIGITS: usize = 6;

/// The longest extension keyed in after the answer.
const MAX_KEYED_EXTENSION: usize = 10;

/// A vanity number ("1-800-FLOWERS") spells its last digits; what comes before is written in
/// digits. Letters before this many digits are refused, so a name typed into the dial field is
/// never dialled as digits.
const DIGITS_BEFORE_LETTERS: usize = 3;

impl DialingRules {
    /// The rules of a Call Center whose PBX is in `home_country` (ISO 3166-1 alpha-2; empty
    /// means the US). An unknown country is an error; [`DialingRules::without_plan`] is then
    /// the fallback.
    pub fn new(options: &callcenter::DialingOptions, home_country: &str) -> Result<Self, UnknownCountry> {
        let plan = numbering::plan_for(home_country)?;
        Ok(DialingRules { plan: Some(plan), ..DialingRules::without_plan(options) })
    }

    /// Rules without a numbering plan: prefixes as configured, E.164 numbers passed through.
    pub fn without_plan(options: &callcenter::DialingOptions) -> Self {
        DialingRules {
            outside_prefix: options.outside_prefix.clone(),
            long_distance_prefix: options.long_distance_prefix.clone(),
            international_prefix: options.international_prefix.clone(),
            plan: None,
        }
    }

    /// What to dial for `number`, with the extension written after it, if any.
    ///
    /// Formatting characters (spaces, dashes, dots, brackets, slashes) are dropped. Short internal
    /// numbers and feature codes (`*72`, `#1`) are kept as typed; foreign and national numbers get
    /// the prefixes the PBX expects.
    pub fn plan(&self, number: &str) -> Result<DialPlan, DialError> {
        let split = split_extension(number);
        let normalized = normalize(&without_bracketed_trunk_prefix(split.number))?;
        let dial = match normalized.strip_prefix('+') {
            Some(e164) => self.international(e164)?,
            None => self.national(&normalized)?,
        };
        Ok(DialPlan { dial, extension: split.extension })
    }

    /// The dial string for `number` where no extension can follow (a transfer).
    pub fn dial_string(&self, number: &str) -> Result<String, DialError> {
        let plan = self.plan(number)?;
        match plan.extension {
            Some(_) => Err(DialError::ExtensionNotPossible),
            None => Ok(plan.dial),
        }
    }

    /// Dialled before a national number of the home country: the definition's long-distance
    /// prefix, else the plan's trunk prefix.
    fn national_prefix<'a>(&'a self, plan: &'a NumberingPlan) -> &'a str {
        if self.long_distance_prefix.is_empty() {
            plan.trunk_prefix
        } else {
            &self.long_distance_prefix
        }
    }

    /// `e164`: the digits after "+".
    fn international(&self, e164: &str) -> Result<String, DialError> {
        check_length(e164.len(), MIN_E164_DIGITS, MAX_E164_DIGITS)?;
        let Some(plan) = self.plan else { return Ok(format!("+{e164}")) };
        let home_number = e164.strip_prefix(plan.calling_code);
        if let Some(national) = home_number {
            check_length(national.len(), plan.min_national_digits, plan.max_national_digits)?;
        }
        if self.international_prefix.is_empty() {
            // The PBX routes E.164 itself: hand it over untouched.
            return Ok(format!("+{e164}"));
        }
        Ok(match home_number {
            Some(national) => [&self.outside_prefix, self.national_prefix(plan), national].concat(),
            None => [&self.outside_prefix, &self.international_prefix, e164].concat(),
        })
    }

    fn national(&self, digits: &str) -> Result<String, DialError> {
        let is_code = digits.starts_with(['*', '#']);
        if is_code || digits.len() <= MAX_EXTENSION_DIGITS {
            return Ok(digits.to_owned());
        }
        let Some(plan) = self.plan else { return Ok([&self.outside_prefix, digits].concat()) };
        // Typed the local way for abroad ("00 33 1 ...", "011 44 ..."): the same as "+33 1 ...".
        if let Some(e164) = digits.strip_prefix(plan.international_prefix) {
            return self.international(e164);
        }
        let trunk = plan.trunk_prefix;
        if let Some(national) = digits.strip_prefix(trunk).filter(|_| !trunk.is_empty()) {
            check_length(national.len(), plan.min_national_digits, plan.max_national_digits)?;
        }
        // A North-American 10-digit number needs the long-distance prefix; one that already
        // carries it (11 digits starting "1") does not.
        let prefix = self.national_prefix(plan);
        let needs_prefix = plan.is_nanp() && digits.len() == 10 && !digits.starts_with(prefix);
        Ok(if needs_prefix {
            [&self.outside_prefix, prefix, digits].concat()
        } else {
            [&self.outside_prefix, digits].concat()
        })
    }
}

fn check_length(digits: usize, min: usize, max: usize) -> Result<(), DialError> {
    if digits < min {
        Err(DialError::TooShort)
    } else if digits > max {
        Err(DialError::TooLong)
    } else {
        Ok(())
    }
}

/// A number as written on a record, with its extension split off.
#[derive(Debug, PartialEq, Eq)]
struct Split<'a> {
    number: &'a str,
    extension: Option<String>,
}

/// Words and signs that introduce an extension, as found on records: "x123", "ext. 123",
/// "extension 123", RFC 3966's ";ext=123", a pause ",123", and "#123" after a full number.
const EXTENSION_MARKERS: [&str; 6] = [";ext=", "extension", "ext", "x", ",", "#"];

/// Splits "+1 415 555 0100 ext. 123" into the number and "123". Only digits may follow a
/// marker, up to the end; anything else is left in the number (and refused there if wrong).
fn split_extension(number: &str) -> Split<'_> {
    let lower = number.to_ascii_lowercase();
    for marker in EXTENSION_MARKERS {
        for (at, _) in lower.rmatch_indices(marker) {
            let (Some(before), Some(after)) = (number.get(..at), number.get(at + marker.len()..)) else { continue };
            // "x" and "ext" are words: not the end of a vanity word like "XEROX" or "NEXT".
            let is_word = marker.starts_with(|c: char| c.is_ascii_alphabetic());
            if is_word && before.ends_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let digits = after.trim_start_matches(['.', ':', ' ', ',', '=', '\u{a0}']).trim_end();
            let is_extension = !digits.is_empty() && digits.len() <= MAX_KEYED_EXTENSION && digits.bytes().all(|b| b.is_ascii_digit());
            // "#" and "," only follow a full number: "#123" alone is a feature code.
            let full_number = before.chars().filter(char::is_ascii_digit).count() > MAX_EXTENSION_DIGITS;
            if is_extension && (is_word || marker == ";ext=" || full_number) {
                return Split { number: before.trim_end_matches([' ', ',', '\u{a0}']), extension: Some(digits.to_owned()) };
            }
        }
    }
    Split { number, extension: None }
}

/// "+44 (0)20 7946 0000", as European records often write it: the "(0)" is the trunk prefix,
/// dialled only from inside the country, never after "+44".
fn without_bracketed_trunk_prefix(number: &str) -> std::borrow::Cow<'_, str> {
    if number.trim_start().starts_with('+') && number.contains("(0)") {
        std::borrow::Cow::Owned(number.replacen("(0)", "", 1))
    } else {
        std::borrow::Cow::Borrowed(number)
    }
}

/// The digit a letter stands for on a phone keypad (ITU-T E.161).
fn keypad_digit(letter: char) -> Option<char> {
    let digit = match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    };
    Some(digit)
}

/// Keeps digits, `*`, `#` and a leading `+`; drops formatting; spells out the letters of a
/// vanity number; refuses everything else.
pub fn normalize(number: &str) -> Result<String, DialError> {
    let mut out = String::with_capacity(number.len());
    let mut first_letter = None;
    for c in number.trim().chars() {
        match c {
            '0'..='9' | '*' | '#' => out.push(c),
            '+' if out.is_empty() => out.push(c),
            '+' => return Err(DialError::MisplacedPlus),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' | '\u{2010}'..='\u{2013}' => {}
            letter if letter.is_ascii_alphabetic() => {
                let digits_so_far = out.bytes().filter(u8::is_ascii_digit).count();
                let digit = keypad_digit(letter).filter(|_| digits_so_far >= DIGITS_BEFORE_LETTERS);
                out.push(digit.ok_or(DialError::InvalidCharacter(letter))?);
                first_letter.get_or_insert(letter);
            }
            other => return Err(DialError::InvalidCharacter(other)),
        }
        if out.len() > MAX_DIGITS {
            return Err(DialError::TooLong);
        }
    }
    if out.is_empty() || out == "+" {
        return Err(DialError::Empty);
    }
    // Letters spell a whole number, never a short code: "100-BOB" is a typo, not an extension.
    if let Some(letter) = first_letter.filter(|_| out.trim_start_matches('+').len() <= MAX_EXTENSION_DIGITS) {
        return Err(DialError::InvalidCharacter(letter));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "dialing_tests.rs"]
mod tests;
