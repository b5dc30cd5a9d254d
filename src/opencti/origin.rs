//! Who may host the phone and which PBX it may talk to: the launch parameters Salesforce
//! appends to the adapter URL, and the deployment configuration they are checked against.
//! Pure Rust, tested natively.
//!
//! The deployment configuration is fixed when the phone is deployed (the org package's build
//! writes it into the page, an external host writes it into `index.html`), never taken from
//! Salesforce: the Call Center definition arrives through the very script whose origin is being
//! checked, so a foreign org could otherwise vouch for itself and point the phone at its own PBX.

use std::fmt;

use callcenter::settings::{is_api_version, API_VERSION_PARAMETER, DEFAULT_API_VERSION};

use crate::phone::value::Value;

/// The query parameters Salesforce appends when it frames the adapter URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchParams {
    /// The Lightning page's origin (`sfdcIFrameOrigin`), e.g. `https://acme.lightning.force.com`.
    pub origin: String,
    /// `mode` (e.g. `Lightning`); the real script refuses to start without it.
    pub mode: String,
    /// The Open CTI script version to load: the adapter URL's own `apiVersion` parameter
    /// (Salesforce keeps the adapter URL's query and appends its parameters), or
    /// [`DEFAULT_API_VERSION`]. It cannot come from the Call Center settings: those are read
    /// through the very script whose version this is.
    pub api_version: String,
}

/// Why the phone refuses to start where it was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaunchError {
    /// No `sfdcIFrameOrigin`: the page was opened directly, not by Salesforce.
    NotFramedBySalesforce,
    /// `sfdcIFrameOrigin` is present but `mode` is not.
    MissingMode,
    /// The framing origin (`sfdcIFrameOrigin` or a page around the phone) is not one of the
    /// org's own hosts this deployment trusts.
    ForeignOrigin(String),
    /// The adapter URL's `apiVersion` is not an Open CTI version (digits.digits, 38.0 or later).
    InvalidApiVersion(String),
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LaunchError::NotFramedBySalesforce => f.write_str(
                "This softphone runs inside Salesforce. Open it from the Phone item of your Lightning app's utility bar.",
            ),
            LaunchError::MissingMode => f.write_str(
                "Salesforce opened the softphone without the 'mode' parameter, so Open CTI cannot start. Check the Call Center's adapter URL.",
            ),
            LaunchError::ForeignOrigin(origin) => write!(
                f,
                "The softphone was opened by {origin}, which is not your organization's Salesforce site. Nothing was loaded."
            ),
            LaunchError::InvalidApiVersion(version) => write!(
                f,
                "The Call Center's adapter URL asks for Open CTI version {version:?}, which does not exist (use e.g. apiVersion={DEFAULT_API_VERSION}). Ask your Salesforce admin to fix it."
            ),
        }
    }
}

/// The deployment configuration as written into the page
/// (`<script type="application/json" id="softphone-deployment">`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeploymentFile {
    /// Origins that may frame the phone: the org's Lightning and My Domain hosts.
    pub org_origins: Vec<String>,
    /// Origins (`wss://host[:port]`) of the PBX WebSocket servers the phone may connect to.
    pub pbx_origins: Vec<String>,
}

impl DeploymentFile {
    /// `{"orgOrigins": [...], "pbxOrigins": [...]}`, both lists of text.
    pub fn from_value(v: &Value) -> Result<DeploymentFile, DeploymentError> {
        let list = |name: &str| {
            v.get(name).list(Value::string).ok_or_else(|| DeploymentError::Unreadable(format!("{name} is not a list of origins")))
        };
        Ok(DeploymentFile { org_origins: list("orgOrigins")?, pbx_origins: list("pbxOrigins")? })
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
            DeploymentError::BadEntry { list, entry } => write!(f, ": {list} lists {entry:?}, which is not an origin of that kind."),
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
        Ok(Deployment {
            org_origins: canonical("orgOrigins", &file.org_origins, &ORG_SCHEMES)?,
            pbx_origins: canonical("pbxOrigins", &file.pbx_origins, &PBX_SCHEMES)?,
        })
    }

    /// The origins that may frame the phone, canonical (what `load` is given).
    pub fn org_origins(&self) -> &[String] {
        &self.org_origins
    }

