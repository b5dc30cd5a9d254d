//! The user agent: registration, calls and the transactions under them, sans-IO.
//!
//! Drive it with [`UserAgent::handle_input`] (frames received, transport up/down, timeouts) and
//! [`UserAgent::command`] (the app's commands), drain it with [`UserAgent::poll_output`] (frames
//! to send, events for the app) and ask [`UserAgent::poll_timeout`] when to call again. It never
//! reads a clock: `now` is an [`Instant`] on whatever monotonic clock the caller uses.
//! Randomness (tags, branches, Call-IDs, cnonces) comes from the caller's [`Random`].
//!
//! The transport is reliable (a WebSocket), so requests are never retransmitted; a client
//! transaction simply times out after [`TRANSACTION_TIMEOUT_MS`] (64*T1), but an INVITE that
//! was answered provisionally waits for [`PROVISIONAL_WAIT_MS`] after the last provisional
//! response (a call may ring, or play an announcement, for minutes). 2xx responses to INVITE
//! and reliable provisional responses (RFC 3262) are the exceptions, retransmitted until the
//! ACK or PRACK arrives (RFC 3261 §13.3.1.4), because proxies on the way may not be stateful.
//!
//! The parts: `api` (what the app sees), `commands`, `uas` (requests from the far end, after
//! `checks`), `transaction` (our requests and their responses, with digest retries),
//! `registration`, `dialog`, `invite` (our calls) and `early` (their early dialogs and media),
//! `incoming` (calls to us) and `reliable` (our reliable ringing), `offer` (offers and answers
//! after the first: re-INVITE, UPDATE, delayed offer), `session` (RFC 4028 timers), `transfer`,
//! `flow` (connections), `rejoin`, and `timers` (every deadline in one table).

use std::collections::VecDeque;

use crate::auth::Credentials;
use crate::message::{parse, reason_phrase, Headers, Message, Request, Response};
use crate::uri::NameAddr;

mod api;
mod checks;
mod commands;
mod dialog;
mod early;
mod flow;
mod incoming;
mod invite;
mod offer;
mod registration;
mod rejoin;
mod reliable;
mod session;
mod timers;
mod transaction;
mod transfer;
mod uas;

pub use api::{CallFailure, CallId, Command, CommandError, Config, DialogRef, DropReason, EndReason, Event, Input, Instant, NewCall, OfferRefusal, Output, Random, RegistrationFailure};
pub use flow::PONG_WAIT_MS;
pub use registration::refresh_after;
pub use session::MIN_SESSION_EXPIRES;

use dialog::Call;
use registration::Registration;
use timers::{Timer, Timers};
use transaction::{NonceCount, Transactions};

/// 64*T1 with T1 = 500 ms: how long a request may go unanswered, milliseconds.
pub const TRANSACTION_TIMEOUT_MS: u64 = 32_000;
/// How long our INVITE waits for its final response after the last provisional one,
/// milliseconds: RFC 3261 §16.6's Timer C (more than 3 minutes), the longest a proxy waits.
pub const PROVISIONAL_WAIT_MS: u64 = 181_000;
/// RFC 3261 T1 and T2, milliseconds: the first and the longest interval between 2xx resends.
const T1: u64 = 500;
const T2: u64 = 4_000;

/// Methods we act on (any other is answered 501); `checks` lets exactly these through.
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, PRACK, OPTIONS, INFO, UPDATE, REFER, NOTIFY";
/// Extensions we handle, on both sides of a call: reliable provisional responses (RFC 3262),
/// session timers (RFC 4028), Replaces (RFC 3891), and outbound (RFC 5626), which the
/// registration uses. A request may require exactly these (`checks`, else 420).
const SUPPORTED: &str = "100rel, timer, replaces, outbound";
/// Bodies we read: SDP in offers and answers, DTMF in INFO, the transfer target's status line
/// in NOTIFY (`checks` admits each for its method, else 415).
const ACCEPT: &str = "application/sdp, application/dtmf-relay, message/sipfrag";

/// The user agent.
pub struct UserAgent {
    config: Config,
    random: Box<dyn Random>,
    credentials: Option<Credentials>,
    /// The user part of our address of record when it is not the credentials' user name
    /// ([`Command::RegisterAs`]: ephemeral credentials authenticate as `EXPIRES:USER`).
    aor_user: Option<String>,
    /// The binding of the address of record we left, while its removal is under way.
    retiring: Option<registration::Retiring>,
    registration: Registration,
    reg_call_id: String,
    reg_from_tag: String,
    reg_cseq: u32,
    expires: u32,
    /// The random host of our `.invalid` Contact and Via (RFC 7118 §5).
    local_host: String,
    transport_up: bool,
    /// The connection: its number, pings, requests held while it is down.
    flow: flow::Flow,
    transactions: Transactions,
    calls: Vec<Call>,
    /// Every deadline: the next input is due at the earliest.
    timers: Timers,
    /// Nonce use counts, for `nc`.
    nonce_counts: Vec<NonceCount>,
    out: VecDeque<Output>,
}

