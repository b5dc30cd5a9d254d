//! The user agent: registration, calls and the transactions under them, sans-IO.
//!
//! Drive it with [`UserAgent::handle_input`] (frames received, transport up/down, the app's
//! commands, timeouts), drain it with [`UserAgent::poll_output`] (frames to send, events for the
//! app) and ask [`UserAgent::poll_timeout`] when to call again. It never reads a clock: `now`
//! is whatever monotonic milliseconds the caller uses. Randomness (tags, branches, Call-IDs,
//! cnonces) comes from the caller's [`Random`].
//!
//! The transport is reliable (a WebSocket), so requests are never retransmitted; a client
//! transaction simply times out after [`TRANSACTION_TIMEOUT_MS`] (64*T1). 2xx responses to
//! INVITE are the exception, retransmitted until the ACK arrives (RFC 3261 §13.3.1.4), because
//! proxies on the way may not be stateful.

use std::collections::VecDeque;

use crate::auth::Credentials;
use crate::message::{parse, reason_phrase, Message, Request, Response};
use crate::uri::NameAddr;

mod api;
mod checks;
mod commands;
mod dialog;
mod flow;
mod invite;
mod registration;
mod rejoin;
mod session;
mod timers;
mod transaction;
mod transfer;
mod uas;

pub use api::{CallId, Command, Config, EndReason, Event, Input, Millis, Output, Random};
pub use flow::{refresh_after, PONG_WAIT_MS};
pub use rejoin::DialogRef;
pub use session::MIN_SESSION_EXPIRES;

use dialog::{Call, CallState};
use registration::Registration;
use transaction::{Purpose, Transactions};

/// 64*T1 with T1 = 500 ms: how long a request may go unanswered.
pub const TRANSACTION_TIMEOUT_MS: Millis = 32_000;

const T1: Millis = 500;

const T2: Millis = 4_000;

/// The user agent.
pub struct UserAgent {
    config: Config,
    random: Box<dyn Random>,
    credentials: Option<Credentials>,
    registration: Registration,
    reg_call_id: String,
    reg_from_tag: String,
    reg_cseq: u32,
    expires: u32,
    /// The random host of our `.invalid` Contact and Via (RFC 7118 §5).
    local_host: String,
    transport_up: bool,
    next_keepalive: Option<Millis>,
    /// The connection: its number, pings, requests held while it is down.
    flow: flow::Flow,
    transactions: Transactions,
    calls: Vec<Call>,
    /// Nonce use counts, for `nc`.
    nonce_counts: Vec<(String, u32)>,
    out: VecDeque<Output>,
}

impl UserAgent {
    /// A user agent that is not registered and has no calls.
    pub fn new(config: Config, mut random: Box<dyn Random>) -> UserAgent {
        // RFC 7118 §5: a random `.invalid` host, which no resolver will try to look up.
        let local_host = format!("{}.invalid", token(&mut *random, 12));
        let reg_call_id = token(&mut *random, 22);
        let reg_from_tag = token(&mut *random, 10);
        UserAgent {
            expires: config.register_expires,
            config,
            random,
            credentials: None,
            registration: Registration::Idle,
            reg_call_id,
            reg_from_tag,
            reg_cseq: 0,
            local_host,
            transport_up: false,
            next_keepalive: None,
            flow: flow::Flow::default(),
            transactions: Transactions::default(),
            calls: Vec::new(),
            nonce_counts: Vec::new(),
            out: VecDeque::new(),
        }
    }

    /// Feeds one input at time `now`. Timers that are due are handled too.
    pub fn handle_input(&mut self, now: Millis, input: Input<'_>) {
        match input {
            Input::TransportUp => {
                self.transport_up = true;
                self.flow_up(now);
                // A new connection is a new flow (RFC 5626 §4.4.1): register again on it.
                if self.credentials.is_some() && self.registration != Registration::Unregistering {
                    self.send_register(now, self.expires);
                }
            }
            Input::TransportDown => {
                self.transport_up = false;
                self.next_keepalive = None;
                // Requests in flight on the old connection will never be answered.
                let lost: Vec<String> =
                    self.transactions.iter().filter(|(_, t)| matches!(t.purpose, Purpose::Register | Purpose::Unregister)).map(|(b, _)| b.clone()).collect();
                for branch in lost {
                    self.transactions.remove(&branch);
                }
                if matches!(self.registration, Registration::Registered { .. } | Registration::Registering) {
                    self.registration = Registration::Registering;
                }
                self.flow_down();
            }
            Input::Frame(bytes) => self.on_frame(now, bytes),
            Input::Command(command) => self.on_command(now, command),
            Input::Timeout => {}
        }
        self.on_timers(now);
    }

