//! Call logs through Open CTI: saveLog with its late answers and refreshView, the org package's
//! lookup by Call-ID (`SoftphoneCallLog.findTaskByCallObject` through runApex), and finding out at
//! start whether that package is installed. Each result goes back to the phone as an [`Event`].

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::hears::Hears;
use super::salesforce::{problem, rejection_in};
use crate::opencti::{ApexCall, CallLog, OpenCti, OpenCtiError, SaveLogError};
use crate::phone::{Event, Package};

/// The org package's Apex class and methods (see the README, "Call logs").
const APEX_CLASS: &str = "SoftphoneCallLog";
const FIND_METHOD: &str = "findTaskByCallObject";
const TIME_ZONE_METHOD: &str = "userTimeZone";

/// Saves `log` (outbox id `id`) and tells the phone how it went; a late answer still counts.
pub fn save(cti: Rc<OpenCti>, phone: impl Hears, id: u32, log: CallLog) {
    spawn_local(async move {
        let event = match cti.save_log_or_late(&log).await {
            Ok(record_id) => {
                // Lightning's Activity timeline shows the Task only after a refresh.
                refresh(&cti).await;
                Event::LogSaved { id, record_id }
            }
            Err(SaveLogError { error, late: Some(late) }) => {
                let (cti, phone) = (cti.clone(), phone.clone());
                spawn_local(async move {
                    match late.record_id().await {
                        Ok(record_id) => {
                            refresh(&cti).await;
                            phone.event(Event::LogSaved { id, record_id });
                        }
                        // A late refusal changes nothing: the log is already being retried.
                        Err(e) => warn(&format!("A late saveLog answer: {e}")),
                    }
                });
                Event::LogTimedOut { id, reason: problem(&error) }
            }
            Err(SaveLogError { error, late: None }) => failure(id, error),
        };
        phone.event(event);
    });
}

/// Asks the org package for the Task whose CallObject is `call_object`.
pub fn find(cti: Rc<OpenCti>, phone: impl Hears, id: u32, call_object: String) {
    spawn_local(async move {
        let event = match cti.run_apex(&find_call(&call_object)).await {
            Ok(task_id) => Event::LogFound { id, record_id: Some(task_id).filter(|t| !t.is_empty()) },
            Err(e) => Event::LogLookupFailed { id, reason: problem(&e) },
        };
        phone.event(event);
    });
}

/// Finds out once whether the package is installed: runApex refuses an unknown class.
pub fn detect_package(cti: Rc<OpenCti>, phone: impl Hears) {
    spawn_local(async move {
        let package = match cti.run_apex(&find_call("")).await {
            Ok(_) => {
                read_time_zone(&cti, &phone).await;
                Package::Installed
            }
            Err(OpenCtiError::Failed { .. }) => Package::Missing,
            Err(e) => {
                warn(&format!("Could not tell whether the softphone package is installed ({e}); going without it."));
                Package::Missing
            }
        };
        phone.event(Event::PackageDetected(package));
    });
}

/// Asks the package for the agent's time zone, which dates the Tasks; a package version without
/// the method, or a zone the browser does not know, leaves the browser's zone in use.
async fn read_time_zone(cti: &OpenCti, phone: &impl Hears) {
    let ask = ApexCall { apex_class: APEX_CLASS.into(), method_name: TIME_ZONE_METHOD.into(), method_params: String::new() };
    match cti.run_apex(&ask).await {
        Ok(zone) if super::calendar::knows(&zone) => phone.set_time_zone(zone),
        Ok(zone) => warn(&format!("Salesforce's time zone {zone} is unknown to this browser: calls are dated in the browser's.")),
        Err(e) => warn(&format!("Salesforce did not tell the time zone ({e}): calls are dated in the browser's.")),
    }
}

fn find_call(call_object: &str) -> ApexCall {
    ApexCall {
        apex_class: APEX_CLASS.into(),
        method_name: FIND_METHOD.into(),
        method_params: format!("callObject={}", String::from(js_sys::encode_uri_component(call_object))),
    }
}

/// A refusal that will not pass is told apart from one that may.
fn failure(id: u32, error: OpenCtiError) -> Event {
    let reason = problem(&error);
    let codes = match &error {
        OpenCtiError::Failed { errors, .. } => {
            errors.iter().map(|e| format!("{} {} {}", e.code, e.description, e.details)).collect::<Vec<_>>().join(" ")
        }
        _ => String::new(),
    };
    match rejection_in(&codes) {
        Some(rejection) => Event::LogRejected { id, reason, rejection },
        None => Event::LogFailed { id, reason },
    }
}

async fn refresh(cti: &OpenCti) {
    if let Err(e) = cti.refresh_view().await {
        warn(&e.to_string());
    }
}

fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}