impl UserAgent {
    /// A user agent that is not registered and has no calls.
    pub fn new(config: Config, mut random: Box<dyn Random>) -> UserAgent {
        // RFC 7118 §5: a random `.invalid` host, which no resolver will try to look up.
        let mut local_host = token(&mut *random, 12);
        local_host.push_str(".invalid");
        let reg_call_id = token(&mut *random, 22);
        let reg_from_tag = token(&mut *random, 10);
        UserAgent {
            expires: config.register_expires,
            config,
            random,
            credentials: None,
            aor_user: None,
            retiring: None,
            registration: Registration::Idle,
            reg_call_id,
            reg_from_tag,
            reg_cseq: 0,
            local_host,
            transport_up: false,
            flow: flow::Flow::default(),
            transactions: Transactions::default(),
            calls: Vec::new(),
            timers: Timers::default(),
            nonce_counts: Vec::new(),
            out: VecDeque::new(),
        }
    }

    /// Feeds one input at time `now`. Timers that are due are handled too.
    pub fn handle_input(&mut self, now: Instant, input: Input<'_>) {
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
                self.timers.clear(&Timer::Keepalive);
                self.registration_lost();
                self.flow_down();
            }
            Input::Frame(bytes) => self.on_frame(now, bytes),
            Input::Timeout => {}
        }
        self.on_timers(now);
    }

    /// Carries out the app's command at time `now` (timers that are due are handled too).
    /// An error says why nothing was sent.
    pub fn command(&mut self, now: Instant, command: Command) -> Result<(), CommandError> {
        let result = self.on_command(now, command);
        self.on_timers(now);
        result
    }

    /// Starts an outgoing call at time `now` and names it: the Call-ID its events and commands
    /// carry from now on. Its INVITE is among the outputs. An error says why nothing was sent.
    pub fn place_call(&mut self, now: Instant, call: NewCall) -> Result<CallId, CommandError> {
        let result = match call {
            NewCall::Dial { target, sdp } => Ok(self.send_invite(now, target, sdp, Vec::new())),
            NewCall::Referred { call, sdp } => self.accept_transfer(now, &call, sdp),
            NewCall::Rejoin { dialog, sdp } => Ok(self.rejoin(now, *dialog, sdp)),
        };
        self.on_timers(now);
        result
    }

    /// The next frame to send or event to report.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When [`Input::Timeout`] should be fed next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// The user it registers as (its address of record's user part), once told
    /// ([`Command::Register`], [`Command::RegisterAs`]).
    pub fn user(&self) -> Option<&str> {
        self.aor_user.as_deref().or(self.credentials.as_ref().map(|c| c.user.as_str()))
    }

    /// Whether the registration is in place.
    pub fn is_registered(&self) -> bool {
        self.registration == Registration::Registered
    }

    fn on_frame(&mut self, now: Instant, bytes: &[u8]) {
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
                    self.reply(r);
                }
                self.event(Event::Dropped { reason: DropReason::Malformed(e) });
            }
        }
    }

    /// Sends a response of ours outside any dialog, with a To tag of its own (RFC 3261 §8.2.6.2).
    fn reply(&mut self, mut r: Response) {
        set_to_tag(&mut r, &token(&mut *self.random, 10));
        self.transmit(r.to_bytes());
    }

    /// Answers `req` with `status` and its standard reason phrase (a To tag of our own on
    /// anything but 100).
    fn respond(&mut self, req: &Request, status: u16) {
        let mut r = Response::for_request(req, status, reason_phrase(status));
        if status > 100 {
            set_to_tag(&mut r, &token(&mut *self.random, 10));
        }
        self.transmit(r.to_bytes());
    }

    fn transmit(&mut self, bytes: Vec<u8>) {
        self.out.push_back(Output::Transmit(bytes));
    }

    fn event(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    fn call_mut(&mut self, id: &str) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.id == id)
    }

    /// The call `id`, or the error a command on it gets.
    fn known_call(&mut self, id: &str) -> Result<&mut Call, CommandError> {
        self.call_mut(id).ok_or(CommandError::UnknownCall)
    }

    /// Forgets call `id` and its timers; its BYE, CANCEL or INVITE may still be answered.
    fn end_call(&mut self, id: &str, reason: EndReason) {
        let before = self.calls.len();
        self.calls.retain(|c| c.id != id);
        self.timers.clear_call(id);
        self.abandon_transactions(|t| t.call.as_deref() == Some(id) && !t.purpose.outlives_call());
        if self.calls.len() != before {
            self.event(Event::Ended { call: id.into(), reason });
        }
    }
}

/// Whether a comma-separated header (`Allow`) lists `token`.
fn allows(headers: &Headers, token: &str) -> bool {
    list_contains(headers.get_all("Allow"), token)
}

/// Whether `Require` lists `token`.
fn requires(headers: &Headers, token: &str) -> bool {
    list_contains(headers.get_all("Require"), token)
}

/// Whether `Supported` (compact `k`) lists `token`.
fn supports(headers: &Headers, token: &str) -> bool {
    list_contains(headers.get_all("Supported"), token)
}

fn list_contains<'a>(values: impl Iterator<Item = &'a str>, token: &str) -> bool {
    values.flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Sets the To tag of a response that has none yet.
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
