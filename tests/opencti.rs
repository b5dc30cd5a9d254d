//! The Open CTI shim against the Lightning stand-in, in headless Chromium.
//!
//! Needs the console running on http://127.0.0.1:8700 (scripts/test.sh starts it). The stand-in
//! script, like Lightning's, only starts in a frame that Lightning's origin frames, with
//! `sfdcIFrameOrigin` and `mode` in its URL. So this test page frames the stand-in's harness page
//! (`/standin/harness.html`, Lightning's side), which frames the softphone's frame; this page
//! navigates that inner frame to `about:blank?sfdcIFrameOrigin=...&mode=Lightning`, which gives it
//! this page's origin, and the shim ([`load_in`]) loads `opencti_min.js` into it. Lightning's test
//! hooks (`window.lightningStandin` in the harness) are reached by postMessage.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Array, Reflect};
use softphone::opencti::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONSOLE: &str = "http://127.0.0.1:8700";
const GRACE: &str = "003000000000002AAA";

#[wasm_bindgen(inline_js = r#"
let harness = null;
let harnessFrame = null;
let nextId = 1;
const pending = new Map();
// Frames Lightning's stand-in harness once, then points its softphone frame at about:blank with
// Lightning's parameters (same origin as this page); resolves with that frame's window.
export function softphoneFrame(consoleOrigin) {
  if (harness) return harness;
  harness = new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    harnessFrame = frame;
    frame.src = `${consoleOrigin}/standin/harness.html?adapterOrigin=${encodeURIComponent(location.origin)}`;
    const timer = setTimeout(() => reject(new Error('the stand-in harness did not start')), 10000);
    window.addEventListener('message', (e) => {
      if (e.source !== frame.contentWindow || e.origin !== consoleOrigin || !e.data) return;
      if (e.data.standinTest === 'result') {
        const p = pending.get(e.data.id);
        pending.delete(e.data.id);
        if (p && 'error' in e.data) p.reject(new Error(e.data.error)); else if (p) p.resolve(e.data.value);
      } else if (e.data.standinHarness === 'ready') {
        const softphone = frame.contentWindow.frames[0];
        softphone.location.href = `about:blank?sfdcIFrameOrigin=${encodeURIComponent(consoleOrigin)}&mode=Lightning`;
        const poll = () => {
          let ours = false;
          try { ours = softphone.location.search.includes('sfdcIFrameOrigin'); } catch (_) { /* still Lightning's */ }
          if (ours) { clearTimeout(timer); resolve(softphone); } else setTimeout(poll, 10);
        };
        poll();
      }
    });
    document.body.appendChild(frame);
  });
  return harness;
}
// Runs window.lightningStandin[name](...args) in the harness ("get" reads a dotted path).
export function standinHook(consoleOrigin, name, args) {
  return softphoneFrame(consoleOrigin).then(() => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    harnessFrame.contentWindow.postMessage({ standinTest: 'call', id, name, args }, consoleOrigin);
  }));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = softphoneFrame)]
    fn softphone_frame(console_origin: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = standinHook)]
    fn standin_hook(console_origin: &str, name: &str, args: Array) -> js_sys::Promise;
}

/// The softphone's frame inside the stand-in's Lightning page.
async fn softphone() -> web_sys::Window {
    JsFuture::from(softphone_frame(CONSOLE)).await.expect("the stand-in harness starts").unchecked_into()
}

async fn cti() -> OpenCti {
    load_in(&softphone().await, CONSOLE, "62.0", &[CONSOLE.to_owned()])
        .await
        .expect("Open CTI loads from the stand-in")
        .with_timeout(3000)
}

fn get(target: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(target.clone(), |v, key| Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED))
}

/// Runs one of the stand-in's test hooks (`window.lightningStandin` in the harness page).
async fn hook(name: &str, args: &[JsValue]) -> JsValue {
    JsFuture::from(standin_hook(CONSOLE, name, args.iter().collect())).await.expect("hook runs")
}

/// A value of the stand-in's state, e.g. `view.url`.
async fn state(path: &str) -> JsValue {
    hook("get", &[format!("state.{path}").into()]).await
}