    /// The phone may start only if `sfdcIFrameOrigin` and every page around it (the browser's
    /// `location.ancestorOrigins`, where it has one) are the org's own.
    pub fn check_framing(&self, launch_origin: &str, ancestors: &[String]) -> Result<(), LaunchError> {
        for origin in std::iter::once(launch_origin).chain(ancestors.iter().map(String::as_str)) {
            if !is_allowed_origin(origin, &self.org_origins) {
                return Err(LaunchError::ForeignOrigin(origin.to_owned()));
            }
        }
        Ok(())
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

impl LaunchParams {
    /// Reads the parameters from a query string (`?a=b&c=d`, leading `?` optional). Names are
    /// matched case-insensitively, unknown ones ignored, the first occurrence wins.
    pub fn from_query(query: &str) -> Result<LaunchParams, LaunchError> {
        let mut origin = None;
        let mut mode = None;
        let mut api_version = None;
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (Some(name), Some(value)) = (percent_decode(name), percent_decode(value)) else {
                continue;
            };
            if name.eq_ignore_ascii_case("sfdcIFrameOrigin") && origin.is_none() {
                origin = Some(value);
            } else if name.eq_ignore_ascii_case("mode") && mode.is_none() {
                mode = Some(value);
            } else if name.eq_ignore_ascii_case(API_VERSION_PARAMETER) && api_version.is_none() {
                api_version = Some(value);
            }
        }
        let origin = origin.filter(|o| !o.is_empty()).ok_or(LaunchError::NotFramedBySalesforce)?;
        let mode = mode.filter(|m| !m.is_empty()).ok_or(LaunchError::MissingMode)?;
        let api_version = api_version.unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        if !is_api_version(&api_version) {
            return Err(LaunchError::InvalidApiVersion(api_version));
        }
        Ok(LaunchParams { origin, mode, api_version })
    }
}

fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Decodes `application/x-www-form-urlencoded` text; `None` for broken escapes or non-UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex(bytes.next()?)?;
                let lo = hex(bytes.next()?)?;
                out.push(hi << 4 | lo);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Deployment {
        Deployment::new(&DeploymentFile {
            org_origins: vec!["https://acme.lightning.force.com".into(), "https://ACME.my.salesforce.com:443".into()],
            pbx_origins: vec!["wss://pbx.acme.example:8443".into(), "wss://pbx2.acme.example".into()],
        })
        .expect("a valid deployment")
    }

    #[test]
    fn only_the_orgs_own_hosts_may_frame_the_phone() {
        let d = acme();
        for origin in ["https://acme.lightning.force.com", "https://acme.my.salesforce.com", "https://ACME.Lightning.Force.com:443"] {
            assert_eq!(d.check_framing(origin, &[]), Ok(()), "{origin} should be allowed");
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
            assert_eq!(d.check_framing(origin, &[]), Err(LaunchError::ForeignOrigin(origin.to_owned())), "{origin} should be refused");
        }
    }

    #[test]
    fn every_page_around_the_phone_must_be_the_orgs() {
        let d = acme();
        let own = "https://acme.lightning.force.com".to_owned();
        assert_eq!(d.check_framing(&own, &[own.clone(), "https://acme.my.salesforce.com".into()]), Ok(()));
        // A foreign page that frames the phone and claims the org's origin in sfdcIFrameOrigin.
        assert_eq!(
            d.check_framing(&own, &["https://evil.lightning.force.com".into()]),
            Err(LaunchError::ForeignOrigin("https://evil.lightning.force.com".into()))
        );
        assert_eq!(d.check_framing(&own, &[own.clone(), "null".into()]), Err(LaunchError::ForeignOrigin("null".into())));
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
        assert_eq!(local.check_framing("http://127.0.0.1:8700", &[]), Ok(()));
        assert!(local.check_framing("http://127.0.0.1:8701", &[]).is_err());
    }

    #[test]
    fn launch_parameters_are_read_case_insensitively_and_decoded() {
        let p = LaunchParams::from_query("?sfdciframeorigin=https%3A%2F%2Facme.lightning.force.com&mode=Lightning&foo=bar")
            .expect("valid");
        assert_eq!(p.origin, "https://acme.lightning.force.com");
        assert_eq!(p.mode, "Lightning");
        assert_eq!(p.api_version, "62.0", "no apiVersion: the default");
    }

    #[test]
    fn the_adapter_urls_api_version_picks_the_script_version() {
        let p = LaunchParams::from_query("?apiVersion=60.0&sfdcIFrameOrigin=https://a.force.com&mode=Lightning").expect("valid");
        assert_eq!(p.api_version, "60.0");
        for bad in ["latest", "37.0", "62", "62.0/../../x", "%36%32"] {
            let query = format!("?apiVersion={bad}&sfdcIFrameOrigin=https://a.force.com&mode=Lightning");
            assert!(matches!(LaunchParams::from_query(&query), Err(LaunchError::InvalidApiVersion(_))), "{bad}");
        }
    }

    #[test]
    fn opened_outside_salesforce_says_so() {
        assert_eq!(LaunchParams::from_query(""), Err(LaunchError::NotFramedBySalesforce));
        assert_eq!(LaunchParams::from_query("?mode=Lightning"), Err(LaunchError::NotFramedBySalesforce));
        assert_eq!(
            LaunchParams::from_query("?sfdcIFrameOrigin=https://a.force.com"),
            Err(LaunchError::MissingMode)
        );
    }

    #[test]
    fn broken_escapes_are_ignored_not_fatal() {
        let p = LaunchParams::from_query("x=%zz&sfdcIFrameOrigin=https://a.force.com&%&mode=%4").expect_err("no mode");
        assert_eq!(p, LaunchError::MissingMode);
        assert_eq!(percent_decode("%E2%82%AC"), Some("€".to_owned()));
        assert_eq!(percent_decode("%FF"), None);
    }
}
