//! The ICE servers a call uses: the definition's STUN/TURN servers, plus time-limited TURN
//! credentials: fetched from the definition's `turnCredentialsUrl` (TURN REST style: JSON
//! `{username, password|credential, ttl, uris}`), or, without one, minted by the org with the
//! SIP credentials (`credentials` org); kept until most of their lifetime passed. A fetch that
//! fails is a sentence for the agent, never an exception.

use std::cell::RefCell;

use callcenter_settings::{IceServer, IceSettings, IceTransportPolicy};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js_value::from_js;
use crate::phone::reasons::RelayProblem;
use crate::phone::value::Value;

/// Fetched credentials are used for this share of their lifetime, then fetched again, so a
/// call never starts on credentials about to expire.
const USE_FOR_PERCENT: f64 = 80.0;
/// Lifetime assumed when the reply gives none (coturn's default allocation lifetime).
const DEFAULT_TTL_S: f64 = 600.0;

/// What one call's peer connection is built with.
#[derive(Clone, Debug, Default)]
pub struct IceConfig {
    /// The servers, credentials included.
    pub servers: Vec<IceServer>,
    /// `all` or `relay`.
    pub policy: IceTransportPolicy,
    /// Until when (performance.now() ms) these credentials may start a call; `None`: forever.
    pub good_until_ms: Option<f64>,
    /// Why TURN is missing from `servers`.
    pub problem: Option<RelayProblem>,
}

impl IceConfig {
    /// Some TURN server is in the configuration: relay candidates are expected.
    pub fn expects_relay(&self) -> bool {
        self.servers.iter().any(|s| s.urls.iter().any(|u| u.starts_with("turn:") || u.starts_with("turns:")))
    }
}

/// The servers as the browser takes them (`RTCIceServer`s), credentials included.
pub fn browser_servers(servers: &[IceServer]) -> js_sys::Array {
    let all = js_sys::Array::new();
    for s in servers {
        let server = web_sys::RtcIceServer::new();
        let urls: js_sys::Array = s.urls.iter().map(|u| JsValue::from_str(u)).collect();
        server.set_urls(&urls);
        if let (Some(user), Some(credential)) = (&s.username, &s.credential) {
            server.set_username(user);
            server.set_credential(credential);
        }
        all.push(&server);
    }
    all
}

/// The TURN REST reply. `password` (the draft's name) or `credential` (WebRTC's name).
#[derive(Debug)]
pub struct TurnRestReply {
    username: String,
    password: Option<String>,
    credential: Option<String>,
    ttl: Option<f64>,
    uris: Vec<String>,
}

impl TurnRestReply {
    fn from_value(v: &Value) -> Option<TurnRestReply> {
        let uris = v.get("uris");
        Some(TurnRestReply {
            username: v.get("username").string()?,
            password: v.get("password").optional(Value::string)?,
            credential: v.get("credential").optional(Value::string)?,
            ttl: v.get("ttl").optional(Value::number)?,
            uris: if uris.is_null() { Vec::new() } else { uris.list(Value::string)? },
        })
    }
}

/// Fetched credentials, and until when a call may start with them.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    server: IceServer,
    good_until_ms: f64,
}

/// Turns a reply into a server; `definition_urls` are used when the reply names none.
pub fn grant_from_reply(reply: TurnRestReply, definition_urls: &[String], now_ms: f64) -> Result<Grant, String> {
    let credential = reply.password.or(reply.credential).filter(|c| !c.is_empty()).ok_or("the reply has no password")?;
    if reply.username.is_empty() {
        return Err("the reply has no username".into());
    }
    let urls: Vec<String> = if reply.uris.is_empty() { definition_urls.to_vec() } else { reply.uris };
    let urls: Vec<String> = urls.into_iter().filter(|u| ["turn:", "turns:", "stun:", "stuns:"].iter().any(|p| u.starts_with(p))).collect();
    if urls.is_empty() {
        return Err("neither the reply nor the definition names a turn: URL".into());
    }
    let ttl_s = reply.ttl.filter(|t| t.is_finite() && *t > 0.0).unwrap_or(DEFAULT_TTL_S);
    Ok(Grant {
        server: IceServer { urls, username: Some(reply.username), credential: Some(credential) },
        good_until_ms: now_ms + ttl_s * 1000.0 * USE_FOR_PERCENT / 100.0,
    })
}

/// The call's ICE configuration, fetching TURN credentials when needed.
pub struct IceSource {
    settings: IceSettings,
    fetched: RefCell<Option<Grant>>,
    /// The TURN credential the org minted last (renewed with the SIP ones).
    minted: RefCell<Option<Grant>>,
}

impl IceSource {
    /// A source for these settings; nothing is fetched until the first call needs it.
    pub fn new(settings: IceSettings) -> IceSource {
        IceSource { settings, fetched: RefCell::new(None), minted: RefCell::new(None) }
    }

