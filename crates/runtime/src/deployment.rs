//! What the phone's own page says about where it was deployed: the deployment configuration,
//! fixed when the phone is deployed (the org package's build writes it into the page, an external
//! host into `index.html`), never taken from Salesforce: the settings arrive from the very page
//! whose origin is being checked, so a foreign org could otherwise vouch for itself and point the
//! phone at its own PBX. Shared by the Open CTI app and the Salesforce Voice connector; the rules
//! are pure Rust, tested natively.

use std::fmt;

use crate::phone::value::Value;

/// The id of `<script type="application/json">` that carries the deployment configuration.
pub const DEPLOYMENT_ELEMENT_ID: &str = "softphone-deployment";

/// Reads and checks the deployment configuration written into this page at deploy time.
pub fn read() -> Result<Deployment, DeploymentError> {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(DEPLOYMENT_ELEMENT_ID))
        .and_then(|e| e.text_content())
        .ok_or(DeploymentError::Missing)?;
    let value = crate::js_value::parse_json(&text).ok_or_else(|| DeploymentError::Unreadable("not JSON".into()))?;
    Deployment::new(&DeploymentFile::from_value(&value)?)
}

/// The deployment configuration as written into the page
/// (`<script type="application/json" id="softphone-deployment">`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeploymentFile {
    /// Origins that may frame the phone: the org's Lightning and My Domain hosts.
    pub org_origins: Vec<String>,
    /// Origins (`wss://host[:port]`) of the PBX WebSocket servers the phone may connect to.
    pub pbx_origins: Vec<String>,
    /// The Salesforce Voice connector only: the org's Id (Salesforce sends it to the connector
    /// with the contact center's settings; another org's is refused).
    pub organization_id: Option<String>,
    /// The Salesforce Voice connector only: origins of the VoiceCall service.
    pub voice_call_origins: Vec<String>,
}

impl DeploymentFile {
    /// `{"orgOrigins": [...], "pbxOrigins": [...]}` (lists of text), and for the Salesforce Voice
    /// connector `organizationId` and `voiceCallOrigins`, which may be absent.
    pub fn from_value(v: &Value) -> Result<DeploymentFile, DeploymentError> {
        let unreadable = |name: &str| DeploymentError::Unreadable(format!("{name} is not what the README describes"));
        let list = |name: &str| v.get(name).list(Value::string).ok_or_else(|| unreadable(name));
        let voice_call_origins = v.get("voiceCallOrigins");
        Ok(DeploymentFile {
            org_origins: list("orgOrigins")?,
            pbx_origins: list("pbxOrigins")?,
            organization_id: v.get("organizationId").optional(Value::string).ok_or_else(|| unreadable("organizationId"))?,
            voice_call_origins: if voice_call_origins.is_null() { Vec::new() } else { list("voiceCallOrigins")? },
        })
    }
}

/// Why the deployment configuration cannot be used; the phone then starts nowhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeploymentError {
    /// The page carries no deployment configuration.
    Missing,
    /// It is there but is not the JSON object described in the README.
    Unreadable(String),
    /// An entry is not an origin (`scheme://host[:port]`) of the kind its list holds.
    BadEntry { list: &'static str, entry: String },
    /// A list is empty: nothing could frame the phone, or no PBX could be reached.
    Empty(&'static str),
}

impl fmt::Display for DeploymentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("This softphone's deployment is incomplete, so it trusts nothing")?;
        match self {
            DeploymentError::Missing => f.write_str(": the page has no deployment configuration (softphone-deployment)."),
            DeploymentError::Unreadable(why) => write!(f, ": its deployment configuration cannot be read ({why})."),
            DeploymentError::BadEntry { list, entry } => write!(f, ": {list} lists \"{entry}\", which is not an origin of that kind."),
            DeploymentError::Empty(list) => write!(f, ": {list} is empty."),
        }?;
        f.write_str(" Ask your Salesforce admin to redeploy it.")
    }
}

/// A PBX address from the Call Center definition that this deployment does not trust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PbxNotAllowed {
    pub url: String,
}

impl fmt::Display for PbxNotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The Call Center definition points the phone at the PBX {}, which this softphone was not deployed to trust. Nothing was sent there. Ask your Salesforce admin to fix pbxWebSocketUrls or to redeploy the softphone with that PBX.",
            self.url
        )
    }
}

