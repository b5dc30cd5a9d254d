//! How numbers from records and the dial pad are dialled, country by country.

use super::*;
use callcenter_settings::DialingOptions;

/// A PBX in `country` that takes numbers as a desk phone there dials them (national format).
fn rules(country: &str, outside: &str, long_distance: &str, international: &str) -> DialingRules {
    let options = DialingOptions {
        outside_prefix: outside.into(),
        long_distance_prefix: long_distance.into(),
        international_prefix: international.into(),
    };
    DialingRules::new(&options, country, NumberFormat::National).expect("known country")
}

/// A PBX (or SIP trunk) in `country` that takes E.164, the default.
fn e164_trunk(country: &str) -> DialingRules {
    DialingRules::new(&DialingOptions::default(), country, NumberFormat::E164).expect("known country")
}

/// What `number` dials, extension apart.
fn dials(rules: &DialingRules, number: &str) -> Result<String, DialError> {
    rules.plan(number).map(|p| p.dial)
}

fn nanp_pbx() -> DialingRules {
    rules("US", "9", "1", "011")
}

// --- North America (today's behaviour, kept) ---

#[test]
fn formatting_in_crm_numbers_is_dropped() {
    assert_eq!(normalize(" +1 (415) 555-0100 ").as_deref(), Ok("+14155550100"));
    assert_eq!(normalize("415.555.0100").as_deref(), Ok("4155550100"));
}

#[test]
fn nanp_home_e164_gets_outside_and_long_distance_prefix() {
    assert_eq!(dials(&nanp_pbx(), "+1 415 555 0100").as_deref(), Ok("914155550100"));
}

#[test]
fn nanp_foreign_e164_gets_outside_and_international_prefix() {
    assert_eq!(dials(&nanp_pbx(), "+44 20 7946 0958").as_deref(), Ok("9011442079460958"));
}

#[test]
fn nanp_ten_digit_national_number_gets_long_distance_prefix_once() {
    assert_eq!(dials(&nanp_pbx(), "(415) 555-0100").as_deref(), Ok("914155550100"));
    assert_eq!(dials(&nanp_pbx(), "1 415 555 0100").as_deref(), Ok("914155550100"));
}

#[test]
fn nanp_without_a_long_distance_prefix_in_the_definition_uses_the_trunk_prefix_1() {
    let rules = rules("CA", "", "", "011");
    assert_eq!(dials(&rules, "+1 604 555 0100").as_deref(), Ok("16045550100"));
    assert_eq!(dials(&rules, "604-555-0100").as_deref(), Ok("16045550100"));
}

#[test]
fn nanp_number_typed_with_011_is_dialled_as_the_foreign_number_it_is() {
    assert_eq!(dials(&nanp_pbx(), "011 44 20 7946 0958").as_deref(), Ok("9011442079460958"));
}

#[test]
fn extensions_and_feature_codes_are_dialled_as_typed() {
    assert_eq!(dials(&nanp_pbx(), "1002").as_deref(), Ok("1002"));
    assert_eq!(dials(&nanp_pbx(), "*72").as_deref(), Ok("*72"));
    assert_eq!(nanp_pbx().plan("#123"), Ok(DialPlan { dial: "#123".into(), extension: None }));
}

#[test]
fn e164_passes_through_when_the_pbx_takes_plus() {
    let rules = DialingRules::default();
    assert_eq!(dials(&rules, "+44 20 7946 0958").as_deref(), Ok("+442079460958"));
    assert_eq!(dials(&rules, "+1 415 555 0100").as_deref(), Ok("+14155550100"));
}

// --- United Kingdom: trunk prefix 0, abroad 00 ---

#[test]
fn uk_home_e164_becomes_the_national_number_with_trunk_prefix_0() {
    assert_eq!(dials(&rules("GB", "", "", "00"), "+44 20 7946 0000").as_deref(), Ok("02079460000"));
    assert_eq!(dials(&rules("GB", "9", "", "00"), "+44 20 7946 0000").as_deref(), Ok("902079460000"));
}

#[test]
fn the_bracketed_trunk_prefix_of_european_records_is_dropped_from_e164() {
    assert_eq!(dials(&rules("GB", "", "", "00"), "+44 (0)20 7946 0000").as_deref(), Ok("02079460000"));
    assert_eq!(dials(&rules("FR", "", "", "00"), "+49 (0)30 1234567").as_deref(), Ok("0049301234567"));
}