    /// The TURN credential the org minted, valid for `ttl_s` from `now_ms`, for the
    /// definition's TURN URLs that have no credentials of their own.
    pub fn use_org_credential(&self, username: &str, password: &str, ttl_s: u32, now_ms: f64) {
        let urls = self.settings.turn_urls_for_org().to_vec();
        let grant = (!urls.is_empty()).then(|| Grant {
            server: IceServer { urls, username: Some(username.to_owned()), credential: Some(password.to_owned()) },
            good_until_ms: now_ms + f64::from(ttl_s) * 1000.0 * USE_FOR_PERCENT / 100.0,
        });
        *self.minted.borrow_mut() = grant;
    }

    /// The configuration for a call starting now as far as it is known without fetching (the
    /// org's credential, or fetched ones still good); `None` when they must be fetched first.
    pub fn known(&self, now_ms: f64) -> Option<IceConfig> {
        let mut config = IceConfig { servers: self.settings.servers.clone(), policy: self.settings.policy, ..IceConfig::default() };
        let grant = if !self.settings.turn_urls_for_org().is_empty() {
            let minted = self.minted.borrow().clone().filter(|g| g.good_until_ms > now_ms);
            if minted.is_none() {
                config.problem = Some(RelayProblem::NoOrgCredential);
            }
            minted
        } else if self.settings.credentials_url.is_some() {
            Some(self.fetched.borrow().clone().filter(|g| g.good_until_ms > now_ms)?)
        } else {
            None
        };
        if let Some(grant) = grant {
            config.good_until_ms = Some(grant.good_until_ms);
            config.servers.push(grant.server);
        }
        Some(config)
    }

    /// The configuration for a call starting now, fetching TURN credentials when needed.
    pub async fn config(&self, now_ms: f64) -> IceConfig {
        if let Some(config) = self.known(now_ms) {
            return config;
        }
        let mut config = IceConfig { servers: self.settings.servers.clone(), policy: self.settings.policy, ..IceConfig::default() };
        let Some(url) = &self.settings.credentials_url else { return config };
        match fetch(url).await.and_then(|reply| grant_from_reply(reply, &self.settings.turn_urls_for_fetched, now_ms)) {
            Ok(grant) => {
                config.good_until_ms = Some(grant.good_until_ms);
                config.servers.push(grant.server.clone());
                *self.fetched.borrow_mut() = Some(grant);
            }
            Err(why) => {
                *self.fetched.borrow_mut() = None;
                config.problem = Some(RelayProblem::CredentialsUnavailable { detail: why });
            }
        }
        config
    }
}

/// GETs the credentials URL and reads its JSON.
async fn fetch(url: &str) -> Result<TurnRestReply, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("no answer from {url}: {}", super::js_error(&e)))?;
    let field = |name: &str| js_sys::Reflect::get(&response, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if field("ok").as_bool() != Some(true) {
        // An HTTP status is a whole number from 200 to 599 (0: the browser gave none).
        let status = field("status").as_f64().unwrap_or(0.0) as u16;
        return Err(format!("{url} answered {status}"));
    }
    let json = field("json").dyn_into::<js_sys::Function>().map_err(|_| "not a fetch response".to_owned())?;
    let promise = json.call0(&response).map_err(|e| super::js_error(&e))?;
    let body = JsFuture::from(js_sys::Promise::resolve(&promise)).await.map_err(|_| format!("{url} did not answer JSON"))?;
    TurnRestReply::from_value(&from_js(&body))
        .ok_or_else(|| format!("{url} answered an unexpected JSON shape (username, password or credential, ttl, uris)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(password: Option<&str>, credential: Option<&str>, ttl: Option<f64>, uris: &[&str]) -> TurnRestReply {
        TurnRestReply {
            username: "1700000000:1001".into(),
            password: password.map(str::to_owned),
            credential: credential.map(str::to_owned),
            ttl,
            uris: uris.iter().map(|u| (*u).to_owned()).collect(),
        }
    }

    #[test]
    fn a_reply_becomes_a_server_used_for_most_of_its_lifetime() {
        let grant = grant_from_reply(reply(Some("pw"), None, Some(100.0), &["turn:t.example.com:3478"]), &[], 1_000.0).expect("grant");
        assert_eq!(grant.server.urls, ["turn:t.example.com:3478"]);
        assert_eq!(grant.server.credential.as_deref(), Some("pw"));
        assert_eq!(grant.good_until_ms, 81_000.0);
    }

    #[test]
    fn credential_is_accepted_for_password_and_the_definition_supplies_urls() {
        let definition = vec!["turn:def.example.com".to_owned()];
        let grant = grant_from_reply(reply(None, Some("pw"), None, &[]), &definition, 0.0).expect("grant");
        assert_eq!(grant.server.urls, definition);
        assert_eq!(grant.good_until_ms, DEFAULT_TTL_S * 800.0);
    }

    #[test]
    fn incomplete_replies_are_refused_with_a_reason() {
        assert!(grant_from_reply(reply(None, None, None, &["turn:t"]), &[], 0.0).is_err());
        let no_urls = grant_from_reply(reply(Some("pw"), None, None, &["http://t"]), &[], 0.0);
        assert!(no_urls.is_err_and(|e| e.contains("turn:")));
    }
}
