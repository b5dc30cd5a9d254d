//! The agent's calendar: a call's Task is dated (ActivityDate) and its subject timed in the
//! agent's time zone, so that an evening call in the Americas is not dated tomorrow. The zone is
//! the one Salesforce keeps for the user (the org package's `SoftphoneCallLog.userTimeZone`
//! through runApex: Open CTI itself tells the softphone no user setting), else the browser's.
//! The browser reads the calendar (`calendar.js`): its `Intl` knows every zone's rules.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::phone::{CallRecord, LocalTime, Time};
use crate::words;

#[wasm_bindgen(module = "/src/ui/calendar.js")]
extern "C" {
    #[wasm_bindgen(js_name = localTime)]
    fn local_time_js(ms: f64, zone: Option<String>) -> JsValue;
}

/// `at` on the calendar of `zone` (an IANA name such as
/// `America/Los_Angeles`; `None`: the browser's own zone). UTC if the browser cannot say.
pub fn local_time(at: Time, zone: Option<&str>) -> LocalTime {
    read(at.unix_millis(), zone).unwrap_or_else(|| LocalTime::utc(at))
}

/// Whether the browser knows `zone` (Salesforce's name for the user's zone).
pub fn knows(zone: &str) -> bool {
    read(0, Some(zone)).is_some()
}

/// The Task subject of `record`, its start on the agent's calendar.
pub fn subject(record: &CallRecord, zone: Option<&str>) -> String {
    words::task_subject(record, &local_time(record.started_at, zone))
}

fn read(ms: u64, zone: Option<&str>) -> Option<LocalTime> {
    let parts = local_time_js(ms as f64, zone.map(str::to_owned)).dyn_into::<js_sys::Array>().ok()?;
    let text = |i| parts.get(i).as_string();
    let offset = parts.get(2).as_f64().filter(|o| o.abs() <= 1_440.0)?;
    Some(LocalTime { date: text(0)?, time: text(1)?, offset_min: offset as i32 })
}
