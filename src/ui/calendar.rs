//! The agent's calendar: a call's Task is dated (ActivityDate) and its subject timed in the
//! agent's time zone, so that an evening call in the Americas is not dated tomorrow. The zone is
//! the one Salesforce keeps for the user (the org package's `SoftphoneCallLog.userTimeZone`
//! through runApex: Open CTI itself tells the softphone no user setting), else the browser's.
//! The browser's `Intl` knows every zone's rules, daylight saving included; everything here goes
//! through `Reflect`, so a zone the browser does not know is an answer (`None`), never a throw.

use callcenter::date::Date;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::phone::{CallRecord, LocalTime};

/// `ms` (Unix milliseconds) on the calendar of `zone` (an IANA name such as
/// `America/Los_Angeles`; `None`: the browser's own zone). UTC if the browser cannot say.
pub fn local_time(ms: u64, zone: Option<&str>) -> LocalTime {
    read(ms, zone).unwrap_or_else(|| LocalTime::utc(ms))
}

/// Whether the browser knows `zone` (Salesforce's name for the user's zone).
pub fn knows(zone: &str) -> bool {
    formatter(Some(zone)).is_some()
}

/// The Task subject of `record`, its start on the agent's calendar.
pub fn subject(record: &CallRecord, zone: Option<&str>) -> String {
    record.subject(&local_time(record.started_at_ms, zone))
}

fn read(ms: u64, zone: Option<&str>) -> Option<LocalTime> {
    let format = formatter(zone)?;
    let to_parts = Reflect::get(&format, &"formatToParts".into()).ok()?.dyn_into::<Function>().ok()?;
    let parts = to_parts.call1(&format, &js_sys::Date::new(&JsValue::from_f64(ms as f64))).ok()?.dyn_into::<Array>().ok()?;
    let part = |name: &str| -> Option<u32> {
        let found = parts.iter().find(|p| Reflect::get(p, &"type".into()).ok().and_then(|t| t.as_string()).as_deref() == Some(name))?;
        Reflect::get(&found, &"value".into()).ok()?.as_string()?.parse().ok()
    };
    let (year, month, day, hour, minute) = (part("year")?, part("month")?, part("day")?, part("hour")?, part("minute")?);
    let date = format!("{year:04}-{month:02}-{day:02}");
    // Minutes east of UTC: the local wall clock read as if it were UTC, less the moment itself.
    let days = Date::parse(&date).ok()?.days_since(Date::from_days(0));
    let local_minutes = days * 1440 + i64::from(hour * 60 + minute);
    let utc_minutes = i64::try_from(ms / 60_000).ok()?;
    let offset_min = i32::try_from(local_minutes - utc_minutes).ok()?;
    Some(LocalTime { date, time: format!("{hour:02}:{minute:02}"), offset_min })
}

/// An `Intl.DateTimeFormat` giving numeric year to minute on a 24-hour clock in `zone`.
fn formatter(zone: Option<&str>) -> Option<JsValue> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into::<Function>().ok()?;
    let options = Object::new();
    for (key, value) in [("year", "numeric"), ("month", "2-digit"), ("day", "2-digit"), ("hour", "2-digit"), ("minute", "2-digit"), ("hourCycle", "h23")] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    if let Some(zone) = zone {
        Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    }
    // An unknown zone makes the constructor throw a RangeError: caught here as an Err.
    Reflect::construct(&ctor, &Array::of2(&"en-US".into(), &options)).ok()
}
