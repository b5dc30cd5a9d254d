//! A Salesforce Voice (Partner Telephony) contact center's settings, as the connector reads them
//! from its `init(config)`: the same `/section/item` map as an Open CTI Call Center's, with the
//! vendor's ConversationVendorInfo instead of an adapter URL, and the VoiceCall service the
//! connector asks for each inbound call's VoiceCall.

use std::fmt;

use crate::settings::{key, ReadSettings, SettingProblem, SettingsError, SoftphoneSettings};
use crate::SettingsMap;

/// `/rustSoftphone/voiceCallServiceUrl`: the VoiceCall service's lookup address.
pub const VOICE_CALL_SERVICE_ITEM: &str = "voiceCallServiceUrl";
/// `/reqGeneralInfo/reqVendorInfoApiName`: the ConversationVendorInfo the contact center uses.
pub const VENDOR_INFO_KEY: &str = "/reqGeneralInfo/reqVendorInfoApiName";
/// Items of an Open CTI definition a contact center has no use for (Salesforce loads the
/// connector from the ConversationVendorInfo, and there is no Open CTI script).
const OPEN_CTI_ONLY: [&str; 2] = ["/reqGeneralInfo/reqAdapterUrl", "/rustSoftphone/openCtiApiVersion"];

/// What the connector runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectorSettings {
    /// The phone's settings (PBX, SIP domain, ICE, dialing, calls at once...).
    pub phone: SoftphoneSettings,
    /// `https://host[:port]` of the VoiceCall service's lookups (plain `http` on loopback only).
    pub voice_call_service: String,
}

/// The settings and what was wrong with optional items (as [`ReadSettings`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadConnectorSettings {
    pub settings: ConnectorSettings,
    pub problems: Vec<SettingProblem>,
}

impl ConnectorSettings {
    /// Reads a contact center's settings; fails like [`SoftphoneSettings::from_map`], and also
    /// without a usable VoiceCall service address (no inbound call could be shown).
    pub fn from_map(map: &SettingsMap) -> Result<ReadConnectorSettings, SettingsError> {
        let service_key = key(VOICE_CALL_SERVICE_ITEM);
        let service = map.get(&service_key).map(|v| v.trim().trim_end_matches('/').to_owned()).unwrap_or_default();
        let service_problem = match service_origin(&service) {
            Ok(()) => None,
            Err(why) => Some(SettingProblem { key: service_key, message: why.to_string() }),
        };
        let read = SoftphoneSettings::from_map(map);
        let keep = |p: &SettingProblem| !OPEN_CTI_ONLY.contains(&p.key.as_str());
        match (read, service_problem) {
            (Ok(ReadSettings { settings, problems }), None) => Ok(ReadConnectorSettings {
                settings: ConnectorSettings { phone: settings, voice_call_service: service },
                problems: problems.into_iter().filter(keep).collect(),
            }),
            (Ok(ReadSettings { problems, .. }), Some(p)) | (Err(SettingsError { problems }), Some(p)) => {
                Err(SettingsError { problems: problems.into_iter().filter(keep).chain(std::iter::once(p)).collect() })
            }
            (Err(SettingsError { problems }), None) => Err(SettingsError { problems: problems.into_iter().filter(keep).collect() }),
        }
    }
}

/// Why a VoiceCall service address cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceUrlError {
    Missing,
    NotAnOrigin(String),
}

impl fmt::Display for ServiceUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceUrlError::Missing => f.write_str("is missing: give the VoiceCall service's address, e.g. https://voicecall.example.com:7443"),
            ServiceUrlError::NotAnOrigin(url) => write!(f, "{url:?} is not https://host[:port] (plain http only on loopback)"),
        }
    }
}

/// Checks a VoiceCall service address: an origin, `https`, or `http` on loopback.
pub fn service_origin(url: &str) -> Result<(), ServiceUrlError> {
    if url.is_empty() {
        return Err(ServiceUrlError::Missing);
    }
    let bad = || ServiceUrlError::NotAnOrigin(url.to_owned());
    let (scheme, authority) = url.split_once("://").ok_or_else(bad)?;
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() { h } else { "" });
    let label = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !host.split('.').all(label) {
        return Err(bad());
    }
    match scheme {
        "https" => Ok(()),
        "http" if host == "127.0.0.1" || host == "localhost" => Ok(()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact_center() -> SettingsMap {
        [
            ("/reqGeneralInfo/reqInternalName", "RustSoftphoneVoice"),
            ("/reqGeneralInfo/reqDisplayName", "Rust Softphone (Salesforce Voice)"),
            (VENDOR_INFO_KEY, "Rust_Softphone"),
            ("/rustSoftphone/pbxWebSocketUrls", "wss://pbx.example.com:8443"),
            ("/rustSoftphone/sipDomain", "pbx.example.com"),
            ("/rustSoftphone/voiceCallServiceUrl", "https://voicecall.example.com:7443/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_contact_center_needs_no_adapter_url_but_a_voice_call_service() {
        let read = ConnectorSettings::from_map(&contact_center()).expect("usable");
        assert_eq!(read.settings.voice_call_service, "https://voicecall.example.com:7443");
        assert_eq!(read.settings.phone.pbx_urls, ["wss://pbx.example.com:8443"]);
        assert!(read.problems.iter().all(|p| !p.key.contains("reqAdapterUrl")), "{:?}", read.problems);
        let mut without = contact_center();
        without.remove("/rustSoftphone/voiceCallServiceUrl");
        let error = ConnectorSettings::from_map(&without).expect_err("no service");
        assert_eq!(error.problems.last().map(|p| p.key.as_str()), Some("/rustSoftphone/voiceCallServiceUrl"));
    }

    #[test]
    fn service_addresses_are_https_origins_or_loopback() {
        assert!(service_origin("https://voicecall.example.com").is_ok());
        assert!(service_origin("http://127.0.0.1:7781").is_ok());
        for bad in ["http://voicecall.example.com", "https://voicecall.example.com/v1", "https://a b", "ftp://x", "https://x:y"] {
            assert_eq!(service_origin(bad), Err(ServiceUrlError::NotAnOrigin(bad.to_owned())), "{bad}");
        }
    }
}
