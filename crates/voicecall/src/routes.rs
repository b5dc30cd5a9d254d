//! What the service answers, on its two listeners:
//!
//! - the **hook** (the PBX only; bind it to loopback or a private interface):
//!   `POST /v1/calls/started` (`callId`, `from`, `to`, form-encoded) and `POST /v1/calls/ended`
//!   (`callId`), answered at once: the VoiceCall is created behind the PBX's back, so a slow
//!   Salesforce never delays a ring;
//! - the **lookup** (the agents' browsers, the connector page): `GET
//!   /v1/voice-calls/{Call-ID}?wait=SECONDS`, the call's VoiceCall Id once it exists (waiting up
//!   to `wait`, at most 20 s), readable only by the origins the service was told to allow (their
//!   CORS and Private Network Access preflights, `OPTIONS`, are answered yes).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::calls::{Failure, Registry, Started, Status};
use crate::facts::{BadFact, CallEnd, CallId, CallStart, Number};
use crate::http::{Incoming, Outgoing};

/// The longest a lookup waits for a VoiceCall.
pub const MAX_WAIT_S: u64 = 20;

/// What both listeners and the sender share.
pub struct Shared {
    registry: Mutex<Registry>,
    /// Notified whenever the registry changes (a call, an answer).
    pub changed: Condvar,
    epoch: Instant,
    /// Origins whose pages may read lookups (CORS), exact.
    allowed_origins: Vec<String>,
}

/// Which listener a request came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    Hook,
    Lookup,
}

impl Shared {
    pub fn new(registry: Registry, allowed_origins: Vec<String>) -> Shared {
        Shared { registry: Mutex::new(registry), changed: Condvar::new(), epoch: Instant::now(), allowed_origins }
    }

    /// Monotonic milliseconds since the service started.
    pub fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The registry, even if a thread panicked while holding it (its state is still whole:
    /// every method leaves it consistent before returning).
    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The answer to `request` on `listener`.
    pub fn answer(&self, listener: Listener, request: &Incoming) -> Outgoing {
        let path = request.target.split('?').next().unwrap_or("");
        match (listener, request.method.as_str(), path) {
            (Listener::Hook, "POST", "/v1/calls/started") => self.started(&request.body),
            (Listener::Hook, "POST", "/v1/calls/ended") => self.ended(&request.body),
            (Listener::Lookup, "GET", p) if p.starts_with(LOOKUP_PREFIX) => self.lookup(request),
            (Listener::Lookup, "OPTIONS", p) if p.starts_with(LOOKUP_PREFIX) => self.preflight(request),
            _ if path.starts_with("/v1/") => Outgoing::json(405, json!({ "error": "not on this listener" })),
            _ => Outgoing::json(404, json!({ "error": "no such resource" })),
        }
    }

    fn started(&self, body: &[u8]) -> Outgoing {
        let start = match read_start(body) {
            Ok(start) => start,
            Err(bad) => return refused(&bad),
        };
        let call_id = start.call_id.clone();
        let outcome = self.registry().call_started(self.now(), start);
        self.changed.notify_all();
        match outcome {
            Started::New => {
                eprintln!("voicecall: call {call_id} offered to an agent: creating its VoiceCall");
                Outgoing::json(202, json!({ "status": "creating" }))
            }
            Started::Known => Outgoing::json(202, json!({ "status": "known" })),
            Started::Full => {
                eprintln!("voicecall: call {call_id} gets no VoiceCall: the service already holds as many calls as it may");
                Outgoing::json(503, json!({ "error": "too many calls" }))
            }
        }
    }

    fn ended(&self, body: &[u8]) -> Outgoing {
        let form = form(body);
        let call_id = match form.get("callId").map(|c| CallId::parse(c)) {
            Some(Ok(c)) => c,
            Some(Err(bad)) => return refused(&bad),
            None => return refused(&BadFact::Missing("callId")),
        };
        self.registry().call_ended(self.now(), CallEnd { call_id, ended_at_ms: unix_ms() });
        self.changed.notify_all();
        Outgoing::json(202, json!({ "status": "ended" }))
    }

    /// A browser asking first whether the page may read lookups (CORS, Private Network Access):
    /// yes for the allowed origins, no word for the others.
    fn preflight(&self, request: &Incoming) -> Outgoing {
        let allow_origin = request.origin.clone().filter(|o| self.allowed_origins.contains(o));
        Outgoing { status: 204, body: String::new(), preflight: allow_origin.is_some(), allow_origin }
    }

    fn lookup(&self, request: &Incoming) -> Outgoing {
        let allow_origin = request.origin.clone().filter(|o| self.allowed_origins.contains(o));
        let mut answer = self.lookup_status(request);
        answer.allow_origin = allow_origin;
        answer
    }

    fn lookup_status(&self, request: &Incoming) -> Outgoing {
        let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
        let encoded = path.strip_prefix(LOOKUP_PREFIX).unwrap_or("");
        let Some(call_id) = percent_decode(encoded).and_then(|text| CallId::parse(&text).ok()) else {
            return Outgoing::json(400, json!({ "error": "not a Call-ID" }));
        };
        let wait_s = form(query.as_bytes()).get("wait").and_then(|w| w.parse::<u64>().ok()).unwrap_or(0).min(MAX_WAIT_S);
        let deadline = Instant::now() + Duration::from_secs(wait_s);
        let mut registry = self.registry();
        loop {
            match registry.status(&call_id) {
                None => return Outgoing::json(404, json!({ "status": "unknown-call" })),
                Some(Status::Created(id)) => return Outgoing::json(200, json!({ "status": "created", "voiceCallId": id })),
                Some(Status::Failed(failure)) => return Outgoing::json(200, failed(failure)),
                Some(Status::Creating) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Outgoing::json(200, json!({ "status": "creating" }));
                    }
                    registry = self.changed.wait_timeout(registry, left).map(|(g, _)| g).unwrap_or_else(|p| p.into_inner().0);
                }
            }
        }
    }
}

