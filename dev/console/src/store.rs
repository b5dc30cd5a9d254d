//! What the stand-in remembers while it runs: the Call Center settings it hands the softphone,
//! every Open CTI call the page saw (for tests), and the Tasks `saveLog` created.

use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::credentials::{self, CredentialsOrg, Minting};
use crate::org_rules::{Fate, Org};

/// What the page needs from the Call Center definition.
pub struct Config {
    pub adapter_url: String,
    pub display_name: String,
    pub softphone_height: u32,
    pub softphone_width: u32,
    /// `getCallCenterSettings`: "/section/item" -> value.
    pub settings: callcenter::SettingsMap,
}

impl Config {
    /// Reads and checks a definition file the way Salesforce's import would.
    pub fn from_definition(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let definition = callcenter::Definition::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let settings = definition.settings_map();
        let get = |key: &str| settings.get(key).cloned().unwrap_or_default();
        let adapter_url = get("/reqGeneralInfo/reqAdapterUrl");
        if adapter_url.is_empty() {
            return Err(format!("{}: reqAdapterUrl is missing", path.display()));
        }
        Ok(Config {
            display_name: get("/reqGeneralInfo/reqDisplayName"),
            softphone_height: get("/reqGeneralInfo/reqSoftphoneHeight").parse().unwrap_or(460),
            softphone_width: get("/reqGeneralInfo/reqSoftphoneWidth").parse().unwrap_or(340),
            adapter_url,
            settings,
        })
    }
}

/// The stand-in's memory, shared by the server's threads.
pub struct Store {
    config: Config,
    calls: Mutex<Vec<Value>>,
    tasks: Mutex<Vec<Map<String, Value>>>,
    org: Mutex<Org>,
    /// Users, extensions and the secret record of the package's credentials service.
    credentials: Mutex<CredentialsOrg>,
    /// The development PBX's secret, the secret record's value after a reset.
    sip_secret: Option<String>,
    /// Whether the org has the softphone package at start and after a reset (`--package`).
    package: bool,
}

impl Store {
    pub fn new(config: Config, sip_secret: Option<String>, package: bool) -> Store {
        Store {
            config,
            calls: Mutex::new(Vec::new()),
            tasks: Mutex::new(Vec::new()),
            org: Mutex::new(Org::with_package(package)),
            package,
            credentials: Mutex::new(CredentialsOrg::new(sip_secret.clone())),
            sip_secret,
        }
    }

    pub fn config_json(&self) -> String {
        let c = &self.config;
        json!({
            "adapterUrl": c.adapter_url,
            "displayName": c.display_name,
            "softphoneHeight": c.softphone_height,
            "softphoneWidth": c.softphone_width,
            "settings": c.settings,
        })
        .to_string()
    }

    pub fn record_call(&self, body: &[u8]) -> Result<(), String> {
        let call: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
        lock(&self.calls).push(call);
        Ok(())
    }

    pub fn calls_json(&self) -> String {
        Value::Array(lock(&self.calls).clone()).to_string()
    }

    pub fn tasks_json(&self) -> String {
        Value::Array(lock(&self.tasks).iter().cloned().map(Value::Object).collect()).to_string()
    }

