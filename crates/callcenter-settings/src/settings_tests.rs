//! The settings as the phone reads them from a Call Center definition.

use super::*;

fn development() -> SettingsMap {
    [
        ("/reqGeneralInfo/reqInternalName", "RustSoftphoneDev"),
        ("/reqGeneralInfo/reqDisplayName", "Rust Softphone"),
        ("/reqGeneralInfo/reqAdapterUrl", "http://127.0.0.1:8701/"),
        ("/reqDialingOptions/reqOutsidePrefix", ""),
        ("/reqDialingOptions/reqLongDistPrefix", "1"),
        ("/reqDialingOptions/reqInternationalPrefix", "011"),
        ("/rustSoftphone/pbxWebSocketUrls", "wss://a.example.com:8443, ws://127.0.0.1:8080"),
        ("/rustSoftphone/sipDomain", "pbx.example.com"),
        ("/rustSoftphone/iceServers", "stun:stun.example.com:3478"),
        ("/rustSoftphone/wrapUpDispositions", "Resolved, Callback requested,,"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn read(map: &SettingsMap) -> ReadSettings {
    SoftphoneSettings::from_map(map).expect("the phone can work")
}

fn keys(problems: &[SettingProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.key.as_str()).collect()
}

#[test]
fn a_complete_definition_gives_typed_settings_with_defaults() {
    let read = read(&development());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let s = read.settings;
    assert_eq!(s.pbx_urls, ["wss://a.example.com:8443", "ws://127.0.0.1:8080"]);
    assert_eq!(s.sip_domain, "pbx.example.com");
    assert_eq!(s.ice.servers.iter().map(|x| x.urls.clone()).collect::<Vec<_>>(), [["stun:stun.example.com:3478"]]);
    assert_eq!(s.dispositions, ["Resolved", "Callback requested"]);
    assert_eq!(s.register_expires, 600);
    assert_eq!(s.wrap_up_seconds, None, "no countdown unless the definition asks for one");
    assert_eq!(s.opencti_api_version, "62.0");
    assert_eq!(s.dialing.international_prefix, "011");
    assert_eq!(s.dialing.outside_prefix, "");
    assert_eq!(s.home_country, "US");
}

#[test]
fn bad_optional_items_fall_back_to_defaults_and_are_each_reported() {
    let mut map = development();
    map.insert("/rustSoftphone/registerExpires".into(), "10".into());
    map.insert("/rustSoftphone/openCtiApiVersion".into(), "20.0".into());
    map.insert("/rustSoftphone/homeCountry".into(), "United Kingdom".into());
    map.insert("/reqDialingOptions/reqOutsidePrefix".into(), "9#".into());
    map.remove("/reqGeneralInfo/reqAdapterUrl");
    let read = read(&map);
    assert_eq!(
        keys(&read.problems),
        [
            "/reqGeneralInfo/reqAdapterUrl",
            "/rustSoftphone/openCtiApiVersion",
            "/rustSoftphone/registerExpires",
            "/reqDialingOptions/reqOutsidePrefix",
            "/rustSoftphone/homeCountry",
        ]
    );
    let s = read.settings;
    assert_eq!(s.register_expires, DEFAULT_REGISTER_EXPIRES);
    assert_eq!(s.opencti_api_version, DEFAULT_API_VERSION);
    assert_eq!(s.home_country, "US");
    assert_eq!(s.dialing.outside_prefix, "", "a prefix that is not digits is not dialled");
    assert_eq!(s.pbx_urls, ["wss://a.example.com:8443", "ws://127.0.0.1:8080"], "the rest is used");
    let message = &read.problems[2].message;
    assert!(message.contains("\"10\" is not a number of seconds") && message.ends_with("using 600"), "{message}");
}

#[test]
fn a_wrap_up_countdown_is_read_and_a_useless_one_reported() {
    for (value, expected, problem) in [("45", Some(45), false), ("0", None, false), ("", None, false), ("3", None, true), ("soon", None, true)] {
        let mut map = development();
        map.insert("/rustSoftphone/wrapUpSeconds".into(), value.into());
        let read = read(&map);
        assert_eq!(read.settings.wrap_up_seconds, expected, "{value:?}");
        assert_eq!(keys(&read.problems) == ["/rustSoftphone/wrapUpSeconds"], problem, "{value:?}: {:?}", read.problems);
    }
}

#[test]
fn how_many_calls_at_once_is_read_and_a_wrong_count_reported() {
    for (value, expected, problem) in [("", 2, false), ("1", 1, false), ("4", 4, false), ("0", 2, true), ("5", 2, true), ("two", 2, true)] {
        let mut map = development();
        map.insert("/rustSoftphone/maxCalls".into(), value.into());
        let read = read(&map);
        assert_eq!(read.settings.max_calls, expected, "{value:?}");
        assert_eq!(keys(&read.problems) == ["/rustSoftphone/maxCalls"], problem, "{value:?}: {:?}", read.problems);
    }
}

#[test]
fn following_a_far_ends_transfer_request_is_off_unless_the_definition_says_true() {
    for (value, expected, problem) in [("", false, false), ("true", true, false), ("TRUE", true, false), ("false", false, false), ("yes", false, true)] {
        let mut map = development();
        map.insert("/rustSoftphone/followTransferRequests".into(), value.into());
        let read = read(&map);
        assert_eq!(read.settings.follow_transfer_requests, expected, "{value:?}");
        assert_eq!(keys(&read.problems) == ["/rustSoftphone/followTransferRequests"], problem, "{value:?}: {:?}", read.problems);
    }
}

#[test]
fn a_bad_pbx_url_is_skipped_when_another_one_works() {
    let mut map = development();
    map.insert("/rustSoftphone/pbxWebSocketUrls".into(), "http://pbx.example.com, wss://b.example.com".into());
    let read = read(&map);
    assert_eq!(read.settings.pbx_urls, ["wss://b.example.com"]);
    assert_eq!(keys(&read.problems), ["/rustSoftphone/pbxWebSocketUrls"]);
}

#[test]
fn without_a_usable_pbx_or_sip_domain_the_phone_cannot_start_and_every_problem_is_listed() {
    let mut map = development();
    map.insert("/rustSoftphone/pbxWebSocketUrls".into(), "http://pbx.example.com".into());
    map.insert("/rustSoftphone/sipDomain".into(), "pbx.example.com>;evil".into());
    map.insert("/rustSoftphone/registerExpires".into(), "10".into());
    let err = SoftphoneSettings::from_map(&map).expect_err("cannot work");
    assert_eq!(
        keys(&err.problems),
        ["/rustSoftphone/pbxWebSocketUrls", "/rustSoftphone/sipDomain", "/rustSoftphone/registerExpires"]
    );
    assert!(err.to_string().contains("/rustSoftphone/pbxWebSocketUrls: \"http://pbx.example.com\" is not a ws:// or wss:// URL"));

    let mut no_domain = development();
    no_domain.remove("/rustSoftphone/sipDomain");
    let err = SoftphoneSettings::from_map(&no_domain).expect_err("cannot register");
    assert_eq!(keys(&err.problems), ["/rustSoftphone/sipDomain"]);
}

#[test]
fn no_pbx_at_all_says_what_to_add() {
    let mut map = development();
    map.remove("/rustSoftphone/pbxWebSocketUrls");
    let err = SoftphoneSettings::from_map(&map).expect_err("invalid");
    assert!(err.to_string().contains("list the PBX's WebSocket URLs"));
}

#[test]
fn the_home_country_is_two_letters_upper_cased() {
    for (given, used) in [("GB", "GB"), ("de", "DE"), (" fr ", "FR"), ("", "US")] {
        let mut map = development();
        map.insert("/rustSoftphone/homeCountry".into(), given.into());
        let read = read(&map);
        assert_eq!(read.settings.home_country, used, "{given:?}");
        assert!(read.problems.is_empty(), "{given:?}");
    }
    for bad in ["GBR", "G", "4X", "É1", "+44"] {
        let mut map = development();
        map.insert("/rustSoftphone/homeCountry".into(), bad.into());
        let read = read(&map);
        assert_eq!(read.settings.home_country, "US", "{bad:?}");
        assert_eq!(keys(&read.problems), ["/rustSoftphone/homeCountry"], "{bad:?}");
    }
}

#[test]
fn the_echo_test_number_is_dialled_as_written_or_left_out() {
    for (given, used) in [("9196", Some("9196")), (" *43 ", Some("*43")), ("+15555550100", Some("+15555550100")), ("", None)] {
        let mut map = development();
        map.insert("/rustSoftphone/echoTestNumber".into(), given.into());
        let read = read(&map);
        assert_eq!(read.settings.echo_test_number.as_deref(), used, "{given:?}");
        assert!(read.problems.is_empty(), "{given:?}");
    }
    for bad in ["echo", "9196@evil.example", "+", "1;x=1"] {
        let mut map = development();
        map.insert("/rustSoftphone/echoTestNumber".into(), bad.into());
        let read = read(&map);
        assert_eq!(read.settings.echo_test_number, None, "{bad:?}");
        assert_eq!(keys(&read.problems), ["/rustSoftphone/echoTestNumber"], "{bad:?}");
    }
}

#[test]
fn api_versions_are_digits_dot_digits_from_38_on() {
    for good in ["38.0", "62.0", "64.1", "100.0"] {
        assert!(is_api_version(good), "{good}");
    }
    for bad in ["", "62", "37.0", "62.", ".0", "62.0.1", "6x.0", "62.0/../x", "-62.0", "99999.0"] {
        assert!(!is_api_version(bad), "{bad}");
    }
}

#[test]
fn the_adapter_urls_api_version_is_found_in_its_query() {
    assert_eq!(adapter_url_api_version("/apex/Softphone?apiVersion=60.0"), Some("60.0"));
    assert_eq!(adapter_url_api_version("https://p.example/?a=1&APIVERSION=61.0&apiVersion=2#x"), Some("61.0"));
    assert_eq!(adapter_url_api_version("https://p.example/?x=1#apiVersion=60.0"), None);
    assert_eq!(adapter_url_api_version("https://p.example/"), None);
}
