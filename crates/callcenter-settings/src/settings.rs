//! The softphone's typed settings, read from the flat map `getCallCenterSettings` returns.
//! No dependencies and no XML: this part ships inside the browser app.
//! A problem quotes the value as it was given ("\"{v}\"", not `{v:?}`): `str`'s Debug escaping
//! and the Unicode tables it needs would cost the download 2 KB for values an admin typed.

use std::collections::BTreeMap;
use std::fmt;

pub use crate::credentials::CredentialSource;
pub use crate::ice::{IceServer, IceSettings, IceTransportPolicy};
use crate::ice::IceItems;
use crate::trunk::{self, AudioCodec, NumberFormat};

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
    /// Where agents' SIP credentials come from (`credentials`, `passwordFallback`).
    pub credentials: CredentialSource,
    /// STUN/TURN servers, their credentials and the ICE policy; empty on a LAN or loopback.
    pub ice: IceSettings,
    /// The Lightning Open CTI API version the definition was written for, e.g. `62.0`. The
    /// phone loads the script version named by the adapter URL's `apiVersion` (it must know it
    /// before any setting can be read); `callcenter validate` warns when the two disagree.
    pub opencti_api_version: String,
    /// Seconds a registration lasts before it is refreshed.
    pub register_expires: u32,
    /// Wrap-up dispositions offered after a call.
    pub dispositions: Vec<String>,
    /// Seconds of wrap-up before it completes by itself (`wrapUpSeconds`); `None`: wrap-up
    /// waits for the agent.
    pub wrap_up_seconds: Option<u32>,
    /// How many calls an agent may have at once (`maxCalls`, 1-4): with 2, a second caller
    /// rings as a call waiting and the agent can consult a colleague; with 1, a caller during
    /// a call hears busy.
    pub max_calls: usize,
    /// Whether the phone calls the number a far end asks it to (their REFER,
    /// `followTransferRequests`). Off by default: a customer's phone could send the agent's
    /// line anywhere.
    pub follow_transfer_requests: bool,
    /// `reqDialingOptions`.
    pub dialing: DialingOptions,
    /// The org's home country, ISO 3166-1 alpha-2 in upper case (e.g. `GB`): how numbers
    /// written without a country code are read.
    pub home_country: String,
    /// The form outside numbers are handed to the PBX in (`trunkNumberFormat`).
    pub number_format: NumberFormat,
    /// The codecs the phone prefers, most preferred first (`audioCodecs`); empty: the
    /// browser's own order.
    pub audio_codecs: Vec<AudioCodec>,
    /// The PBX's echo test (`echoTestNumber`): what the pre-flight check dials, as written; it
    /// answers and sends back what it hears. `None`: the PBX offers none.
    pub echo_test_number: Option<String>,
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

/// Settings the phone can run with, and what was wrong in the definition: each bad optional
/// item is replaced by its default (or left out of its list) and reported here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadSettings {
    /// What the phone uses.
    pub settings: SoftphoneSettings,
    /// Items that were ignored or replaced by their default, in the order they were read.
    pub problems: Vec<SettingProblem>,
}

/// The phone cannot work with these settings (no usable PBX URL or SIP domain). Lists every
/// problem found, not just the fatal ones, so the admin fixes them all at once.
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
/// The oldest Open CTI API version with the Lightning script.
pub const MIN_API_VERSION_MAJOR: u32 = 38;
/// Default `maxCalls`: a call waiting, or a consultation, beside the call being talked on.
pub const DEFAULT_MAX_CALLS: usize = 2;
/// The most `maxCalls` may say: more calls than an agent can keep track of on hold.
pub const MOST_CALLS: usize = 4;
/// Default `homeCountry`.
pub const DEFAULT_HOME_COUNTRY: &str = "US";
/// The adapter URL's query parameter naming the Open CTI script version to load.
pub const API_VERSION_PARAMETER: &str = "apiVersion";