/// How many times the page saw `method`.
async fn calls_of(method: &str) -> usize {
    Array::from(&hook("get", &["calls".into()]).await)
        .iter()
        .filter(|c| get(c, "method").as_string().as_deref() == Some(method))
        .count()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().expect("window").set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}

#[wasm_bindgen_test]
async fn unframed_the_script_refuses_to_start_as_lightning_does() {
    // This test page is not framed: Lightning's script throws, and the shim says so.
    let err = load(CONSOLE, "62.0", &[CONSOLE.to_owned()]).await.err();
    assert_eq!(err, Some(OpenCtiError::NotAvailable { what: "sforce.opencti".into() }));
}

#[wasm_bindgen_test]
async fn a_foreign_origin_is_refused_and_nothing_is_loaded() {
    let before = web_sys::window().unwrap().document().unwrap().scripts().length();
    let err = load("https://evil.example.com", "62.0", &[CONSOLE.to_owned()]).await.err();
    assert_eq!(err, Some(OpenCtiError::Launch(LaunchError::ForeignOrigin("https://evil.example.com".into()))));
    let err = load("https://acme.force.com.evil.example", "62.0", &[]).await.err();
    assert!(matches!(err, Some(OpenCtiError::Launch(LaunchError::ForeignOrigin(_)))));
    assert_eq!(web_sys::window().unwrap().document().unwrap().scripts().length(), before);
}

#[wasm_bindgen_test]
async fn settings_arrive_as_the_flat_section_item_map() {
    let settings = cti().await.get_call_center_settings().await.expect("settings").map;
    assert_eq!(settings.get("/reqGeneralInfo/reqAdapterUrl").map(String::as_str), Some("http://127.0.0.1:8704/apex/Softphone"));
    assert_eq!(settings.get("/reqGeneralInfo/reqSalesforceCompatibilityMode").map(String::as_str), Some("Lightning"));
    assert!(settings.contains_key("/rustSoftphone/pbxWebSocketUrls"));
}

#[wasm_bindgen_test]
async fn click_to_dial_reaches_the_listener_only_while_enabled_and_while_held() {
    let cti = cti().await;
    let clicks = Rc::new(RefCell::new(Vec::new()));
    let sink = clicks.clone();
    let listener = cti.on_click_to_dial(move |c| sink.borrow_mut().push(c)).expect("listener");
    cti.enable_click_to_dial().await.expect("enable");
    assert_eq!(state("clickToDialEnabled").await, JsValue::TRUE);
    assert_eq!(hook("clickToDial", &[GRACE.into()]).await, JsValue::TRUE);
    sleep(50).await;
    let click = clicks.borrow_mut().pop().expect("a click").expect("a valid payload");
    assert_eq!(click.number.as_deref(), Some("(212) 555-0134"));
    assert_eq!(click.record_id.as_deref(), Some(GRACE));
    assert_eq!(click.record_name.as_deref(), Some("Grace Hopper"));
    assert_eq!(click.object_type.as_deref(), Some("Contact"));

    // A payload Salesforce should never send arrives as an error, not a panic.
    hook("sendEvent", &["onClickToDial".into(), JsValue::from(42)]).await;
    sleep(50).await;
    assert!(matches!(clicks.borrow_mut().pop(), Some(Err(OpenCtiError::Malformed { .. }))));

    cti.disable_click_to_dial().await.expect("disable");
    assert_eq!(hook("clickToDial", &[GRACE.into()]).await, JsValue::FALSE);
    cti.enable_click_to_dial().await.expect("enable");
    drop(listener);
    hook("clickToDial", &[GRACE.into()]).await;
    sleep(50).await;
    assert!(clicks.borrow().is_empty(), "a dropped listener hears nothing");
}

