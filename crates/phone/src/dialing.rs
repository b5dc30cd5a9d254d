//! Turning what an agent clicked or typed into the digits the PBX is dialled with.
//!
//! Numbers come from CRM records ("+1 (415) 555-0100 x123", "020 7946 0000"), from the dial pad,
//! or from a paste. They end up in a SIP Request-URI, so anything that is not a digit or a dialling
//! symbol is refused here, with a message the agent can act on: a stray `@`, `;` or `>` would
//! otherwise change the URI or inject a header.
//!
//! Every outside number has one form the phone keeps it in ([`DialingRules::canonical`]):
//! E.164, read with the home country's numbering plan ([`numbering`](super::numbering)) when it
//! is written nationally. How it is handed to the PBX is the trunk's choice (`NumberFormat`):
//! E.164 as it is (the default), or as a desk phone in the home country dials it: a home number
//! nationally (trunk or long-distance prefix), a foreign one behind the international prefix.
//! An extension written on the record is
//! split off and keyed in as DTMF once the call is answered: every PBX and every company
//! switchboard takes that, whereas a dial syntax for extensions differs from PBX to PBX.

pub use callcenter_settings::NumberFormat;

use super::numbering::{self, NumberingPlan, UnknownCountry};

/// The Call Center's dialling options (section `reqDialingOptions`) plus the home country's plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialingRules {
    /// Dialled first to reach an outside line (e.g. "9"); empty when the PBX needs none.
    pub outside_prefix: String,
    /// Dialled before a national number of the home country instead of its trunk prefix (e.g.
    /// "1" in North America); empty: the plan's trunk prefix.
    pub long_distance_prefix: String,
    /// Dialled before a foreign country code (e.g. "011"); empty: the home plan's own.
    pub international_prefix: String,
    /// The home country's numbering plan; `None` (unknown country): E.164 numbers are handed
    /// to the PBX as they are and national numbers are dialled as typed.
    pub plan: Option<&'static NumberingPlan>,
    /// How outside numbers are handed to the PBX; the prefixes above only count for
    /// [`NumberFormat::National`].
    pub format: NumberFormat,
}