#[test]
fn uk_foreign_e164_gets_00() {
    assert_eq!(dials(&rules("GB", "9", "", "00"), "+1 415 555 0100").as_deref(), Ok("90014155550100"));
}

#[test]
fn uk_national_number_with_its_0_is_kept_behind_the_outside_prefix() {
    assert_eq!(dials(&rules("GB", "9", "", "00"), "020 7946 0000").as_deref(), Ok("902079460000"));
    assert_eq!(dials(&rules("GB", "", "", "00"), "07700 900123").as_deref(), Ok("07700900123"));
}

#[test]
fn uk_number_typed_with_00_reaches_the_foreign_country() {
    assert_eq!(dials(&rules("GB", "9", "", "00"), "00 33 1 23 45 67 89").as_deref(), Ok("90033123456789"));
}

#[test]
fn a_national_pbx_without_an_international_prefix_in_the_definition_gets_the_countrys_own() {
    assert_eq!(dials(&rules("GB", "9", "", ""), "+1 415 555 0100").as_deref(), Ok("90014155550100"));
    assert_eq!(dials(&rules("US", "", "", ""), "+44 20 7946 0000").as_deref(), Ok("011442079460000"));
    assert_eq!(dials(&rules("GB", "9", "", ""), "+44 20 7946 0000").as_deref(), Ok("902079460000"));
}

// --- Germany: a PBX's outside line is usually 0 too ---

#[test]
fn germany_home_e164_gets_outside_0_and_trunk_0() {
    assert_eq!(dials(&rules("DE", "0", "", "00"), "+49 30 1234567").as_deref(), Ok("00301234567"));
}

#[test]
fn germany_foreign_e164_gets_outside_0_and_00() {
    assert_eq!(dials(&rules("DE", "0", "", "00"), "+33 1 23 45 67 89").as_deref(), Ok("00033123456789"));
}

#[test]
fn germany_national_number_is_kept() {
    assert_eq!(dials(&rules("DE", "", "", "00"), "030 1234567").as_deref(), Ok("0301234567"));
    assert_eq!(dials(&rules("DE", "0", "", "00"), "0171 1234567").as_deref(), Ok("001711234567"));
}

// --- France: ten digits nationally, nine after +33 ---

#[test]
fn france_home_e164_becomes_the_ten_digit_national_number() {
    assert_eq!(dials(&rules("FR", "", "", "00"), "+33 1 23 45 67 89").as_deref(), Ok("0123456789"));
}

#[test]
fn france_foreign_e164_gets_00() {
    assert_eq!(dials(&rules("FR", "", "", "00"), "+49 30 1234567").as_deref(), Ok("0049301234567"));
}

#[test]
fn france_national_number_is_kept_and_a_missing_digit_is_caught() {
    assert_eq!(dials(&rules("FR", "0", "", "00"), "01 23 45 67 89").as_deref(), Ok("00123456789"));
    assert_eq!(dials(&rules("FR", "", "", "00"), "+33 1 23 45 67 8"), Err(DialError::TooShort));
    assert_eq!(dials(&rules("FR", "", "", "00"), "01 23 45 67 8"), Err(DialError::TooShort));
}

// --- Australia: abroad is 0011 ---

#[test]
fn australia_home_e164_gets_trunk_0() {
    assert_eq!(dials(&rules("AU", "", "", "0011"), "+61 2 9876 5432").as_deref(), Ok("0298765432"));
}

#[test]
fn australia_foreign_e164_gets_0011() {
    assert_eq!(dials(&rules("AU", "0", "", "0011"), "+64 9 123 4567").as_deref(), Ok("000116491234567"));
}

#[test]
fn australia_national_and_freephone_numbers_are_kept_and_0011_is_read_as_abroad() {
    let rules = rules("AU", "", "", "0011");
    assert_eq!(dials(&rules, "(02) 9876 5432").as_deref(), Ok("0298765432"));
    assert_eq!(dials(&rules, "1800 123 456").as_deref(), Ok("1800123456"));
    assert_eq!(dials(&rules, "0011 44 20 7946 0000").as_deref(), Ok("0011442079460000"));
}

// --- India: ten-digit numbers, trunk 0 ---

#[test]
fn india_home_e164_gets_trunk_0() {
    assert_eq!(dials(&rules("IN", "", "", "00"), "+91 98765 43210").as_deref(), Ok("09876543210"));
}

