//! The softphone's typed settings, read from the flat map `getCallCenterSettings` returns.
//! No dependencies and no XML: this part ships inside the browser app.

use std::collections::BTreeMap;
use std::fmt;

pub use crate::ice::{IceServer, IceSettings, IceTransportPolicy};
use crate::ice::IceItems;

/// `"/section/item" -> value`, as `sforce.opencti.getCallCenterSettings` returns it.
pub type SettingsMap = BTreeMap<String, String>;

/// Our own section in the Call Center definition.
pub const SECTION: &str = "rustSoftphone";

/// What the softphone needs from the Call Center definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftphoneSettings {
    /// `reqInternalName`.
    pub internal_name: String,
    /// `reqDisplayName`.
    pub display_name: String,
    /// `reqAdapterUrl`.
    pub adapter_url: String,
    /// PBX WebSocket URLs (`ws://` or `wss://`), tried in this order.
    pub pbx_urls: Vec<String>,
    /// The SIP domain agents register in.
    pub sip_domain: String,
    /// STUN/TURN servers, their credentials and the ICE policy; empty on a LAN or loopback.
    pub ice: IceSettings,
    /// The Lightning Open CTI API version, e.g. `62.0`.
    pub opencti_api_version: String,
    /// Seconds a registration lasts before it is refreshed.
    pub register_expires: u32,
    /// Wrap-up dispositions offered after a call.
    pub dispositions: Vec<String>,
    /// `reqDialingOptions`.
    pub dialing: DialingOptions,
}

/// The standard dialing options of a Call Center.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DialingOptions {
    /// Dialled first to get an outside line, e.g. `9`.
    pub outside_prefix: String,
    /// Dialled before a long-distance number, e.g. `1`.
    pub long_distance_prefix: String,
    /// Dialled before a foreign country code, e.g. `011`.
    pub international_prefix: String,
}

/// One setting that is missing or wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    /// The setting, e.g. `/rustSoftphone/sipDomain`.
    pub key: String,
    /// What is wrong, in words an admin can act on.
    pub message: String,
}

/// Every problem found in the settings, not just the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    /// The problems, in the order the settings are read.
    pub problems: Vec<SettingProblem>,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: {}", p.key, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsError {}

/// Default `registerExpires`, in seconds.
pub const DEFAULT_REGISTER_EXPIRES: u32 = 600;
/// Default Open CTI API version.
pub const DEFAULT_API_VERSION: &str = "62.0";

impl SoftphoneSettings {
    /// Reads and checks the settings; fails with every problem found.
    pub fn from_map(map: &SettingsMap) -> Result<SoftphoneSettings, SettingsError> {
        let mut r = Reader { map, problems: Vec::new() };
        let settings = SoftphoneSettings {
            internal_name: r.required("/reqGeneralInfo/reqInternalName"),
            display_name: r.required("/reqGeneralInfo/reqDisplayName"),
            adapter_url: r.required("/reqGeneralInfo/reqAdapterUrl"),
            pbx_urls: r.pbx_urls(),
            sip_domain: r.sip_domain(),
            ice: r.ice(),
            opencti_api_version: r.api_version(),
            register_expires: r.register_expires(),
            dispositions: list(r.get(&key("wrapUpDispositions"))),
            dialing: DialingOptions {
                outside_prefix: r.digits("/reqDialingOptions/reqOutsidePrefix"),
                long_distance_prefix: r.digits("/reqDialingOptions/reqLongDistPrefix"),
                international_prefix: r.digits("/reqDialingOptions/reqInternationalPrefix"),
            },
        };
        if r.problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError { problems: r.problems })
        }
    }
}

/// `/rustSoftphone/{item}`.
pub fn key(item: &str) -> String {
    format!("/{SECTION}/{item}")
}

/// Comma-separated values, trimmed, empty ones dropped.
fn list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

struct Reader<'a> {
    map: &'a SettingsMap,
    problems: Vec<SettingProblem>,
}