#[wasm_bindgen_test]
async fn navigation_is_reported_and_readable() {
    let cti = cti().await;
    let views = Rc::new(RefCell::new(Vec::new()));
    let sink = views.clone();
    let _listener = cti.on_navigation_change(move |v| sink.borrow_mut().push(v)).expect("listener");
    sleep(50).await;
    hook("openRecord", &[GRACE.into()]).await;
    sleep(50).await;
    let seen = views.borrow_mut().pop().expect("a navigation").expect("valid");
    assert_eq!(seen.record_id.as_deref(), Some(GRACE));
    let info = cti.get_app_view_info().await.expect("view info");
    assert_eq!(info.record_name.as_deref(), Some("Grace Hopper"));
    assert_eq!(info.url.as_deref(), Some("/lightning/r/Contact/003000000000002AAA/view"));
}

#[wasm_bindgen_test]
async fn every_screen_pop_type_lands_where_lightning_would() {
    let cti = cti().await;
    cti.screen_pop(&ScreenPop::SObject { record_id: GRACE.into() }).await.expect("sobject");
    assert_eq!(state("view.recordId").await.as_string().as_deref(), Some(GRACE));
    cti.screen_pop(&ScreenPop::Url { url: "/lightning/page/home".into() }).await.expect("url");
    assert_eq!(url().await, "/lightning/page/home");
    cti.screen_pop(&ScreenPop::ObjectHome { scope: "Lead".into() }).await.expect("home");
    assert_eq!(url().await, "/lightning/o/Lead/home");
    cti.screen_pop(&ScreenPop::List { list_view_id: "00B1".into(), scope: "Contact".into() }).await.expect("list");
    assert_eq!(url().await, "/lightning/o/Contact/list?filterName=00B1");
    cti.screen_pop(&ScreenPop::Search { search_string: "Hopper".into() }).await.expect("search");
    assert_eq!(url().await, "/lightning/search?q=Hopper");
    let defaults = BTreeMap::from([("LastName".to_owned(), "Caller".to_owned())]);
    cti.screen_pop(&ScreenPop::NewRecordModal { entity_name: "Lead".into(), default_field_values: defaults })
        .await
        .expect("new record");
    assert_eq!(state("modal.entityName").await.as_string().as_deref(), Some("Lead"));
    assert_eq!(state("modal.defaultFieldValues.LastName").await.as_string().as_deref(), Some("Caller"));
    let args = vec![FlowArg { name: "ani".into(), kind: "String".into(), value: "1002".into() }];
    cti.screen_pop(&ScreenPop::Flow { flow_dev_name: "Greet".into(), flow_args: args }).await.expect("flow");
    assert_eq!(url().await, "/flow/Greet");

    let before = calls_of("screenPop").await;
    let short = cti.screen_pop(&ScreenPop::Search { search_string: "ab".into() }).await;
    assert!(matches!(short, Err(OpenCtiError::InvalidArgument { .. })));
    assert_eq!(calls_of("screenPop").await, before, "refused before reaching Salesforce");
    let missing = cti.screen_pop(&ScreenPop::SObject { record_id: "001nope".into() }).await;
    assert!(matches!(missing, Err(OpenCtiError::Failed { .. })));
}

fn inbound(number: &str, deferred: bool) -> Search {
    Search {
        search_params: number.into(),
        query_params: String::new(),
        default_field_values: BTreeMap::new(),
        call_type: CallType::Inbound,
        deferred,
    }
}

