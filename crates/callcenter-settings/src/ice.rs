//! The ICE part of the settings: STUN/TURN servers, their credentials (static from the
//! definition, or time-limited ones fetched from a TURN REST style URL) and the transport policy.

use std::fmt;

/// One entry of `RTCConfiguration.iceServers`.
#[derive(Clone, PartialEq, Eq)]
pub struct IceServer {
    /// `stun:`, `stuns:`, `turn:` or `turns:` URLs sharing the credentials below.
    pub urls: Vec<String>,
    /// TURN user name (none for STUN).
    pub username: Option<String>,
    /// TURN password. Never logged: `Debug` prints it redacted.
    pub credential: Option<String>,
}

impl fmt::Debug for IceServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IceServer")
            .field("urls", &self.urls)
            .field("username", &self.username)
            .field("credential", &self.credential.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Which candidates the browser may use (`RTCConfiguration.iceTransportPolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IceTransportPolicy {
    /// Host, reflexive and relay candidates (the browser's default).
    #[default]
    All,
    /// Relay candidates only: all audio goes through the TURN server.
    Relay,
}

impl IceTransportPolicy {
    /// The value `RTCConfiguration` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            IceTransportPolicy::All => "all",
            IceTransportPolicy::Relay => "relay",
        }
    }
}

/// Everything the phone needs to set up a call's ICE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IceSettings {
    /// Servers usable as they are: STUN, and TURN with static credentials.
    pub servers: Vec<IceServer>,
    /// TURN URLs of the definition that take time-limited credentials: fetched from
    /// `credentials_url`, or, without one, minted by the org with the SIP credentials.
    pub turn_urls_for_fetched: Vec<String>,
    /// Where time-limited TURN credentials come from (TURN REST style JSON).
    pub credentials_url: Option<String>,
    /// `iceTransportPolicy`.
    pub policy: IceTransportPolicy,
}

impl IceSettings {
    /// Some TURN server is configured (with static, fetched or org-minted credentials).
    pub fn has_turn(&self) -> bool {
        self.credentials_url.is_some() || !self.turn_urls_for_fetched.is_empty() || self.servers.iter().any(|s| s.urls.iter().any(|u| is_turn(u)))
    }

    /// The TURN URLs that take the credentials the org mints (no credentials URL, no static ones).
    pub fn turn_urls_for_org(&self) -> &[String] {
        if self.credentials_url.is_some() {
            &[]
        } else {
            &self.turn_urls_for_fetched
        }
    }
}

/// The raw items, as the definition gives them (trimmed, empty when absent).
pub struct IceItems<'a> {
    /// `iceServers`, comma-separated URLs.
    pub urls: &'a str,
    /// `turnUsername`.
    pub username: &'a str,
    /// `turnCredential`.
    pub credential: &'a str,
    /// `turnCredentialsUrl`.
    pub credentials_url: &'a str,
    /// `iceTransportPolicy`.
    pub policy: &'a str,
    /// The org mints credentials (`credentials` is `org`): TURN URLs without credentials of
    /// their own take the TURN credentials it mints with the SIP ones.
    pub org_credentials: bool,
}

/// One problem with an ICE item: the item's name and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IceProblem {
    /// The item, e.g. `turnCredential`.
    pub item: &'static str,
    /// What is wrong, for an admin.
    pub message: String,
}

fn is_turn(url: &str) -> bool {
    url.starts_with("turn:") || url.starts_with("turns:")
}

/// Reads the ICE items; returns the settings and every problem found.
pub fn read(items: &IceItems<'_>) -> (IceSettings, Vec<IceProblem>) {
    let mut problems = Vec::new();
    let mut problem = |item: &'static str, message: String| problems.push(IceProblem { item, message });
    let urls: Vec<String> = items.urls.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect();
    for url in &urls {
        if !["stun:", "stuns:", "turn:", "turns:"].iter().any(|p| url.starts_with(p)) {
            problem("iceServers", format!("\"{url}\" is not a stun:, stuns:, turn: or turns: URL"));
        }
    }
    let (turn, stun): (Vec<String>, Vec<String>) = urls.into_iter().partition(|u| is_turn(u));
    let mut servers: Vec<IceServer> =
        stun.into_iter().map(|url| IceServer { urls: vec![url], username: None, credential: None }).collect();

    let credentials_url = match items.credentials_url {
        "" => None,
        url if credentials_url_allowed(url) => Some(url.to_owned()),
        url => {
            problem("turnCredentialsUrl", format!("\"{url}\" must be an https:// URL (http:// only on loopback)"));
            None
        }
    };
    let mut turn_urls_for_fetched = Vec::new();
    match (items.username, items.credential) {
        ("", "") if turn.is_empty() => {}
        ("", "") if credentials_url.is_some() || items.org_credentials => turn_urls_for_fetched = turn,
        ("", "") if items.credentials_url.is_empty() => problem(
            "iceServers",
            "TURN URLs need turnUsername and turnCredential, turnCredentialsUrl, or credentials org for time-limited credentials".into(),
        ),
        ("", "") => {}
        (_, "") => problem("turnCredential", "is missing: turnUsername needs its turnCredential".into()),
        ("", _) => problem("turnUsername", "is missing: turnCredential needs its turnUsername".into()),
        (_, _) if turn.is_empty() && credentials_url.is_none() => {
            problem("turnUsername", "is set but iceServers lists no turn: or turns: URL".into())
        }
        (user, password) => {
            if !turn.is_empty() {
                servers.push(IceServer { urls: turn, username: Some(user.to_owned()), credential: Some(password.to_owned()) });
            }
        }
    }

    let policy = match items.policy {
        "" | "all" => IceTransportPolicy::All,
        "relay" => IceTransportPolicy::Relay,
        other => {
            problem("iceTransportPolicy", format!("\"{other}\" is neither all nor relay"));
            IceTransportPolicy::All
        }
    };
    let settings = IceSettings { servers, turn_urls_for_fetched, credentials_url, policy };
    if policy == IceTransportPolicy::Relay && !settings.has_turn() {
        problem("iceTransportPolicy", "relay needs a TURN server: add turn: URLs with credentials, or turnCredentialsUrl".into());
    }
    (settings, problems)
}

/// https anywhere; plain http only to this machine (a development credentials service).
fn credentials_url_allowed(url: &str) -> bool {
    let host_of = |rest: &str| rest.split(['/', '?', '#']).next().unwrap_or("").to_owned();
    if let Some(rest) = url.strip_prefix("https://") {
        let host = host_of(rest);
        return !host.is_empty() && !host.contains(char::is_whitespace);
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let host = host_of(rest);
    let name = if host.starts_with("[::1]") { "[::1]" } else { host.split(':').next().unwrap_or("") };
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items<'a>(urls: &'a str, username: &'a str, credential: &'a str, credentials_url: &'a str, policy: &'a str) -> IceItems<'a> {
        IceItems { urls, username, credential, credentials_url, policy, org_credentials: false }
    }

    #[test]
    fn with_org_credentials_turn_urls_take_the_minted_ones_unless_a_url_fetches_them() {
        let org = |url| IceItems { org_credentials: true, ..items("turn:t.example.com", "", "", url, "relay") };
        let (s, problems) = read(&org(""));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.turn_urls_for_org(), ["turn:t.example.com"]);
        assert!(s.has_turn());
        let (s, problems) = read(&org("https://crm.example.com/turn"));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(s.turn_urls_for_org().is_empty(), "the credentials URL keeps working for those who have one");
        assert_eq!(s.turn_urls_for_fetched, ["turn:t.example.com"]);
    }

    #[test]
    fn stun_and_static_turn_become_two_servers() {
        let (s, problems) = read(&items("stun:s.example.com, turn:t.example.com:3478 ,turns:t.example.com", "agent", "secret", "", ""));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.servers.len(), 2);
        assert_eq!(s.servers.first().map(|x| x.urls.clone()), Some(vec!["stun:s.example.com".to_owned()]));
        let turn = s.servers.get(1).cloned();
        assert_eq!(turn.as_ref().map(|t| t.urls.len()), Some(2));
        assert_eq!(turn.as_ref().and_then(|t| t.credential.clone()).as_deref(), Some("secret"));
        assert_eq!(s.policy, IceTransportPolicy::All);
        assert!(s.has_turn());
    }

    #[test]
    fn the_credential_never_shows_in_debug_output() {
        let (s, _) = read(&items("turn:t.example.com", "agent", "hunter2", "", "relay"));
        let printed = format!("{s:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn turn_without_credentials_is_refused_with_the_way_out() {
        let (_, problems) = read(&items("turn:t.example.com", "", "", "", ""));
        assert_eq!(problems.len(), 1);
        assert!(problems.iter().all(|p| p.item == "iceServers" && p.message.contains("turnCredentialsUrl")));
        let (_, problems) = read(&items("turn:t.example.com", "agent", "", "", ""));
        assert!(problems.iter().any(|p| p.item == "turnCredential"));
    }

    #[test]
    fn fetched_credentials_take_the_turn_urls_of_the_definition() {
        let (s, problems) = read(&items("turn:t.example.com", "", "", "https://crm.example.com/turn", "relay"));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(s.servers.is_empty());
        assert_eq!(s.turn_urls_for_fetched, ["turn:t.example.com"]);
        assert_eq!(s.credentials_url.as_deref(), Some("https://crm.example.com/turn"));
        assert_eq!(s.policy, IceTransportPolicy::Relay);
    }

    #[test]
    fn credentials_over_plain_http_only_on_loopback() {
        for ok in ["https://a.example.com/x", "http://127.0.0.1:8700/turn", "http://localhost/turn", "http://[::1]:80/t"] {
            assert!(credentials_url_allowed(ok), "{ok}");
        }
        for bad in ["http://a.example.com/x", "http://127.0.0.1.example.com/", "ftp://127.0.0.1/", "https:///x", "javascript:1"] {
            assert!(!credentials_url_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn relay_needs_a_turn_server_and_policy_values_are_checked() {
        let (_, problems) = read(&items("stun:s.example.com", "", "", "", "relay"));
        assert!(problems.iter().any(|p| p.item == "iceTransportPolicy" && p.message.contains("TURN")));
        let (_, problems) = read(&items("", "", "", "", "nohost"));
        assert!(problems.iter().any(|p| p.item == "iceTransportPolicy"));
    }
}
