//! Requests and responses of `sforce.opencti`, as typed Rust values (Open CTI Developer Guide,
//! "Methods for Lightning Experience").
//! Every field Salesforce sends is optional here: a missing field is `None`, never a panic.

use std::collections::BTreeMap;

use crate::phone::value::Value;

/// What an agent clicked: the bare `onClickToDial` payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClickToDial {
    /// The number as shown on the record.
    pub number: Option<String>,
    /// The record the number was clicked on.
    pub record_id: Option<String>,
    /// That record's name.
    pub record_name: Option<String>,
    /// That record's object API name, e.g. `Contact`.
    pub object_type: Option<String>,
    /// For person accounts: the account.
    pub account_id: Option<String>,
    /// For person accounts: the contact.
    pub contact_id: Option<String>,
    /// Whether the record is a person account.
    pub person_account: Option<bool>,
    /// `key=value` pairs from the click-to-dial component, comma-separated.
    pub params: Option<String>,
}

/// What the agent is looking at (`getAppViewInfo`, `onNavigationChange`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppViewInfo {
    /// The page's URL.
    pub url: Option<String>,
    /// The record on the page, if any.
    pub record_id: Option<String>,
    /// Its name.
    pub record_name: Option<String>,
    /// Its object API name.
    pub object_type: Option<String>,
    /// For a person account: the account.
    pub account_id: Option<String>,
    /// For a person account: the contact behind it.
    pub contact_id: Option<String>,
    /// Whether it is a person account.
    pub person_account: Option<bool>,
}

/// Where `screenPop` takes the agent (`SCREENPOP_TYPE` and its `params`).
#[derive(Clone, Debug, PartialEq)]
pub enum ScreenPop {
    /// A relative Salesforce URL.
    Url { url: String },
    /// A record.
    SObject { record_id: String },
    /// An object's home, e.g. `Contact`.
    ObjectHome { scope: String },
    /// A list view of an object.
    List { list_view_id: String, scope: String },
    /// A search; Salesforce wants at least 3 characters.
    Search { search_string: String },
    /// The new-record dialog of an object, prefilled.
    NewRecordModal { entity_name: String, default_field_values: BTreeMap<String, String> },
    /// A flow, with its input variables.
    Flow { flow_dev_name: String, flow_args: Vec<FlowArg> },
}

/// One input variable of a flow screen pop.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowArg {
    /// The variable's API name.
    pub name: String,
    /// Its type, e.g. `String`.
    pub kind: String,
    /// Its value.
    pub value: String,
}

/// The kind of call, for `searchAndScreenPop` (`CALL_TYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallType {
    /// A call the agent receives.
    Inbound,
    /// A call the agent places.
    Outbound,
    /// A call between colleagues.
    Internal,
}

impl CallType {
    /// The key of this value in `sforce.opencti.CALL_TYPE`.
    pub(crate) fn enum_key(self) -> &'static str {
        match self {
            CallType::Inbound => "INBOUND",
            CallType::Outbound => "OUTBOUND",
            CallType::Internal => "INTERNAL",
        }
    }
}

/// A `searchAndScreenPop` request.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// What to search for, e.g. the caller's number.
    pub search_params: String,
    /// Extra query string for the popped URL.
    pub query_params: String,
    /// Field values for a new record, when nothing matches.
    pub default_field_values: BTreeMap<String, String>,
    /// Which softphone-layout rules apply.
    pub call_type: CallType,
    /// Search only; pop later with the returned data.
    pub deferred: bool,
}

/// One record `searchAndScreenPop` found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchMatch {
    /// The record Id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its object API name, e.g. `Contact`.
    pub record_type: Option<String>,
}

/// What `searchAndScreenPop` returned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResult {
    /// The matching records, in Salesforce's order.
    pub matches: Vec<SearchMatch>,
    /// Whether Salesforce also offered a search page (several matches) or pop data (deferred).
    pub has_screen_pop_data: bool,
}

/// The org's softphone layout (`getSoftphoneLayout`): what to search and pop per call type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SoftphoneLayout {
    /// Rules for inbound calls.
    pub inbound: Option<CallTypeLayout>,
    /// Rules for outbound calls.
    pub outbound: Option<CallTypeLayout>,
    /// Rules for internal calls.
    pub internal: Option<CallTypeLayout>,
}

/// One call type's part of the softphone layout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallTypeLayout {
    /// Objects searched, with the fields shown for each.
    pub objects: BTreeMap<String, Vec<LayoutField>>,
    /// What pops on no, one or several matches.
    pub screen_pop_settings: Option<ScreenPopSettings>,
}

/// A field shown for a searched object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayoutField {
    /// Field API name.
    pub api_name: Option<String>,
    /// Field label.
    pub display_name: Option<String>,
}

/// What pops for each number of matches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenPopSettings {
    /// No record matched.
    pub no_match: Option<PopRule>,
    /// Exactly one record matched.
    pub single_match: Option<PopRule>,
    /// Several records matched.
    pub multiple_matches: Option<PopRule>,
}

/// One screen-pop rule, e.g. `PopToEntity` with `Contact`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PopRule {
    /// `DoNotPop`, `PopToEntity`, `PopToSearch`, `PopToVisualforce`, `PopToFlow`, ...
    pub screen_pop_type: Option<String>,
    /// The entity, page or flow the rule names.
    pub screen_pop_data: Option<String>,
}