/// The checked deployment configuration: exact origins, in canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    org_origins: Vec<String>,
    pbx_origins: Vec<String>,
    organization_id: Option<String>,
    voice_call_origins: Vec<String>,
}

const ORG_SCHEMES: [&str; 2] = ["https", "http"];
const PBX_SCHEMES: [&str; 2] = ["wss", "ws"];

impl Deployment {
    /// Checks every entry; lists must be non-empty. Plain `http`/`ws` entries are accepted here
    /// (the local stand-in needs them); the org package's build refuses them, so a deployable
    /// build never carries one.
    pub fn new(file: &DeploymentFile) -> Result<Deployment, DeploymentError> {
        let canonical = |list: &'static str, entries: &[String], schemes: &[&str]| {
            if entries.is_empty() {
                return Err(DeploymentError::Empty(list));
            }
            entries
                .iter()
                .map(|e| canonical_origin(e, schemes).ok_or_else(|| DeploymentError::BadEntry { list, entry: e.clone() }))
                .collect::<Result<Vec<_>, _>>()
        };
        let voice_call_origins = match file.voice_call_origins.as_slice() {
            [] => Vec::new(),
            listed => canonical("voiceCallOrigins", listed, &ORG_SCHEMES)?,
        };
        if let Some(id) = &file.organization_id {
            if !is_org_id(id) {
                return Err(DeploymentError::BadEntry { list: "organizationId", entry: id.clone() });
            }
        }
        Ok(Deployment {
            org_origins: canonical("orgOrigins", &file.org_origins, &ORG_SCHEMES)?,
            pbx_origins: canonical("pbxOrigins", &file.pbx_origins, &PBX_SCHEMES)?,
            organization_id: file.organization_id.clone(),
            voice_call_origins,
        })
    }

    /// The origins that may frame the phone, canonical (what `load` is given).
    pub fn org_origins(&self) -> &[String] {
        &self.org_origins
    }

    /// The first of `origins` that is not one of the org's own, if any (the phone may start only
    /// where every page around it is the org's).
    pub fn foreign_origin<'a>(&self, mut origins: impl Iterator<Item = &'a str>) -> Option<&'a str> {
        origins.find(|origin| !is_allowed_origin(origin, &self.org_origins))
    }

    /// Whether `id` is the org this deployment was built for (15- or 18-character form). A
    /// deployment that names no org (the Open CTI phone's) accepts none: only the connector asks.
    pub fn is_organization(&self, id: &str) -> bool {
        self.organization_id.as_deref().is_some_and(|own| is_org_id(id) && (own == id || own.get(..15) == id.get(..15) && (own.len() == 15 || id.len() == 15)))
    }

    /// Whether `url` is on a pinned VoiceCall service origin (exactly: `url` is an origin).
    pub fn allows_voice_call_service(&self, url: &str) -> bool {
        canonical_origin(url, &ORG_SCHEMES).is_some_and(|o| self.voice_call_origins.contains(&o))
    }

    /// Every PBX URL must be on a pinned origin; the first that is not is refused.
    pub fn check_pbx_urls(&self, urls: &[String]) -> Result<(), PbxNotAllowed> {
        match urls.iter().find(|url| !self.allows_pbx(url)) {
            Some(url) => Err(PbxNotAllowed { url: url.clone() }),
            None => Ok(()),
        }
    }

    fn allows_pbx(&self, url: &str) -> bool {
        let Some((scheme, rest)) = url.split_once("://") else { return false };
        // The origin ends where the path, query or fragment begins.
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let origin = rest.get(..end).map(|authority| format!("{scheme}://{authority}"));
        origin.and_then(|o| canonical_origin(&o, &PBX_SCHEMES)).is_some_and(|o| self.pbx_origins.contains(&o))
    }
}

/// Whether `origin` is exactly one of `allowed` (canonical origins): same scheme, host
/// (case-insensitive) and port (a default port may be written or not).
pub fn is_allowed_origin(origin: &str, allowed: &[String]) -> bool {
    canonical_origin(origin, &ORG_SCHEMES).is_some_and(|o| allowed.iter().any(|a| canonical_origin(a, &ORG_SCHEMES).as_ref() == Some(&o)))
}

