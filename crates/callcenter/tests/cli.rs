//! The `callcenter` tool as an admin uses it, against realistic definitions in
//! `tests/fixtures/org/`. Outputs are compared with `tests/golden/`; after an intended change,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test -p callcenter` and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "cli/voice.rs"]
mod voice;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/org")
}

fn callcenter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callcenter")).args(args).current_dir(root()).output().expect("the tool runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Compares `actual` with the golden file `name`, or rewrites it when UPDATE_GOLDEN is set.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

#[test]
fn every_definition_we_ship_validates_without_errors() {
    let out = callcenter(&[
        "validate",
        "../../callcenter-xml/development.xml",
        "../../callcenter-xml/production.xml",
        "../../callcenter-xml/sfdx/callCenters/RustSoftphone.callCenter-meta.xml",
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("production.xml: 0 error(s), 0 warning(s)"));
}

#[test]
fn the_sfdx_copy_is_the_production_template_in_metadata_form() {
    let out = callcenter(&["convert", "../../callcenter-xml/production.xml", "--to", "metadata"]);
    assert!(out.status.success());
    let committed = std::fs::read_to_string(root().join("../../callcenter-xml/sfdx/callCenters/RustSoftphone.callCenter-meta.xml")).expect("sfdx copy");
    assert_eq!(stdout(&out), committed, "regenerate it with callcenter convert --to metadata");
}

#[test]
fn validate_exit_status_suits_ci() {
    let legacy = fixtures().join("acme_legacy_toolkit4.xml");
    let out = callcenter(&["validate", legacy.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1), "a legacy definition has errors");
    let text = stdout(&out);
    assert!(text.contains(":4: error[missing-item] /reqGeneralInfo/reqSalesforceCompatibilityMode"), "{text}");
    assert!(text.contains(":9: warning[legacy-item] /reqGeneralInfo/reqProgId"), "{text}");

    let json = callcenter(&["validate", "--json", legacy.to_str().unwrap_or_default()]);
    assert!(stdout(&json).contains(r#""code":"missing-item","line":4,"key":"/reqGeneralInfo/reqUseApi""#), "{}", stdout(&json));

    let dev = callcenter(&["validate", "--deny-warnings", "../../callcenter-xml/development.xml"]);
    assert_eq!(dev.status.code(), Some(1), "the loopback warning fails with --deny-warnings");
    let missing = callcenter(&["validate", "no-such-file.xml"]);
    assert_eq!(missing.status.code(), Some(2));
    let not_xml = callcenter(&["validate", fixtures().join("notes.xml").to_str().unwrap_or_default()]);
    assert_eq!(not_xml.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_xml.stderr).contains("not well-formed XML"));
}

#[test]
fn inventory_lists_every_definition_in_three_formats() {
    let dir = fixtures();
    let dir = dir.to_str().unwrap_or_default();
    for (format, name) in [("text", "inventory.txt"), ("csv", "inventory.csv"), ("json", "inventory.json")] {
        let out = callcenter(&["inventory", dir, "--format", format]);
        assert!(out.status.success());
        golden(name, &stdout(&out));
    }
}

#[test]
fn migrate_writes_a_valid_definition_and_a_report_and_leaves_the_old_file_alone() {
    let tmp = std::env::temp_dir().join(format!("callcenter-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    for (fixture, extra, name) in [
        ("acme_legacy_toolkit4.xml", vec!["--pbx", "wss://pbx.acme.example:8443", "--pbx", "wss://pbx2.acme.example:8443"], "acme"),
        ("globex_opencti_classic.xml", vec![], "globex"),
    ] {
        let old = fixtures().join(fixture);
        let before = std::fs::read(&old).expect("fixture");
        let new = tmp.join(format!("{name}.xml"));
        let mut args = vec!["migrate", old.to_str().unwrap_or_default(), "--adapter-url", "https://phone.example.com/", "-o", new.to_str().unwrap_or_default()];
        args.extend(extra);
        let out = callcenter(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(&old).expect("fixture"), before, "the old definition is the rollback");
        golden(&format!("migrate-{name}.xml"), &std::fs::read_to_string(&new).expect("new definition"));
        let report = std::fs::read_to_string(tmp.join(format!("{name}.migration.md"))).expect("report");
        let report = report.replace(old.to_str().unwrap_or_default(), fixture).replace(new.to_str().unwrap_or_default(), &format!("{name}.xml"));
        golden(&format!("migrate-{name}.md"), &report);
        let check = callcenter(&["validate", new.to_str().unwrap_or_default()]);
        assert!(check.status.success(), "{}", stdout(&check));
    }
    let old = fixtures().join("acme_legacy_toolkit4.xml");
    let overwrite = callcenter(&["migrate", old.to_str().unwrap_or_default(), "--adapter-url", "https://x.example/", "--pbx", "wss://p.example", "-o", old.to_str().unwrap_or_default()]);
    assert_eq!(overwrite.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&overwrite.stderr).contains("rollback"));
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn convert_round_trips_import_metadata_import() {
    let lightning = fixtures().join("initech_lightning.xml");
    let metadata = callcenter(&["convert", lightning.to_str().unwrap_or_default(), "--to", "metadata"]);
    golden("convert-initech.callCenter-meta.xml", &stdout(&metadata));
    let tmp = std::env::temp_dir().join(format!("callcenter-convert-{}.callCenter-meta.xml", std::process::id()));
    std::fs::write(&tmp, stdout(&metadata)).expect("temp file");
    let back = callcenter(&["convert", tmp.to_str().unwrap_or_default(), "--to", "import"]);
    let direct = callcenter(&["convert", lightning.to_str().unwrap_or_default(), "--to", "import"]);
    assert_eq!(stdout(&back), stdout(&direct), "import -> metadata -> import changes nothing");
    golden("convert-initech-import.xml", &stdout(&direct));
    std::fs::remove_file(&tmp).ok();

    // A retrieved metadata file names the call center by its file name.
    let retrieved = fixtures().join("InitechVoice.callCenter-meta.xml");
    let explained = callcenter(&["explain", retrieved.to_str().unwrap_or_default()]);
    assert!(stdout(&explained).contains("internal name InitechVoice"));
}

#[test]
fn explain_says_what_the_phone_will_do() {
    let out = callcenter(&["explain", "../../callcenter-xml/production.xml"]);
    golden("explain-production.txt", &stdout(&out));
    let classic = callcenter(&["explain", fixtures().join("globex_opencti_classic.xml").to_str().unwrap_or_default()]);
    assert!(stdout(&classic).contains("in Lightning the utility item stays empty"));
}

#[test]
fn a_visualforce_hosted_definition_validates_and_migrates_to_one() {
    let tmp = std::env::temp_dir().join(format!("callcenter-apex-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let production = std::fs::read_to_string(root().join("../../callcenter-xml/production.xml")).expect("template");
    let apex = production.replace("https://phone.example.com/?apiVersion=62.0", "/apex/acme__Softphone?apiVersion=62.0").replace(
        r#"<item sortOrder="6" name="reqSalesforceCompatibilityMode""#,
        r#"<item sortOrder="7" name="reqStandbyUrl" label="Standby URL">/apex/SoftphoneStandby</item><item sortOrder="8" name="reqTimeout" label="Timeout">5000</item><item sortOrder="6" name="reqSalesforceCompatibilityMode""#,
    );
    let file = tmp.join("apex.xml");
    std::fs::write(&file, &apex).expect("written");
    let out = callcenter(&["validate", file.to_str().unwrap_or_default()]);
    assert!(out.status.success() && stdout(&out).contains("0 error(s), 0 warning(s)"), "{}", stdout(&out));
    let explained = stdout(&callcenter(&["explain", file.to_str().unwrap_or_default()]));
    assert!(explained.contains("the org's Visualforce page /apex/acme__Softphone?apiVersion=62.0"), "{explained}");

    // An old Open CTI definition with a Visualforce standby page, moved to a Visualforce adapter.
    let old = tmp.join("old.xml");
    std::fs::write(&old, apex.replace("<item sortOrder=\"6\" name=\"homeCountry\"", "<item sortOrder=\"9\" name=\"oldHomeCountry\"")).expect("written");
    let new = tmp.join("new.xml");
    let migrated = callcenter(&[
        "migrate", old.to_str().unwrap_or_default(), "--adapter-url", "/apex/Softphone", "--home-country", "gb",
        "-o", new.to_str().unwrap_or_default(),
    ]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let written = std::fs::read_to_string(&new).expect("new definition");
    assert!(written.contains(">/apex/Softphone?apiVersion=62.0<") && written.contains(">/apex/SoftphoneStandby<") && written.contains(">GB<"), "{written}");
    let check = callcenter(&["validate", "--deny-warnings", new.to_str().unwrap_or_default()]);
    assert!(check.status.success(), "{}", stdout(&check));

    let relative = callcenter(&["migrate", old.to_str().unwrap_or_default(), "--adapter-url", "/phone/", "-o", new.to_str().unwrap_or_default()]);
    assert_eq!(relative.status.code(), Some(2), "a relative URL other than /apex/... is refused");
    std::fs::remove_dir_all(&tmp).ok();
}
