//! `callcenter migrate` never writes a file that `callcenter validate` refuses: whatever the old
//! definition holds (odd labels, prefixes, standby URLs, vendor sections), the written file
//! validates without errors, or migrate refuses with a reason and writes nothing.

use callcenter::definition::{escape, Definition};
use callcenter::migrate::{migrate, Options};
use callcenter::validate::{has_errors, validate};
use proptest::prelude::*;
use proptest::sample::select;

/// One `<item>` of a generated legacy file.
#[derive(Clone, Debug)]
struct GenItem {
    name: String,
    label: String,
    value: String,
}

fn item(name: &'static str, label: impl Strategy<Value = String>, value: impl Strategy<Value = String>) -> impl Strategy<Value = Option<GenItem>> {
    proptest::option::weighted(0.85, (label, value).prop_map(move |(label, value)| GenItem { name: name.to_owned(), label, value }))
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![4 => Just("Label".to_owned()), 1 => Just(String::new()), 1 => "[ -~]{0,12}"]
}

fn text(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![3 => select(values).prop_map(str::to_owned), 1 => "[ -~é€]{0,16}"]
}

const INTERNAL_NAMES: &[&str] = &["AcmeCTI", "Acme_CTI_", "Globex", "X", "a__b", "9lives", "Has Space", "ThisNameIsLongerThanForty_Characters_Long"];
const ADAPTER_URLS: &[&str] = &["http://localhost:11000", "https://cti.vendor.example/adapter", "/apex/VendorPhone", "", "javascript:x"];
const STANDBY_URLS: &[&str] = &[
    "/apex/Standby", "/apex/ns__Standby?x=1", "/apex/Stand by", "/standby.html", "http://localhost:11000/standby",
    "http://standby.example/", "https://standby.example/", "", "ftp://x",
];
const TIMEOUTS: &[&str] = &["5000", "", "soon", "-1", "99999999999"];
const SIZES: &[&str] = &["460", "10", "", "abc", "3000", "240"];
const PREFIXES: &[&str] = &["9", "", "011", "+", "9,", "0 0", "#"];
const VENDOR_VALUES: &[&str] = &[
    "wss://pbx.acme.example/ws", "ws://10.0.0.1:8080, wss://b.example", "ws://", "wss://a b", "wss://user@host:5/x",
    "wss://[::1]:8443", "42027", "cti.acme.example", "wss://", "ws:///path",
];
const NEW_ADAPTER_URLS: &[&str] = &[
    "https://phone.example.com/", "https://phone.example.com/?apiVersion=61.0", "/apex/Softphone", "/apex/acme__Softphone?apiVersion=60.0",
    "/apex/Softphone?mode=x", "/phone/", "http://phone.example.com/", "https://phone.example.com/?apiVersion=latest",
];

fn general() -> impl Strategy<Value = Vec<GenItem>> {
    (
        item("reqInternalName", label(), text(INTERNAL_NAMES)),
        item("reqDisplayName", label(), prop_oneof![Just("Acme CTI".to_owned()), Just(String::new()), "[ -~]{0,20}"]),
        item("reqAdapterUrl", label(), text(ADAPTER_URLS)),
        item("reqStandbyUrl", label(), text(STANDBY_URLS)),
        item("reqTimeout", label(), text(TIMEOUTS)),
        item("reqSoftphoneHeight", label(), text(SIZES)),
        item("reqSoftphoneWidth", label(), text(SIZES)),
        item("reqProgId", label(), Just("Acme.Adapter.1".to_owned())),
        item("reqUseApi", label(), text(&["true", "false", "yes"])),
    )
        .prop_map(|t| [t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8].into_iter().flatten().collect())
}

fn dialing() -> impl Strategy<Value = Vec<GenItem>> {
    (
        item("reqOutsidePrefix", label(), text(PREFIXES)),
        item("reqLongDistPrefix", label(), text(PREFIXES)),
        item("reqInternationalPrefix", label(), text(PREFIXES)),
        item("reqOddOption", label(), text(PREFIXES)),
    )
        .prop_map(|t| [t.0, t.1, t.2, t.3].into_iter().flatten().collect())
}

