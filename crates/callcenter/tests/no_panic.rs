//! Whatever the file, reading and checking it returns a result: never a panic.

use callcenter::definition::Definition;
use callcenter::inventory::scan::{scan, Component, Source};
use callcenter::rollout::report::{build, Thresholds};
use callcenter::rollout::runbook::{plan, PlanOptions};
use callcenter::rollout::tasks::read_tasks;
use callcenter::rollout::waves::read_waves;
use callcenter::date::Date;
use callcenter::rollout::{html, render};
use callcenter::settings::{SettingsMap, SoftphoneSettings};
use callcenter::validate::validate;
use proptest::prelude::*;

const SEED: &str = include_str!("../../../callcenter-xml/production.xml");
const TASKS: &str = include_str!("fixtures/rollout/tasks-sf-cli.csv");
const WAVES: &str = include_str!("fixtures/rollout/waves.csv");
const USERS: &str = include_str!("fixtures/rollout/users.csv");

/// Splices `insert` into `seed` at character `at`, dropping `cut` characters.
fn mutate(seed: &str, at: usize, cut: usize, insert: &str) -> String {
    let mut text: String = seed.chars().take(at).collect();
    text.push_str(insert);
    text.extend(seed.chars().skip(at + cut));
    text
}

/// Reads a Tasks export and renders the report every way; any error is fine, a panic is not.
fn report_everything(tasks: &str, waves: &str) {
    let waves = read_waves(waves).unwrap_or_default();
    if let Ok(tasks) = read_tasks(tasks) {
        let report = build(&tasks, &waves, Thresholds::default());
        let _ = (render::text(&report), html::page(&report));
        let json = render::json(&report);
        serde_json::from_str::<serde_json::Value>(&json).expect("the report's JSON parses");
    }
}

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

proptest! {
    // Each case renders a whole report three ways: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_csv_never_panics(text in "[a-zA-Z0-9,\"\r\n .:+-]{0,300}") {
        let _ = callcenter::csv::parse(&text);
        report_everything(&text, &text);
        let _ = plan(&text, &PlanOptions { new_call_center: "04vNEW".into(), pilot: Vec::new(), start: Date::from_days(20_000) });
    }

    #[test]
    fn mutated_exports_never_panic(at in 0usize..TASKS.len(), cut in 0usize..80, insert in "[,\"\r\nA-Za-z0-9:.+ -]{0,16}") {
        report_everything(&mutate(TASKS, at, cut, &insert), WAVES);
        report_everything(TASKS, &mutate(WAVES, at % WAVES.len(), cut, &insert));
        let users = mutate(USERS, at % USERS.len(), cut, &insert);
        let _ = plan(&users, &PlanOptions { new_call_center: "04vNEW".into(), pilot: vec!["ann.lee@acme-support.example".into()], start: Date::from_days(20_000) });
    }

    #[test]
    fn arbitrary_source_never_panics(text in "(sforce\\.interaction\\.|sforce\\.console\\.cti\\.|runApex\\(|/support/api/|interaction\\.js|CCTI|CallObject|[\"' ().a-zA-Z\n]){0,40}") {
        let sources: Vec<Source> = [Component::ApexClass, Component::VisualforcePage, Component::CallCenterDefinition]
            .into_iter()
            .map(|component| Source { file: format!("x/{text}.cls"), component, text: text.clone() })
            .collect();
        let inventory = scan(&sources);
        let _ = callcenter::inventory::output::text(&inventory);
        serde_json::from_str::<serde_json::Value>(&callcenter::inventory::output::json(&inventory)).expect("the inventory's JSON parses");
    }
}