#[test]
fn india_foreign_e164_gets_00() {
    assert_eq!(dials(&rules("IN", "9", "", "00"), "+1 415 555 0100").as_deref(), Ok("90014155550100"));
}

#[test]
fn india_national_number_is_kept_and_a_short_one_refused() {
    assert_eq!(dials(&rules("IN", "9", "", "00"), "098765 43210").as_deref(), Ok("909876543210"));
    assert_eq!(dials(&rules("IN", "", "", "00"), "+91 98765 4321"), Err(DialError::TooShort));
}

// --- Closed plans and unknown countries ---

#[test]
fn italy_has_no_trunk_prefix_so_the_area_codes_0_stays_in_the_number() {
    assert_eq!(dials(&rules("IT", "", "", "00"), "+39 06 1234 5678").as_deref(), Ok("0612345678"));
    assert_eq!(dials(&rules("IT", "", "", "00"), "+39 347 123 4567").as_deref(), Ok("3471234567"));
}

#[test]
fn a_definition_long_distance_prefix_replaces_the_trunk_prefix() {
    assert_eq!(dials(&rules("GB", "", "1", "00"), "+44 20 7946 0000").as_deref(), Ok("12079460000"));
}

#[test]
fn an_unknown_home_country_is_an_error_and_the_fallback_passes_e164_through() {
    let options = DialingOptions { outside_prefix: "9".into(), long_distance_prefix: String::new(), international_prefix: "00".into() };
    assert_eq!(DialingRules::new(&options, "BR", NumberFormat::National), Err(numbering::UnknownCountry { code: "BR".into() }));
    let fallback = DialingRules::without_plan(&options, NumberFormat::National);
    assert_eq!(dials(&fallback, "+55 11 91234 5678").as_deref(), Ok("+5511912345678"));
    assert_eq!(dials(&fallback, "11 91234 5678").as_deref(), Ok("911912345678"));
    // An E.164 trunk gets E.164 numbers; a national number cannot be read without the plan.
    let fallback = DialingRules::without_plan(&options, NumberFormat::E164);
    assert_eq!(dials(&fallback, "+55 11 91234 5678").as_deref(), Ok("+5511912345678"));
    assert_eq!(dials(&fallback, "11 91234 5678").as_deref(), Ok("11912345678"));
    assert!(numbering::known_countries().any(|c| c == "GB"), "the countries the phone knows can be listed for the admin");
}

// --- An E.164 trunk (the default): every outside number as +E.164, home numbers included ---

#[test]
fn on_an_e164_trunk_every_number_of_every_country_goes_out_in_e164() {
    // (home country, as written, E.164): national, with the trunk prefix or without, written
    // with the country's international prefix, or already E.164.
    let cases = [
        ("US", "(415) 555-0100", "+14155550100"),
        ("US", "1 415 555 0100", "+14155550100"),
        ("US", "+1 415 555 0100", "+14155550100"),
        ("US", "011 44 20 7946 0958", "+442079460958"),
        ("GB", "020 7946 0018", "+442079460018"),
        ("GB", "07700 900123", "+447700900123"),
        ("GB", "+44 (0)20 7946 0018", "+442079460018"),
        ("GB", "00 33 1 23 45 67 89", "+33123456789"),
        ("GB", "+1 415 555 0100", "+14155550100"),
        ("DE", "030 1234567", "+49301234567"),
        ("FR", "01 23 45 67 89", "+33123456789"),
        ("AU", "(02) 9876 5432", "+61298765432"),
        ("AU", "1800 123 456", "+611800123456"),
        ("AU", "0011 44 20 7946 0000", "+442079460000"),
        ("IT", "06 1234 5678", "+390612345678"),
        ("IN", "098765 43210", "+919876543210"),
        ("MX", "55 1234 5678", "+525512345678"),
    ];
    for (country, written, e164) in cases {
        assert_eq!(dials(&e164_trunk(country), written).as_deref(), Ok(e164), "{country}: {written}");
    }
}

#[test]
fn on_an_e164_trunk_the_prefixes_are_not_dialled_and_extensions_stay_short() {
    let options = DialingOptions { outside_prefix: "9".into(), long_distance_prefix: "1".into(), international_prefix: "011".into() };
    let rules = DialingRules::new(&options, "US", NumberFormat::E164).expect("known country");
    assert_eq!(dials(&rules, "(415) 555-0100").as_deref(), Ok("+14155550100"));
    assert_eq!(dials(&rules, "1002").as_deref(), Ok("1002"));
    assert_eq!(dials(&rules, "*72").as_deref(), Ok("*72"));
    assert_eq!(rules.plan("4155550100 x123"), Ok(DialPlan { dial: "+14155550100".into(), extension: Some("123".into()) }));
}

