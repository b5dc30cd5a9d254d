//! The move to Salesforce Voice as an admin makes it with the `callcenter` tool: the contact
//! center file and its report from an Open CTI definition, contact center files in `validate`,
//! and the code inventory priced for Salesforce Voice. A module of `cli.rs` (its helpers and
//! golden files).

use std::path::PathBuf;

use super::{callcenter, golden, root, stdout};

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callcenter-voice-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn the_production_open_cti_definition_becomes_a_contact_center_and_a_report() {
    let dir = out_dir("ours");
    let output = dir.join("contact-center.xml");
    let out = callcenter(&["migrate", "../../callcenter-xml/production.xml", "--to", "salesforce-voice", "--voicecall-url", "https://voicecall.example.com:7443", "-o", output.to_str().unwrap_or_default()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    golden("migrate-voice-production.xml", &std::fs::read_to_string(&output).expect("written"));
    let report = std::fs::read_to_string(dir.join("contact-center.migration.md")).expect("report").replace(dir.to_str().unwrap_or_default(), "OUT");
    golden("migrate-voice-production.md", &report);
    let validated = callcenter(&["validate", output.to_str().unwrap_or_default()]);
    assert!(validated.status.success(), "{}", stdout(&validated));
    assert!(stdout(&validated).contains("0 error(s), 1 warning(s)"), "only the certificate to paste: {}", stdout(&validated));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn another_vendors_definition_needs_the_pbx_and_says_what_it_drops() {
    let dir = out_dir("initech");
    let output = dir.join("initech.xml");
    let missing = callcenter(&["migrate", "tests/fixtures/org/initech_lightning.xml", "--to", "salesforce-voice", "--voicecall-url", "https://voicecall.initech.example", "-o", output.to_str().unwrap_or_default()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--pbx"));
    let out = callcenter(&[
        "migrate", "tests/fixtures/org/initech_lightning.xml", "--to", "salesforce-voice", "--voicecall-url", "https://voicecall.initech.example",
        "--pbx", "wss://sbc.initech.example:8443", "--sip-domain", "initech.example", "--vendor-info", "rsp__Rust_Softphone", "-o", output.to_str().unwrap_or_default(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = std::fs::read_to_string(dir.join("initech.migration.md")).expect("report").replace(dir.to_str().unwrap_or_default(), "OUT");
    golden("migrate-voice-initech.md", &report);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_contact_center_without_a_voicecall_service_fails_validation() {
    let dir = out_dir("broken");
    let file = dir.join("broken.xml");
    let shipped = std::fs::read_to_string(root().join("../../dev/voice/contact-center.xml")).expect("the stand-in's contact center");
    std::fs::write(&file, shipped.replace("https://voicecall.acme.test:7781", "")).expect("written");
    let out = callcenter(&["validate", file.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[setting] /rustSoftphone/voiceCallServiceUrl: is missing"), "{}", stdout(&out));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_code_inventory_prices_open_cti_and_classic_code_for_salesforce_voice() {
    let out = callcenter(&["inventory", "--code", "tests/fixtures/voice-source", "--to", "salesforce-voice"]);
    assert!(out.status.success());
    golden("inventory-code-voice.txt", &stdout(&out));
    let open_cti = callcenter(&["inventory", "--code", "tests/fixtures/voice-source", "--format", "csv"]);
    let found: Vec<String> = stdout(&open_cti).lines().skip(1).filter_map(|row| row.split(',').nth(5).map(str::to_owned)).collect();
    assert!(found.iter().all(|f| !f.starts_with("sforce.opencti")), "Lightning Open CTI code is not a finding when moving to Open CTI: {found:?}");
    assert!(found.contains(&"sforce.interaction.getPageInfo".to_owned()));
    let csv = callcenter(&["inventory", "--code", "tests/fixtures/voice-source", "--to", "salesforce-voice", "--format", "csv"]);
    assert!(stdout(&csv).contains("open-cti-to-voice,sforce.opencti.searchAndScreenPop,3.0,"), "{}", stdout(&csv));
}