impl Default for DialingRules {
    /// No prefixes, the PBX takes E.164, home in North America.
    fn default() -> Self {
        DialingRules {
            outside_prefix: String::new(),
            long_distance_prefix: String::new(),
            international_prefix: String::new(),
            plan: numbering::plan_for(numbering::DEFAULT_COUNTRY).ok(),
            format: NumberFormat::E164,
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
    /// means the US) and takes numbers in `format`. An unknown country is an error;
    /// [`DialingRules::without_plan`] is then the fallback.
    pub fn new(options: &callcenter_settings::DialingOptions, home_country: &str, format: NumberFormat) -> Result<Self, UnknownCountry> {
        let plan = numbering::plan_for(home_country)?;
        Ok(DialingRules { plan: Some(plan), ..DialingRules::without_plan(options, format) })
    }

    /// Rules without a numbering plan: prefixes as configured, E.164 numbers passed through.
    pub fn without_plan(options: &callcenter_settings::DialingOptions, format: NumberFormat) -> Self {
        DialingRules {
            outside_prefix: options.outside_prefix.clone(),
            long_distance_prefix: options.long_distance_prefix.clone(),
            international_prefix: options.international_prefix.clone(),
            plan: None,
            format,
        }
    }

    /// What to dial for `number`, with the extension written after it, if any.
    ///
    /// Formatting characters (spaces, dashes, dots, brackets, slashes) are dropped. Short internal
    /// numbers and feature codes (`*72`, `#1`) are kept as typed; outside numbers go out in the
    /// trunk's format.
    pub fn plan(&self, number: &str) -> Result<DialPlan, DialError> {
        let split = split_extension(number);
        let normalized = normalize(&without_bracketed_trunk_prefix(split.number))?;
        let dial = if is_internal_or_code(&normalized) {
            normalized
        } else {
            match self.format {
                // A national number of a country the phone has no plan for goes as written.
                NumberFormat::E164 => self.e164(&normalized)?.map_or(normalized, |e164| format!("+{e164}")),
                NumberFormat::National => match normalized.strip_prefix('+') {
                    Some(e164) => self.international(e164)?,
                    None => self.national(&normalized)?,
                },
            }
        };
        Ok(DialPlan { dial, extension: split.extension })
    }

    /// The one form the phone keeps a number in, whoever wrote it and however (recent calls,
    /// the Task, the screen-pop search): E.164 (`+442079460018`) whenever the number can be read
    /// as one, else as written without formatting (extensions, feature codes, national numbers
    /// of a country without a plan). An extension written after it is left out: it is keyed
    /// in, not part of the number. What is no phone number at all is kept as given, trimmed.
    pub fn canonical(&self, number: &str) -> String {
        let split = split_extension(number);
        let Ok(normalized) = normalize(&without_bracketed_trunk_prefix(split.number)) else {
            return number.trim().to_owned();
        };
        if is_internal_or_code(&normalized) {
            return normalized;
        }
        match self.e164(&normalized) {
            Ok(Some(e164)) => format!("+{e164}"),
            _ => normalized,
        }
    }

    /// The E.164 digits (no "+") of an outside number: as written after "+", or read with the
    /// home plan (written with the plan's international prefix, or nationally, with or without
    /// its trunk prefix). `None`: a national number and no plan to read it with.
    fn e164(&self, normalized: &str) -> Result<Option<String>, DialError> {
        if let Some(e164) = normalized.strip_prefix('+') {
            self.check_e164(e164)?;
            return Ok(Some(e164.to_owned()));
        }
        let Some(plan) = self.plan else { return Ok(None) };
        if let Some(e164) = normalized.strip_prefix(plan.international_prefix) {
            self.check_e164(e164)?;
            return Ok(Some(e164.to_owned()));
        }
        let trunk = plan.trunk_prefix;
        let national = normalized.strip_prefix(trunk).filter(|_| !trunk.is_empty()).unwrap_or(normalized);
        check_length(national.len(), plan.min_national_digits, plan.max_national_digits)?;
        Ok(Some([plan.calling_code, national].concat()))
    }

    /// E.164's length, and the home plan's for a home number.
    fn check_e164(&self, e164: &str) -> Result<(), DialError> {
        check_length(e164.len(), MIN_E164_DIGITS, MAX_E164_DIGITS)?;
        if let Some(national) = self.plan.and_then(|plan| e164.strip_prefix(plan.calling_code).map(|n| (plan, n))) {
            check_length(national.1.len(), national.0.min_national_digits, national.0.max_national_digits)?;
        }
        Ok(())
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

    /// National format, `e164` the digits after "+": a home number nationally, a foreign one
    /// behind the international prefix (the definition's, else the home plan's).
    fn international(&self, e164: &str) -> Result<String, DialError> {
        self.check_e164(e164)?;
        let Some(plan) = self.plan else { return Ok(format!("+{e164}")) };
        let international = if self.international_prefix.is_empty() { plan.international_prefix } else { &self.international_prefix };
        Ok(match e164.strip_prefix(plan.calling_code) {
            Some(national) => [&self.outside_prefix, self.national_prefix(plan), national].concat(),
            None => [&self.outside_prefix, international, e164].concat(),
        })
    }

    /// National format, a number written nationally: as written, behind the outside prefix.
    fn national(&self, digits: &str) -> Result<String, DialError> {
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

/// Short internal numbers and feature codes (`*72`, `#1`): dialled and kept exactly as typed.
fn is_internal_or_code(normalized: &str) -> bool {
    normalized.starts_with(['*', '#']) || (!normalized.starts_with('+') && normalized.len() <= MAX_EXTENSION_DIGITS)
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