const LOOKUP_PREFIX: &str = "/v1/voice-calls/";

fn failed(failure: Failure) -> serde_json::Value {
    match failure {
        Failure::Refused { status } => json!({ "status": "failed", "reason": "refused", "httpStatus": status }),
        Failure::Rejected { status } => json!({ "status": "failed", "reason": "rejected", "httpStatus": status }),
        Failure::Unknown => json!({ "status": "failed", "reason": "unknown" }),
        Failure::Unavailable => json!({ "status": "failed", "reason": "unavailable" }),
    }
}

fn refused(bad: &BadFact) -> Outgoing {
    eprintln!("voicecall: refused a call event: {bad}");
    Outgoing::json(400, json!({ "error": bad.to_string() }))
}

fn read_start(body: &[u8]) -> Result<CallStart, BadFact> {
    let form = form(body);
    let field = |name: &'static str| form.get(name).map(String::as_str).ok_or(BadFact::Missing(name));
    Ok(CallStart {
        call_id: CallId::parse(field("callId")?)?,
        from: Number::parse("from", field("from")?)?,
        to: Number::parse("to", field("to")?)?,
        started_at_ms: unix_ms(),
    })
}

/// `application/x-www-form-urlencoded` fields (the first of a repeated name wins; undecodable
/// fields are dropped).
pub fn form(body: &[u8]) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for pair in String::from_utf8_lossy(body).split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let (Some(name), Some(value)) = (percent_decode(&name.replace('+', " ")), percent_decode(&value.replace('+', " "))) {
            fields.entry(name).or_insert(value);
        }
    }
    fields
}