#[test]
fn on_an_e164_trunk_a_missing_digit_is_still_caught() {
    assert_eq!(dials(&e164_trunk("FR"), "01 23 45 67 8"), Err(DialError::TooShort));
    assert_eq!(dials(&e164_trunk("US"), "555 0100 12"), Err(DialError::TooShort));
    assert_eq!(dials(&e164_trunk("IN"), "+91 98765 4321"), Err(DialError::TooShort));
}

// --- One form per number ---

#[test]
fn the_same_customer_is_one_number_however_written_and_whatever_the_trunk_takes() {
    for rules in [e164_trunk("GB"), rules("GB", "9", "", "00")] {
        for written in ["020 7946 0018", "+44 20 7946 0018", "+44 (0)20 7946 0018", "00 44 20 7946 0018", "2079460018"] {
            assert_eq!(rules.canonical(written), "+442079460018", "{written}");
        }
    }
    let us = e164_trunk("US");
    for written in ["(415) 555-0100", "+1 415-555-0100", "1 415 555 0100", "4155550100", "+1 (415) 555-0100 x123"] {
        assert_eq!(us.canonical(written), "+14155550100", "{written}");
    }
}

#[test]
fn extensions_codes_strangers_and_numbers_of_unknown_countries_keep_their_own_form() {
    let us = e164_trunk("US");
    assert_eq!(us.canonical("1002"), "1002");
    assert_eq!(us.canonical("*72"), "*72");
    assert_eq!(us.canonical(" anonymous "), "anonymous", "not a number: kept as given");
    assert_eq!(us.canonical("+44 20"), "+4420", "too short to be E.164: as written");
    let unknown = DialingRules::without_plan(&DialingOptions::default(), NumberFormat::E164);
    assert_eq!(unknown.canonical("11 91234-5678"), "11912345678");
    assert_eq!(unknown.canonical("+55 11 91234-5678"), "+5511912345678");
}

// --- Extensions ---

#[test]
fn extensions_on_records_are_split_off_in_every_usual_spelling() {
    let expected = Ok(DialPlan { dial: "914155550100".into(), extension: Some("123".into()) });
    for written in [
        "+1 415 555 0100 x123",
        "+1 415 555 0100 X 123",
        "+1 (415) 555-0100 ext. 123",
        "+1 415 555 0100 ext 123",
        "+1 415 555 0100 Ext: 123",
        "+1 415 555 0100 extension 123",
        "+1-415-555-0100;ext=123",
        "4155550100,,123",
        "+1 415 555 0100 #123",
        "4155550100x123",
    ] {
        assert_eq!(nanp_pbx().plan(written), expected, "{written}");
    }
}

#[test]
fn extensions_work_abroad_too() {
    assert_eq!(
        rules("GB", "9", "", "00").plan("020 7946 0000 ext. 4021"),
        Ok(DialPlan { dial: "902079460000".into(), extension: Some("4021".into()) })
    );
    assert_eq!(
        rules("DE", "0", "", "00").plan("+49 30 1234567;ext=89"),
        Ok(DialPlan { dial: "00301234567".into(), extension: Some("89".into()) })
    );
}

#[test]
fn the_extension_is_split_off_the_number_to_be_keyed_in() {
    let plan = nanp_pbx().plan("+1 415 555 0100 x123");
    assert_eq!(plan, Ok(DialPlan { dial: "914155550100".into(), extension: Some("123".into()) }));
}

#[test]
fn a_transfer_refuses_a_number_with_an_extension() {
    assert_eq!(nanp_pbx().dial_string("+1 415 555 0100 x123"), Err(DialError::ExtensionNotPossible));
    assert_eq!(nanp_pbx().dial_string("+1 415 555 0100").as_deref(), Ok("914155550100"));
}

#[test]
fn words_that_end_in_x_are_not_extensions() {
    // "XEROX" spells digits; nothing in it starts an extension.
    assert_eq!(nanp_pbx().plan("1-800-XEROX-11"), Ok(DialPlan { dial: "918009376911".into(), extension: None }));
}

// --- Vanity numbers, lengths, hostile input ---