impl SoftphoneSettings {
    /// Reads and checks the settings. Bad optional items are replaced by their defaults and
    /// reported in [`ReadSettings::problems`]; fails only when the phone cannot work at all
    /// (no usable PBX URL, no usable SIP domain), with every problem found.
    pub fn from_map(map: &SettingsMap) -> Result<ReadSettings, SettingsError> {
        let mut r = Reader { map, problems: Vec::new(), fatal: false };
        // Read first: whether TURN URLs without credentials of their own are a problem depends on it.
        let credentials = r.credentials();
        let settings = SoftphoneSettings {
            internal_name: r.required("/reqGeneralInfo/reqInternalName"),
            display_name: r.required("/reqGeneralInfo/reqDisplayName"),
            adapter_url: r.required("/reqGeneralInfo/reqAdapterUrl"),
            pbx_urls: r.pbx_urls(),
            sip_domain: r.sip_domain(),
            credentials,
            ice: r.ice(credentials),
            opencti_api_version: r.api_version(),
            register_expires: r.register_expires(),
            dispositions: list(r.get(&key("wrapUpDispositions"))),
            wrap_up_seconds: r.wrap_up_seconds(),
            max_calls: r.max_calls(),
            follow_transfer_requests: r.flag("followTransferRequests"),
            dialing: DialingOptions {
                outside_prefix: r.digits("/reqDialingOptions/reqOutsidePrefix"),
                long_distance_prefix: r.digits("/reqDialingOptions/reqLongDistPrefix"),
                international_prefix: r.digits("/reqDialingOptions/reqInternationalPrefix"),
            },
            home_country: r.home_country(),
            number_format: r.number_format(),
            audio_codecs: r.audio_codecs(),
            echo_test_number: r.echo_test_number(),
        };
        if r.fatal {
            Err(SettingsError { problems: r.problems })
        } else {
            Ok(ReadSettings { settings, problems: r.problems })
        }
    }
}

/// Whether `version` names an Open CTI API version with the Lightning script: digits, a dot,
/// digits, at least 38.0 (e.g. `62.0`). It lands in the script's URL path, so nothing else
/// is accepted.
pub fn is_api_version(version: &str) -> bool {
    let Some((major, minor)) = version.split_once('.') else { return false };
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor) && major.parse::<u32>().is_ok_and(|m| m >= MIN_API_VERSION_MAJOR)
}

/// The raw value of the `apiVersion` query parameter of an adapter URL (name matched
/// case-insensitively, first occurrence), or `None` when the URL has none.
pub fn adapter_url_api_version(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        name.eq_ignore_ascii_case(API_VERSION_PARAMETER).then_some(value)
    })
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
    /// Set by a problem the phone cannot work around.
    fatal: bool,
}

