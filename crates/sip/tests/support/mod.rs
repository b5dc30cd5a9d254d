//! The scenario harness: user agents and a small in-memory registrar/proxy, with time advanced
//! by hand. Shared by the scenario test files (`mod support;`), each of which uses a part.
#![allow(dead_code, unused_imports)]

use std::collections::HashMap;

mod far;
pub use far::*;

use sip::auth::{answer, Algorithm, Credentials};
use sip::header::{Challenge, Via};
pub use sip::message::{parse, Message, Request, Response};
pub use sip::{CallFailure, CallId, Command, CommandError, Config, EndReason, Event, Input, Instant, NewCall, Output, Random, RegistrationFailure, Uri, UserAgent};

pub struct Rng(pub u64);

impl Random for Rng {
    fn next_u64(&mut self) -> u64 {
        // xorshift64*: deterministic, good enough for tags.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

pub const DOMAIN: &str = "pbx.test";
pub const PROXY: &str = "proxy.test";

pub fn config() -> Config {
    Config {
        domain: DOMAIN.into(),
        display_name: "Agent".into(),
        register_expires: 600,
        instance_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
        user_agent: "test".into(),
        keepalive_ms: 0,
        session_expires: 0,
    }
}

pub fn creds(user: &str, password: &str) -> Credentials {
    Credentials { user: user.into(), password: password.into() }
}

/// A stateless registrar/proxy in the spirit of the project's Kamailio config: digest for
/// REGISTER (401) and initial INVITEs (407), record-routing, routing by user and by contact host.
pub struct Pbx {
    pub passwords: HashMap<String, String>,
    /// user -> (ua index, contact URI)
    pub registered: HashMap<String, (usize, Uri)>,
    /// contact host -> ua index
    pub hosts: HashMap<String, usize>,
    pub min_expires: u32,
    pub grant: Option<u32>,
    pub challenge_invites: bool,
    /// Drop everything (a PBX that stopped answering).
    pub silent: bool,
    /// Answer initial INVITEs asking for a shorter session interval with 422 (RFC 4028).
    pub min_se: Option<u32>,
    /// Take UPDATE out of every Allow header (a far end that does not know UPDATE).
    pub hide_update: bool,
    /// Answer UPDATE with 501 although it is allowed (a far end that claims too much).
    pub refuse_update: bool,
    /// Add this Reason to every CANCEL it forwards (a forking proxy whose other branch answered).
    pub cancel_reason: Option<&'static str>,
    pub registers: usize,
    /// ua index -> its current connection. Like Kamailio's nathelper aliases, a Contact that
    /// comes through the PBX gets `;alias=UA~CONNECTION`, and requests for an alias naming a
    /// connection that is gone fail (477), as they would at Kamailio.
    pub connections: HashMap<usize, u32>,
    /// Answer REGISTER with this status (and Retry-After, seconds) instead of registering.
    pub refuse_register: Option<(u16, Option<u32>)>,
    /// Answer CRLF keep-alive pings with a CRLF pong (RFC 5626 §4.4.1), as Kamailio does.
    pub pongs: bool,
    /// Requests the PBX could not deliver: (method, ua index).
    pub undeliverable: Vec<(String, usize)>,
}

impl Pbx {
    pub fn new() -> Pbx {
        let passwords = [("1001", "pw1001"), ("1002", "pw1002"), ("1003", "pw1003")].into_iter().map(|(u, p)| (u.to_owned(), p.to_owned())).collect();
        Pbx { passwords, registered: HashMap::new(), hosts: HashMap::new(), min_expires: 0, grant: None, challenge_invites: true, silent: false, min_se: None, hide_update: false, refuse_update: false, cancel_reason: None, registers: 0, connections: HashMap::new(), undeliverable: Vec::new(), refuse_register: None, pongs: true }
    }

    pub fn challenge(&self, req: &Request, status: u16) -> Vec<(usize, String)> {
        let mut r = Response::for_request_std(req, status);
        let header = if status == 407 { "Proxy-Authenticate" } else { "WWW-Authenticate" };
        r.headers.push(header, format!("Digest realm=\"{DOMAIN}\", nonce=\"n-{}\", qop=\"auth\", algorithm=MD5", self.registers));
        r.headers.push(header, format!("Digest realm=\"{DOMAIN}\", nonce=\"s-{}\", qop=\"auth\", algorithm=SHA-256", self.registers));
        vec![(usize::MAX, String::from_utf8_lossy(&r.to_bytes()).into_owned())]
    }

    /// Checks the Authorization (or Proxy-Authorization) of `req` the way a registrar would.
    pub fn authorized(&self, req: &Request, header: &str) -> Option<String> {
        let value = req.headers.get(header)?;
        let fields: HashMap<String, String> = value
            .trim_start_matches("Digest ")
            .split(", ")
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
            .collect();
        let user = fields.get("username")?;
        let password = self.passwords.get(user)?;
        let algorithm = Algorithm::parse(fields.get("algorithm")?)?;
        let challenge = Challenge {
            realm: fields.get("realm")?.clone(),
            nonce: fields.get("nonce")?.clone(),
            opaque: None,
            algorithm: fields.get("algorithm")?.clone(),
            qop: vec!["auth".into()],
            stale: false,
        };
        let nc = u32::from_str_radix(fields.get("nc")?, 16).ok()?;
        let expected = answer(&challenge, algorithm, &creds(user, password), req.method.as_str(), fields.get("uri")?, nc, fields.get("cnonce")?);
        (expected.response == *fields.get("response")?).then(|| user.clone())
    }

    /// Handles a frame from UA `from`; returns frames for UAs (usize::MAX: back to the sender).
    pub fn handle(&mut self, from: usize, frame: &str) -> Vec<(usize, String)> {
        if self.silent {
            return vec![];
        }
        if frame.trim().is_empty() {
            return if self.pongs && frame == "\r\n\r\n" { vec![(usize::MAX, "\r\n".into())] } else { vec![] };
        }
        let frame = if self.hide_update { frame.replace(", UPDATE", "") } else { frame.to_owned() };
        match parse(frame.as_bytes()).expect("UAs send valid SIP") {
            Message::Request(mut req) => {
                self.alias_contact(from, &mut req.headers);
                self.request(from, req)
            }
            Message::Response(mut r) => {
                self.alias_contact(from, &mut r.headers);
                // Remove our Via; the next one names the UA.
                let mut vias: Vec<String> = r.headers.get_all("Via").map(str::to_owned).collect();
                if vias.first().is_some_and(|v| v.contains(PROXY)) {
                    vias.remove(0);
                }
                r.headers.remove("Via");
                for v in &vias {
                    r.headers.push("Via", v);
                }
                let host = Via::parse(vias.first().map_or("", String::as_str)).map(|v| v.sent_by).unwrap_or_default();
                match self.hosts.get(&host) {
                    Some(&to) => vec![(to, String::from_utf8_lossy(&r.to_bytes()).into_owned())],
                    None => vec![],
                }
            }
        }
    }

    /// Marks the Contact with the connection it came over (Kamailio's `add_contact_alias`).
    fn alias_contact(&self, from: usize, headers: &mut sip::message::Headers) {
        let Some(mut contact) = headers.get("Contact").and_then(|c| sip::NameAddr::parse(c).ok()) else { return };
        let alias = format!("{from}~{}", self.connection(from));
        contact.uri.params.set("alias", Some(&alias));
        headers.set("Contact", contact);
    }

    pub fn connection(&self, ua: usize) -> u32 {
        self.connections.get(&ua).copied().unwrap_or(0)
    }

    /// The URI's alias names a connection that is gone.
    fn stale(&self, uri: &Uri) -> bool {
        let Some((ua, connection)) = uri.param("alias").and_then(|a| a.split_once('~')) else { return false };
        let (Ok(ua), Ok(connection)) = (ua.parse::<usize>(), connection.parse::<u32>()) else { return true };
        self.connection(ua) != connection
    }

    pub fn request(&mut self, from: usize, mut req: Request) -> Vec<(usize, String)> {
        use sip::Method;
        let back = |r: Response| vec![(usize::MAX, String::from_utf8_lossy(&r.to_bytes()).into_owned())];
        if req.method == Method::Register {
            self.registers += 1;
            if let Some((status, retry_after)) = self.refuse_register {
                let mut r = Response::for_request_std(&req, status);
                if let Some(seconds) = retry_after {
                    r.headers.push("Retry-After", seconds);
                }
                return back(r);
            }
            let Some(user) = self.authorized(&req, "Authorization") else { return self.challenge(&req, 401) };
            let contact = sip::header::name_addrs(req.headers.get_all("Contact")).expect("contact").remove(0);
            let expires: u32 = req.headers.get("Expires").and_then(|e| e.parse().ok()).unwrap_or(3600);
            if expires > 0 && expires < self.min_expires {
                let mut r = Response::for_request_std(&req, 423);
                r.headers.push("Min-Expires", self.min_expires);
                return back(r);
            }
            self.hosts.insert(contact.uri.host.clone(), from);
            let granted = self.grant.unwrap_or(expires);
            self.registered.insert(user, (from, contact.uri.clone()));
            let mut r = Response::for_request_std(&req, 200);
            r.headers.push("Contact", format!("<{}>;expires={granted}", contact.uri));
            return back(r);
        }
        let is_initial = req.headers.get("To").is_some_and(|t| !t.contains("tag="));
        // The far end is a trunk the proxy trusts.
        let trusted = from == FAR;
        if req.method == Method::Invite && is_initial && self.challenge_invites && !trusted && self.authorized(&req, "Proxy-Authorization").is_none() {
            return self.challenge(&req, 407);
        }
        if let (Some(min), true) = (self.min_se, is_initial && req.method == Method::Invite) {
            let asked: u32 = req.headers.get("Session-Expires").and_then(|v| v.split(';').next()?.trim().parse().ok()).unwrap_or(0);
            if asked < min {
                let mut r = Response::for_request_std(&req, 422);
                r.headers.push("Min-SE", min);
                return back(r);
            }
        }
        if self.refuse_update && req.method == Method::Update {
            return back(Response::for_request_std(&req, 501));
        }
        if let (Some(reason), Method::Cancel) = (self.cancel_reason, &req.method) {
            req.headers.push("Reason", reason);
        }
        // Loose routing: drop our own Route.
        let routes: Vec<String> = req.headers.get_all("Route").filter(|r| !r.contains(PROXY)).map(str::to_owned).collect();
        req.headers.remove("Route");
        for r in &routes {
            req.headers.push("Route", r);
        }
        let target = if req.uri.host == DOMAIN {
            let user = req.uri.user.clone().unwrap_or_default();
            match self.registered.get(&user) {
                Some((ua, contact)) => {
                    req.uri = contact.clone();
                    *ua
                }
                None if req.method == Method::Ack => return vec![],
                None => return back(Response::for_request_std(&req, 404)),
            }
        } else {
            match self.hosts.get(&req.uri.host) {
                Some(&ua) => ua,
                None => return vec![],
            }
        };
        if self.stale(&req.uri) {
            self.undeliverable.push((req.method.as_str().to_owned(), target));
            return if req.method == Method::Ack { vec![] } else { back(Response::for_request(&req, 477, "Unfortunately error on sending to next hop occurred")) };
        }
        let branch = Via::parse(req.headers.get("Via").unwrap_or("")).ok().and_then(|v| v.branch().map(str::to_owned)).unwrap_or_default();
        req.headers.push_front("Via", format!("SIP/2.0/WS {PROXY};branch=z9hG4bKp{branch}"));
        if is_initial && req.method == Method::Invite {
            req.headers.push_front("Record-Route", format!("<sip:{PROXY};lr>"));
        }
        vec![(target, String::from_utf8_lossy(&req.to_bytes()).into_owned())]
    }
}

/// The world: user agents, the PBX, a clock, and what each UA told its app.
pub struct World {
    pub now: Instant,
    pub uas: Vec<UserAgent>,
    pub pbx: Pbx,
    pub events: Vec<Vec<Event>>,
    pub sent: Vec<Vec<String>>,
    /// Frames held back per destination UA, to reorder deliveries.
    pub held: Vec<(usize, String)>,
    pub hold_to: Option<usize>,
    pub hold_all: bool,
    /// The UA's connection is down: what it sends, and what is sent to it, is lost.
    pub down: Vec<bool>,
    /// What the proxy sent the far end the test plays (see `far`), not yet looked at.
    pub far_inbox: Vec<String>,
    /// Calls the far end made so far (for their Call-IDs).
    pub far_calls: u32,
}

impl World {
    pub fn new(n: usize) -> World {
        World::with_config(n, config())
    }

    pub fn with_config(n: usize, config: Config) -> World {
        let uas = (0..n).map(|i| UserAgent::new(config.clone(), Box::new(Rng(0x9e37_79b9_7f4a_7c15 + i as u64)))).collect();
        World { now: Instant::from_millis(1_000), uas, pbx: Pbx::new(), events: vec![Vec::new(); n], sent: vec![Vec::new(); n], held: Vec::new(), hold_to: None, hold_all: false, down: vec![false; n], far_inbox: Vec::new(), far_calls: 0 }
    }

    pub fn input(&mut self, ua: usize, input: Input<'_>) {
        self.uas[ua].handle_input(self.now, input);
        self.settle();
    }

    /// UA `ua`'s app gives command `c`, which must be carried out.
    pub fn command(&mut self, ua: usize, c: Command) {
        let result = self.try_command(ua, c);
        assert_eq!(result, Ok(()), "the command is carried out");
    }

    /// UA `ua`'s app starts call `c`, which the user agent names; returns that Call-ID.
    pub fn place(&mut self, ua: usize, c: NewCall) -> CallId {
        self.try_place(ua, c).expect("the call is started")
    }

    /// UA `ua`'s app starts call `c`; what the user agent said of it.
    pub fn try_place(&mut self, ua: usize, c: NewCall) -> Result<CallId, CommandError> {
        let result = self.uas[ua].place_call(self.now, c);
        self.settle();
        result
    }

    /// UA `ua`'s app gives command `c`; what the user agent said of it.
    pub fn try_command(&mut self, ua: usize, c: Command) -> Result<(), CommandError> {
        let result = self.uas[ua].command(self.now, c);
        self.settle();
        result
    }

    /// Delivers everything until nobody has anything to say.
    pub fn settle(&mut self) {
        for _ in 0..1000 {
            let mut moved = false;
            for i in 0..self.uas.len() {
                while let Some(out) = self.uas[i].poll_output() {
                    moved = true;
                    match out {
                        Output::Event(e) => self.events[i].push(e),
                        Output::Transmit(bytes) => {
                            let frame = String::from_utf8(bytes).expect("UAs send UTF-8");
                            self.sent[i].push(frame.clone());
                            if self.down[i] {
                                continue;
                            }
                            for (to, f) in self.pbx.handle(i, &frame) {
                                let to = if to == usize::MAX { i } else { to };
                                if to == FAR {
                                    self.far_inbox.push(f);
                                    continue;
                                }
                                if self.down[to] {
                                    continue;
                                }
                                if self.hold_all || self.hold_to == Some(to) {
                                    self.held.push((to, f));
                                } else {
                                    self.uas[to].handle_input(self.now, Input::Frame(f.as_bytes()));
                                }
                            }
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the user agents keep talking forever");
    }

    pub fn release_held(&mut self) {
        self.hold_to = None;
        self.hold_all = false;
        for (to, f) in std::mem::take(&mut self.held) {
            self.uas[to].handle_input(self.now, Input::Frame(f.as_bytes()));
        }
        self.settle();
    }

    /// Advances the clock to `until`, firing every timer on the way.
    pub fn advance(&mut self, ms: u64) {
        let until = self.now + ms;
        for _ in 0..10_000 {
            let next = self.uas.iter().filter_map(UserAgent::poll_timeout).filter(|t| *t <= until).min();
            match next {
                Some(t) => {
                    self.now = self.now.max(t);
                    for i in 0..self.uas.len() {
                        if self.uas[i].poll_timeout().is_some_and(|d| d <= self.now) {
                            self.uas[i].handle_input(self.now, Input::Timeout);
                        }
                    }
                    self.settle();
                }
                None => {
                    self.now = until;
                    return;
                }
            }
        }
        panic!("a timer keeps firing without progress");
    }

    /// UA `ua`'s WebSocket drops.
    pub fn connection_lost(&mut self, ua: usize) {
        self.down[ua] = true;
        self.input(ua, Input::TransportDown);
    }

    /// UA `ua` connects again: a new connection (a new flow).
    pub fn connection_back(&mut self, ua: usize) {
        self.down[ua] = false;
        *self.pbx.connections.entry(ua).or_insert(0) += 1;
        self.input(ua, Input::TransportUp);
    }

    pub fn take_events(&mut self, ua: usize) -> Vec<Event> {
        std::mem::take(&mut self.events[ua])
    }

    pub fn register(&mut self, ua: usize, user: &str, password: &str) {
        self.input(ua, Input::TransportUp);
        self.command(ua, Command::Register(creds(user, password)));
    }

    /// 1001 (ua 0) and 1002 (ua 1), registered.
    pub fn two_agents() -> World {
        World::two_agents_with(config())
    }

    pub fn two_agents_with(config: Config) -> World {
        let mut w = World::with_config(2, config);
        w.register(0, "1001", "pw1001");
        w.register(1, "1002", "pw1002");
        w.take_events(0);
        w.take_events(1);
        w
    }

    /// 1001, 1002 and 1003 (uas 0, 1 and 2), registered.
    pub fn three_agents() -> World {
        let mut w = World::new(3);
        for (ua, user) in ["1001", "1002", "1003"].into_iter().enumerate() {
            w.register(ua, user, &format!("pw{user}"));
            w.take_events(ua);
        }
        w
    }

    /// 0 calls 1; returns the Call-ID.
    pub fn call(&mut self) -> CallId {
        self.call_from(0, "1002")
    }

    /// UA `from` calls `user`; returns the Call-ID.
    pub fn call_from(&mut self, from: usize, user: &str) -> CallId {
        self.place(from, NewCall::Dial { target: Uri::sip(user, DOMAIN), sdp: "v=0 offer\r\n".into() })
    }

    pub fn connected_call(&mut self) -> CallId {
        self.connected_call_between(0, 1, "1002")
    }

    /// UA `from` calls `user` on UA `to`, who answers.
    pub fn connected_call_between(&mut self, from: usize, to: usize, user: &str) -> CallId {
        let id = self.call_from(from, user);
        self.command(to, Command::Answer { call: id.clone(), sdp: "v=0 answer\r\n".into() });
        assert!(self.take_events(from).contains(&Event::Answered { call: id.clone(), sdp: "v=0 answer\r\n".into() }));
        assert!(self.take_events(to).contains(&Event::Confirmed { call: id.clone() }));
        id
    }


    /// Frames UA `ua` sent that start with `start`.
    pub fn count_sent(&self, ua: usize, start: &str) -> usize {
        self.sent[ua].iter().filter(|f| f.starts_with(start)).count()
    }
}
