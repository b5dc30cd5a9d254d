//! The stand-in org's `SoftphoneCredentials.mint`, answering exactly as the package's Apex
//! class does (org/force-app/main/default/classes/SoftphoneCredentials.cls): the same JSON for
//! the same extension, secret record and time, checked against the vectors both share
//! (the static resource SoftphoneCredentialVectors). What the org holds, set by tests through
//! `POST /__standin/org`:
//! - `extensions`: each stand-in user's `Softphone_Extension__c` (users `agent1001` to
//!   `agent1010` have 1001 to 1010; `null` takes it away); the page's `?user=` names who is
//!   signed in to Salesforce (default `agent1001`);
//! - `secret`: the `Softphone_Secret__c` record, `{sip, turn, lifetimeS}` (sip from
//!   `--sip-secret-file`, the development PBX's secret);
//! - faults: `clockSkewS` (the org's clock is that far off the PBX's), `mintFailNext` (the next
//!   N calls fail as an Apex exception would), `mintSilentNext` (the next N are never answered,
//!   as when Salesforce does not answer runApex).

use std::collections::BTreeMap;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha1::Sha1;

/// As the Apex class: the lifetime when the record leaves it empty, and its bounds.
pub const DEFAULT_LIFETIME_S: i64 = 3600;
pub const MIN_LIFETIME_S: i64 = 60;
pub const MAX_LIFETIME_S: i64 = 86_400;

/// The names `POST /__standin/org` takes for this part of the org.
pub const SETTINGS: [&str; 5] = ["extensions", "secret", "clockSkewS", "mintFailNext", "mintSilentNext"];

/// The `Softphone_Secret__c` record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecretRecord {
    pub sip: Option<String>,
    pub turn: Option<String>,
    pub lifetime_s: Option<i64>,
}

/// What `mint()` answers at `now_s` (Unix seconds) to a user whose extension is `extension`.
pub fn mint(extension: Option<&str>, secret: &SecretRecord, now_s: i64) -> Value {
    let Some(extension) = extension.filter(|e| !e.trim().is_empty()) else { return json!({ "error": "no-extension" }) };
    if !is_sip_user(extension) {
        return json!({ "error": "bad-extension" });
    }
    let Some(sip) = secret.sip.as_deref().filter(|s| !s.trim().is_empty()) else { return json!({ "error": "not-configured" }) };
    let ttl = secret.lifetime_s.map_or(DEFAULT_LIFETIME_S, |l| l.clamp(MIN_LIFETIME_S, MAX_LIFETIME_S));
    let expires = now_s + ttl;
    let mut answer = json!({ "extension": extension, "expires": expires, "ttl": ttl, "sip": credential(sip, expires, extension) });
    if let Some(turn) = secret.turn.as_deref().filter(|s| !s.trim().is_empty()) {
        answer["turn"] = credential(turn, expires, extension);
    }
    answer
}

/// `EXPIRES:USER`, the user name auth_ephemeral and TURN REST expect.
pub fn username(expires: i64, user: &str) -> String {
    format!("{expires}:{user}")
}

/// base64(HMAC-SHA1(secret, username)).
pub fn password(secret: &str, username: &str) -> String {
    // HMAC takes a key of any length: new_from_slice cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// As the Apex class: letters, digits, '.', '_', '-' and '+', at most 64.
fn is_sip_user(user: &str) -> bool {
    !user.is_empty() && user.len() <= 64 && user.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
}

fn credential(secret: &str, expires: i64, user: &str) -> Value {
    let name = username(expires, user);
    json!({ "username": name, "password": password(secret, &name) })
}

/// The org's users, their extensions, the secret record and the faults.
#[derive(Clone, Debug)]
pub struct CredentialsOrg {
    extensions: BTreeMap<String, String>,
    secret: SecretRecord,
    clock_skew_s: i64,
    mint_fail_next: u64,
    mint_silent_next: u64,
}

/// What runApex `SoftphoneCredentials.mint` comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Minting {
    /// The Apex answer: a JSON string, as `JSON.serialize` returns it.
    Answer(String),
    /// The exception the Apex threw.
    Failed(String),
    /// No answer at all.
    Silent,
}

impl CredentialsOrg {
    /// Users agent1001 to agent1010 with their extensions, and the development secret.
    pub fn new(sip_secret: Option<String>) -> CredentialsOrg {
        let extensions = (1001..=1010).map(|n| (format!("agent{n}"), n.to_string())).collect();
        CredentialsOrg { extensions, secret: SecretRecord { sip: sip_secret, turn: None, lifetime_s: None }, clock_skew_s: 0, mint_fail_next: 0, mint_silent_next: 0 }
    }

