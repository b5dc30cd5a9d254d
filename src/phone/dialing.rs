//! Turning what an agent clicked or typed into the digits the PBX is dialled with.
//!
//! Numbers come from CRM records ("+1 (415) 555-0100"), from the dial pad, or from a paste. They end
//! up in a SIP Request-URI, so anything that is not a digit or a dialling symbol is refused here,
//! with a message the agent can act on: a stray `@`, `;` or `>` would otherwise change the URI or
//! inject a header.

use std::fmt;

/// The Call Center's dialling options (section `reqDialingOptions`) plus the home country.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DialingRules {
    /// Dialled first to reach an outside line (e.g. "9"); empty when the PBX needs none.
    pub outside_prefix: String,
    /// Dialled before a national number in another area (e.g. "1" in North America).
    pub long_distance_prefix: String,
    /// Dialled before a foreign country code (e.g. "011"); empty means the PBX takes "+" (E.164).
    pub international_prefix: String,
    /// The country the PBX is in, as a calling code without "+"; empty is taken as "1".
    pub home_country_code: String,
}

/// A number that cannot be dialled, with the reason in words an agent understands.
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
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DialError::Empty => f.write_str("Enter a number to call."),
            DialError::InvalidCharacter(c) => {
                write!(f, "\"{c}\" can't be part of a phone number; use digits, +, * or #.")
            }
            DialError::MisplacedPlus => f.write_str("A \"+\" may only stand at the start of the number."),
            DialError::TooLong => f.write_str("That number is too long to be a phone number."),
        }
    }
}

impl std::error::Error for DialError {}

/// The longest number we accept: E.164's 15 digits plus generous room for prefixes and extensions.
const MAX_DIGITS: usize = 24;

/// Numbers this short are internal extensions and are dialled exactly as typed.
const MAX_EXTENSION_DIGITS: usize = 6;

impl DialingRules {
    /// The dial string for `number`: only `0-9`, `*`, `#` and a leading `+`.
    ///
    /// Formatting characters (spaces, dashes, dots, brackets, slashes) are dropped. Extensions
    /// and feature codes (`*72`, `#1`) are kept as typed; foreign and national numbers get the
    /// prefixes the PBX expects.
    pub fn dial_string(&self, number: &str) -> Result<String, DialError> {
        let normalized = normalize(number)?;
        let Some(e164) = normalized.strip_prefix('+') else {
            return Ok(self.national(&normalized));
        };
        if self.international_prefix.is_empty() {
            // The PBX routes E.164 itself: hand it over untouched.
            return Ok(normalized);
        }
        let home = if self.home_country_code.is_empty() { "1" } else { &self.home_country_code };
        let dialled = match e164.strip_prefix(home) {
            Some(national) => [&self.outside_prefix, &self.long_distance_prefix, national].concat(),
            None => [&self.outside_prefix, &self.international_prefix, e164].concat(),
        };
        Ok(dialled)
    }

    fn national(&self, digits: &str) -> String {
        let is_code = digits.starts_with(['*', '#']);
        if is_code || digits.len() <= MAX_EXTENSION_DIGITS {
            return digits.to_owned();
        }
        // A North-American style 10-digit number needs the long-distance prefix; one that
        // already carries it (11 digits starting "1") does not.
        let needs_long_distance = !self.long_distance_prefix.is_empty()
            && digits.len() == 10
            && !digits.starts_with(self.long_distance_prefix.as_str());
        if needs_long_distance {
            [&self.outside_prefix, &self.long_distance_prefix, digits].concat()
        } else {
            [&self.outside_prefix, digits].concat()
        }
    }
}

/// Keeps digits, `*`, `#` and a leading `+`; drops formatting; refuses everything else.
pub fn normalize(number: &str) -> Result<String, DialError> {
    let mut out = String::with_capacity(number.len());
    for c in number.trim().chars() {
        match c {
            '0'..='9' | '*' | '#' => out.push(c),
            '+' if out.is_empty() => out.push(c),
            '+' => return Err(DialError::MisplacedPlus),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            other => return Err(DialError::InvalidCharacter(other)),
        }
        if out.len() > MAX_DIGITS {
            return Err(DialError::TooLong);
        }
    }
    if out.is_empty() || out == "+" {
        return Err(DialError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pbx_with_prefixes() -> DialingRules {
        DialingRules {
            outside_prefix: "9".into(),
            long_distance_prefix: "1".into(),
            international_prefix: "011".into(),
            home_country_code: String::new(),
        }
    }

    #[test]
    fn formatting_in_crm_numbers_is_dropped() {
        assert_eq!(normalize(" +1 (415) 555-0100 ").as_deref(), Ok("+14155550100"));
        assert_eq!(normalize("415.555.0100").as_deref(), Ok("4155550100"));
    }

    #[test]
    fn home_country_e164_gets_outside_and_long_distance_prefix() {
        assert_eq!(pbx_with_prefixes().dial_string("+1 415 555 0100").as_deref(), Ok("914155550100"));
    }

    #[test]
    fn foreign_e164_gets_outside_and_international_prefix() {
        assert_eq!(pbx_with_prefixes().dial_string("+44 20 7946 0958").as_deref(), Ok("9011442079460958"));
    }

    #[test]
    fn ten_digit_national_number_gets_long_distance_prefix_once() {
        let rules = pbx_with_prefixes();
        assert_eq!(rules.dial_string("(415) 555-0100").as_deref(), Ok("914155550100"));
        assert_eq!(rules.dial_string("1 415 555 0100").as_deref(), Ok("914155550100"));
    }

    #[test]
    fn extensions_and_feature_codes_are_dialled_as_typed() {
        let rules = pbx_with_prefixes();
        assert_eq!(rules.dial_string("1002").as_deref(), Ok("1002"));
        assert_eq!(rules.dial_string("*72").as_deref(), Ok("*72"));
    }

    #[test]
    fn e164_passes_through_when_the_pbx_takes_plus() {
        let rules = DialingRules::default();
        assert_eq!(rules.dial_string("+44 20 7946 0958").as_deref(), Ok("+442079460958"));
    }

    #[test]
    fn characters_that_could_inject_into_a_sip_uri_are_refused() {
        let rules = DialingRules::default();
        for hostile in ["1001@evil.com", "1001;transport=tcp", "1001>\r\nX: y", "sip:1001", "1001?Subject=x", "10%301"] {
            assert!(matches!(rules.dial_string(hostile), Err(DialError::InvalidCharacter(_))), "{hostile}");
        }
    }

    #[test]
    fn plus_in_the_middle_empty_and_absurd_lengths_are_refused() {
        let rules = DialingRules::default();
        assert_eq!(rules.dial_string("1+2"), Err(DialError::MisplacedPlus));
        assert_eq!(rules.dial_string(" - "), Err(DialError::Empty));
        assert_eq!(rules.dial_string("+"), Err(DialError::Empty));
        assert_eq!(rules.dial_string(&"1".repeat(40)), Err(DialError::TooLong));
    }

    #[test]
    fn errors_read_as_advice() {
        assert_eq!(
            DialError::InvalidCharacter('@').to_string(),
            "\"@\" can't be part of a phone number; use digits, +, * or #."
        );
    }
}
