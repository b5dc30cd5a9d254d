//! The Task fields the stand-in org takes from saveLog, checked as Salesforce checks a record
//! (STANDIN.md, "Call logs", names the sources): a field the object lacks is refused as a whole
//! (`INVALID_FIELD`, "No such column"), and so are the org package's fields in an org without
//! the package; a field that only a create may set, on an update
//! (`INVALID_FIELD_FOR_INSERT_UPDATE`); a value the field cannot hold (`STRING_TOO_LONG`,
//! `NUMBER_OUTSIDE_VALID_RANGE`, `INVALID_TYPE_ON_FIELD_IN_RECORD`, and for a restricted
//! picklist `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`); a WhoId that is no Contact or Lead, or a
//! WhatId that is one (`FIELD_INTEGRITY_EXCEPTION`). Fields Task has but the softphone never
//! writes are not modelled: the stand-in refuses them too (stricter, never more lenient).

use serde_json::{Map, Value};

/// One Task field as the stand-in org knows it.
struct Field {
    name: &'static str,
    kind: Kind,
    /// Added by the org package (exists only when it is installed).
    package: bool,
    /// Only a create may set it.
    create_only: bool,
}

enum Kind {
    /// Text of at most this many characters.
    Text(usize),
    /// A number with `precision` digits, `scale` of them after the point.
    Number { precision: u32, scale: u32 },
    /// A whole number (an `int`).
    Int,
    /// `YYYY-MM-DD`.
    Date,
    /// One of these values.
    Picklist(&'static [&'static str]),
    /// A Contact (003) or Lead (00Q) Id.
    Who,
    /// An Id of a record that is no person.
    What,
    /// A Task's own Id (00T).
    TaskId,
}

const fn standard(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, package: false, create_only: false }
}

const fn package(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, package: true, create_only: false }
}

/// The Task fields (SOAP API Developer Guide, Task object; the package's field files in
/// org/force-app/main/default/objects/Activity/fields).
const FIELDS: [Field; 22] = [
    standard("Id", Kind::TaskId),
    standard("Subject", Kind::Text(255)),
    standard("WhoId", Kind::Who),
    standard("WhatId", Kind::What),
    standard("CallType", Kind::Picklist(&["Inbound", "Internal", "Outbound"])),
    standard("CallDurationInSeconds", Kind::Int),
    standard("CallObject", Kind::Text(255)),
    standard("CallDisposition", Kind::Text(255)),
    standard("Description", Kind::Text(32_000)),
    standard("Status", Kind::Picklist(&["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"])),
    standard("Priority", Kind::Picklist(&["High", "Normal", "Low"])),
    standard("ActivityDate", Kind::Date),
    Field { name: "TaskSubtype", kind: Kind::Picklist(&["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"]), package: false, create_only: true },
    package("Softphone_Pop_Outcome__c", Kind::Text(20)),
    package("Softphone_Pop_Latency_Ms__c", Kind::Number { precision: 8, scale: 0 }),
    package("Softphone_Log_Attempts__c", Kind::Number { precision: 4, scale: 0 }),
    package("Softphone_Outcome__c", Kind::Text(20)),
    package("Softphone_MOS__c", Kind::Number { precision: 2, scale: 1 }),
    package("Softphone_Jitter_Ms__c", Kind::Number { precision: 6, scale: 0 }),
    package("Softphone_Loss_Percent__c", Kind::Number { precision: 4, scale: 1 }),
    package("Softphone_Round_Trip_Ms__c", Kind::Number { precision: 6, scale: 0 }),
    package("Softphone_Call_Center__c", Kind::Text(80)),
];

/// Why Salesforce would refuse this Task's fields, as (code, message): `package_fields` when
/// the org has the package's fields, `updating` for a saveLog with an Id.
pub fn refusal(task: &Map<String, Value>, package_fields: bool, updating: bool) -> Option<(&'static str, String)> {
    for (name, value) in task {
        let Some(field) = FIELDS.iter().find(|f| f.name == name && (package_fields || !f.package)) else {
            return Some(("INVALID_FIELD", format!("No such column '{name}' on entity 'Task'.")));
        };
        if updating && field.create_only {
            return Some(("INVALID_FIELD_FOR_INSERT_UPDATE", format!("Unable to create/update fields: {name}.")));
        }
        if value.is_null() {
            continue;
        }
        if let Some(code) = bad_value(&field.kind, value) {
            return Some((code, format!("{name}: bad value {value}")));
        }
    }
    None
}

fn bad_value(kind: &Kind, value: &Value) -> Option<&'static str> {
    const WRONG_TYPE: &str = "INVALID_TYPE_ON_FIELD_IN_RECORD";
    match kind {
        Kind::Text(max) => match value.as_str() {
            Some(text) if text.chars().count() <= *max => None,
            Some(_) => Some("STRING_TOO_LONG"),
            None => Some(WRONG_TYPE),
        },
        Kind::Number { precision, scale } => {
            let Some(number) = value.as_f64() else { return Some(WRONG_TYPE) };
            // Salesforce rounds extra decimals to the scale; whole digits beyond the rest refuse.
            let whole_digits = i32::try_from(precision - scale).unwrap_or(i32::MAX);
            (number.abs() >= 10f64.powi(whole_digits)).then_some("NUMBER_OUTSIDE_VALID_RANGE")
        }
        Kind::Int => match value.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() < 2_147_483_648.0 => None,
            _ => Some(WRONG_TYPE),
        },
        Kind::Date => value.as_str().filter(|d| callcenter::date::Date::parse(d).is_ok()).map_or(Some(WRONG_TYPE), |_| None),
        Kind::Picklist(values) => match value.as_str() {
            Some(v) if values.contains(&v) => None,
            _ => Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        },
        Kind::Who => id_of(value, |prefix| matches!(prefix, "003" | "00Q")),
        Kind::What => id_of(value, |prefix| !matches!(prefix, "003" | "00Q" | "00T" | "005")),
        Kind::TaskId => id_of(value, |prefix| prefix == "00T"),
    }
}

