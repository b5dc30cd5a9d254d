//! The org package's custom Activity fields, as the stand-in org treats a Task that names them.
//!
//! They exist only in an org with the package installed. Salesforce refuses a record that names
//! a field its object does not have, and saves nothing of it: the API answers `INVALID_FIELD`
//! ("No such column '...' on entity 'Task'"), and a saveLog with such a field fails as a whole.
//! With the package the values must fit the field types the package declares
//! (org/force-app/main/default/objects/Activity/fields): Text(20), Number(8,0), Number(4,0);
//! Salesforce refuses a longer text with `STRING_TOO_LONG` and a number with more digits than
//! the field's precision, or a value of another type, with `NUMBER_OUTSIDE_VALID_RANGE` or
//! `INVALID_TYPE_ON_FIELD_IN_RECORD`. The stand-in must never be more lenient than that.

use serde_json::{Map, Value};

/// A custom field the package adds to Task (and Event).
struct PackageField {
    name: &'static str,
    kind: Kind,
}

enum Kind {
    /// Text of at most this many characters.
    Text(usize),
    /// A whole number of at most this many digits (scale 0).
    Whole(u32),
}

const FIELDS: [PackageField; 3] = [
    PackageField { name: "Softphone_Pop_Outcome__c", kind: Kind::Text(20) },
    PackageField { name: "Softphone_Pop_Latency_Ms__c", kind: Kind::Whole(8) },
    PackageField { name: "Softphone_Log_Attempts__c", kind: Kind::Whole(4) },
];

/// Why Salesforce would refuse these Task fields, as (code, message): a package field in an org
/// without the package, or a value the field cannot hold.
pub fn refusal(task: &Map<String, Value>, package_installed: bool) -> Option<(&'static str, String)> {
    for field in &FIELDS {
        let Some(value) = task.get(field.name) else { continue };
        if !package_installed {
            return Some(("INVALID_FIELD", format!("No such column '{}' on entity 'Task'.", field.name)));
        }
        if value.is_null() {
            continue;
        }
        if let Some(why) = bad_value(&field.kind, value) {
            return Some((why, format!("{}: bad value {value}", field.name)));
        }
    }
    None
}

fn bad_value(kind: &Kind, value: &Value) -> Option<&'static str> {
    match kind {
        Kind::Text(max) => match value.as_str() {
            Some(text) if text.chars().count() <= *max => None,
            Some(_) => Some("STRING_TOO_LONG"),
            None => Some("INVALID_TYPE_ON_FIELD_IN_RECORD"),
        },
        Kind::Whole(digits) => {
            let Some(number) = value.as_f64() else { return Some("INVALID_TYPE_ON_FIELD_IN_RECORD") };
            let limit = 10f64.powi(i32::try_from(*digits).unwrap_or(i32::MAX));
            if number.fract() != 0.0 {
                Some("INVALID_TYPE_ON_FIELD_IN_RECORD")
            } else if number.abs() >= limit {
                Some("NUMBER_OUTSIDE_VALID_RANGE")
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn without_the_package_any_of_its_fields_is_refused_as_unknown() {
        for name in ["Softphone_Pop_Outcome__c", "Softphone_Pop_Latency_Ms__c", "Softphone_Log_Attempts__c"] {
            let refused = refusal(&task(json!({ "Subject": "Call", name: "1" })), false);
            assert_eq!(refused.map(|r| r.0), Some("INVALID_FIELD"), "{name}");
        }
        assert_eq!(refusal(&task(json!({ "Subject": "Call", "Description": "Screen pop: no-match in 8 ms" })), false), None);
    }

    #[test]
    fn with_the_package_values_must_fit_the_fields() {
        let good = json!({ "Softphone_Pop_Outcome__c": "several-matches", "Softphone_Pop_Latency_Ms__c": 99_999_999, "Softphone_Log_Attempts__c": 3 });
        assert_eq!(refusal(&task(good), true), None);
        let cases = [
            (json!({ "Softphone_Pop_Outcome__c": "a-much-longer-outcome-word" }), "STRING_TOO_LONG"),
            (json!({ "Softphone_Pop_Outcome__c": 1 }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Pop_Latency_Ms__c": 100_000_000 }), "NUMBER_OUTSIDE_VALID_RANGE"),
            (json!({ "Softphone_Pop_Latency_Ms__c": "12" }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Log_Attempts__c": 1.5 }), "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            (json!({ "Softphone_Log_Attempts__c": 10_000 }), "NUMBER_OUTSIDE_VALID_RANGE"),
        ];
        for (fields, code) in cases {
            assert_eq!(refusal(&task(fields.clone()), true).map(|r| r.0), Some(code), "{fields}");
        }
    }
}
