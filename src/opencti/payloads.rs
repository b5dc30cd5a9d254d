//! Salesforce's payloads read into the types of `types.rs`, and the requests written from them,
//! with the field names the Open CTI Developer Guide gives. A payload must be an object; each
//! field may be absent or `null`, but one that is there with another type than documented makes
//! the whole payload malformed (never a guess, never a panic).

use std::collections::BTreeMap;

use super::types::*;
use crate::phone::value::{Member, Value};

/// An optional text field.
fn text(v: &Value, name: &str) -> Option<Option<String>> {
    v.get(name).optional(Value::string)
}

impl ClickToDial {
    pub fn from_value(v: &Value) -> Option<ClickToDial> {
        v.members()?;
        Some(ClickToDial {
            number: text(v, "number")?,
            record_id: text(v, "recordId")?,
            record_name: text(v, "recordName")?,
            object_type: text(v, "objectType")?,
            account_id: text(v, "accountId")?,
            contact_id: text(v, "contactId")?,
            person_account: v.get("personAccount").optional(Value::bool)?,
            params: text(v, "params")?,
        })
    }
}

impl AppViewInfo {
    pub fn from_value(v: &Value) -> Option<AppViewInfo> {
        v.members()?;
        Some(AppViewInfo {
            url: text(v, "url")?,
            record_id: text(v, "recordId")?,
            record_name: text(v, "recordName")?,
            object_type: text(v, "objectType")?,
            account_id: text(v, "accountId")?,
            contact_id: text(v, "contactId")?,
            person_account: v.get("personAccount").optional(Value::bool)?,
        })
    }
}

impl SearchMatch {
    pub fn from_value(v: &Value) -> Option<SearchMatch> {
        v.members()?;
        Some(SearchMatch { id: text(v, "Id")?, name: text(v, "Name")?, record_type: text(v, "RecordType")? })
    }
}

impl SoftphoneLayout {
    pub fn from_value(v: &Value) -> Option<SoftphoneLayout> {
        v.members()?;
        let layout = |name| v.get(name).optional(CallTypeLayout::from_value);
        Some(SoftphoneLayout { inbound: layout("Inbound")?, outbound: layout("Outbound")?, internal: layout("Internal")? })
    }
}

impl CallTypeLayout {
    fn from_value(v: &Value) -> Option<CallTypeLayout> {
        v.members()?;
        let mut objects = BTreeMap::new();
        let listed = v.get("objects");
        if !listed.is_null() {
            for object in listed.members()? {
                objects.insert(object.name.clone(), object.value.list(LayoutField::from_value)?);
            }
        }
        Some(CallTypeLayout { objects, screen_pop_settings: v.get("screenPopSettings").optional(ScreenPopSettings::from_value)? })
    }
}

impl LayoutField {
    fn from_value(v: &Value) -> Option<LayoutField> {
        v.members()?;
        Some(LayoutField { api_name: text(v, "apiName")?, display_name: text(v, "displayName")? })
    }
}

impl ScreenPopSettings {
    fn from_value(v: &Value) -> Option<ScreenPopSettings> {
        v.members()?;
        let rule = |name| v.get(name).optional(PopRule::from_value);
        Some(ScreenPopSettings { no_match: rule("NoMatch")?, single_match: rule("SingleMatch")?, multiple_matches: rule("MultipleMatches")? })
    }
}

impl PopRule {
    fn from_value(v: &Value) -> Option<PopRule> {
        v.members()?;
        Some(PopRule { screen_pop_type: text(v, "screenPopType")?, screen_pop_data: text(v, "screenPopData")? })
    }
}

impl CallCenterSettings {
    /// `getCallCenterSettings`' map; `None` when it is not an object.
    pub fn from_value(v: &Value) -> Option<CallCenterSettings> {
        Some(CallCenterSettings::from_values(v.members()?.iter().map(|m| (m.name.clone(), SettingValue::of(&m.value)))))
    }
}

impl FlowArg {
    pub fn to_value(&self) -> Value {
        Value::object([("name", self.name.as_str().into()), ("type", self.kind.as_str().into()), ("value", self.value.as_str().into())])
    }
}

/// A map of field values as the object Salesforce expects (`defaultFieldValues`).
pub fn field_values(values: &BTreeMap<String, String>) -> Value {
    Value::Object(values.iter().map(|(name, value)| Member { name: name.clone(), value: value.as_str().into() }).collect())
}