    /// Creates a Task, or updates the one whose `Id` is given, as `saveLog` does.
    /// Answers `{"Id": ...}` or `{"error": ...}`.
    pub fn save_task(&self, body: &[u8]) -> String {
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
            return json!({ "error": "saveLog needs an object" }).to_string();
        };
        if fields.remove("entityApiName") != Some(Value::String("Task".into())) {
            return json!({ "error": "this org only logs calls as Task records" }).to_string();
        }
        if let Some((code, message)) = lock(&self.org).refusal(&fields, fields.contains_key("Id")) {
            return json!({ "error": message, "code": code }).to_string();
        }
        let mut tasks = lock(&self.tasks);
        match fields.get("Id").and_then(Value::as_str).map(str::to_owned) {
            Some(id) => match tasks.iter_mut().find(|t| t.get("Id").and_then(Value::as_str) == Some(&id)) {
                Some(task) => {
                    task.extend(fields);
                    json!({ "Id": id }).to_string()
                }
                None => json!({ "error": format!("no Task with Id {id}") }).to_string(),
            },
            None => {
                // Salesforce Task Ids start with 00T and are 18 characters long.
                let id = format!("00T{:015}", tasks.len() + 1);
                fields.insert("Id".into(), Value::String(id.clone()));
                tasks.push(fields);
                json!({ "Id": id }).to_string()
            }
        }
    }

    pub fn reset(&self) {
        lock(&self.calls).clear();
        lock(&self.tasks).clear();
        *lock(&self.org) = Org::with_package(self.package);
        *lock(&self.credentials) = CredentialsOrg::new(self.sip_secret.clone());
    }

    pub fn org_json(&self) -> String {
        let mut org = lock(&self.org).to_json();
        if let (Some(all), Value::Object(ours)) = (org.as_object_mut(), lock(&self.credentials).to_json()) {
            all.extend(ours);
        }
        org.to_string()
    }

    /// Applies the org settings given: the credentials service's to it, the rest to the org's
    /// call-log rules. Nothing changes when any setting is refused.
    pub fn update_org(&self, body: &[u8]) -> Result<(), String> {
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
            return Err("POST /__standin/org takes a JSON object".into());
        };
        let ours: Map<String, Value> = credentials::SETTINGS.iter().filter_map(|k| fields.remove(*k).map(|v| ((*k).to_owned(), v))).collect();
        let mut org = lock(&self.org);
        let mut creds = lock(&self.credentials);
        let (mut new_org, mut new_creds) = (org.clone(), creds.clone());
        new_org.update(Value::Object(fields).to_string().as_bytes())?;
        new_creds.update(&ours)?;
        (*org, *creds) = (new_org, new_creds);
        Ok(())
    }

    /// runApex `SoftphoneCredentials.mint` as stand-in user `user` (the page posts
    /// `{"user": ...}`): `{"installed": false}` without the package, else the Apex answer
    /// (`answer`, a JSON string), the exception it threw (`failed`), or none (`silent`).
    pub fn mint(&self, body: &[u8], now_s: i64) -> String {
        if !lock(&self.org).package_installed {
            return json!({ "installed": false }).to_string();
        }
        let asked: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let user = asked.get("user").and_then(Value::as_str).unwrap_or("");
        match lock(&self.credentials).run(user, now_s) {
            Minting::Answer(answer) => json!({ "installed": true, "answer": answer }).to_string(),
            Minting::Failed(failed) => json!({ "installed": true, "failed": failed }).to_string(),
            Minting::Silent => json!({ "installed": true, "silent": true }).to_string(),
        }
    }

    /// What the org does with the next saveLog (faults set by tests).
    pub fn next_fate(&self) -> Fate {
        lock(&self.org).next_fate()
    }

    /// `SoftphoneCallLog.userTimeZone`: the signed-in user's time zone. Answers
    /// `{"installed": false}` when the package is not installed.
    /// The `LanguageLocaleKey` of the org's users, as the Visualforce page renders it.
    pub fn user_language(&self) -> String {
        lock(&self.org).language.clone()
    }

    pub fn user_time_zone(&self) -> String {
        let org = lock(&self.org);
        if !org.package_installed {
            return json!({ "installed": false }).to_string();
        }
        json!({ "installed": true, "zone": org.time_zone }).to_string()
    }

    /// `SoftphoneCallLog.findTaskByCallObject`: the Id of the Task with this CallObject, or "".
    /// Answers `{"installed": false}` when the package is not installed.
    pub fn find_task_by_call_object(&self, call_object: &[u8]) -> String {
        if !lock(&self.org).package_installed {
            return json!({ "installed": false }).to_string();
        }
        // The page posts the Call-ID as a JSON string.
        let call_object: String = serde_json::from_slice(call_object).unwrap_or_default();
        let tasks = lock(&self.tasks);
        let found = tasks.iter().find(|t| !call_object.is_empty() && t.get("CallObject").and_then(Value::as_str) == Some(call_object.as_str()));
        let id = found.and_then(|t| t.get("Id")).and_then(Value::as_str).unwrap_or("");
        json!({ "installed": true, "id": id }).to_string()
    }
}

/// A poisoned lock only means another request thread panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::new(Config {
            adapter_url: "http://127.0.0.1:8701/".into(),
            display_name: "Phone".into(),
            softphone_height: 460,
            softphone_width: 340,
            settings: Default::default(),
        }, None, false)
    }

    #[test]
    fn save_log_creates_then_updates_a_task() {
        let s = store();
        let created = s.save_task(br#"{"entityApiName":"Task","Subject":"Call","CallType":"Outbound"}"#);
        assert_eq!(created, r#"{"Id":"00T000000000000001"}"#);
        let updated = s.save_task(br#"{"entityApiName":"Task","Id":"00T000000000000001","CallDisposition":"Resolved"}"#);
        assert_eq!(updated, created);
        let tasks: Value = serde_json::from_str(&s.tasks_json()).unwrap();
        assert_eq!(tasks[0]["CallDisposition"], "Resolved");
        assert_eq!(tasks[0]["Subject"], "Call");
        assert_eq!(tasks.as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn save_log_refuses_what_salesforce_would() {
        let s = store();
        assert!(s.save_task(b"[1]").contains("error"));
        assert!(s.save_task(br#"{"entityApiName":"Account","Name":"x"}"#).contains("error"));
        assert!(s.save_task(br#"{"entityApiName":"Task","Id":"00T000000000000099"}"#).contains("no Task"));
        assert!(s.save_task(br#"{"entityApiName":"Task","Id":"00Tnope"}"#).contains("MALFORMED_ID"));
        assert_eq!(s.tasks_json(), "[]");
    }
}
