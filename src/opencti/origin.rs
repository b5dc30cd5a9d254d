//! Who may host the phone and which PBX it may talk to: the launch parameters Salesforce
//! appends to the adapter URL, and the deployment configuration they are checked against.
//! Pure Rust, tested natively.
//!
//! The deployment configuration is fixed when the phone is deployed (the org package's build
//! writes it into the page, an external host writes it into `index.html`), never taken from
//! Salesforce: the Call Center definition arrives through the very script whose origin is being
//! checked, so a foreign org could otherwise vouch for itself and point the phone at its own PBX.

use std::fmt;

use callcenter_settings::settings::{is_api_version, API_VERSION_PARAMETER, DEFAULT_API_VERSION};
pub use runtime::deployment::{is_allowed_origin, Deployment, DeploymentError, DeploymentFile, PbxNotAllowed};

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
                "The Call Center's adapter URL asks for Open CTI version \"{version}\", which does not exist (use e.g. apiVersion={DEFAULT_API_VERSION}). Ask your Salesforce admin to fix it."
            ),
        }
    }
}

/// The phone may start only if `sfdcIFrameOrigin` and every page around it (the browser's
/// `location.ancestorOrigins`, where it has one) are the org's own.
pub fn check_framing(deployment: &Deployment, launch_origin: &str, ancestors: &[String]) -> Result<(), LaunchError> {
    match deployment.foreign_origin(std::iter::once(launch_origin).chain(ancestors.iter().map(String::as_str))) {
        Some(origin) => Err(LaunchError::ForeignOrigin(origin.to_owned())),
        None => Ok(()),
    }
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