impl Reader<'_> {
    fn get(&self, key: &str) -> &str {
        self.map.get(key).map(|v| v.trim()).unwrap_or("")
    }

    fn problem(&mut self, key: &str, message: String) {
        self.problems.push(SettingProblem { key: key.to_owned(), message });
    }

    fn required(&mut self, key: &str) -> String {
        let value = self.get(key).to_owned();
        if value.is_empty() {
            self.problem(key, "is missing; the Call Center definition must set it".into());
        }
        value
    }

    fn pbx_urls(&mut self) -> Vec<String> {
        let k = key("pbxWebSocketUrls");
        let urls = list(self.get(&k));
        if urls.is_empty() {
            self.problem(&k, "is missing: list the PBX's WebSocket URLs, e.g. wss://pbx.example.com:8443".into());
        }
        for url in &urls {
            let host = url.strip_prefix("wss://").or_else(|| url.strip_prefix("ws://"));
            if host.is_none_or(|h| h.is_empty() || h.starts_with('/') || h.contains(char::is_whitespace)) {
                self.problem(&k, format!("{url:?} is not a ws:// or wss:// URL"));
            }
        }
        urls
    }

    fn sip_domain(&mut self) -> String {
        let k = key("sipDomain");
        let domain = self.required(&k);
        // It lands in SIP URIs: only host characters (names, IPv4, bracketed IPv6).
        let ok = domain.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        if !domain.is_empty() && !ok {
            self.problem(&k, format!("{domain:?} is not a host name or IP address"));
        }
        domain
    }

    fn ice(&mut self) -> IceSettings {
        let values = ["iceServers", "turnUsername", "turnCredential", "turnCredentialsUrl", "iceTransportPolicy"].map(|item| self.get(&key(item)).to_owned());
        let [urls, username, credential, credentials_url, policy] = &values;
        let (ice, problems) = crate::ice::read(&IceItems { urls, username, credential, credentials_url, policy });
        for p in problems {
            self.problem(&key(p.item), p.message);
        }
        ice
    }

    fn api_version(&mut self) -> String {
        let k = key("openCtiApiVersion");
        let v = self.get(&k).to_owned();
        if v.is_empty() {
            return DEFAULT_API_VERSION.to_owned();
        }
        let major = v.strip_suffix(".0").and_then(|m| m.parse::<u32>().ok());
        if major.is_none_or(|m| m < 38) {
            let message = format!("{v:?} is not a Lightning Open CTI version (38.0 or later, like {DEFAULT_API_VERSION})");
            self.problem(&k, message);
        }
        v
    }

    fn register_expires(&mut self) -> u32 {
        let k = key("registerExpires");
        let v = self.get(&k).to_owned();
        if v.is_empty() {
            return DEFAULT_REGISTER_EXPIRES;
        }
        match v.parse::<u32>() {
            Ok(s) if (60..=86_400).contains(&s) => s,
            _ => {
                self.problem(&k, format!("{v:?} is not a number of seconds between 60 and 86400"));
                DEFAULT_REGISTER_EXPIRES
            }
        }
    }

    fn digits(&mut self, key: &str) -> String {
        let v = self.get(key).to_owned();
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            self.problem(key, format!("{v:?} must be digits only (or empty)"));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn development() -> SettingsMap {
        [
            ("/reqGeneralInfo/reqInternalName", "RustSoftphoneDev"),
            ("/reqGeneralInfo/reqDisplayName", "Rust Softphone"),
            ("/reqGeneralInfo/reqAdapterUrl", "http://127.0.0.1:8701/"),
            ("/reqDialingOptions/reqOutsidePrefix", ""),
            ("/reqDialingOptions/reqLongDistPrefix", "1"),
            ("/reqDialingOptions/reqInternationalPrefix", "011"),
            ("/rustSoftphone/pbxWebSocketUrls", "wss://a.example.com:8443, ws://127.0.0.1:8080"),
            ("/rustSoftphone/sipDomain", "pbx.example.com"),
            ("/rustSoftphone/iceServers", "stun:stun.example.com:3478"),
            ("/rustSoftphone/wrapUpDispositions", "Resolved, Callback requested,,"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_complete_definition_gives_typed_settings_with_defaults() {
        let s = SoftphoneSettings::from_map(&development()).expect("valid");
        assert_eq!(s.pbx_urls, ["wss://a.example.com:8443", "ws://127.0.0.1:8080"]);
        assert_eq!(s.sip_domain, "pbx.example.com");
        assert_eq!(s.ice.servers.iter().map(|x| x.urls.clone()).collect::<Vec<_>>(), [["stun:stun.example.com:3478"]]);
        assert_eq!(s.dispositions, ["Resolved", "Callback requested"]);
        assert_eq!(s.register_expires, 600);
        assert_eq!(s.opencti_api_version, "62.0");
        assert_eq!(s.dialing.international_prefix, "011");
        assert_eq!(s.dialing.outside_prefix, "");
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let mut map = development();
        map.insert("/rustSoftphone/pbxWebSocketUrls".into(), "http://pbx.example.com".into());
        map.insert("/rustSoftphone/sipDomain".into(), "pbx.example.com>;evil".into());
        map.insert("/rustSoftphone/registerExpires".into(), "10".into());
        map.insert("/rustSoftphone/openCtiApiVersion".into(), "20.0".into());
        map.insert("/reqDialingOptions/reqOutsidePrefix".into(), "9#".into());
        map.remove("/reqGeneralInfo/reqAdapterUrl");
        let err = SoftphoneSettings::from_map(&map).expect_err("invalid");
        let keys: Vec<&str> = err.problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "/reqGeneralInfo/reqAdapterUrl",
                "/rustSoftphone/pbxWebSocketUrls",
                "/rustSoftphone/sipDomain",
                "/rustSoftphone/openCtiApiVersion",
                "/rustSoftphone/registerExpires",
                "/reqDialingOptions/reqOutsidePrefix",
            ]
        );
        assert!(err.to_string().contains("/rustSoftphone/pbxWebSocketUrls: \"http://pbx.example.com\" is not a ws:// or wss:// URL"));
    }

    #[test]
    fn no_pbx_at_all_says_what_to_add() {
        let mut map = development();
        map.remove("/rustSoftphone/pbxWebSocketUrls");
        let err = SoftphoneSettings::from_map(&map).expect_err("invalid");
        assert!(err.to_string().contains("list the PBX's WebSocket URLs"));
    }
}
