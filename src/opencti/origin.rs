//! Who may host the phone: the launch parameters Salesforce appends to the adapter URL, and
//! the check that the Lightning origin is Salesforce's before any of its script is loaded.
//! Pure Rust, tested natively.

use std::fmt;

use callcenter::settings::{is_api_version, API_VERSION_PARAMETER, DEFAULT_API_VERSION};

/// Salesforce's own host suffixes (the domains Lightning, Visualforce and Setup pages are served from).
/// `lightning.force.com` and `my.salesforce.com` are covered by their parents.
const SALESFORCE_SUFFIXES: [&str; 4] = ["force.com", "salesforce.com", "salesforce-setup.com", "visualforce.com"];

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
    /// The framing origin is neither Salesforce's nor one this build allows.
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
                "The softphone was opened by {origin}, which is not a Salesforce site. Nothing was loaded."
            ),
            LaunchError::InvalidApiVersion(version) => write!(
                f,
                "The Call Center's adapter URL asks for Open CTI version {version:?}, which does not exist (use e.g. apiVersion={DEFAULT_API_VERSION}). Ask your Salesforce admin to fix it."
            ),
        }
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

/// Whether `origin` may host the phone: an https Salesforce host, or exactly one of `extra`
/// (origins an admin allowed when building the app, e.g. the local console in development).
pub fn is_allowed_origin(origin: &str, extra: &[String]) -> bool {
    if extra.iter().any(|allowed| allowed == origin) {
        return true;
    }
    let Some(host) = origin.strip_prefix("https://") else {
        return false;
    };
    // An origin is scheme://host[:port] and nothing else: no path, user info, query or fragment
    // that could make "https://evil.example/x.force.com" or "https://x.force.com@evil.example" pass.
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return false,
        None => host,
    };
    if host.is_empty() || !host.split('.').all(is_dns_label) {
        return false;
    }
    let host = host.to_ascii_lowercase();
    SALESFORCE_SUFFIXES.iter().any(|suffix| {
        host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
    })
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

    fn none() -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn salesforce_hosts_are_allowed() {
        for origin in [
            "https://acme.lightning.force.com",
            "https://acme.my.salesforce.com",
            "https://acme--sandbox.sandbox.lightning.force.com",
            "https://acme.my.salesforce-setup.com",
            "https://acme--c.vf.visualforce.com",
            "https://ACME.Lightning.Force.com",
            "https://acme.lightning.force.com:443",
        ] {
            assert!(is_allowed_origin(origin, &none()), "{origin} should be allowed");
        }
    }

    #[test]
    fn look_alikes_and_insecure_origins_are_refused() {
        for origin in [
            "http://acme.lightning.force.com",
            "https://force.com",
            "https://evilforce.com",
            "https://acme.force.com.evil.example",
            "https://evil.example/acme.force.com",
            "https://acme.force.com@evil.example",
            "https://evil.example#.force.com",
            "https://acme.force.com:",
            "https://acme.force.com:44x",
            "https://-x.force.com",
            "https://a..force.com",
            "javascript:alert(1)//.force.com",
            "",
            "null",
        ] {
            assert!(!is_allowed_origin(origin, &none()), "{origin} should be refused");
        }
    }

    #[test]
    fn an_origin_listed_at_build_time_is_allowed_exactly() {
        let extra = vec!["http://127.0.0.1:8700".to_owned()];
        assert!(is_allowed_origin("http://127.0.0.1:8700", &extra));
        assert!(!is_allowed_origin("http://127.0.0.1:8701", &extra));
        assert!(!is_allowed_origin("http://127.0.0.1:8700/", &extra));
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
