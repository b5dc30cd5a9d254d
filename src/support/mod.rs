//! What support needs from an agent's phone: the diagnostics journal and the file made from it
//! (`journal`: SIP messages redacted by `sip::redact`, each call's WebRTC statistics, the phone's
//! events and warnings, in memory only and bounded), the lines the phone's events make in it
//! (`events`), and the pre-flight check (`preflight`). Nothing here knows Open CTI.

pub mod events;
pub mod journal;
pub mod preflight;
pub mod probes;

use crate::phone::{Phone, Registration};
use crate::words;

/// Setting items whose whole value is a secret (by a part of the item's name, any case).
const SECRET_NAMES: [&str; 4] = ["password", "secret", "token", "turncredential"];

/// The Call Center settings as the diagnostics file shows them, one `/section/item = value` per
/// line: a secret's value replaced, and in URLs the user information and the query (where
/// services put their keys).
pub fn settings_lines(settings: &callcenter_settings::SettingsMap) -> String {
    let mut lines = String::new();
    for (key, value) in settings {
        let name = key.rsplit('/').next().unwrap_or(key).to_ascii_lowercase();
        let shown = if SECRET_NAMES.iter().any(|s| name.contains(s) && !name.ends_with("url")) { sip::redact::REDACTED.to_owned() } else { redact_urls(value) };
        lines.push_str(&format!("  {key} = {shown}\n"));
    }
    lines
}

/// `value` with the user information and query of each URL in it replaced.
fn redact_urls(value: &str) -> String {
    value
        .split(',')
        .map(|part| {
            let Some((scheme, rest)) = part.split_once("://") else { return part.to_owned() };
            let host_end = rest.find('/').unwrap_or(rest.len());
            let rest = match rest.get(..host_end).and_then(|host| host.rfind('@')) {
                Some(at) => format!("{}@{}", sip::redact::REDACTED, rest.get(at + 1..).unwrap_or("")),
                None => rest.to_owned(),
            };
            match rest.split_once('?') {
                Some((before, _)) => format!("{scheme}://{before}?{}", sip::redact::REDACTED),
                None => format!("{scheme}://{rest}"),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The diagnostics file's own lines: the phone's version and state, the time zone its Tasks
/// are dated in, and the settings (`settings_lines`).
pub fn header(phone: &Phone, settings: &str, zone: Option<&str>) -> String {
    let user = phone.agent_user().unwrap_or_default();
    let registration = match phone.registration() {
        Registration::SignedOut => "signed out".to_owned(),
        Registration::Connecting => "connecting".to_owned(),
        Registration::Reconnecting { problem, retry_in_s } => format!("reconnecting: {}", words::reconnecting(problem, *retry_in_s, user)),
        Registration::Registered => "registered".to_owned(),
        Registration::Failed(why) => format!("failed: {}", words::registration_failure(why, user)),
        _ => "unknown".to_owned(),
    };
    format!(
        "Phone: rust-opencti-softphone/{}; agent {}; registration {registration}; presence {}; {} call(s), {} log(s) waiting for Salesforce\nTasks dated in: {}\nCall Center settings (secrets redacted):\n{settings}",
        env!("CARGO_PKG_VERSION"),
        phone.agent_user().unwrap_or("not signed in"),
        words::presence(phone.presence()),
        phone.calls().len(),
        phone.outbox().len(),
        zone.map_or_else(|| "the browser's time zone".to_owned(), |z| format!("{z} (Salesforce's setting for the user)")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_the_settings_are_redacted_and_the_rest_shown() {
        let settings: callcenter_settings::SettingsMap = [
            ("/rustSoftphone/turnCredential", "s3cret-turn"),
            ("/rustSoftphone/turnUsername", "agent"),
            ("/rustSoftphone/turnCredentialsUrl", "https://turn.example.com/creds?key=API-KEY-123"),
            ("/rustSoftphone/pbxWebSocketUrls", "wss://pbx1.example.com:8443,wss://user:pw@pbx2.example.com/ws?token=T0K"),
            ("/rustSoftphone/credentials", "org"),
            ("/vendor/ApiToken", "abc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let lines = settings_lines(&settings);
        for secret in ["s3cret-turn", "API-KEY-123", "user:pw", "T0K", "abc"] {
            assert!(!lines.contains(secret), "{secret} in {lines}");
        }
        assert!(lines.contains("/rustSoftphone/turnUsername = agent"));
        assert!(lines.contains("/rustSoftphone/turnCredential = <redacted>"));
        assert!(lines.contains("/rustSoftphone/turnCredentialsUrl = https://turn.example.com/creds?<redacted>"));
        assert!(lines.contains("= wss://pbx1.example.com:8443,wss://<redacted>@pbx2.example.com/ws?<redacted>"), "{lines}");
        assert!(lines.contains("/rustSoftphone/credentials = org"));
    }
}
