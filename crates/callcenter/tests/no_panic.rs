//! Whatever the file, reading and checking it returns a result: never a panic.

use callcenter::definition::Definition;
use callcenter::settings::{SettingsMap, SoftphoneSettings};
use callcenter::validate::validate;
use proptest::prelude::*;

const SEED: &str = include_str!("../../../callcenter-xml/production.xml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        if let Ok(d) = Definition::parse(&text) {
            let _ = validate(&d);
        }
    }

    #[test]
    fn mutated_definitions_never_panic(at in 0usize..SEED.len(), cut in 0usize..40, insert in "[<>&\"'=/a-zA-Z0-9 :;!\\[\\]-]{0,12}") {
        let mut text: String = SEED.chars().take(at).collect();
        text.push_str(&insert);
        text.extend(SEED.chars().skip(at + cut));
        if let Ok(d) = Definition::parse(&text) {
            let _ = validate(&d);
            let again = Definition::parse(&d.to_import_xml()).expect("our own output parses");
            prop_assert_eq!(again.settings_map(), d.settings_map());
            let meta = Definition::parse(&d.to_metadata_xml()).expect("our own metadata parses");
            prop_assert_eq!(meta.settings_map(), d.settings_map());
        }
    }

    #[test]
    fn arbitrary_settings_maps_never_panic(entries in proptest::collection::btree_map("/[a-zA-Z]{1,8}/[a-zA-Z]{1,8}", ".{0,30}", 0..12)) {
        let map: SettingsMap = entries;
        let _ = SoftphoneSettings::from_map(&map);
        prop_assert_eq!(Definition::from_settings_map(&map).settings_map(), map);
    }
}