#[test]
fn vanity_numbers_are_spelt_out_as_on_a_keypad() {
    assert_eq!(dials(&nanp_pbx(), "1-800-FLOWERS").as_deref(), Ok("918003569377"));
    assert_eq!(
        nanp_pbx().plan("1-800-flowers x12"),
        Ok(DialPlan { dial: "918003569377".into(), extension: Some("12".into()) })
    );
}

#[test]
fn letters_that_do_not_follow_a_written_area_code_are_refused() {
    assert_eq!(dials(&nanp_pbx(), "bob"), Err(DialError::InvalidCharacter('b')));
    assert_eq!(dials(&nanp_pbx(), "100-BOB"), Err(DialError::InvalidCharacter('B')));
}

#[test]
fn characters_that_could_inject_into_a_sip_uri_are_refused() {
    let rules = DialingRules::default();
    for hostile in ["1001@evil.com", "1001;transport=tcp", "1001>\r\nX: y", "sip:1001", "1001?Subject=x", "10%301", "+1 415 555 0100;ext=1@x"] {
        assert!(matches!(rules.plan(hostile), Err(DialError::InvalidCharacter(_))), "{hostile}");
    }
}

#[test]
fn plus_in_the_middle_empty_and_absurd_lengths_are_refused() {
    let rules = DialingRules::default();
    assert_eq!(dials(&rules, "1+2"), Err(DialError::MisplacedPlus));
    assert_eq!(dials(&rules, " - "), Err(DialError::Empty));
    assert_eq!(dials(&rules, "+"), Err(DialError::Empty));
    assert_eq!(dials(&rules, &"1".repeat(40)), Err(DialError::TooLong));
    assert_eq!(dials(&rules, "+44 20 7946 0000 1234"), Err(DialError::TooLong));
    assert_eq!(dials(&rules, "+44 20"), Err(DialError::TooShort));
    assert_eq!(dials(&nanp_pbx(), "+1 415 555 010"), Err(DialError::TooShort));
}

#[cfg(not(target_arch = "wasm32"))]
mod property {
    use super::*;
    use proptest::prelude::*;
    use sip::Uri;

    /// Any known country with any digit prefixes (or none).
    fn any_rules() -> impl Strategy<Value = DialingRules> {
        let countries: Vec<&'static str> = numbering::known_countries().collect();
        (proptest::sample::select(countries), "[0-9]{0,2}", "[0-9]{0,2}", "[0-9]{0,4}")
            .prop_map(|(country, outside, long, international)| rules(country, &outside, &long, &international))
    }

    proptest! {
        /// Whatever a record or a paste holds, what we dial is a plain SIP user part.
        #[test]
        fn whatever_is_dialled_is_a_user_part_the_sip_layer_accepts(
            rules in any_rules(),
            number in r"[+]?[0-9 ().\-]{0,20}([a-zA-Z ;=,#*@:>?%\r\n\-]{0,6}[0-9]{0,6}){0,3}",
        ) {
            if let Ok(plan) = rules.plan(&number) {
                let dial = &plan.dial;
                prop_assert!(!dial.is_empty());
                prop_assert!(dial.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || b == b'*' || b == b'#' || (b == b'+' && i == 0)), "{dial:?}");
                let uri = Uri::sip(dial, "pbx.example.com");
                let reparsed = Uri::parse(&uri.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let user = reparsed.user_unescaped().map(|u| u.into_owned());
                prop_assert_eq!(user.as_deref(), Some(dial.as_str()));
                prop_assert_eq!(reparsed.host.as_str(), "pbx.example.com");
                prop_assert!(reparsed.params.as_str().is_empty() && reparsed.headers.is_none());
                if let Some(extension) = &plan.extension {
                    prop_assert!(!extension.is_empty() && extension.bytes().all(|b| b.is_ascii_digit()));
                }
            }
        }

        /// Written E.164 numbers of any length E.164 allows reach a PBX that takes "+" unchanged.
        #[test]
        fn any_written_e164_number_is_dialable_and_keeps_its_digits(
            digits in "[1-9][0-9]{6,14}",
            extension in proptest::option::of("[0-9]{1,6}"),
        ) {
            let written = format!("+{} ({}) {}{}", &digits[..1], &digits[1..4], &digits[4..], extension.as_ref().map(|e| format!(" ext. {e}")).unwrap_or_default());
            let plan = DialingRules::without_plan(&DialingOptions::default(), NumberFormat::E164).plan(&written);
            prop_assert_eq!(plan, Ok(DialPlan { dial: format!("+{digits}"), extension }));
        }
    }
}