#[wasm_bindgen_test]
async fn search_and_screen_pop_follows_the_softphone_layout() {
    let cti = cti().await;
    // One match: the record pops.
    let one = cti.search_and_screen_pop(&inbound("(212) 555-0134", false)).await.expect("search");
    assert_eq!(one.matches.len(), 1);
    assert_eq!(one.matches[0].name.as_deref(), Some("Grace Hopper"));
    assert_eq!(one.matches[0].record_type.as_deref(), Some("Contact"));
    assert_eq!(state("view.recordId").await.as_string().as_deref(), Some(GRACE));
    // Several: the search page, and Salesforce says so.
    let many = cti.search_and_screen_pop(&inbound("+1 415 555 0100", false)).await.expect("search");
    assert_eq!(many.matches.len(), 2);
    assert!(many.has_screen_pop_data);
    assert_eq!(state("view.url").await.as_string().as_deref(), Some("/lightning/search?q=%2B1%20415%20555%200100"));
    // None: a new Contact, prefilled with what the softphone sends and nothing else.
    let mut unknown = inbound("+49 30 1234567", false);
    unknown.default_field_values.insert("Phone".into(), "+49 30 1234567".into());
    let none = cti.search_and_screen_pop(&unknown).await.expect("search");
    assert!(none.matches.is_empty());
    assert_eq!(state("modal.entityName").await.as_string().as_deref(), Some("Contact"));
    assert_eq!(state("modal.defaultFieldValues.Phone").await.as_string().as_deref(), Some("+49 30 1234567"));
    cti.search_and_screen_pop(&inbound("+49 30 7654321", false)).await.expect("search");
    assert_eq!(state("modal.entityName").await.as_string().as_deref(), Some("Contact"));
    assert!(state("modal.defaultFieldValues.Phone").await.is_undefined() || state("modal.defaultFieldValues.Phone").await.is_null());
    // Deferred: nothing pops.
    cti.screen_pop(&ScreenPop::Url { url: "/lightning/page/home".into() }).await.expect("home");
    let deferred = cti.search_and_screen_pop(&inbound("(212) 555-0134", true)).await.expect("search");
    assert_eq!(deferred.matches.len(), 1);
    assert!(deferred.has_screen_pop_data);
    assert_eq!(state("view.url").await.as_string().as_deref(), Some("/lightning/page/home"));
}

#[wasm_bindgen_test]
async fn a_phone_number_matches_in_any_format_but_never_by_its_last_digits() {
    let cti = cti().await;
    // Ada Lovelace's and Analytical Engines' phone is stored as "+1 415 555 0100".
    for number in ["(415) 555-0100", "+1 415-555-0100", "4155550100", "14155550100"] {
        let found = cti.search_and_screen_pop(&inbound(number, true)).await.expect("search");
        let mut names: Vec<_> = found.matches.iter().filter_map(|m| m.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["Ada Lovelace", "Analytical Engines Ltd"], "searching {number}");
    }
    for part in ["555-0100", "0100", "415 555 010"] {
        let found = cti.search_and_screen_pop(&inbound(part, true)).await.expect("search");
        assert!(found.matches.is_empty(), "{part} is not a whole number but matched {:?}", found.matches);
    }
}

