//! The migration tools as an admin runs them: `waves` over a User export, `report` over Task
//! exports (the Salesforce CLI's, with the org package's fields, and Data Loader's without), and
//! `inventory --code` over an SFDX + Metadata API source tree, all in `tests/fixtures/`. Outputs
//! are compared with `tests/golden/`; after an intended change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p callcenter` and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn callcenter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callcenter")).args(args).current_dir(root()).output().expect("the tool runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compares `actual` with the golden file `name`, or rewrites it when UPDATE_GOLDEN is set.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("golden folder");
        std::fs::write(&path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callcenter-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const WAVE_FILES: [&str; 10] = [
    "1-pilot.move.csv",
    "1-pilot.rollback.csv",
    "2-25pct.move.csv",
    "2-25pct.rollback.csv",
    "3-50pct.move.csv",
    "3-50pct.rollback.csv",
    "4-100pct.move.csv",
    "4-100pct.rollback.csv",
    "waves.csv",
    "runbook.md",
];

#[test]
fn waves_writes_move_and_rollback_csvs_waves_csv_and_a_dated_runbook() {
    let out_dir = temp_dir("waves");
    let pilot = out_dir.join("pilot.txt");
    std::fs::write(&pilot, "# the team leads\nann.lee@acme-support.example\nBOB.ORTIZ@acme-support.example  # any case\n").expect("pilot file");
    let out = callcenter(&[
        "waves", "tests/fixtures/rollout/users.csv", "--new-call-center", "04v5g0000000NEWAAA", "--pilot-file", pilot.to_str().unwrap_or_default(),
        "--start", "2026-11-02", "--out", out_dir.to_str().unwrap_or_default(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in WAVE_FILES {
        golden(&format!("waves/{name}"), &std::fs::read_to_string(out_dir.join(name)).expect("written"));
    }
    // The report's fixture is this very output.
    let fixture = std::fs::read_to_string(root().join("tests/fixtures/rollout/waves.csv")).expect("fixture");
    assert_eq!(std::fs::read_to_string(out_dir.join("waves.csv")).expect("waves.csv"), fixture);
    // Every user moves exactly once, and each rollback restores the call center the user had.
    let users = std::fs::read_to_string(root().join("tests/fixtures/rollout/users.csv")).expect("users");
    let mut moved = 0;
    for stem in ["1-pilot", "2-25pct", "3-50pct", "4-100pct"] {
        let rollback = std::fs::read_to_string(out_dir.join(format!("{stem}.rollback.csv"))).expect("rollback");
        for row in rollback.lines().skip(1) {
            let (id, old) = row.split_once(',').expect("two columns");
            let old = if old == "#N/A" { "" } else { old };
            assert!(users.contains(&format!("{id},")) && users.lines().any(|u| u.starts_with(id) && u.ends_with(&format!(",{old}"))), "{row}");
            moved += 1;
        }
    }
    assert_eq!(moved, users.lines().count() - 1);

    let same = callcenter(&[
        "waves", "tests/fixtures/rollout/users.csv", "--new-call-center", "04v5g0000000NEWAAA", "--pilot", "ann.lee@acme-support.example,bob.ortiz@acme-support.example",
        "--start", "2026-11-02", "--out", out_dir.join("again").to_str().unwrap_or_default(),
    ]);
    assert!(same.status.success());
    assert_eq!(std::fs::read_to_string(out_dir.join("again/waves.csv")).expect("again"), fixture, "--pilot and --pilot-file agree; the order is stable");
    let overwrite = callcenter(&["waves", "tests/fixtures/rollout/users.csv", "--new-call-center", "04vOTHER", "--out", out_dir.to_str().unwrap_or_default()]);
    assert_eq!(overwrite.status.code(), Some(2));
    assert!(stderr(&overwrite).contains("the existing rollback files are the way back"), "{}", stderr(&overwrite));
    assert_eq!(std::fs::read_to_string(out_dir.join("waves.csv")).expect("kept"), fixture, "nothing was overwritten");
    std::fs::remove_dir_all(&out_dir).ok();
}

#[test]
fn waves_refuses_what_it_cannot_plan() {
    let out_dir = temp_dir("waves-bad");
    let dir = out_dir.to_str().unwrap_or_default();
    let unknown = callcenter(&["waves", "tests/fixtures/rollout/users.csv", "--new-call-center", "04vNEW", "--pilot", "nobody@acme.example", "--out", dir]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("pilot user nobody@acme.example is not in the users file"), "{}", stderr(&unknown));
    let bad_day = callcenter(&["waves", "tests/fixtures/rollout/users.csv", "--new-call-center", "04vNEW", "--start", "2026-02-30", "--out", dir]);
    assert_eq!(bad_day.status.code(), Some(2));
    let tasks_as_users = callcenter(&["waves", "tests/fixtures/rollout/tasks-sf-cli.csv", "--new-call-center", "04vNEW", "--out", dir]);
    assert!(stderr(&tasks_as_users).contains("no Username column"), "{}", stderr(&tasks_as_users));
    std::fs::remove_dir_all(&out_dir).ok();
}

#[test]
fn report_judges_each_wave_in_text_json_and_html() {
    let out_dir = temp_dir("report");
    let html = out_dir.join("report.html");
    let args = ["report", "tests/fixtures/rollout/tasks-sf-cli.csv", "--waves", "tests/fixtures/rollout/waves.csv"];
    let text = callcenter(&[&args[..], &["--html", html.to_str().unwrap_or_default()]].concat());
    assert_eq!(text.status.code(), Some(1), "the 25% wave is no-go: {}", stderr(&text));
    golden("report-sf-cli.txt", &stdout(&text));
    let page = std::fs::read_to_string(&html).expect("html written");
    golden("report-sf-cli.html", &page);
    for external in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!page.contains(external), "the page is self-contained: found {external}");
    }
    assert_eq!(page.matches("<svg").count(), 3, "success per day and wave, per wave, volume");

    let json = callcenter(&[&args[..], &["--json"]].concat());
    golden("report-sf-cli.json", &stdout(&json));
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("valid JSON");
    assert_eq!(parsed["waves"][1]["wave"], "25%");
    assert_eq!(parsed["waves"][1]["verdict"], "NO-GO");
    let codes: Vec<&str> = parsed["waves"][1]["noGo"].as_array().expect("reasons").iter().filter_map(|r| r["code"].as_str()).collect();
    assert_eq!(codes, ["low-pop-success", "pop-errors", "slow-pops", "failed-logs"]);
    assert_eq!(parsed["waves"][0]["verdict"], "GO");
    assert_eq!(parsed["skipped"][0]["line"], 134, "the row with a bad date is listed, not dropped");
    std::fs::remove_dir_all(&out_dir).ok();
}

#[test]
fn report_reads_data_loader_exports_without_the_package_and_thresholds_are_overridable() {
    let args = ["report", "tests/fixtures/rollout/tasks-dataloader.csv", "--waves", "tests/fixtures/rollout/waves.csv"];
    let strict = callcenter(&args);
    assert_eq!(strict.status.code(), Some(1));
    golden("report-dataloader.txt", &stdout(&strict));
    assert!(stdout(&strict).contains("2.5% of calls needed more than one try to log (at most 2%)"), "{}", stdout(&strict));
    let lenient = callcenter(&[&args[..], &["--max-failed-logs", "3"]].concat());
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    assert!(stdout(&lenient).contains("pilot  2       40     30       30    90.0%"), "{}", stdout(&lenient));
    let demanding = callcenter(&[&args[..], &["--max-failed-logs", "3", "--min-pop-success", "95", "--max-median-latency-ms", "500"]].concat());
    assert_eq!(demanding.status.code(), Some(1));
    assert!(stdout(&demanding).contains("screen-pop success 90.0% is below 95%") && stdout(&demanding).contains("above 500 ms"), "{}", stdout(&demanding));
    let nonsense = callcenter(&[&args[..], &["--min-pop-success", "NaN"]].concat());
    assert_eq!(nonsense.status.code(), Some(2));
    let no_waves = callcenter(&["report", "tests/fixtures/rollout/tasks-dataloader.csv"]);
    assert_eq!(no_waves.status.code(), Some(0), "nothing to judge without waves");
    assert!(stdout(&no_waves).contains("not moved  2       40") && stdout(&no_waves).contains("No wave judged"), "{}", stdout(&no_waves));
    let broken = callcenter(&["report", "tests/fixtures/rollout/users.csv"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stderr(&broken).contains("no Owner.Username (or OwnerId) column"), "{}", stderr(&broken));
}

#[test]
fn code_inventory_lists_each_dependency_with_its_replacement_and_estimate() {
    for (format, name) in [("text", "inventory-code.txt"), ("csv", "inventory-code.csv"), ("json", "inventory-code.json")] {
        let out = callcenter(&["inventory", "--code", "tests/fixtures/source", "--format", format]);
        assert!(out.status.success(), "{}", stderr(&out));
        golden(name, &stdout(&out));
    }
    let json = stdout(&callcenter(&["inventory", "--code", "tests/fixtures/source", "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let findings = parsed["findings"].as_array().expect("findings");
    let at = |file: &str, line: u64| findings.iter().find(|f| f["file"] == file && f["line"] == line).map(|f| f["found"].as_str().unwrap_or_default().to_owned());
    assert_eq!(at("force-app/main/default/pages/SoftphoneScreenPop.page", 10).as_deref(), Some("sforce.interaction.searchAndScreenPop"));
    assert_eq!(at("src/callCenters/AcmeCTI.callCenter", 10).as_deref(), Some("reqProgId"));
    assert!(findings.iter().all(|f| f["file"] != "force-app/main/default/lwc/callBanner/callBanner.js"), "Lightning code is not flagged");
    assert!(findings.iter().all(|f| f["file"] != "force-app/main/default/classes/AccountService.cls"));
    assert_eq!(parsed["notScanned"], serde_json::json!(["force-app/main/default/staticresources/ctiBundle.resource"]), "a zipped resource is named; an image is no code");
    // Without --code, the definitions inventory is unchanged.
    let definitions = callcenter(&["inventory", "tests/fixtures/org"]);
    assert_eq!(stdout(&definitions), std::fs::read_to_string(root().join("tests/golden/inventory.txt")).expect("golden"));
}
