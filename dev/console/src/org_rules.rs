//! How the stand-in org behaves when the softphone logs calls, set by tests through
//! `POST /__standin/org` (and read by the page through `GET /__standin/org`):
//! - whether the softphone package (Apex class `SoftphoneCallLog`) is installed;
//! - objects whose records cannot have activities (a WhatId on them is refused with
//!   FIELD_INTEGRITY_EXCEPTION, as Salesforce does), and a restricted CallDisposition picklist;
//! - the language of its users (`userLanguage`, their `LanguageLocaleKey`, spelled as Salesforce
//!   spells it), which the org's Visualforce page passes to the phone;
//! - faults: the next N saveLog calls fail, or land late (the Task is made after a delay, and the
//!   answer comes then or never), or a seeded share of all saveLog calls does either.

use serde_json::{json, Value};

/// The values of `User.LanguageLocaleKey` for the languages Salesforce fully supports and its
/// end-user languages ("Supported Languages", Salesforce Help): an org accepts no other
/// spelling (`fr_FR`, `pt-BR` and `FR` are refused, as the User object refuses them).
pub const LANGUAGE_KEYS: [&str; 35] = [
    "zh_CN", "zh_TW", "da", "nl_NL", "en_US", "fi", "fr", "de", "it", "ja", "ko", "no", "pt_BR", "ru", "es", "es_MX", "sv", "th", // fully supported
    "ar", "bg", "hr", "cs", "en_GB", "el", "he", "hu", "in", "pl", "pt_PT", "ro", "sk", "sl", "tr", "uk", "vi", // end-user languages
];

fn language_key(value: &Value) -> Result<String, String> {
    value
        .as_str()
        .filter(|key| LANGUAGE_KEYS.contains(key))
        .map(str::to_owned)
        .ok_or_else(|| format!("userLanguage must be a LanguageLocaleKey as Salesforce spells it ({}), not {value}", LANGUAGE_KEYS.join(", ")))
}

/// What the org does with the next saveLog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Saved at once, answered at once.
    Normal,
    /// Refused with a passing error (the Task is not made).
    Fail,
    /// Saved after `delay_ms`; answered then if `answer`, else never.
    Late { delay_ms: u64, answer: bool },
}

/// The org's settings and faults.
#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    pub package_installed: bool,
    /// With the package: whether its version has the call-log Task fields (false: an earlier one).
    pub package_fields: bool,
    /// Object API names whose records cannot be a Task's WhatId.
    pub no_activities: Vec<String>,
    /// When set, the only CallDisposition values accepted.
    pub restricted_dispositions: Option<Vec<String>>,
    /// The time zone of the users signed in to this org (their Salesforce setting,
    /// TimeZoneSidKey), as the package's `SoftphoneCallLog.userTimeZone` answers it.
    pub time_zone: String,
    /// The language of the users signed in to this org (their Salesforce setting,
    /// `LanguageLocaleKey`: `en_US`, `fr`, `pt_BR`...), as `{!$User.LanguageLocaleKey}` renders.
    pub language: String,
    fail_next: u64,
    late_next: u64,
    late_ms: u64,
    late_answer: bool,
    fail_rate: f64,
    late_rate: f64,
    rng: u64,
    /// saveLog calls failed and made late so far, for tests to print.
    failed: u64,
    made_late: u64,
}

impl Default for Org {
    fn default() -> Self {
        Org {
            package_installed: false,
            package_fields: true,
            no_activities: Vec::new(),
            restricted_dispositions: None,
            time_zone: "America/Los_Angeles".into(),
            language: "en_US".into(),
            fail_next: 0,
            late_next: 0,
            late_ms: 12_000,
            late_answer: true,
            fail_rate: 0.0,
            late_rate: 0.0,
            rng: 1,
            failed: 0,
            made_late: 0,
        }
    }
}

impl Org {
    /// The org with its defaults, with or without the softphone package.
    pub fn with_package(package_installed: bool) -> Org {
        Org { package_installed, ..Org::default() }
    }