#[wasm_bindgen_test]
async fn navigation_events_follow_the_kind_of_lightning_app() {
    let cti = cti().await;
    let views = Rc::new(RefCell::new(Vec::new()));
    let sink = views.clone();
    let _listener = cti.on_navigation_change(move |v| sink.borrow_mut().push(v)).expect("listener");
    sleep(50).await;
    // A console app: moving to a record tab is reported, going to a list view or home is not.
    assert_eq!(hook("setAppMode", &["console".into()]).await, JsValue::TRUE);
    hook("openRecord", &[GRACE.into()]).await;
    hook("navigate", &[json(r#"{"url":"/lightning/o/Contact/home"}"#)]).await;
    sleep(50).await;
    let seen: Vec<_> = views.borrow_mut().drain(..).map(|v| v.expect("valid")).collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].record_id.as_deref(), Some(GRACE));
    // A standard app: every URL change, with only the url off a record page.
    assert_eq!(hook("setAppMode", &["standard".into()]).await, JsValue::TRUE);
    hook("navigate", &[json(r#"{"url":"/lightning/o/Lead/home"}"#)]).await;
    sleep(50).await;
    let seen: Vec<_> = views.borrow_mut().drain(..).map(|v| v.expect("valid")).collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].url.as_deref(), Some("/lightning/o/Lead/home"));
    assert_eq!(seen[0].record_id, None);
    hook("setAppMode", &["console".into()]).await;
}

fn call_log(subject: &str) -> CallLog {
    CallLog {
        entity_api_name: "Task",
        id: None,
        subject: subject.into(),
        who_id: Some(GRACE.into()),
        what_id: None,
        call_type: "Outbound",
        call_duration_in_seconds: 42,
        call_object: Some("abc@127.0.0.1".into()),
        call_disposition: None,
        description: None,
        status: "Completed",
        activity_date: "2026-11-25".into(),
        task_subtype: None,
        package: PackageFields::default(),
    }
}

async fn url() -> String {
    state("view.url").await.as_string().unwrap_or_default()
}

async fn tasks() -> Vec<JsValue> {
    Array::from(&hook("tasks", &[]).await).to_vec()
}

#[wasm_bindgen_test]
async fn save_log_creates_a_task_and_updates_it_by_id() {
    let cti = cti().await;
    let id = cti.save_log(&call_log("Call from the shim test")).await.expect("saved");
    assert!(id.starts_with("00T"), "a Task Id, got {id}");
    let mut update = call_log("Call from the shim test");
    update.id = Some(id.clone());
    update.call_disposition = Some("Resolved".into());
    assert_eq!(cti.save_log(&update).await.expect("updated"), id);
    let saved: Vec<JsValue> =
        tasks().await.into_iter().filter(|t| get(t, "Id").as_string().as_deref() == Some(id.as_str())).collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(get(&saved[0], "CallDisposition").as_string().as_deref(), Some("Resolved"));
    assert_eq!(get(&saved[0], "WhoId").as_string().as_deref(), Some(GRACE));
    assert_eq!(get(&saved[0], "CallDurationInSeconds").as_f64(), Some(42.0));
}

#[wasm_bindgen_test]
async fn panel_item_and_initialization_calls_change_the_utility_bar() {
    let cti = cti().await;
    cti.set_softphone_panel_visibility(true).await.expect("show");
    assert_eq!(cti.is_softphone_panel_visible().await, Ok(true));
    cti.set_softphone_panel_visibility(false).await.expect("hide");
    assert_eq!(cti.is_softphone_panel_visible().await, Ok(false));
    cti.set_softphone_panel_height(500).await.expect("height");
    assert_eq!(state("panel.height").await.as_f64(), Some(500.0));
    cti.set_softphone_panel_width(360).await.expect("width");
    assert_eq!(state("panel.width").await.as_f64(), Some(360.0));
    assert!(matches!(cti.set_softphone_panel_height(100).await, Err(OpenCtiError::InvalidArgument { .. })));
    assert!(matches!(cti.set_softphone_panel_width(5000).await, Err(OpenCtiError::InvalidArgument { .. })));
    cti.set_softphone_item_label("00:42 Grace Hopper").await.expect("label");
    assert_eq!(state("item.label").await.as_string().as_deref(), Some("00:42 Grace Hopper"));
    cti.set_softphone_item_icon("end_call").await.expect("icon");
    assert_eq!(state("item.icon").await.as_string().as_deref(), Some("end_call"));
    cti.set_softphone_panel_label("On a call").await.expect("panel label");
    assert_eq!(state("panel.label").await.as_string().as_deref(), Some("On a call"));
    cti.set_softphone_panel_icon("call").await.expect("panel icon");
    assert_eq!(state("panel.icon").await.as_string().as_deref(), Some("call"));
    cti.notify_initialization_complete().await.expect("init");
    assert_eq!(state("initialized").await, JsValue::TRUE);
    let before = calls_of("refreshView").await;
    cti.refresh_view().await.expect("refresh");
    assert_eq!(calls_of("refreshView").await, before + 1);
}

#[wasm_bindgen_test]
async fn softphone_layout_and_apex_are_typed() {
    let cti = cti().await;
    let layout = cti.get_softphone_layout().await.expect("layout");
    let inbound = layout.inbound.expect("inbound rules");
    assert!(inbound.objects.contains_key("Contact"));
    let no_match = inbound.screen_pop_settings.and_then(|s| s.no_match).expect("no-match rule");
    assert_eq!(no_match.screen_pop_type.as_deref(), Some("PopToEntity"));
    assert_eq!(no_match.screen_pop_data.as_deref(), Some("Contact"));

    let echo = ApexCall { apex_class: "SoftphoneStandin".into(), method_name: "echo".into(), method_params: "a=1&b=2".into() };
    assert_eq!(cti.run_apex(&echo).await, Ok("a=1&b=2".to_owned()));
    let missing = ApexCall { apex_class: "Nope".into(), method_name: "run".into(), method_params: String::new() };
    match cti.run_apex(&missing).await {
        Err(OpenCtiError::Failed { errors, .. }) => assert_eq!(errors[0].code, "APEX_ERROR"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn success_false_becomes_a_typed_error_with_salesforce_words() {
    let cti = cti().await;
    hook("failNext", &["saveLog".into(), "Required fields are missing: [Subject]".into()]).await;
    let err = cti.save_log(&call_log("x")).await.expect_err("refused");
    assert_eq!(err.to_string(), "Salesforce refused saveLog: Required fields are missing: [Subject]");
    match err {
        OpenCtiError::Failed { method, errors } => {
            assert_eq!(method, "saveLog");
            assert_eq!(errors[0].code, "STANDIN_FAILURE");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_callback_that_never_comes_times_out() {
    let cti = cti().await.with_timeout(300);
    hook("silenceNext", &["getAppViewInfo".into()]).await;
    assert_eq!(
        cti.get_app_view_info().await,
        Err(OpenCtiError::TimedOut { method: "getAppViewInfo", after_ms: 300 })
    );
    // The next call works again.
    assert!(cti.get_app_view_info().await.is_ok());
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("test JSON")
}

#[wasm_bindgen_test]
async fn malformed_answers_are_errors_not_panics() {
    let cti = cti().await;
    hook("answerNext", &["getAppViewInfo".into(), JsValue::from(42)]).await;
    assert!(matches!(cti.get_app_view_info().await, Err(OpenCtiError::Malformed { .. })));
    hook("answerNext", &["isSoftphonePanelVisible".into(), json(r#"{"success":true,"returnValue":{"visible":"yes"}}"#)]).await;
    assert!(matches!(cti.is_softphone_panel_visible().await, Err(OpenCtiError::Malformed { .. })));
    hook("answerNext", &["getCallCenterSettings".into(), json(r#"{"success":true,"returnValue":"nope"}"#)]).await;
    assert!(matches!(cti.get_call_center_settings().await, Err(OpenCtiError::Malformed { .. })));
    // One value that is not text is reported by its key; the rest of the map is used.
    hook("answerNext", &["getCallCenterSettings".into(), json(r#"{"success":true,"returnValue":{"/a/b":5,"/a/c":"x","/a/d":null}}"#)]).await;
    let lenient = cti.get_call_center_settings().await.expect("the text values");
    assert_eq!(lenient.map.get("/a/c").map(String::as_str), Some("x"));
    let skipped: Vec<&str> = lenient.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(skipped, ["/a/b", "/a/d"]);
    hook("answerNext", &["getAppViewInfo".into(), json(r#"{"returnValue":{}}"#)]).await;
    assert!(matches!(cti.get_app_view_info().await, Err(OpenCtiError::Malformed { .. })));
    hook("answerNext", &["saveLog".into(), json(r#"{"success":true,"returnValue":null}"#)]).await;
    assert!(matches!(cti.save_log(&call_log("x")).await, Err(OpenCtiError::Malformed { .. })));
    hook("answerNext", &["searchAndScreenPop".into(), json(r#"{"success":true,"returnValue":"nope"}"#)]).await;
    assert!(matches!(cti.search_and_screen_pop(&inbound("1002", false)).await, Err(OpenCtiError::Malformed { .. })));
    hook("answerNext", &["saveLog".into(), json(r#"{"success":false,"errors":"oops"}"#)]).await;
    match cti.save_log(&call_log("x")).await {
        Err(OpenCtiError::Failed { errors, .. }) => assert_eq!(errors[0].description, "no error details given"),
        other => panic!("expected Failed, got {other:?}"),
    }
    hook("answerNext", &["getAppViewInfo".into(), json(r#"{"success":false,"errors":[{"code":7,"description":"Boom"},"odd"]}"#)]).await;
    match cti.get_app_view_info().await {
        Err(OpenCtiError::Failed { errors, .. }) => {
            assert_eq!(errors[0].code, "7");
            assert_eq!(errors[1].description, "odd");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}
