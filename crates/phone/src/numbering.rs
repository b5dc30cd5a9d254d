//! The numbering plans of the countries a contact center's PBX may sit in.
//!
//! Each plan says how a number of that country is written nationally (the trunk prefix in front of
//! the national number: "0" in most of Europe, Australia and India, "1" in North America, none in
//! the closed plans of Italy, Spain, Denmark, ...), which prefix reaches abroad from there, and how
//! long its national numbers are. The figures follow the national plans each country registers
//! with the ITU (ITU-T E.164 and its Operational Bulletin). Lengths are deliberately generous:
//! they catch a digit dropped from a record, not every unassigned range.

/// How numbers are written and dialled in one country.
#[derive(Debug, PartialEq, Eq)]
pub struct NumberingPlan {
    /// ISO 3166-1 alpha-2 code, uppercase, e.g. "GB".
    pub country: &'static str,
    /// The country calling code without "+", e.g. "44".
    pub calling_code: &'static str,
    /// Dialled in front of a national number from inside the country; empty in closed plans.
    pub trunk_prefix: &'static str,
    /// Dialled in front of a foreign calling code, e.g. "00".
    pub international_prefix: &'static str,
    /// Fewest digits of a national (significant) number.
    pub min_national_digits: usize,
    /// Most digits of a national (significant) number.
    pub max_national_digits: usize,
}

impl NumberingPlan {
    /// North America (NANP): the trunk prefix "1" is also the long-distance prefix, and a
    /// 10-digit national number without it still needs it.
    pub fn is_nanp(&self) -> bool {
        self.calling_code == "1"
    }
}

const fn plan(
    country: &'static str,
    calling_code: &'static str,
    trunk_prefix: &'static str,
    international_prefix: &'static str,
    min_national_digits: usize,
    max_national_digits: usize,
) -> NumberingPlan {
    NumberingPlan { country, calling_code, trunk_prefix, international_prefix, min_national_digits, max_national_digits }
}

/// Every plan the softphone knows, by ISO code.
pub const PLANS: &[NumberingPlan] = &[
    plan("US", "1", "1", "011", 10, 10),
    plan("CA", "1", "1", "011", 10, 10),
    // UK national numbers are 9 or 10 digits; a few freephone numbers 7.
    plan("GB", "44", "0", "00", 7, 10),
    plan("IE", "353", "0", "00", 7, 10),
    // Germany and Austria have open plans: area codes and subscriber numbers vary in length.
    plan("DE", "49", "0", "00", 5, 13),
    plan("AT", "43", "0", "00", 4, 13),
    plan("CH", "41", "0", "00", 9, 9),
    plan("FR", "33", "0", "00", 9, 9),
    plan("BE", "32", "0", "00", 8, 9),
    plan("NL", "31", "0", "00", 7, 10),
    // Italy keeps the leading 0 of its area codes inside the number (+39 06 ...): no trunk prefix.
    plan("IT", "39", "", "00", 6, 11),
    plan("ES", "34", "", "00", 9, 9),
    plan("PT", "351", "", "00", 9, 9),
    plan("DK", "45", "", "00", 8, 8),
    plan("NO", "47", "", "00", 5, 8),
    plan("SE", "46", "0", "00", 7, 13),
    plan("PL", "48", "", "00", 9, 9),
    // Australia: 9-digit numbers, 10 for 1300/1800 numbers; abroad is "0011".
    plan("AU", "61", "0", "0011", 6, 10),
    plan("NZ", "64", "0", "00", 8, 10),
    plan("IN", "91", "0", "00", 10, 10),
    plan("JP", "81", "0", "010", 9, 10),
    // Mexico dropped its trunk prefixes (01, 044, 045) in 2019: every number is 10 digits.
    plan("MX", "52", "", "00", 10, 10),
];

/// The plan used when the definition names no home country.
pub const DEFAULT_COUNTRY: &str = "US";

/// A home country the softphone has no numbering plan for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCountry {
    /// The code as given in the definition.
    pub code: String,
}

/// The plan of `country` (ISO 3166-1 alpha-2, any case; empty means [`DEFAULT_COUNTRY`]).
pub fn plan_for(country: &str) -> Result<&'static NumberingPlan, UnknownCountry> {
    let code = country.trim();
    let code = if code.is_empty() { DEFAULT_COUNTRY } else { code };
    PLANS.iter().find(|p| p.country.eq_ignore_ascii_case(code)).ok_or_else(|| UnknownCountry { code: code.to_owned() })
}

/// The ISO codes of every known plan, for a message to the admin.
pub fn known_countries() -> impl Iterator<Item = &'static str> {
    PLANS.iter().map(|p| p.country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_iso_code_in_any_case_and_default_to_the_us() {
        assert_eq!(plan_for("gb").map(|p| p.calling_code), Ok("44"));
        assert_eq!(plan_for("").map(|p| p.country), Ok("US"));
        assert_eq!(plan_for("BR"), Err(UnknownCountry { code: "BR".into() }));
    }

    #[test]
    fn every_plan_is_well_formed_and_listed_once() {
        for (i, p) in PLANS.iter().enumerate() {
            assert!(p.country.len() == 2 && p.country.bytes().all(|b| b.is_ascii_uppercase()), "{p:?}");
            for digits in [p.calling_code, p.trunk_prefix, p.international_prefix] {
                assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{p:?}");
            }
            assert!(!p.calling_code.is_empty() && !p.international_prefix.is_empty(), "{p:?}");
            assert!(p.min_national_digits <= p.max_national_digits, "{p:?}");
            assert!(p.calling_code.len() + p.max_national_digits <= 15, "E.164 allows 15 digits: {p:?}");
            assert!(PLANS.iter().skip(i + 1).all(|q| q.country != p.country), "{p:?} twice");
        }
    }
}