/// A 15- or 18-character Salesforce Id whose key prefix `fits`; a reference to the wrong kind of
/// record is a `FIELD_INTEGRITY_EXCEPTION` ("id value of incorrect type").
fn id_of(value: &Value, fits: impl Fn(&str) -> bool) -> Option<&'static str> {
    let Some(id) = value.as_str().filter(|id| matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())) else {
        return Some("MALFORMED_ID");
    };
    (!fits(id.get(..3).unwrap_or(""))).then_some("FIELD_INTEGRITY_EXCEPTION")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn code(v: Value, package_fields: bool, updating: bool) -> Option<&'static str> {
        refusal(&task(v), package_fields, updating).map(|r| r.0)
    }

    /// What the softphone sends for an answered call it places from a Contact while on a Case.
    fn a_call() -> Value {
        json!({
            "Subject": "Outbound call 2026-11-29 02:02 UTC-08:00 +1 415 555 0100", "WhoId": "003000000000001AAA",
            "WhatId": "500000000000001AAA", "CallType": "Outbound", "CallDurationInSeconds": 42, "CallObject": "a84b@pbx",
            "Description": "Called back.", "Status": "Completed", "ActivityDate": "2026-11-29", "TaskSubtype": "Call",
            "Softphone_Outcome__c": "Answered", "Softphone_MOS__c": 4.1, "Softphone_Jitter_Ms__c": 6,
            "Softphone_Loss_Percent__c": 0.3, "Softphone_Round_Trip_Ms__c": 42, "Softphone_Call_Center__c": "RustSoftphone"
        })
    }

    #[test]
    fn a_call_as_the_softphone_logs_it_is_taken() {
        assert_eq!(code(a_call(), true, false), None);
    }

    #[test]
    fn without_the_package_any_of_its_fields_is_refused_as_unknown() {
        for name in ["Softphone_Pop_Outcome__c", "Softphone_Pop_Latency_Ms__c", "Softphone_Log_Attempts__c", "Softphone_Outcome__c", "Softphone_MOS__c", "Softphone_Call_Center__c"] {
            assert_eq!(code(json!({ "Subject": "Call", name: "1" }), false, false), Some("INVALID_FIELD"), "{name}");
            assert!(FIELDS.iter().any(|f| f.package && f.name == name));
        }
        assert_eq!(code(json!({ "Subject": "Call", "Description": "Screen pop: no-match in 8 ms" }), false, false), None);
        assert_eq!(code(json!({ "Subject": "Call", "Bogus__c": "x" }), true, false), Some("INVALID_FIELD"), "unknown to any org");
    }

    #[test]
    fn with_the_package_values_must_fit_the_fields() {
        let good = json!({ "Softphone_Pop_Outcome__c": "several-matches", "Softphone_Pop_Latency_Ms__c": 99_999_999, "Softphone_Log_Attempts__c": 3 });
        assert_eq!(code(good, true, false), None);
        let cases = [
            (json!({ "Softphone_Pop_Outcome__c": "a-much-longer-outcome-word" }), "STRING_TOO_LONG"),
            (json!({ "Softphone_Pop_Outcome__c": 1 }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Pop_Latency_Ms__c": 100_000_000 }), "NUMBER_OUTSIDE_VALID_RANGE"),
            (json!({ "Softphone_Pop_Latency_Ms__c": "12" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Log_Attempts__c": 10_000 }), "NUMBER_OUTSIDE_VALID_RANGE"),
            (json!({ "Softphone_MOS__c": 10.0 }), "NUMBER_OUTSIDE_VALID_RANGE"),
            (json!({ "Softphone_MOS__c": "4.1" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Loss_Percent__c": 1000.0 }), "NUMBER_OUTSIDE_VALID_RANGE"),
        ];
        for (fields, expected) in cases {
            assert_eq!(code(fields.clone(), true, false), Some(expected), "{fields}");
        }
    }

    #[test]
    fn standard_fields_are_typed_and_task_subtype_is_set_only_on_create() {
        let cases = [
            (json!({ "CallDurationInSeconds": 1.5 }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "CallDurationInSeconds": "42" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "ActivityDate": "2026-11-31" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "ActivityDate": "29/11/2026" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "CallType": "Incoming" }), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
            (json!({ "TaskSubtype": "Phone" }), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
            (json!({ "Status": "Done" }), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        ];
        for (fields, expected) in cases {
            assert_eq!(code(fields.clone(), false, false), Some(expected), "{fields}");
        }
        assert_eq!(code(json!({ "TaskSubtype": "Call" }), false, false), None);
        assert_eq!(code(json!({ "Id": "00T000000000000001", "TaskSubtype": "Call" }), false, true), Some("INVALID_FIELD_FOR_INSERT_UPDATE"));
    }

    #[test]
    fn who_is_a_contact_or_lead_and_what_is_no_person() {
        assert_eq!(code(json!({ "WhoId": "00Q000000000001AAA" }), false, false), None);
        assert_eq!(code(json!({ "WhoId": "001000000000001AAA" }), false, false), Some("FIELD_INTEGRITY_EXCEPTION"), "an Account is no person");
        assert_eq!(code(json!({ "WhatId": "003000000000001AAA" }), false, false), Some("FIELD_INTEGRITY_EXCEPTION"), "a Contact is who");
        assert_eq!(code(json!({ "WhatId": "500000000000001AAA" }), false, false), None);
        assert_eq!(code(json!({ "WhoId": "not an id" }), false, false), Some("MALFORMED_ID"));
    }
}