/// A call log: the Task `saveLog` creates, or updates when `id` is set.
#[derive(Clone, Debug, PartialEq)]
pub struct CallLog {
    /// Always `Task`.
    pub entity_api_name: &'static str,
    /// The Task to update; `None` creates one.
    pub id: Option<String>,
    /// e.g. "Call 2026-11-24 10:02 +1 415 555 0100".
    pub subject: String,
    /// The Contact or Lead.
    pub who_id: Option<String>,
    /// The Account, Case, Opportunity, ...
    pub what_id: Option<String>,
    /// `Inbound`, `Outbound` or `Internal`.
    pub call_type: &'static str,
    /// Talk time.
    pub call_duration_in_seconds: u32,
    /// The SIP Call-ID.
    pub call_object: Option<String>,
    /// The wrap-up disposition.
    pub call_disposition: Option<String>,
    /// The agent's notes.
    pub description: Option<String>,
    /// Always `Completed`: the call is over.
    pub status: &'static str,
    /// The call's date, `YYYY-MM-DD`.
    pub activity_date: String,
    /// `Call` when the Task is created (Lightning's activity timeline then shows it as a call);
    /// never on an update: Salesforce does not let TaskSubtype change.
    pub task_subtype: Option<&'static str>,
    /// The org package's fields: none set without the package.
    pub package: PackageFields,
}

/// The org package's custom Activity fields on a Task. Never sent without the package, whose
/// absence makes Salesforce refuse the whole Task; unset fields are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackageFields {
    /// The screen-pop outcome (Text(20)).
    pub pop_outcome: Option<&'static str>,
    /// The screen-pop latency in ms (Number(8,0)).
    pub pop_latency_ms: Option<u32>,
    /// The saveLog attempt that saved the Task (Number(4,0)).
    pub log_attempts: Option<u32>,
    /// The automatic outcome, e.g. `Missed` (Text(20)).
    pub outcome: Option<&'static str>,
    /// The call-quality estimate, MOS 1.0 to 4.5 (Number(2,1)).
    pub mos: Option<f64>,
    /// The average jitter in ms (Number(6,0)).
    pub jitter_ms: Option<u32>,
    /// The packet loss in percent (Number(4,1)).
    pub loss_percent: Option<f64>,
    /// The average round trip in ms (Number(6,0)).
    pub round_trip_ms: Option<u32>,
    /// The Call Center the call was made in (its internal name, Text(80)).
    pub call_center: Option<String>,
}

/// A `runApex` request.
#[derive(Clone, Debug, PartialEq)]
pub struct ApexCall {
    /// The Apex class.
    pub apex_class: String,
    /// Its static method.
    pub method_name: String,
    /// Parameters as `a=1&b=2`; empty for a method without any (sent as `{}`, as the
    /// *runApex()* page of the Open CTI guide says).
    pub method_params: String,
}

/// One entry of a failed response's `errors`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    /// Salesforce's code, as text.
    pub code: String,
    /// What went wrong.
    pub description: String,
    /// More, when given.
    pub details: String,
}

/// One value of the `getCallCenterSettings` map. Salesforce sends text; anything else is
/// skipped and reported, so one odd value cannot reject the whole definition.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    /// What Salesforce sends.
    Text(String),
    /// A number.
    Number,
    /// `true` or `false`.
    Flag,
    /// `null`, an object, an array.
    Other,
}

impl SettingValue {
    pub fn of(value: &Value) -> SettingValue {
        match value {
            Value::String(text) => SettingValue::Text(text.clone()),
            Value::Number(_) => SettingValue::Number,
            Value::Bool(_) => SettingValue::Flag,
            _ => SettingValue::Other,
        }
    }
}

/// The Call Center settings as the phone reads them: the text values, and a problem (with its
/// `/section/item` key) for each value that was not text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallCenterSettings {
    /// `"/section/item" -> value`, text values only.
    pub map: callcenter_settings::SettingsMap,
    /// One per skipped value.
    pub problems: Vec<callcenter_settings::SettingProblem>,
}

impl CallCenterSettings {
    /// Keeps the text values and reports the others.
    pub fn from_values(values: impl IntoIterator<Item = (String, SettingValue)>) -> CallCenterSettings {
        let mut map = callcenter_settings::SettingsMap::new();
        // The problems by key, as the map orders its keys.
        let mut skipped = callcenter_settings::SettingsMap::new();
        for (key, value) in values {
            let what = match value {
                SettingValue::Text(text) => {
                    map.insert(key, text);
                    continue;
                }
                SettingValue::Number => "a number",
                SettingValue::Flag => "true/false",
                SettingValue::Other => "empty or not a single value",
            };
            skipped.insert(key, format!("is {what}, not text; the phone ignored it"));
        }
        let problems = skipped.into_iter().map(|(key, message)| callcenter_settings::SettingProblem { key, message }).collect();
        CallCenterSettings { map, problems }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_are_not_text_are_skipped_and_reported_by_key() {
        let values = [
            ("/rustSoftphone/sipDomain", SettingValue::Text("pbx.example.com".into())),
            ("/rustSoftphone/registerExpires", SettingValue::Number),
            ("/rustSoftphone/odd", SettingValue::Other),
            ("/reqGeneralInfo/reqUseApi", SettingValue::Flag),
        ]
        .map(|(k, v)| (k.to_owned(), v));
        let settings = CallCenterSettings::from_values(values);
        assert_eq!(settings.map.len(), 1);
        assert_eq!(settings.map.get("/rustSoftphone/sipDomain").map(String::as_str), Some("pbx.example.com"));
        let keys: Vec<&str> = settings.problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["/reqGeneralInfo/reqUseApi", "/rustSoftphone/odd", "/rustSoftphone/registerExpires"]);
        assert!(settings.problems[2].message.starts_with("is a number, not text"));
    }
}