/// `scheme://host[:port]` in canonical form (lower-case host, default port dropped), or `None`
/// for anything else: a path, user info, query or fragment that could make
/// "https://evil.example/x.force.com" or "https://x.force.com@evil.example" look right.
fn canonical_origin(origin: &str, schemes: &[&str]) -> Option<String> {
    let (scheme, authority) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => (h, Some(port.parse::<u16>().ok()?)),
        Some(_) => return None,
        None => (authority, None),
    };
    if host.is_empty() || !host.split('.').all(is_dns_label) {
        return None;
    }
    let default_port = if matches!(scheme.as_str(), "https" | "wss") { 443 } else { 80 };
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}


/// A Salesforce org Id: `00D` and 12 (or 15) letters and digits.
fn is_org_id(id: &str) -> bool {
    id.starts_with("00D") && matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deployment_file_reads_as_the_page_writes_it_and_refuses_another_shape() {
        let texts = |items: &[&str]| Value::from(items.to_vec());
        let open_cti = Value::object([
            ("orgOrigins", texts(&["https://acme.lightning.force.com"])),
            ("pbxOrigins", texts(&["wss://pbx.example.com:8443"])),
        ]);
        let file = DeploymentFile::from_value(&open_cti).expect("the Open CTI phone's file");
        assert_eq!(file.org_origins, ["https://acme.lightning.force.com"]);
        assert_eq!((file.organization_id, file.voice_call_origins.len()), (None, 0));
        let voice = Value::object([
            ("orgOrigins", texts(&["https://acme.lightning.force.com"])),
            ("pbxOrigins", texts(&["wss://pbx.example.com:8443"])),
            ("organizationId", "00D000000000001".into()),
            ("voiceCallOrigins", texts(&["https://voicecall.example.com"])),
        ]);
        let file = DeploymentFile::from_value(&voice).expect("the connector's file");
        assert_eq!(file.organization_id.as_deref(), Some("00D000000000001"));
        assert_eq!(file.voice_call_origins, ["https://voicecall.example.com"]);
        let no_pbx = Value::object([("orgOrigins", texts(&["https://acme.lightning.force.com"]))]);
        assert!(matches!(DeploymentFile::from_value(&no_pbx), Err(DeploymentError::Unreadable(_))));
        let not_text = Value::object([("orgOrigins", Value::Array(vec![Value::Number(1.0)])), ("pbxOrigins", texts(&[]))]);
        assert!(matches!(DeploymentFile::from_value(&not_text), Err(DeploymentError::Unreadable(_))));
    }

    /// The Open CTI phone's check: `sfdcIFrameOrigin` and every page around it.
    fn framing(d: &Deployment, launch: &str, ancestors: &[String]) -> Result<(), String> {
        match d.foreign_origin(std::iter::once(launch).chain(ancestors.iter().map(String::as_str))) {
            Some(origin) => Err(origin.to_owned()),
            None => Ok(()),
        }
    }

    fn acme() -> Deployment {
        Deployment::new(&DeploymentFile {
            org_origins: vec!["https://acme.lightning.force.com".into(), "https://ACME.my.salesforce.com:443".into()],
            pbx_origins: vec!["wss://pbx.acme.example:8443".into(), "wss://pbx2.acme.example".into()],
            ..DeploymentFile::default()
        })
        .expect("a valid deployment")
    }

    #[test]
    fn only_the_orgs_own_hosts_may_frame_the_phone() {
        let d = acme();
        for origin in ["https://acme.lightning.force.com", "https://acme.my.salesforce.com", "https://ACME.Lightning.Force.com:443"] {
            assert_eq!(framing(&d, origin, &[]), Ok(()), "{origin} should be allowed");
        }
        // Another org is as foreign as any other site: Salesforce's domains prove nothing.
        for origin in [
            "https://evil.lightning.force.com",
            "https://evil--c.vf.force.com",
            "http://acme.lightning.force.com",
            "https://acme.lightning.force.com:8443",
            "https://acme.lightning.force.com.evil.example",
            "https://evil.example/acme.lightning.force.com",
            "https://acme.lightning.force.com@evil.example",
            "https://acme.lightning.force.com/",
            "https://acme.lightning.force.com:",
            "https://-x.force.com",
            "javascript:alert(1)//acme.lightning.force.com",
            "",
            "null",
        ] {
            assert_eq!(framing(&d, origin, &[]), Err(origin.to_owned()), "{origin} should be refused");
        }
    }

    #[test]
    fn every_page_around_the_phone_must_be_the_orgs() {
        let d = acme();
        let own = "https://acme.lightning.force.com".to_owned();
        assert_eq!(framing(&d, &own, &[own.clone(), "https://acme.my.salesforce.com".into()]), Ok(()));
        // A foreign page that frames the phone and claims the org's origin in sfdcIFrameOrigin.
        assert_eq!(
            framing(&d, &own, &["https://evil.lightning.force.com".into()]),
            Err("https://evil.lightning.force.com".into())
        );
        assert_eq!(framing(&d, &own, &[own.clone(), "null".into()]), Err("null".into()));
    }

    #[test]
    fn pbx_urls_must_be_on_a_pinned_origin() {
        let d = acme();
        let urls = |list: &[&str]| list.iter().map(|u| (*u).to_owned()).collect::<Vec<_>>();
        assert_eq!(d.check_pbx_urls(&urls(&["wss://pbx.acme.example:8443/ws", "wss://PBX2.acme.example:443"])), Ok(()));
        for url in [
            "wss://evil.example:8443",
            "wss://pbx.acme.example",
            "ws://pbx.acme.example:8443",
            "wss://pbx.acme.example:8443@evil.example",
            "wss://pbx.acme.example.evil.example:8443",
            "pbx.acme.example:8443",
        ] {
            let list = urls(&["wss://pbx.acme.example:8443", url]);
            assert_eq!(d.check_pbx_urls(&list), Err(PbxNotAllowed { url: url.to_owned() }), "{url} should be refused");
        }
    }

    #[test]
    fn a_deployment_with_bad_or_missing_entries_is_refused() {
        let file = |org: &[&str], pbx: &[&str]| DeploymentFile {
            org_origins: org.iter().map(|o| (*o).to_owned()).collect(),
            pbx_origins: pbx.iter().map(|o| (*o).to_owned()).collect(),
            ..DeploymentFile::default()
        };
        assert_eq!(Deployment::new(&file(&[], &["wss://p.example"])), Err(DeploymentError::Empty("orgOrigins")));
        assert_eq!(Deployment::new(&file(&["https://a.example"], &[])), Err(DeploymentError::Empty("pbxOrigins")));
        assert_eq!(
            Deployment::new(&file(&["https://*.force.com"], &["wss://p.example"])),
            Err(DeploymentError::BadEntry { list: "orgOrigins", entry: "https://*.force.com".into() })
        );
        assert_eq!(
            Deployment::new(&file(&["https://a.example"], &["https://p.example"])),
            Err(DeploymentError::BadEntry { list: "pbxOrigins", entry: "https://p.example".into() })
        );
        // The local stand-in's loopback origins are valid here; only the org package's build refuses them.
        let local = Deployment::new(&file(&["http://127.0.0.1:8700"], &["ws://127.0.0.1:8080"])).expect("loopback");
        assert_eq!(framing(&local, "http://127.0.0.1:8700", &[]), Ok(()));
        assert!(framing(&local, "http://127.0.0.1:8701", &[]).is_err());
    }


    #[test]
    fn the_connector_is_pinned_to_its_org_and_its_voicecall_service() {
        let d = Deployment::new(&DeploymentFile {
            org_origins: vec!["https://acme.lightning.force.com".into()],
            pbx_origins: vec!["wss://pbx.acme.example".into()],
            organization_id: Some("00D000000000001AAA".into()),
            voice_call_origins: vec!["https://voicecall.acme.example:7443".into()],
        })
        .expect("valid");
        assert!(d.is_organization("00D000000000001AAA") && d.is_organization("00D000000000001"), "either form of the Id");
        for other in ["00D000000000002AAA", "00D000000000002", "", "00D000000000001AAB", "005000000000001AAA"] {
            assert!(!d.is_organization(other), "{other}");
        }
        assert!(d.allows_voice_call_service("https://VoiceCall.acme.example:7443"));
        for other in ["https://voicecall.acme.example", "http://voicecall.acme.example:7443", "https://voicecall.acme.example:7443/v1", "https://evil.example:7443"] {
            assert!(!d.allows_voice_call_service(other), "{other}");
        }
        assert!(!acme().is_organization("00D000000000001AAA"), "the Open CTI phone's deployment names no org");
        let bad = DeploymentFile { organization_id: Some("00Dx".into()), ..DeploymentFile { org_origins: vec!["https://a.example".into()], pbx_origins: vec!["wss://p.example".into()], ..DeploymentFile::default() } };
        assert_eq!(Deployment::new(&bad), Err(DeploymentError::BadEntry { list: "organizationId", entry: "00Dx".into() }));
    }
}