    /// Applies the fields given (others keep their value); unknown fields are refused.
    pub fn update(&mut self, body: &[u8]) -> Result<(), String> {
        let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
            return Err("POST /__standin/org takes a JSON object".into());
        };
        for (name, value) in fields {
            let number = || value.as_f64().ok_or(format!("{name} must be a number"));
            match name.as_str() {
                "packageInstalled" => self.package_installed = value.as_bool().ok_or("packageInstalled must be true or false")?,
                "packageFields" => self.package_fields = value.as_bool().ok_or("packageFields must be true or false")?,
                "noActivities" => self.no_activities = strings(&value).ok_or("noActivities must be a list of object names")?,
                "restrictedDispositions" => self.restricted_dispositions = if value.is_null() { None } else { Some(strings(&value).ok_or("restrictedDispositions must be a list")?) },
                "timeZone" => self.time_zone = value.as_str().ok_or("timeZone must be a time zone name, e.g. Pacific/Kiritimati")?.to_owned(),
                "userLanguage" => self.language = language_key(&value)?,
                "failNext" => self.fail_next = number()? as u64,
                "lateNext" => self.late_next = number()? as u64,
                "lateMs" => self.late_ms = number()? as u64,
                "lateAnswer" => self.late_answer = value.as_bool().ok_or("lateAnswer must be true or false")?,
                "failRate" => self.fail_rate = number()?.clamp(0.0, 1.0),
                "lateRate" => self.late_rate = number()?.clamp(0.0, 1.0),
                "seed" => self.rng = (number()? as u64).max(1),
                other => return Err(format!("unknown org setting {other}")),
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> Value {
        json!({
            "packageInstalled": self.package_installed,
            "packageFields": self.package_fields,
            "noActivities": self.no_activities,
            "restrictedDispositions": self.restricted_dispositions,
            "timeZone": self.time_zone,
            "userLanguage": self.language,
            "failNext": self.fail_next,
            "lateNext": self.late_next,
            "lateMs": self.late_ms,
            "lateAnswer": self.late_answer,
            "failRate": self.fail_rate,
            "lateRate": self.late_rate,
            "failed": self.failed,
            "late": self.made_late,
        })
    }

    /// Decides what happens to the next saveLog.
    pub fn next_fate(&mut self) -> Fate {
        let fate = self.draw_fate();
        match fate {
            Fate::Fail => self.failed += 1,
            Fate::Late { .. } => self.made_late += 1,
            Fate::Normal => {}
        }
        fate
    }

    fn draw_fate(&mut self) -> Fate {
        let late = Fate::Late { delay_ms: self.late_ms, answer: self.late_answer };
        if self.fail_next > 0 {
            self.fail_next -= 1;
            return Fate::Fail;
        }
        if self.late_next > 0 {
            self.late_next -= 1;
            return late;
        }
        let draw = self.random();
        if draw < self.fail_rate {
            Fate::Fail
        } else if draw < self.fail_rate + self.late_rate {
            late
        } else {
            Fate::Normal
        }
    }

    /// Why Salesforce would refuse these Task fields for good, as (code, message); `updating`
    /// for a saveLog with an Id.
    pub fn refusal(&self, task: &serde_json::Map<String, Value>, updating: bool) -> Option<(&'static str, String)> {
        // Each field as Task types it; the package's only with it (task_fields.rs).
        if let Some(refused) = crate::task_fields::refusal(task, self.package_installed && self.package_fields, updating) {
            return Some(refused);
        }
        if let Some(what) = task.get("WhatId").and_then(Value::as_str) {
            let object = object_of(what);
            if self.no_activities.iter().any(|o| o == object) {
                return Some(("FIELD_INTEGRITY_EXCEPTION", format!("What ID: id value of incorrect type: {what}")));
            }
        }
        if let (Some(allowed), Some(value)) = (&self.restricted_dispositions, task.get("CallDisposition").and_then(Value::as_str)) {
            if !allowed.iter().any(|a| a == value) {
                return Some(("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", format!("Call Result: bad value for restricted picklist field: {value}")));
            }
        }
        None
    }

    /// Uniform in [0, 1), from a seeded xorshift (reproducible fault runs).
    fn random(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// The object a Salesforce Id belongs to, from its key prefix (the stand-in's records only).
fn object_of(id: &str) -> &'static str {
    match id.get(..3) {
        Some("001") => "Account",
        Some("003") => "Contact",
        Some("00Q") => "Lead",
        Some("500") => "Case",
        Some("006") => "Opportunity",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_language_is_a_language_locale_key_spelled_as_salesforce_spells_it() {
        let mut org = Org::default();
        assert_eq!(org.language, "en_US");
        for key in ["fr", "de", "es", "ja", "pt_BR", "en_GB"] {
            org.update(format!(r#"{{"userLanguage":"{key}"}}"#).as_bytes()).unwrap();
            assert_eq!(org.language, key);
        }
        for wrong in [r#""pt-BR""#, r#""fr_FR""#, r#""FR""#, r#""en""#, "7"] {
            assert!(org.update(format!(r#"{{"userLanguage":{wrong}}}"#).as_bytes()).is_err(), "{wrong} is not a LanguageLocaleKey");
        }
        assert_eq!(org.language, "en_GB", "a refused value changes nothing");
    }

    #[test]
    fn counted_faults_come_first_then_the_seeded_shares() {
        let mut org = Org::default();
        org.update(br#"{"failNext":2,"lateNext":1,"lateMs":500,"lateAnswer":false}"#).unwrap();
        assert_eq!(org.next_fate(), Fate::Fail);
        assert_eq!(org.next_fate(), Fate::Fail);
        assert_eq!(org.next_fate(), Fate::Late { delay_ms: 500, answer: false });
        assert_eq!(org.next_fate(), Fate::Normal);
        org.update(br#"{"failRate":0.2,"lateRate":0.05,"seed":42}"#).unwrap();
        let fates: Vec<Fate> = (0..2000).map(|_| org.next_fate()).collect();
        let fails = fates.iter().filter(|f| **f == Fate::Fail).count();
        let lates = fates.iter().filter(|f| matches!(f, Fate::Late { .. })).count();
        assert!((300..500).contains(&fails), "about 20% fail: {fails}");
        assert!((60..140).contains(&lates), "about 5% late: {lates}");
    }

    #[test]
    fn a_what_id_on_an_object_without_activities_and_a_bad_picklist_value_are_refused() {
        let mut org = Org::default();
        org.update(br#"{"noActivities":["Account"],"restrictedDispositions":["Resolved"]}"#).unwrap();
        let task = |v: Value| v.as_object().cloned().unwrap();
        let refused = org.refusal(&task(json!({"WhatId":"001000000000001AAA"})), false);
        assert_eq!(refused.map(|r| r.0), Some("FIELD_INTEGRITY_EXCEPTION"));
        assert_eq!(org.refusal(&task(json!({"WhoId":"003000000000001AAA"})), false), None);
        let refused = org.refusal(&task(json!({"CallDisposition":"Wrong number"})), false);
        assert_eq!(refused.map(|r| r.0), Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"));
        assert!(org.update(br#"{"bogus":1}"#).is_err());
    }
}