impl CallLog {
    /// The Task's fields; those without a value are left out (Salesforce would clear them, and
    /// refuses the package's fields in an org without the package).
    pub fn to_value(&self) -> Value {
        let mut task = Value::object([
            ("entityApiName", self.entity_api_name.into()),
            ("Id", self.id.clone().into()),
            ("Subject", self.subject.as_str().into()),
            ("WhoId", self.who_id.clone().into()),
            ("WhatId", self.what_id.clone().into()),
            ("CallType", self.call_type.into()),
            ("CallDurationInSeconds", self.call_duration_in_seconds.into()),
            ("CallObject", self.call_object.clone().into()),
            ("CallDisposition", self.call_disposition.clone().into()),
            ("Description", self.description.clone().into()),
            ("Status", self.status.into()),
            ("ActivityDate", self.activity_date.as_str().into()),
            ("TaskSubtype", self.task_subtype.into()),
        ]);
        if let Value::Object(members) = &mut task {
            members.extend(self.package.members());
        }
        task.without_nulls()
    }
}

impl PackageFields {
    /// The fields by their API names (the org package's `objects/Activity/fields`).
    fn members(&self) -> impl Iterator<Item = Member> {
        [
            ("Softphone_Pop_Outcome__c", self.pop_outcome.into()),
            ("Softphone_Pop_Latency_Ms__c", self.pop_latency_ms.into()),
            ("Softphone_Log_Attempts__c", self.log_attempts.into()),
            ("Softphone_Outcome__c", self.outcome.into()),
            ("Softphone_MOS__c", self.mos.into()),
            ("Softphone_Jitter_Ms__c", self.jitter_ms.into()),
            ("Softphone_Loss_Percent__c", self.loss_percent.into()),
            ("Softphone_Round_Trip_Ms__c", self.round_trip_ms.into()),
            ("Softphone_Call_Center__c", self.call_center.clone().into()),
        ]
        .into_iter()
        .map(|(name, value): (&str, Value)| Member { name: name.to_owned(), value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(members.iter().map(|(name, value)| Member { name: (*name).to_owned(), value: value.clone() }).collect())
    }

    #[test]
    fn a_click_reads_its_documented_fields_and_leaves_out_absent_ones() {
        let click = object(&[("number", "(212) 555-0134".into()), ("recordId", "003G".into()), ("personAccount", false.into())]);
        let read = ClickToDial::from_value(&click).expect("a click");
        assert_eq!(read.number.as_deref(), Some("(212) 555-0134"));
        assert_eq!(read.record_id.as_deref(), Some("003G"));
        assert_eq!(read.person_account, Some(false));
        assert_eq!(read.record_name, None);
    }

    #[test]
    fn a_payload_that_is_not_the_documented_object_is_refused() {
        assert_eq!(ClickToDial::from_value(&Value::Number(42.0)), None);
        assert_eq!(AppViewInfo::from_value(&Value::Null), None);
        assert_eq!(AppViewInfo::from_value(&object(&[("recordId", Value::Number(7.0))])), None);
        assert_eq!(CallCenterSettings::from_value(&"nope".into()), None);
    }

    #[test]
    fn the_layout_reads_objects_and_pop_rules() {
        let rule = object(&[("screenPopType", "PopToEntity".into()), ("screenPopData", "Contact".into())]);
        let inbound = object(&[
            ("objects", object(&[("Contact", Value::Array(vec![object(&[("apiName", "Phone".into())])]))])),
            ("screenPopSettings", object(&[("NoMatch", rule)])),
        ]);
        let layout = SoftphoneLayout::from_value(&object(&[("Inbound", inbound)])).expect("a layout");
        let inbound = layout.inbound.expect("inbound rules");
        assert_eq!(inbound.objects.get("Contact").map(|f| f[0].api_name.as_deref()), Some(Some("Phone")));
        let no_match = inbound.screen_pop_settings.and_then(|s| s.no_match).expect("a rule");
        assert_eq!(no_match.screen_pop_data.as_deref(), Some("Contact"));
        assert_eq!(layout.outbound, None);
    }

    #[test]
    fn a_call_log_leaves_out_the_fields_it_has_no_value_for() {
        let log = CallLog {
            entity_api_name: "Task",
            id: None,
            subject: "Call".into(),
            who_id: Some("003A".into()),
            what_id: None,
            call_type: "Inbound",
            call_duration_in_seconds: 42,
            call_object: Some("c1".into()),
            call_disposition: None,
            description: None,
            status: "Completed",
            activity_date: "2026-12-07".into(),
            task_subtype: Some("Call"),
            package: PackageFields { log_attempts: Some(1), mos: Some(4.1), ..PackageFields::default() },
        };
        let value = log.to_value();
        let names: Vec<&str> = value.members().expect("an object").iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            ["entityApiName", "Subject", "WhoId", "CallType", "CallDurationInSeconds", "CallObject", "Status", "ActivityDate", "TaskSubtype", "Softphone_Log_Attempts__c", "Softphone_MOS__c"]
        );
        assert_eq!(value.get("Softphone_MOS__c").number(), Some(4.1));
        assert_eq!(value.get("CallDurationInSeconds").u32(), Some(42));
    }
}