fn vendor() -> impl Strategy<Value = Vec<GenItem>> {
    proptest::collection::vec(
        (select(&["Host", "Url", "Port", "Backup"][..]), label(), text(VENDOR_VALUES))
            .prop_map(|(name, label, value)| GenItem { name: name.to_owned(), label, value }),
        0..4,
    )
}

fn section(out: &mut String, order: usize, name: &str, label: &str, items: &[GenItem]) {
    out.push_str(&format!("  <section sortOrder=\"{order}\" name=\"{}\" label=\"{}\">\n", escape(name), escape(label)));
    for (i, it) in items.iter().enumerate() {
        out.push_str(&format!(
            "    <item sortOrder=\"{i}\" name=\"{}\" label=\"{}\">{}</item>\n",
            escape(&it.name),
            escape(&it.label),
            escape(&it.value)
        ));
    }
    out.push_str("  </section>\n");
}

/// A legacy file as an admin might export it.
fn legacy_file() -> impl Strategy<Value = String> {
    (general(), dialing(), label(), vendor(), select(&["AcmeServer", "rustSoftphone", "Vendor"][..])).prop_map(
        |(general, dialing, dialing_label, vendor, vendor_name)| {
            let mut out = String::from("<callCenter>\n");
            section(&mut out, 0, "reqGeneralInfo", "General Information", &general);
            section(&mut out, 1, "reqDialingOptions", &dialing_label, &dialing);
            if !vendor.is_empty() {
                section(&mut out, 2, vendor_name, "Vendor", &vendor);
            }
            out.push_str("</callCenter>\n");
            out
        },
    )
}

fn options() -> impl Strategy<Value = Options> {
    (
        select(NEW_ADAPTER_URLS),
        prop_oneof![Just(vec![]), Just(vec!["wss://pbx.example.com:8443".to_owned()]), Just(vec!["ws://bad url".to_owned()])],
        proptest::option::of(select(&["pbx.example.com", "pbx example", "GB"][..]).prop_map(str::to_owned)),
        proptest::option::of(select(&["gb", "GBR", "De"][..]).prop_map(str::to_owned)),
    )
        .prop_map(|(adapter_url, pbx_urls, sip_domain, home_country)| Options {
            adapter_url: adapter_url.to_owned(),
            pbx_urls,
            sip_domain,
            internal_name: None,
            home_country,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn migrate_output_always_validates_without_errors(old in legacy_file(), options in options()) {
        let Ok(old) = Definition::parse(&old) else { return Ok(()) };
        let Ok(m) = migrate(&old, &options) else { return Ok(()) };
        let written = m.definition.to_import_xml();
        let read_back = Definition::parse(&written).expect("migrate writes well-formed XML");
        let problems = validate(&read_back);
        prop_assert!(!has_errors(&problems), "{written}\n{problems:#?}");
    }

    /// The property above holds only if migrate mostly succeeds: here it must.
    #[test]
    fn a_sound_request_always_migrates(old in legacy_file(), url in select(&NEW_ADAPTER_URLS[..4])) {
        let Ok(old) = Definition::parse(&old) else { return Ok(()) };
        // Names that cannot become a valid internal name are the admin's to choose (--internal-name).
        let name = old.value("reqGeneralInfo", "reqInternalName");
        let sound = name.is_empty() || ["AcmeCTI", "Acme_CTI_", "Globex", "X"].contains(&name);
        let options = Options {
            adapter_url: url.to_owned(),
            pbx_urls: vec!["wss://pbx.example.com:8443".into()],
            internal_name: (!sound).then(|| "Acme_OpenCti".to_owned()),
            ..Options::default()
        };
        let m = migrate(&old, &options);
        prop_assert!(m.is_ok(), "{:?}", m.err());
        let written = m.map(|m| m.definition.to_import_xml()).unwrap_or_default();
        let problems = validate(&Definition::parse(&written).expect("well-formed"));
        prop_assert!(!has_errors(&problems), "{written}\n{problems:#?}");
    }
}