    /// The next frame to send or event to report.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When [`Input::Timeout`] should be fed next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let tx = self.transactions.values().map(|t| t.deadline);
        let reg = match self.registration {
            Registration::Registered { refresh_at } => Some(refresh_at),
            _ => None,
        };
        let calls = self.calls.iter().flat_map(|c| {
            [c.unacked_ok.as_ref().map(|(_, next, _, _)| *next), c.glare_retry.as_ref().map(|(at, _)| *at), c.session.map(|s| s.due), c.transferring]
        });
        tx.chain(reg).chain(calls.flatten()).chain(self.next_keepalive).chain(self.flow_deadline()).min()
    }

    /// Whether the registration is in place.
    pub fn is_registered(&self) -> bool {
        matches!(self.registration, Registration::Registered { .. })
    }

    // --- frames -----------------------------------------------------------------------------

    fn on_frame(&mut self, now: Millis, bytes: &[u8]) {
        self.flow_heard(bytes);
        // RFC 5626 keep-alive answers (and stray CRLFs) are not messages.
        if bytes.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            return;
        }
        match parse(bytes) {
            Ok(Message::Response(r)) => self.on_response(now, r),
            Ok(Message::Request(r)) => self.on_request(now, r),
            Err(e) => {
                let answer = crate::message::salvage_request_headers(bytes).and_then(|headers| checks::unparsable(&headers, e.kind));
                if let Some(r) = answer {
                    self.send_refusal(r);
                }
                self.event(Event::Dropped { reason: e.to_string() });
            }
        }
    }

    /// Sends a response refusing a request (with a To tag of its own, RFC 3261 §8.2.6.2).
    fn send_refusal(&mut self, mut r: Response) {
        set_to_tag(&mut r, &token(&mut *self.random, 10));
        self.transmit(r.to_bytes());
    }

    fn respond(&mut self, req: &Request, status: u16, tag: Option<&str>) {
        let mut r = Response::for_request(req, status, reason_phrase(status));
        if status > 100 {
            let tag = tag.map_or_else(|| token(&mut *self.random, 10), str::to_owned);
            set_to_tag(&mut r, &tag);
        }
        self.transmit(r.to_bytes());
    }

    fn transmit(&mut self, bytes: Vec<u8>) {
        self.out.push_back(Output::Transmit(String::from_utf8_lossy(&bytes).into_owned()));
    }

    fn event(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    fn call_mut(&mut self, id: &str) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.id == id)
    }

    fn end_call(&mut self, id: &str, reason: EndReason) {
        let before = self.calls.len();
        self.calls.retain(|c| c.id != id);
        self.transactions.retain(|_, t| t.call.as_deref() != Some(id) || matches!(t.purpose, Purpose::Bye | Purpose::Cancel | Purpose::Invite));
        if self.calls.len() != before {
            self.event(Event::Ended { call: id.to_owned(), reason });
        }
    }
}

/// Methods we accept.
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY";

/// Extensions we support on calls: session timers (RFC 4028) and Replaces (RFC 3891).
const SUPPORTED: &str = "timer, replaces";

/// Whether a comma-separated header (`Allow`) lists `token`.
fn allows(headers: &crate::message::Headers, token: &str) -> bool {
    list_contains(headers.get_all("Allow"), token)
}

/// Whether `Supported` (compact `k`) lists `token`.
fn supports(headers: &crate::message::Headers, token: &str) -> bool {
    list_contains(headers.get_all("Supported"), token)
}

fn list_contains<'a>(values: impl Iterator<Item = &'a str>, token: &str) -> bool {
    values.flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn set_to_tag(r: &mut Response, tag: &str) {
    let Some(mut to) = r.headers.get("To").and_then(|t| NameAddr::parse(t).ok()) else { return };
    if to.tag().is_none() {
        to.set_tag(tag);
        r.headers.set("To", to);
    }
}

/// `len` random characters from `[a-z0-9]`.
fn token(random: &mut dyn Random, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut bits = 0u64;
    for i in 0..len {
        if i % 10 == 0 {
            bits = random.next_u64();
        }
        let index = usize::try_from(bits % 36).unwrap_or(0);
        out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'x')));
        bits /= 36;
    }
    out
}