impl Reader<'_> {
    fn get(&self, key: &str) -> &str {
        self.map.get(key).map(|v| v.trim()).unwrap_or("")
    }

    /// A problem the phone works around (a default, or the item left out).
    fn problem(&mut self, key: &str, message: String) {
        self.problems.push(SettingProblem { key: key.to_owned(), message });
    }

    /// A problem that stops the phone.
    fn fatal_problem(&mut self, key: &str, message: String) {
        self.fatal = true;
        self.problem(key, message);
    }

    /// An item Salesforce requires but the phone does not need to work.
    fn required(&mut self, key: &str) -> String {
        let value = self.get(key).to_owned();
        if value.is_empty() {
            self.problem(key, "is missing; the Call Center definition must set it".into());
        }
        value
    }

    /// The usable URLs; a bad one is reported and skipped, none at all stops the phone.
    fn pbx_urls(&mut self) -> Vec<String> {
        let k = key("pbxWebSocketUrls");
        let listed = list(self.get(&k));
        if listed.is_empty() {
            self.fatal_problem(&k, "is missing: list the PBX's WebSocket URLs, e.g. wss://pbx.example.com:8443".into());
        }
        let (good, bad): (Vec<String>, Vec<String>) = listed.into_iter().partition(|url| is_pbx_url(url));
        for url in &bad {
            self.problem(&k, format!("\"{url}\" is not a ws:// or wss:// URL"));
        }
        if !bad.is_empty() && good.is_empty() {
            self.fatal = true;
        }
        good
    }

    fn sip_domain(&mut self) -> String {
        let k = key("sipDomain");
        let domain = self.get(&k).to_owned();
        if domain.is_empty() {
            self.fatal_problem(&k, "is missing; the Call Center definition must set it".into());
        } else if !is_sip_domain(&domain) {
            self.fatal_problem(&k, format!("\"{domain}\" is not a host name or IP address"));
        }
        domain
    }

    fn ice(&mut self, credentials: CredentialSource) -> IceSettings {
        let values = ["iceServers", "turnUsername", "turnCredential", "turnCredentialsUrl", "iceTransportPolicy"].map(|item| self.get(&key(item)).to_owned());
        let [urls, username, credential, credentials_url, policy] = &values;
        let org_credentials = matches!(credentials, CredentialSource::Org { .. });
        let (ice, problems) = crate::ice::read(&IceItems { urls, username, credential, credentials_url, policy, org_credentials });
        for p in problems {
            self.problem(&key(p.item), p.message);
        }
        ice
    }

    /// `credentials` and `passwordFallback` (see [`crate::credentials`]).
    fn credentials(&mut self) -> CredentialSource {
        let (source, fallback) = (self.get(&key("credentials")).to_owned(), self.get(&key("passwordFallback")).to_owned());
        let (credentials, problems) = crate::credentials::read(&source, &fallback);
        for p in problems {
            self.problem(&key(p.item), p.message);
        }
        credentials
    }

    fn api_version(&mut self) -> String {
        let k = key("openCtiApiVersion");
        let v = self.get(&k).to_owned();
        if v.is_empty() {
            return DEFAULT_API_VERSION.to_owned();
        }
        if !is_api_version(&v) {
            let message = format!("\"{v}\" is not a Lightning Open CTI version (38.0 or later, like {DEFAULT_API_VERSION}); using {DEFAULT_API_VERSION}");
            self.problem(&k, message);
            return DEFAULT_API_VERSION.to_owned();
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
                self.problem(&k, format!("\"{v}\" is not a number of seconds between 60 and 86400; using {DEFAULT_REGISTER_EXPIRES}"));
                DEFAULT_REGISTER_EXPIRES
            }
        }
    }

    /// Empty or 0: no countdown. A countdown shorter than 10 s would end wrap-ups before the
    /// agent can type; more than an hour is no countdown at all.
    fn wrap_up_seconds(&mut self) -> Option<u32> {
        let k = key("wrapUpSeconds");
        let v = self.get(&k).trim().to_owned();
        match v.parse::<u32>() {
            _ if v.is_empty() => None,
            Ok(0) => None,
            Ok(s) if (10..=3600).contains(&s) => Some(s),
            _ => {
                self.problem(&k, format!("\"{v}\" is not a number of seconds between 10 and 3600 (or 0 for none); wrap-up waits for the agent"));
                None
            }
        }
    }

    fn max_calls(&mut self) -> usize {
        let k = key("maxCalls");
        let v = self.get(&k).trim().to_owned();
        match v.parse::<usize>() {
            _ if v.is_empty() => DEFAULT_MAX_CALLS,
            Ok(n) if (1..=MOST_CALLS).contains(&n) => n,
            _ => {
                self.problem(&k, format!("\"{v}\" is not a number of calls between 1 and {MOST_CALLS}; using {DEFAULT_MAX_CALLS}"));
                DEFAULT_MAX_CALLS
            }
        }
    }

    /// A yes/no setting of ours: `true` or `false` (any case), empty meaning `false`.
    fn flag(&mut self, name: &str) -> bool {
        let k = key(name);
        let v = self.get(&k).trim().to_ascii_lowercase();
        match v.as_str() {
            "true" => true,
            "" | "false" => false,
            _ => {
                self.problem(&k, format!("\"{v}\" is neither true nor false; using false"));
                false
            }
        }
    }

    /// A dialing prefix; anything but digits would be dialled as is, so it is left out.
    fn digits(&mut self, key: &str) -> String {
        let v = self.get(key).to_owned();
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            self.problem(key, format!("\"{v}\" must be digits only (or empty); no prefix is dialled"));
            return String::new();
        }
        v
    }

    fn number_format(&mut self) -> NumberFormat {
        let k = key("trunkNumberFormat");
        trunk::read_number_format(self.get(&k)).unwrap_or_else(|message| {
            self.problem(&k, message);
            NumberFormat::E164
        })
    }

    fn audio_codecs(&mut self) -> Vec<AudioCodec> {
        let k = key("audioCodecs");
        let (codecs, problems) = trunk::read_audio_codecs(self.get(&k));
        for message in problems {
            self.problem(&k, message);
        }
        codecs
    }

    /// A number dialled as written: digits, `*` and `#` (a leading `+` too), at most 32.
    fn echo_test_number(&mut self) -> Option<String> {
        let k = key("echoTestNumber");
        let v = self.get(&k).trim().to_owned();
        let digits = v.strip_prefix('+').unwrap_or(&v);
        if v.is_empty() {
            return None;
        }
        if v.len() <= 32 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#') {
            return Some(v);
        }
        self.problem(&k, format!("\"{v}\" must be a number the PBX dials (digits, * and #); the pre-flight check offers no echo test"));
        None
    }

    fn home_country(&mut self) -> String {
        let k = key("homeCountry");
        let v = self.get(&k);
        if v.is_empty() {
            return DEFAULT_HOME_COUNTRY.to_owned();
        }
        if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
            return v.to_ascii_uppercase();
        }
        let message = format!("\"{v}\" is not a two-letter ISO 3166-1 country code like GB or DE; using {DEFAULT_HOME_COUNTRY}");
        self.problem(&k, message);
        DEFAULT_HOME_COUNTRY.to_owned()
    }
}

/// `ws://` or `wss://` with a host, no whitespace.
pub fn is_pbx_url(url: &str) -> bool {
    let rest = url.strip_prefix("wss://").or_else(|| url.strip_prefix("ws://"));
    rest.is_some_and(|h| !h.is_empty() && !h.starts_with('/') && !h.contains(char::is_whitespace))
}

/// Only host characters (names, IPv4, bracketed IPv6): the domain lands in SIP URIs.
pub fn is_sip_domain(domain: &str) -> bool {
    !domain.is_empty() && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