    /// Applies the settings of [`SETTINGS`] found in `fields` (others are not this part's).
    pub fn update(&mut self, fields: &Map<String, Value>) -> Result<(), String> {
        if let Some(value) = fields.get("extensions") {
            let Value::Object(changes) = value else { return Err("extensions must map user names to extensions (or null)".into()) };
            for (user, extension) in changes {
                match extension {
                    Value::Null => self.extensions.remove(user),
                    Value::String(e) => self.extensions.insert(user.clone(), e.clone()),
                    _ => return Err(format!("extensions.{user} must be text or null")),
                };
            }
        }
        if let Some(value) = fields.get("secret") {
            let text = |name: &str| match value.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("secret.{name} must be text or null")),
            };
            let lifetime_s = match value.get("lifetimeS") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().ok_or("secret.lifetimeS must be a whole number of seconds")?),
            };
            self.secret = SecretRecord { sip: text("sip")?, turn: text("turn")?, lifetime_s };
        }
        if let Some(value) = fields.get("clockSkewS") {
            self.clock_skew_s = value.as_i64().ok_or("clockSkewS must be a whole number of seconds")?;
        }
        if let Some(value) = fields.get("mintFailNext") {
            self.mint_fail_next = value.as_u64().ok_or("mintFailNext must be a count")?;
        }
        if let Some(value) = fields.get("mintSilentNext") {
            self.mint_silent_next = value.as_u64().ok_or("mintSilentNext must be a count")?;
        }
        Ok(())
    }

    /// The settings as `GET /__standin/org` shows them: never a secret.
    pub fn to_json(&self) -> Value {
        json!({
            "extensions": self.extensions,
            "secretSet": { "sip": self.secret.sip.is_some(), "turn": self.secret.turn.is_some() },
            "lifetimeS": self.secret.lifetime_s,
            "clockSkewS": self.clock_skew_s,
            "mintFailNext": self.mint_fail_next,
            "mintSilentNext": self.mint_silent_next,
        })
    }

    /// runApex `SoftphoneCredentials.mint` for `user`, at `now_s` on the PBX's clock (faults
    /// first).
    pub fn run(&mut self, user: &str, now_s: i64) -> Minting {
        if self.mint_silent_next > 0 {
            self.mint_silent_next -= 1;
            return Minting::Silent;
        }
        if self.mint_fail_next > 0 {
            self.mint_fail_next -= 1;
            return Minting::Failed("System.LimitException: Apex CPU time limit exceeded".into());
        }
        Minting::Answer(mint(self.extensions.get(user).map(String::as_str), &self.secret, now_s + self.clock_skew_s).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = include_str!("../../../org/force-app/main/default/staticresources/SoftphoneCredentialVectors.json");

    fn vectors() -> Vec<Value> {
        let file: Value = serde_json::from_str(VECTORS).expect("the shared vectors are JSON");
        file["vectors"].as_array().cloned().expect("a vectors list")
    }

    #[test]
    fn derives_every_credential_of_the_shared_vectors() {
        let all = vectors();
        assert!(all.len() >= 5);
        for v in all {
            let name = username(v["expires"].as_i64().expect("expires"), v["user"].as_str().expect("user"));
            assert_eq!(name, v["username"], "{}", v["case"]);
            assert_eq!(password(v["secret"].as_str().expect("secret"), &name), v["password"], "{}", v["case"]);
        }
    }

    #[test]
    fn mints_the_first_vector_for_its_user_and_time_as_the_apex_answers() {
        let first = &vectors()[0];
        let expires = first["expires"].as_i64().expect("expires");
        let secret = SecretRecord { sip: first["secret"].as_str().map(str::to_owned), turn: Some("turn-secret".into()), lifetime_s: Some(3600) };
        let answer = mint(first["user"].as_str(), &secret, expires - 3600);
        assert_eq!(answer["sip"]["username"], first["username"]);
        assert_eq!(answer["sip"]["password"], first["password"]);
        assert_eq!(answer["expires"], expires);
        assert_eq!(answer["ttl"], 3600);
        assert_eq!(answer["turn"]["username"], first["username"]);
        assert_eq!(answer["turn"]["password"], password("turn-secret", &username(expires, "1001")));
        let keys: Vec<&String> = answer.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["expires", "extension", "sip", "ttl", "turn"]);
    }

    #[test]
    fn refuses_as_the_apex_does() {
        let secret = SecretRecord { sip: Some("s".into()), ..SecretRecord::default() };
        assert_eq!(mint(None, &secret, 0), json!({ "error": "no-extension" }));
        assert_eq!(mint(Some(" "), &secret, 0), json!({ "error": "no-extension" }));
        assert_eq!(mint(Some("1001>;x"), &secret, 0), json!({ "error": "bad-extension" }));
        assert_eq!(mint(Some("1001"), &SecretRecord::default(), 0), json!({ "error": "not-configured" }));
        assert!(mint(Some("1001"), &secret, 0).get("turn").is_none(), "no TURN secret, no TURN credential");
        let ttl = |lifetime_s| mint(Some("1001"), &SecretRecord { lifetime_s, ..secret.clone() }, 0)["ttl"].clone();
        assert_eq!((ttl(Some(5)), ttl(Some(999_999)), ttl(None)), (json!(60), json!(86_400), json!(3600)));
    }

    #[test]
    fn each_user_gets_their_own_extension_and_tests_can_move_them() {
        let mut org = CredentialsOrg::new(Some("dev".into()));
        let extension = |org: &mut CredentialsOrg, user: &str| {
            let Minting::Answer(text) = org.run(user, 1_000) else { panic!("an answer") };
            let answer: Value = serde_json::from_str(&text).expect("JSON");
            answer.get("extension").cloned().unwrap_or_else(|| answer["error"].clone())
        };
        assert_eq!(extension(&mut org, "agent1001"), "1001");
        assert_eq!(extension(&mut org, "agent1002"), "1002");
        assert_eq!(extension(&mut org, "somebody"), "no-extension");
        let fields = json!({ "extensions": { "agent1001": "1004", "agent1002": null }, "mintFailNext": 1, "mintSilentNext": 1 });
        org.update(fields.as_object().expect("object")).expect("accepted");
        assert_eq!(org.run("agent1001", 1_000), Minting::Silent, "the faults first");
        assert!(matches!(org.run("agent1001", 1_000), Minting::Failed(_)));
        assert_eq!(extension(&mut org, "agent1001"), "1004");
        assert_eq!(extension(&mut org, "agent1002"), "no-extension");
        assert!(!org.to_json().to_string().contains("\"dev\""), "the settings never show the secret");
    }
}