/// `%XX` escapes decoded; `None` for a broken escape or text that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// Wall-clock Unix milliseconds (the VoiceCall's start and end times).
pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{Answer, Policy};

    fn shared() -> Shared {
        Shared::new(Registry::new(Policy::default(), 1), vec!["https://acme--c.vf.force.com".into()])
    }

    fn post(target: &str, body: &str) -> Incoming {
        Incoming { method: "POST".into(), target: target.into(), origin: None, body: body.as_bytes().to_vec() }
    }

    fn get(target: &str, origin: Option<&str>) -> Incoming {
        Incoming { method: "GET".into(), target: target.into(), origin: origin.map(str::to_owned), body: Vec::new() }
    }

    #[test]
    fn the_pbx_hook_starts_a_creation_and_the_lookup_follows_it() {
        let s = shared();
        let started = s.answer(Listener::Hook, &post("/v1/calls/started", "callId=abc%40pbx&from=%2B14155550100&to=8005550199"));
        assert_eq!(started.status, 202);
        let request = s.registry().poll_request().unwrap();
        let creating = s.answer(Listener::Lookup, &get("/v1/voice-calls/abc%40pbx", Some("https://acme--c.vf.force.com")));
        assert_eq!((creating.status, creating.body.as_str()), (200, r#"{"status":"creating"}"#));
        assert_eq!(creating.allow_origin.as_deref(), Some("https://acme--c.vf.force.com"));
        s.registry().answered(s.now(), request.id, Answer::Created { voice_call_id: "0LQ5g000000ABCDGA4".into() });
        let created = s.answer(Listener::Lookup, &get("/v1/voice-calls/abc%40pbx?wait=5", Some("https://evil.example")));
        assert_eq!(created.body, r#"{"status":"created","voiceCallId":"0LQ5g000000ABCDGA4"}"#);
        assert_eq!(created.allow_origin, None, "another site's page may not read it");
    }

    #[test]
    fn a_preflight_is_answered_for_the_allowed_origins_only() {
        let s = shared();
        let ask = |origin: &str| Incoming { method: "OPTIONS".into(), target: "/v1/voice-calls/a".into(), origin: Some(origin.into()), body: Vec::new() };
        let ours = s.answer(Listener::Lookup, &ask("https://acme--c.vf.force.com"));
        assert_eq!((ours.status, ours.preflight, ours.allow_origin.as_deref()), (204, true, Some("https://acme--c.vf.force.com")));
        let theirs = s.answer(Listener::Lookup, &ask("https://evil.example"));
        assert_eq!((theirs.preflight, theirs.allow_origin), (false, None));
        let mut wire = Vec::new();
        crate::http::write_response(&mut wire, &ours).unwrap();
        assert!(String::from_utf8(wire).unwrap().contains("Access-Control-Allow-Private-Network: true\r\n"));
    }

    #[test]
    fn each_listener_answers_only_its_own_routes() {
        let s = shared();
        assert_eq!(s.answer(Listener::Lookup, &post("/v1/calls/started", "callId=a&from=1&to=2")).status, 405, "browsers cannot start calls");
        assert!(s.registry().is_empty());
        assert_eq!(s.answer(Listener::Hook, &get("/v1/voice-calls/a", None)).status, 405);
        assert_eq!(s.answer(Listener::Hook, &get("/elsewhere", None)).status, 404);
    }

    #[test]
    fn bad_call_events_are_refused_and_start_nothing() {
        let s = shared();
        for body in ["from=1&to=2", "callId=a%20b&from=1&to=2", "callId=a&from=%3Csip%3Ax%3E&to=2", "callId=a&from=1", "callId=%ZZ&from=1&to=2"] {
            assert_eq!(s.answer(Listener::Hook, &post("/v1/calls/started", body)).status, 400, "{body}");
        }
        assert!(s.registry().is_empty());
        assert_eq!(s.answer(Listener::Lookup, &get("/v1/voice-calls/nobody", None)).status, 404);
        assert_eq!(s.answer(Listener::Lookup, &get("/v1/voice-calls/a%20b", None)).status, 400);
    }

    #[test]
    fn a_lookup_waits_for_the_creation_no_longer_than_asked() {
        let s = std::sync::Arc::new(shared());
        s.answer(Listener::Hook, &post("/v1/calls/started", "callId=w1&from=1&to=2"));
        let request = s.registry().poll_request().unwrap();
        let waiter = {
            let s = s.clone();
            std::thread::spawn(move || s.answer(Listener::Lookup, &get("/v1/voice-calls/w1?wait=10", None)))
        };
        std::thread::sleep(Duration::from_millis(50));
        s.registry().answered(s.now(), request.id, Answer::Status { code: 400, retry_after_s: None });
        s.changed.notify_all();
        let answer = waiter.join().unwrap();
        assert_eq!(answer.body, r#"{"httpStatus":400,"reason":"rejected","status":"failed"}"#);
    }
}
