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

use crate::auth::{self, Credentials};
use crate::header::{name_addrs, CSeq, Challenge, Via};
use crate::message::{parse, reason_phrase, Message, Method, Request, Response};
use crate::uri::{NameAddr, Uri};

mod checks;
mod flow;
mod rejoin;
pub use flow::{refresh_after, PONG_WAIT_MS};
pub use rejoin::DialogRef;

/// Milliseconds on the caller's monotonic clock.
pub type Millis = u64;

/// 64*T1 with T1 = 500 ms: how long a request may go unanswered.
pub const TRANSACTION_TIMEOUT_MS: Millis = 32_000;
const T1: Millis = 500;
const T2: Millis = 4_000;
/// How long a 491 glare waits before trying again (RFC 3261 §14.1, owner of the Call-ID: 2.1-4 s).
const GLARE_RETRY_MS: (Millis, Millis) = (2_100, 4_000);
/// The shortest session interval we accept (RFC 4028 §4: at least 90 s).
pub const MIN_SESSION_EXPIRES: u32 = 90;
/// How long a transfer may go without news (a NOTIFY) before we call it failed: a far end that
/// accepts REFER and then stays silent must not leave the agent waiting forever.
const TRANSFER_SILENCE_MS: Millis = 120_000;
/// How long a failed session refresh waits before the next attempt.
const REFRESH_RETRY_MS: Millis = 10_000;

/// The caller's randomness: tags, branches, Call-IDs and cnonces come from it.
pub trait Random {
    /// A uniformly random 64-bit value.
    fn next_u64(&mut self) -> u64;
}

/// What became of a challenge.
enum AuthRetry {
    /// The request went out again with credentials.
    Sent,
    /// Nothing to answer with (no credentials, no supported challenge).
    Unanswerable,
    /// The challenge came from a realm other than our SIP domain.
    Refused(auth::ForeignRealm),
}

/// A call, named by its SIP Call-ID.
pub type CallId = String;

/// How the user agent presents itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The SIP domain of the address of record, e.g. `pbx.example.com`. It is also the only
    /// digest realm the password answers: a challenge for another realm is refused
    /// ([`crate::auth::ForeignRealm`]).
    pub domain: String,
    /// Shown to people we call.
    pub display_name: String,
    /// Requested registration lifetime, seconds.
    pub register_expires: u32,
    /// RFC 5626 instance id, stable for this browser: `urn:uuid:...`.
    pub instance_id: String,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Interval of CRLF keep-alives on the connection while registered (0: none).
    pub keepalive_ms: Millis,
    /// Session interval (RFC 4028) our calls ask for, seconds; 0 asks for none. Values below
    /// [`MIN_SESSION_EXPIRES`] are raised to it. A far end that asks for a timer gets one anyway.
    pub session_expires: u32,
}

/// What the app tells the user agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Register (and keep registered) with these credentials.
    Register(Credentials),
    /// Remove the registration; calls are not touched.
    Unregister,
    /// Call `target` with this SDP offer; answered by [`Event::CallCreated`].
    Call { target: Uri, sdp: String },
    /// Tell the caller we are ringing (180).
    Ring { call: CallId },
    /// Answer an incoming call with this SDP answer.
    Answer { call: CallId, sdp: String },
    /// Decline an incoming call: 486 Busy Here when `busy`, else 603 Decline.
    Decline { call: CallId, busy: bool },
    /// End a call whatever its state: CANCEL before an answer, BYE after, decline when ringing.
    HangUp { call: CallId },
    /// Re-INVITE with a new offer (hold: `a=sendonly`, resume: `a=sendrecv`).
    Reinvite { call: CallId, sdp: String },
    /// Answer the far end's re-INVITE ([`Event::Reoffered`]).
    AnswerReinvite { call: CallId, sdp: String },
    /// Send one DTMF digit as SIP INFO (`application/dtmf-relay`).
    SendDtmf { call: CallId, digit: char, duration_ms: u32 },
    /// Blind transfer: ask the far end of `call` to call `target` (REFER). Progress arrives as
    /// [`Event::TransferProgress`]; on success the call ends with [`EndReason::Transferred`].
    Transfer { call: CallId, target: Uri },
    /// Attended transfer: ask the far end of `call` to take the place of our side of
    /// `replacing` (REFER with Replaces, RFC 3891). On success both calls end.
    TransferAttended { call: CallId, replacing: CallId },
    /// Follow the far end's [`Event::TransferRequested`]: call the target with this offer.
    /// The new call is announced by [`Event::CallCreated`]; the old one goes on until the far
    /// end hangs it up.
    AcceptTransfer { call: CallId, sdp: String },
    /// Refuse the far end's [`Event::TransferRequested`] (it is told 603 Declined).
    DeclineTransfer { call: CallId },
    /// The connection may be dead (the computer woke up, the network came back, the tab is
    /// visible again): probe it now; [`Event::FlowFailed`] follows if it does not answer.
    /// `reregister` refreshes the registration too (after a sleep the registrar may have let
    /// it expire while our clock stood still).
    CheckFlow { reregister: bool },
    /// Take the place of a confirmed call that an earlier instance of this phone (a page since
    /// reloaded) had with the far end: a new INVITE with Replaces (RFC 3891) to the dialog's
    /// remote target, with this offer. Announced by [`Event::CallCreated`] like any call; a far
    /// end that does not know the dialog any more answers 481.
    Rejoin { dialog: Box<DialogRef>, sdp: String },
}

/// Something that happened, for the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// The WebSocket is open.
    TransportUp,
    /// The WebSocket closed or failed.
    TransportDown,
    /// One WebSocket message.
    Frame(&'a [u8]),
    /// The app's command.
    Command(Command),
    /// Time passed (the deadline from [`UserAgent::poll_timeout`] or later).
    Timeout,
}

/// What the user agent asks of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send this as one WebSocket text message.
    Transmit(String),
    /// Tell the app.
    Event(Event),
}

/// Why a call ended, for the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// We hung up (or cancelled).
    Local,
    /// The far end hung up.
    Remote,
    /// The caller gave up before we answered.
    CallerCancelled,
    /// The caller's side stopped ringing us because another device answered (CANCEL with
    /// `Reason: SIP;cause=200`, RFC 3326): not a missed call.
    AnsweredElsewhere,
    /// Busy (486, 600).
    Busy,
    /// Declined (603).
    Declined,
    /// Nobody answered (408, 480, 487 we did not ask for).
    NoAnswer,
    /// We transferred the call and the far end is now talking to the transfer target.
    Transferred,
    /// A call that came in with Replaces took this call's place (attended transfer to us).
    Replaced,
    /// Another final response, or no response at all; the text is for the agent.
    Failed(String),
}

/// What the app is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The registration is in place for `expires` seconds (refreshed automatically).
    Registered { expires: u32 },
    /// Registration failed; the text says why for a person. No retry until told again
    /// (a new connection registers again). `status` is `None` when the registrar did not
    /// answer; `retry_after` is the registrar's Retry-After, seconds.
    RegistrationFailed { status: Option<u16>, reason: String, retry_after: Option<u32> },
    /// The connection was replaced while `call` was up: the far end still sends to the old
    /// one. Re-INVITE the call ([`Command::Reinvite`], a fresh offer; with an ICE restart when
    /// the media failed too) so its requests reach us again.
    FlowReplaced { call: CallId },
    /// The connection stopped answering keep-alives: close it and connect again.
    FlowFailed,
    /// The registration was removed on request.
    Unregistered,
    /// Our INVITE went out with this Call-ID.
    CallCreated { call: CallId },
    /// A call comes in. `replaces` names our confirmed call that it is meant to take over
    /// (an attended transfer, RFC 3891): answering it ends that call.
    IncomingCall { call: CallId, number: String, display_name: String, sdp: String, replaces: Option<CallId> },
    /// The far end rings (18x).
    Ringing { call: CallId },
    /// Our call was answered; `sdp` is the far end's answer.
    Answered { call: CallId, sdp: String },
    /// The caller acknowledged our answer: media flows both ways.
    Confirmed { call: CallId },
    /// The far end re-INVITEs (hold or resume): answer with [`Command::AnswerReinvite`].
    Reoffered { call: CallId, sdp: String },
    /// Our re-INVITE was answered.
    Reanswered { call: CallId, sdp: String },
    /// Our re-INVITE was refused; the call goes on as before.
    ReinviteFailed { call: CallId, status: u16 },
    /// A DTMF digit arrived by SIP INFO.
    Dtmf { call: CallId, digit: char },
    /// The far end asks us to call `target` instead (REFER): answer with
    /// [`Command::AcceptTransfer`] or [`Command::DeclineTransfer`].
    TransferRequested { call: CallId, target: Uri },
    /// How our transfer of `call` is going: the status the transfer target gave (100, 180...).
    TransferProgress { call: CallId, status: u16 },
    /// Our transfer of `call` did not happen; the call goes on (still on hold if it was).
    TransferFailed { call: CallId, status: u16 },
    /// The call is over.
    Ended { call: CallId, reason: EndReason },
    /// A frame could not be understood and was dropped (the text says why).
    Dropped { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Registration {
    Idle,
    Registering,
    Registered { refresh_at: Millis },
    Unregistering,
}

/// What a client transaction is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Purpose {
    Register,
    Unregister,
    Invite,
    Reinvite,
    Cancel,
    Bye,
    Info,
    /// A session-timer refresh (UPDATE, or re-INVITE with the last SDP).
    Refresh,
    Refer,
    Notify,
}

struct ClientTx {
    purpose: Purpose,
    call: Option<CallId>,
    request: Request,
    deadline: Millis,
    /// Authorization already tried for this request (a second challenge means a bad password).
    authenticated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallState {
    /// Our INVITE is out, no answer yet.
    Calling,
    /// Our INVITE got a provisional answer.
    Early,
    /// We hung up before an answer: CANCEL sent, waiting for the INVITE to end.
    Cancelling,
    /// An INVITE came in; the app has not answered.
    Incoming,
    /// We answered; waiting for the ACK.
    Answered,
    /// Established.
    Confirmed,
}

struct Call {
    id: CallId,
    state: CallState,
    outgoing: bool,
    local: NameAddr,
    remote: NameAddr,
    remote_target: Uri,
    route_set: Vec<NameAddr>,
    local_cseq: u32,
    remote_cseq: u32,
    /// Our INVITE (for CANCEL and the non-2xx ACK), or the far end's (for our responses).
    invite: Request,
    /// Our re-INVITE is out.
    reinvite_pending: bool,
    /// An offer waiting for a 491 retry: (when, sdp).
    glare_retry: Option<(Millis, String)>,
    /// The far end's re-INVITE waiting for our answer.
    incoming_reinvite: Option<Request>,
    /// A 2xx to retransmit until ACK: (response, next send, interval, give up at).
    unacked_ok: Option<(String, Millis, Millis, Millis)>,
    ringing_reported: bool,
    /// The dialog's session timer (RFC 4028), when it has one.
    session: Option<SessionTimer>,
    /// The last SDP we sent: a session refresh by re-INVITE offers it again.
    local_sdp: String,
    /// The far end allows UPDATE: refresh with it (no SDP) rather than with a re-INVITE.
    peer_allows_update: bool,
    /// The far end's REFER waiting for the app: target and the Replaces header to carry.
    refer_received: Option<(Uri, Option<String>)>,
    /// This call follows a REFER received on that call: its progress goes there as NOTIFY.
    notify_to: Option<CallId>,
    /// This incoming call replaces that confirmed call of ours (RFC 3891).
    replaces: Option<CallId>,
    /// Our REFER of this call is out or accepted: when we give up hearing nothing more.
    transferring: Option<Millis>,
    /// The flow on which the far end last learnt our Contact.
    contact_flow: u32,
}

impl Call {
    fn new(id: CallId, state: CallState, local: NameAddr, remote: NameAddr, remote_target: Uri, local_cseq: u32, invite: Request) -> Call {
        Call {
            id,
            state,
            outgoing: state == CallState::Calling,
            local,
            remote,
            remote_target,
            route_set: Vec::new(),
            local_cseq,
            remote_cseq: 0,
            invite,
            reinvite_pending: false,
            glare_retry: None,
            incoming_reinvite: None,
            unacked_ok: None,
            ringing_reported: false,
            session: None,
            local_sdp: String::new(),
            peer_allows_update: false,
            refer_received: None,
            notify_to: None,
            replaces: None,
            transferring: None,
            contact_flow: 0,
        }
    }
}

/// A `Session-Expires` header: the interval and who refreshes (RFC 4028 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SessionExpires {
    seconds: u32,
    /// `refresher=uac` (Some(true)), `uas` (Some(false)), or not said.
    uac_refreshes: Option<bool>,
}

impl SessionExpires {
    fn from_headers(headers: &crate::message::Headers) -> Option<SessionExpires> {
        let value = headers.get("Session-Expires")?;
        let mut parts = value.split(';');
        let seconds = parts.next()?.trim().parse().ok()?;
        let uac_refreshes = parts.filter_map(|p| p.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case("refresher")).and_then(|(_, v)| {
            match v.trim().to_ascii_lowercase().as_str() {
                "uac" => Some(true),
                "uas" => Some(false),
                _ => None,
            }
        });
        Some(SessionExpires { seconds, uac_refreshes })
    }

    fn header(seconds: u32, uac_refreshes: bool) -> String {
        format!("{seconds};refresher={}", if uac_refreshes { "uac" } else { "uas" })
    }
}

/// A running session timer: we refresh at half the interval, or, when the far end refreshes,
/// give up on the call shortly before it would expire (RFC 4028 §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SessionTimer {
    seconds: u32,
    we_refresh: bool,
    due: Millis,
}

impl SessionTimer {
    fn start(now: Millis, seconds: u32, we_refresh: bool) -> SessionTimer {
        let interval = Millis::from(seconds) * 1000;
        let due = if we_refresh { now + interval / 2 } else { now + interval - (interval / 3).min(32_000) };
        SessionTimer { seconds, we_refresh, due }
    }
}

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

    // --- commands ---------------------------------------------------------------------------

    fn on_command(&mut self, now: Millis, command: Command) {
        match command {
            Command::Register(credentials) => {
                self.credentials = Some(credentials);
                self.expires = self.config.register_expires;
                if self.transport_up {
                    self.send_register(now, self.expires);
                } else {
                    self.registration = Registration::Registering;
                }
            }
            Command::Unregister => {
                if self.transport_up && self.credentials.is_some() {
                    self.registration = Registration::Unregistering;
                    self.send_register(now, 0);
                } else {
                    self.registration = Registration::Idle;
                    self.event(Event::Unregistered);
                }
            }
            Command::Call { target, sdp } => {
                self.start_call(now, target, sdp, Vec::new());
            }
            Command::Ring { call } => {
                if let Some(c) = self.call_mut(&call).filter(|c| c.state == CallState::Incoming) {
                    let invite = c.invite.clone();
                    let tag = c.local.tag().unwrap_or("").to_owned();
                    let mut r = Response::for_request_std(&invite, 180);
                    set_to_tag(&mut r, &tag);
                    self.transmit(r.to_bytes());
                }
            }
            Command::Answer { call, sdp } => self.answer(now, &call, sdp),
            Command::Decline { call, busy } => self.reject_incoming(&call, if busy { 486 } else { 603 }, EndReason::Local),
            Command::HangUp { call } => self.hang_up(now, &call),
            Command::Reinvite { call, sdp } => self.reinvite(now, &call, sdp),
            Command::AnswerReinvite { call, sdp } => {
                let Some(c) = self.call_mut(&call) else { return };
                let Some(req) = c.incoming_reinvite.take() else { return };
                c.local_sdp.clone_from(&sdp);
                let contact = self.contact(None);
                let mut r = Response::for_request_std(&req, 200);
                r.headers.push("Contact", contact);
                r.set_body("application/sdp", sdp);
                if let Some(c) = self.call_mut(&call) {
                    // A re-INVITE is also a session refresh (RFC 4028 §9).
                    accept_session_refresh(now, c, &mut r, &req);
                }
                let bytes = String::from_utf8_lossy(&r.to_bytes()).into_owned();
                if let Some(c) = self.call_mut(&call) {
                    c.unacked_ok = Some((bytes.clone(), now + T1, T1, now + TRANSACTION_TIMEOUT_MS));
                }
                self.out.push_back(Output::Transmit(bytes));
            }
            Command::SendDtmf { call, digit, duration_ms } => {
                if !matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D') {
                    return;
                }
                let body = format!("Signal={digit}\r\nDuration={duration_ms}\r\n");
                if let Some(req) = self.in_dialog_request(&call, Method::Info, Some(("application/dtmf-relay", body))) {
                    self.send_request(now, req, Purpose::Info, Some(call));
                }
            }
            Command::Transfer { call, target } => self.refer(now, &call, format!("<{target}>")),
            Command::TransferAttended { call, replacing } => {
                let Some(other) = self.calls.iter().find(|c| c.id == replacing && c.state == CallState::Confirmed) else {
                    return self.event(Event::TransferFailed { call, status: 481 });
                };
                // Replaces names the dialog from the transfer target's side (RFC 3891 §3):
                // its tag is the to-tag, ours the from-tag.
                let replaces = format!("{};to-tag={};from-tag={}", other.id, other.remote.tag().unwrap_or(""), other.local.tag().unwrap_or(""));
                let mut target = other.remote.uri.clone();
                target.headers = Some(format!("Replaces={}", escape_header_value(&replaces)));
                self.refer(now, &call, format!("<{target}>"));
            }
            Command::AcceptTransfer { call, sdp } => {
                let Some((target, replaces)) = self.call_mut(&call).and_then(|c| c.refer_received.take()) else { return };
                let referred_by = self.calls.iter().find(|c| c.id == call).map(|c| NameAddr::new(c.remote.uri.clone()).to_string()).unwrap_or_default();
                let mut extra = vec![("Referred-By", referred_by)];
                if let Some(replaces) = replaces {
                    extra.push(("Replaces", replaces));
                }
                let new = self.start_call(now, target, sdp, extra);
                if let Some(c) = self.call_mut(&new) {
                    c.notify_to = Some(call.clone());
                }
                self.notify_refer(now, &call, 100, "Trying");
            }
            Command::DeclineTransfer { call } => {
                if self.call_mut(&call).and_then(|c| c.refer_received.take()).is_some() {
                    self.notify_refer(now, &call, 603, "Declined");
                }
            }
            Command::CheckFlow { reregister } => self.check_flow(now, reregister),
            Command::Rejoin { dialog, sdp } => self.rejoin(now, *dialog, sdp),
        }
    }

    /// Sends REFER on `call` (which must be established) with this Refer-To.
    fn refer(&mut self, now: Millis, call: &str, refer_to: String) {
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Confirmed) else {
            return self.event(Event::TransferFailed { call: call.to_owned(), status: 481 });
        };
        if c.transferring.is_some() {
            // One transfer at a time: the first one's outcome is still to come.
            return self.event(Event::TransferFailed { call: call.to_owned(), status: 491 });
        }
        c.transferring = Some(now + TRANSFER_SILENCE_MS);
        let referred_by = NameAddr::new(c.local.uri.clone()).to_string();
        let contact = self.contact(None);
        if let Some(mut req) = self.in_dialog_request(call, Method::Refer, None) {
            req.headers.push("Refer-To", refer_to);
            req.headers.push("Referred-By", referred_by);
            req.headers.push("Contact", contact);
            self.send_request(now, req, Purpose::Refer, Some(call.to_owned()));
        }
    }

    /// Reports the progress of the transfer that a REFER on `call` asked for (RFC 3515 §2.4.5):
    /// a NOTIFY whose body is the status line the transfer target gave.
    fn notify_refer(&mut self, now: Millis, call: &str, status: u16, reason: &str) {
        let state = if status >= 200 { "terminated;reason=noresource" } else { "active;expires=60" };
        let body = format!("SIP/2.0 {status} {reason}\r\n");
        if let Some(mut req) = self.in_dialog_request(call, Method::Notify, Some(("message/sipfrag;version=2.0", body))) {
            req.headers.push("Event", "refer");
            req.headers.push("Subscription-State", state);
            self.send_request(now, req, Purpose::Notify, Some(call.to_owned()));
        }
    }

    /// Reports the progress of call `new` to the call whose REFER it follows, if any.
    fn report_transfer(&mut self, now: Millis, new: &str, status: u16, reason: &str) {
        let Some(c) = self.call_mut(new) else { return };
        let Some(referrer) = c.notify_to.clone() else { return };
        if status >= 200 {
            c.notify_to = None;
        }
        self.notify_refer(now, &referrer, status, reason);
    }

    /// Sends a new INVITE with these extra headers; returns its Call-ID.
    pub(crate) fn start_call(&mut self, now: Millis, target: Uri, sdp: String, extra: Vec<(&str, String)>) -> CallId {
        let id = format!("{}@{}", token(&mut *self.random, 22), self.local_host);
        let local = self.local_identity().with_tag(&token(&mut *self.random, 10));
        let remote = NameAddr::new(target.clone());
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let placeholder = Request::new(Method::Invite, Uri::sip("", &self.config.domain));
        let mut call = Call::new(id.clone(), CallState::Calling, local, remote, target, cseq, placeholder);
        let mut req = self.dialog_request(&call, Method::Invite, call.local_cseq);
        req.headers.push("Contact", self.contact(None));
        req.headers.push("Allow", ALLOW);
        req.headers.push("Supported", SUPPORTED);
        if self.config.session_expires > 0 {
            req.headers.push("Session-Expires", self.config.session_expires.max(MIN_SESSION_EXPIRES));
            req.headers.push("Min-SE", MIN_SESSION_EXPIRES);
        }
        for (name, value) in extra {
            req.headers.push(name, value);
        }
        call.local_sdp.clone_from(&sdp);
        req.set_body("application/sdp", sdp);
        call.invite = req.clone();
        self.calls.push(call);
        self.event(Event::CallCreated { call: id.clone() });
        self.send_request(now, req, Purpose::Invite, Some(id.clone()));
        id
    }

    fn answer(&mut self, now: Millis, call: &str, sdp: String) {
        let contact = self.contact(None);
        let flow = self.flow.number;
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Incoming) else { return };
        let mut r = Response::for_request_std(&c.invite, 200);
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        for rr in c.invite.headers.get_all("Record-Route") {
            r.headers.push("Record-Route", rr);
        }
        r.headers.push("Contact", contact);
        r.headers.push("Allow", ALLOW);
        r.headers.push("Supported", SUPPORTED);
        let invite = c.invite.clone();
        accept_session_refresh(now, c, &mut r, &invite);
        c.local_sdp.clone_from(&sdp);
        r.set_body("application/sdp", sdp);
        let bytes = String::from_utf8_lossy(&r.to_bytes()).into_owned();
        c.state = CallState::Answered;
        c.contact_flow = flow;
        c.unacked_ok = Some((bytes.clone(), now + T1, T1, now + TRANSACTION_TIMEOUT_MS));
        let replaced = c.replaces.take();
        self.out.push_back(Output::Transmit(bytes));
        if let Some(old) = replaced {
            // The new call takes the old one's place: hang the old one up (RFC 3891 §3).
            self.bye(now, &old, EndReason::Replaced);
        }
    }

    /// Ends an established call with BYE.
    fn bye(&mut self, now: Millis, call: &str, reason: EndReason) {
        if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
            self.send_request(now, bye, Purpose::Bye, Some(call.to_owned()));
        }
        self.end_call(call, reason);
    }

    fn reject_incoming(&mut self, call: &str, status: u16, reason: EndReason) {
        let Some(c) = self.call_mut(call).filter(|c| c.state == CallState::Incoming) else { return };
        let mut r = Response::for_request_std(&c.invite, status);
        set_to_tag(&mut r, c.local.tag().unwrap_or(""));
        let bytes = r.to_bytes();
        self.transmit(bytes);
        self.end_call(call, reason);
    }

    fn hang_up(&mut self, now: Millis, call: &str) {
        let Some(state) = self.call_mut(call).map(|c| c.state) else { return };
        match state {
            CallState::Incoming => self.reject_incoming(call, 603, EndReason::Local),
            CallState::Calling | CallState::Early => {
                // CANCEL matches the INVITE's branch and CSeq number (RFC 3261 §9.1).
                let Some(c) = self.call_mut(call) else { return };
                c.state = CallState::Cancelling;
                let cancel = flow::cancel_for(&c.invite);
                self.send_request(now, cancel, Purpose::Cancel, Some(call.to_owned()));
            }
            CallState::Cancelling => {}
            CallState::Answered | CallState::Confirmed => self.bye(now, call, EndReason::Local),
        }
    }

    fn reinvite(&mut self, now: Millis, call: &str, sdp: String) {
        let Some(c) = self.call_mut(call) else { return };
        if c.state != CallState::Confirmed {
            return;
        }
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // One offer at a time (RFC 3261 §14.1): try again once the current one settles.
            c.glare_retry = Some((now + GLARE_RETRY_MS.0, sdp));
            return;
        }
        c.reinvite_pending = true;
        c.local_sdp.clone_from(&sdp);
        self.send_reinvite(now, call, sdp, Purpose::Reinvite);
    }

    /// A re-INVITE with this offer; it refreshes the session timer too (RFC 4028 §9).
    fn send_reinvite(&mut self, now: Millis, call: &str, sdp: String, purpose: Purpose) {
        let contact = self.contact(None);
        let session = self.call_mut(call).and_then(|c| c.session);
        if let Some(mut req) = self.in_dialog_request(call, Method::Invite, Some(("application/sdp", sdp))) {
            req.headers.push("Contact", contact);
            if let Some(s) = session {
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(s.seconds, s.we_refresh));
            }
            self.send_request(now, req, purpose, Some(call.to_owned()));
        }
    }

    /// Refreshes the session (RFC 4028 §10): UPDATE without a body where the far end allows
    /// it, else a re-INVITE offering the same SDP again.
    fn refresh_session(&mut self, now: Millis, call: &str) {
        let Some(c) = self.call_mut(call) else { return };
        let Some(mut session) = c.session else { return };
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // An offer is in progress and will refresh the session itself; look again later.
            session.due = now + REFRESH_RETRY_MS;
            c.session = Some(session);
            return;
        }
        // Until the refresh is answered, do not refresh again.
        session.due = now + TRANSACTION_TIMEOUT_MS + REFRESH_RETRY_MS;
        c.session = Some(session);
        if c.peer_allows_update {
            let contact = self.contact(None);
            if let Some(mut req) = self.in_dialog_request(call, Method::Update, None) {
                req.headers.push("Contact", contact);
                req.headers.push("Supported", SUPPORTED);
                req.headers.push("Session-Expires", SessionExpires::header(session.seconds, true));
                self.send_request(now, req, Purpose::Refresh, Some(call.to_owned()));
            }
        } else {
            c.reinvite_pending = true;
            let sdp = c.local_sdp.clone();
            self.send_reinvite(now, call, sdp, Purpose::Refresh);
        }
    }

    /// The answer to our refresh (or re-INVITE) says how the session goes on.
    fn on_session_refreshed(&mut self, now: Millis, call: &str, r: &Response) {
        let Some(c) = self.call_mut(call) else { return };
        let Some(old) = c.session else { return };
        c.session = match SessionExpires::from_headers(&r.headers) {
            // We sent the request, so we are its UAC.
            Some(se) => Some(SessionTimer::start(now, se.seconds, se.uac_refreshes.unwrap_or(true))),
            None => Some(SessionTimer::start(now, old.seconds, old.we_refresh)),
        };
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

    fn on_response(&mut self, now: Millis, r: Response) {
        let (Some(branch), Some(method)) = (r.headers.get("Via").and_then(|v| Via::parse(v).ok()).and_then(|v| v.branch().map(str::to_owned)), cseq_method(&r)) else {
            return self.event(Event::Dropped { reason: "a response without a Via branch or CSeq".into() });
        };
        // A CANCEL shares its INVITE's branch: the method tells the two transactions apart.
        let branch = tx_key(&branch, &method);
        let Some(tx) = self.transactions.get(&branch) else {
            // A retransmitted 2xx to our INVITE: ACK it again (RFC 3261 §13.2.2.4).
            if r.is_success() && cseq_method(&r) == Some(Method::Invite) {
                if let Some(call) = r.headers.get("Call-ID").map(str::to_owned) {
                    self.send_ack(&call, &r);
                }
            }
            return;
        };
        let (purpose, call, authenticated) = (tx.purpose.clone(), tx.call.clone(), tx.authenticated);
        if r.is_provisional() {
            if purpose == Purpose::Invite {
                self.on_provisional(now, &call.unwrap_or_default(), &r);
            }
            return;
        }
        let Some(tx) = self.transactions.remove(&branch) else { return };
        // A first challenge, or a stale nonce (the password was fine): answer it once.
        let answerable = matches!(r.status, 401 | 407) && purpose != Purpose::Cancel && (!authenticated || is_stale(&r));
        if answerable {
            match self.retry_with_auth(now, &tx, &r) {
                AuthRetry::Sent => return,
                AuthRetry::Refused(refusal) if matches!(purpose, Purpose::Register) => {
                    self.registration = Registration::Idle;
                    return self.event(Event::RegistrationFailed { status: Some(r.status), reason: refusal.to_string(), retry_after: None });
                }
                // Other requests end as the PBX's refusal: the password is not used either way.
                AuthRetry::Refused(_) | AuthRetry::Unanswerable => {}
            }
        }
        if r.status == 422 && self.retry_with_longer_session(now, &tx, &r) {
            return;
        }
        match purpose {
            Purpose::Register | Purpose::Unregister => self.on_register_response(now, &r, purpose),
            Purpose::Invite => self.on_invite_final(now, &call.unwrap_or_default(), &r),
            Purpose::Reinvite => {
                let id = call.unwrap_or_default();
                if let Some(c) = self.call_mut(&id) {
                    c.reinvite_pending = false;
                }
                if r.is_success() {
                    self.send_ack(&id, &r);
                    self.on_session_refreshed(now, &id, &r);
                    let sdp = String::from_utf8_lossy(&r.body).into_owned();
                    self.event(Event::Reanswered { call: id, sdp });
                } else if r.status == 491 {
                    // Glare: both sides re-INVITEd. Wait a random while and offer again.
                    let wait = GLARE_RETRY_MS.0 + self.random.next_u64() % (GLARE_RETRY_MS.1 - GLARE_RETRY_MS.0);
                    let sdp = String::from_utf8_lossy(&tx.request.body).into_owned();
                    if let Some(c) = self.call_mut(&id) {
                        c.glare_retry = Some((now + wait, sdp));
                    }
                } else if matches!(r.status, 408 | 481) {
                    self.end_call(&id, EndReason::Failed(format!("The call was lost ({} {})", r.status, r.reason)));
                } else {
                    self.event(Event::ReinviteFailed { call: id, status: r.status });
                }
            }
            Purpose::Refresh => {
                let id = call.unwrap_or_default();
                let was_invite = tx.request.method == Method::Invite;
                if let Some(c) = self.call_mut(&id).filter(|_| was_invite) {
                    c.reinvite_pending = false;
                }
                if r.is_success() {
                    if was_invite {
                        // The answer repeats the session as it was: nothing for the app.
                        self.send_ack(&id, &r);
                    }
                    self.on_session_refreshed(now, &id, &r);
                } else if matches!(r.status, 408 | 481) {
                    self.end_call(&id, EndReason::Failed(format!("The call was lost ({} {})", r.status, r.reason)));
                } else if let Some(c) = self.call_mut(&id) {
                    // A far end that does not take UPDATE after all: refresh by re-INVITE, now.
                    let unsupported = !was_invite && matches!(r.status, 405 | 501);
                    if unsupported {
                        c.peer_allows_update = false;
                    }
                    if let Some(s) = c.session.as_mut() {
                        s.due = if unsupported { now } else { now + REFRESH_RETRY_MS };
                    }
                }
            }
            Purpose::Refer => {
                if !r.is_success() {
                    let id = call.unwrap_or_default();
                    if let Some(c) = self.call_mut(&id) {
                        c.transferring = None;
                    }
                    self.event(Event::TransferFailed { call: id, status: r.status });
                }
            }
            Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Notify => {}
        }
    }

    fn on_provisional(&mut self, now: Millis, call: &str, r: &Response) {
        if r.status == 100 {
            return;
        }
        if matches!(r.status, 180 | 183) {
            self.report_transfer(now, call, r.status, &r.reason);
        }
        let Some(c) = self.call_mut(call) else { return };
        if c.state == CallState::Calling {
            c.state = CallState::Early;
        }
        if let Some(tag) = to_tag(r) {
            c.remote.set_tag(&tag);
        }
        if !c.ringing_reported && matches!(r.status, 180 | 183) {
            c.ringing_reported = true;
            let id = c.id.clone();
            self.event(Event::Ringing { call: id });
        }
    }

    fn on_invite_final(&mut self, now: Millis, call: &str, r: &Response) {
        let Some(state) = self.call_mut(call).map(|c| c.state) else { return };
        if r.is_success() {
            // Establish the dialog from the 2xx (RFC 3261 §12.1.2).
            if let Some(c) = self.call_mut(call) {
                if let Some(tag) = to_tag(r) {
                    c.remote.set_tag(&tag);
                }
                let mut routes = name_addrs(r.headers.get_all("Record-Route")).unwrap_or_default();
                routes.reverse();
                c.route_set = routes;
                if let Some(target) = name_addrs(r.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
                    c.remote_target = target.uri;
                }
                c.state = CallState::Confirmed;
                c.peer_allows_update = allows(&r.headers, "UPDATE");
                // No Session-Expires in the answer: the far end runs no session timer, and
                // neither do we (RFC 4028 §7.2). Refresher absent: we, the UAC, refresh.
                c.session = SessionExpires::from_headers(&r.headers).map(|se| SessionTimer::start(now, se.seconds, se.uac_refreshes.unwrap_or(true)));
            }
            self.report_transfer(now, call, r.status, &r.reason);
            self.send_ack(call, r);
            if state == CallState::Cancelling {
                // Our CANCEL lost the race with the answer: end the call properly with a BYE.
                if let Some(bye) = self.in_dialog_request(call, Method::Bye, None) {
                    self.send_request(now, bye, Purpose::Bye, Some(call.to_owned()));
                }
                self.end_call(call, EndReason::Local);
            } else {
                let sdp = String::from_utf8_lossy(&r.body).into_owned();
                self.event(Event::Answered { call: call.to_owned(), sdp });
            }
            return;
        }
        // Non-2xx finals are ACKed by the transaction, with the INVITE's branch (RFC 3261 §17.1.1.3).
        if let Some(c) = self.call_mut(call) {
            let mut ack = Request::new(Method::Ack, c.invite.uri.clone());
            for name in ["Via", "Route", "From", "Call-ID"] {
                for v in c.invite.headers.get_all(name) {
                    ack.headers.push(name, v);
                }
            }
            if let Some(to) = r.headers.get("To") {
                ack.headers.push("To", to);
            }
            let seq = c.invite.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(1, |s| s.seq);
            ack.headers.push("CSeq", CSeq { seq, method: Method::Ack });
            ack.headers.push("Max-Forwards", 70);
            self.transmit(ack.to_bytes());
        }
        self.report_transfer(now, call, r.status, &r.reason);
        let reason = match (state, r.status) {
            _ if state == CallState::Cancelling => EndReason::Local,
            (_, 486 | 600) => EndReason::Busy,
            (_, 603) => EndReason::Declined,
            (_, 408 | 480 | 487) => EndReason::NoAnswer,
            (_, 404 | 604) => EndReason::Failed(format!("The number does not exist or is not registered ({} {})", r.status, r.reason)),
            (_, 401 | 407 | 403) => EndReason::Failed(format!("The PBX refused the call ({} {}): check your sign-in", r.status, r.reason)),
            _ => EndReason::Failed(format!("The call failed: {} {}", r.status, r.reason)),
        };
        self.end_call(call, reason);
    }

    fn on_register_response(&mut self, now: Millis, r: &Response, purpose: Purpose) {
        let user = self.credentials.as_ref().map_or(String::new(), |c| c.user.clone());
        if purpose == Purpose::Unregister {
            self.registration = Registration::Idle;
            self.next_keepalive = None;
            return self.event(Event::Unregistered);
        }
        if r.is_success() {
            // The lifetime the registrar granted: our Contact's expires, else Expires, else ours.
            let granted = name_addrs(r.headers.get_all("Contact"))
                .unwrap_or_default()
                .into_iter()
                .find(|c| c.uri.host.eq_ignore_ascii_case(&self.local_host))
                .and_then(|c| c.params.get("expires").and_then(|e| e.parse::<u32>().ok()))
                .or_else(|| r.headers.get("Expires").and_then(|e| e.trim().parse().ok()))
                .unwrap_or(self.expires);
            let granted = granted.max(1);
            self.registration = Registration::Registered { refresh_at: now + Millis::from(refresh_after(granted)) * 1000 };
            if self.config.keepalive_ms > 0 {
                self.next_keepalive = Some(now + self.config.keepalive_ms);
            }
            self.event(Event::Registered { expires: granted });
            return self.refresh_targets();
        }
        if r.status == 423 {
            if let Some(min) = r.headers.get("Min-Expires").and_then(|m| m.trim().parse::<u32>().ok()).filter(|m| *m > self.expires) {
                self.expires = min;
                return self.send_register(now, min);
            }
        }
        self.registration = Registration::Idle;
        let reason = match r.status {
            401 | 407 => format!("The PBX rejected the password for {user} ({})", r.status),
            403 => format!("The PBX rejected the password for {user} (403)"),
            404 => format!("The PBX does not know the user {user} (404)"),
            423 => format!("The PBX wants a longer registration than it accepts ({} {})", r.status, r.reason),
            s if s >= 500 => format!("The PBX could not register {user} right now ({s} {}); try again in a moment", r.reason),
            s => format!("The PBX refused to register {user} ({s} {})", r.reason),
        };
        let retry_after = r.headers.get("Retry-After").and_then(|v| v.split([';', '(']).next()).and_then(|v| v.trim().parse().ok());
        self.event(Event::RegistrationFailed { status: Some(r.status), reason, retry_after });
    }

    fn on_request(&mut self, now: Millis, req: Request) {
        if let Some(refusal) = checks::refusal(&req) {
            // An ACK is never answered (RFC 3261 §17.2.1); a bad one is dropped.
            if req.method != Method::Ack {
                self.send_refusal(refusal);
            }
            return;
        }
        let (Some(call_id), Some(cseq)) = (req.headers.get("Call-ID").map(str::to_owned), req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok())) else {
            return;
        };
        let in_dialog = req.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).and_then(|t| t.tag().map(str::to_owned)).is_some();
        match req.method {
            Method::Invite if !in_dialog => self.on_new_invite(now, req, call_id),
            Method::Invite => self.on_reinvite(req, &call_id, cseq.seq),
            Method::Ack => {
                if let Some(c) = self.call_mut(&call_id) {
                    c.unacked_ok = None;
                    if c.state == CallState::Answered {
                        c.state = CallState::Confirmed;
                        self.event(Event::Confirmed { call: call_id });
                    }
                }
            }
            Method::Cancel => {
                let state = self.call_mut(&call_id).map(|c| c.state);
                if state == Some(CallState::Incoming) {
                    self.respond(&req, 200, None);
                    let elsewhere = crate::header::reason::answered_elsewhere(req.headers.get_all("Reason"));
                    self.reject_incoming(&call_id, 487, if elsewhere { EndReason::AnsweredElsewhere } else { EndReason::CallerCancelled });
                } else {
                    self.respond(&req, 481, None);
                }
            }
            Method::Bye => {
                if self.call_mut(&call_id).is_some() {
                    self.respond(&req, 200, None);
                    self.end_call(&call_id, EndReason::Remote);
                } else {
                    self.respond(&req, 481, None);
                }
            }
            Method::Options => {
                let mut r = Response::for_request_std(&req, 200);
                set_to_tag(&mut r, &token(&mut *self.random, 10));
                r.headers.push("Allow", ALLOW);
                r.headers.push("Accept", "application/sdp, application/dtmf-relay");
                r.headers.push("Supported", "timer, replaces, outbound");
                self.transmit(r.to_bytes());
            }
            Method::Info => {
                if self.call_mut(&call_id).is_none() {
                    return self.respond(&req, 481, None);
                }
                let is_dtmf = req.headers.get("Content-Type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/dtmf-relay"));
                if !is_dtmf {
                    return self.respond(&req, 415, None);
                }
                let body = String::from_utf8_lossy(&req.body);
                let digit = body
                    .lines()
                    .filter_map(|l| l.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("Signal"))
                    .and_then(|(_, v)| v.trim().chars().next())
                    .filter(|d| matches!(d, '0'..='9' | '*' | '#' | 'A'..='D'));
                match digit {
                    Some(digit) => {
                        self.respond(&req, 200, None);
                        self.event(Event::Dtmf { call: call_id, digit });
                    }
                    None => self.respond(&req, 400, None),
                }
            }
            Method::Update => self.on_update(now, &req, &call_id),
            Method::Refer => self.on_refer(&req, &call_id),
            Method::Notify => self.on_notify(now, &req, &call_id),
            _ => self.respond(&req, 501, None),
        }
    }

    /// UPDATE without SDP refreshes the session (RFC 4028); we take offers only by INVITE.
    fn on_update(&mut self, now: Millis, req: &Request, call_id: &str) {
        let contact = self.contact(None);
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        if !req.body.is_empty() {
            return self.respond(req, 488, None);
        }
        let mut r = Response::for_request_std(req, 200);
        r.headers.push("Contact", contact);
        accept_session_refresh(now, c, &mut r, req);
        self.transmit(r.to_bytes());
    }

    /// The far end asks us to call someone else (RFC 3515): accept the request (202) and let
    /// the app decide whether to follow it.
    fn on_refer(&mut self, req: &Request, call_id: &str) {
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        if c.state != CallState::Confirmed {
            return self.respond(req, 481, None);
        }
        if c.refer_received.is_some() {
            return self.respond(req, 491, None);
        }
        let Some(mut target) = req.headers.get("Refer-To").and_then(|v| NameAddr::parse(v).ok()).map(|n| n.uri) else {
            return self.respond(req, 400, None);
        };
        if target.scheme == crate::uri::Scheme::Tel || target.host.is_empty() {
            return self.respond(req, 416, None);
        }
        // Only Replaces is carried over from the URI's headers; the rest are not ours to send.
        let replaces = target.header("Replaces");
        target.headers = None;
        c.refer_received = Some((target.clone(), replaces));
        let id = c.id.clone();
        self.respond(req, 202, None);
        self.event(Event::TransferRequested { call: id, target });
    }

    /// Progress of a transfer we asked for: the body is the transfer target's status line.
    fn on_notify(&mut self, now: Millis, req: &Request, call_id: &str) {
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481, None) };
        let is_refer = req.headers.get("Event").is_some_and(|e| e.split(';').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("refer")));
        if !is_refer {
            return self.respond(req, 489, None);
        }
        let transferring = c.transferring.is_some();
        if transferring {
            // News of the transfer: wait for the next.
            c.transferring = Some(now + TRANSFER_SILENCE_MS);
        }
        let body = String::from_utf8_lossy(&req.body);
        let status = body.lines().next().and_then(|l| l.strip_prefix("SIP/2.0 ")).and_then(|l| l.get(..3)).and_then(|code| code.parse::<u16>().ok());
        let Some(status) = status.filter(|s| (100..700).contains(s)) else { return self.respond(req, 400, None) };
        self.respond(req, 200, None);
        if !transferring {
            return;
        }
        let call = call_id.to_owned();
        if status < 200 {
            self.event(Event::TransferProgress { call, status });
        } else if status < 300 {
            // The far end talks to the target now: our part is over (RFC 5589 §6).
            self.event(Event::TransferProgress { call: call.clone(), status });
            self.bye(now, &call, EndReason::Transferred);
        } else {
            if let Some(c) = self.call_mut(&call) {
                c.transferring = None;
            }
            self.event(Event::TransferFailed { call, status });
        }
    }

    fn on_new_invite(&mut self, _now: Millis, req: Request, call_id: String) {
        if let Some(existing) = self.calls.iter().find(|c| c.id == call_id) {
            // A retransmission or a merged request (RFC 3261 §8.2.2.2).
            if existing.state != CallState::Incoming {
                self.respond(&req, 482, None);
            }
            return;
        }
        let (Some(from), Some(to)) = (
            req.headers.get("From").and_then(|f| NameAddr::parse(f).ok()),
            req.headers.get("To").and_then(|t| NameAddr::parse(t).ok()),
        ) else {
            return self.respond(&req, 400, None);
        };
        if req.body.is_empty() {
            // We only take calls that carry their offer (WebRTC peers always do).
            return self.respond(&req, 488, None);
        }
        let session = SessionExpires::from_headers(&req.headers);
        if session.is_some_and(|se| se.seconds < MIN_SESSION_EXPIRES) {
            let mut r = Response::for_request_std(&req, 422);
            set_to_tag(&mut r, &token(&mut *self.random, 10));
            r.headers.push("Min-SE", MIN_SESSION_EXPIRES);
            return self.transmit(r.to_bytes());
        }
        let replaces = match req.headers.get("Replaces") {
            None => None,
            Some(value) => match self.replaced_call(value) {
                Some(id) => Some(id),
                // RFC 3891 §3: no such dialog (any more).
                None => return self.respond(&req, 481, None),
            },
        };
        // Checked before: exactly one Contact, well-formed.
        let Some(remote_target) = name_addrs(req.headers.get_all("Contact")).ok().and_then(|c| c.into_iter().next()).map(|c| c.uri) else {
            return self.respond(&req, 400, None);
        };
        let route_set = name_addrs(req.headers.get_all("Record-Route")).unwrap_or_default();
        let remote_cseq = req.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(0, |c| c.seq);
        // The caller as the PBX asserts them, else as they say.
        let identity = req.headers.get("P-Asserted-Identity").and_then(|p| name_addrs(std::iter::once(p)).ok()).and_then(|v| v.into_iter().next()).unwrap_or_else(|| from.clone());
        let number = identity.uri.user_unescaped().map(|u| u.into_owned()).unwrap_or_default();
        let display_name = identity.display_name.clone().or_else(|| from.display_name.clone()).unwrap_or_default();
        let sdp = String::from_utf8_lossy(&req.body).into_owned();
        let local = to.with_tag(&token(&mut *self.random, 10));
        self.respond(&req, 100, None);
        let cseq = 1 + (self.random.next_u64() % 10_000) as u32;
        let peer_allows_update = allows(&req.headers, "UPDATE");
        let mut call = Call::new(call_id.clone(), CallState::Incoming, local, from, remote_target, cseq, req);
        call.route_set = route_set;
        call.remote_cseq = remote_cseq;
        call.peer_allows_update = peer_allows_update;
        call.replaces = replaces.clone();
        self.calls.push(call);
        self.event(Event::IncomingCall { call: call_id, number, display_name, sdp, replaces });
    }

    /// The confirmed call a Replaces header names (`call-id;to-tag=ours;from-tag=theirs`).
    fn replaced_call(&self, value: &str) -> Option<CallId> {
        let mut parts = value.split(';').map(str::trim);
        let id = parts.next()?;
        let (mut to_tag, mut from_tag) = (None, None);
        for p in parts {
            match p.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("to-tag") => to_tag = Some(v.trim()),
                Some((k, v)) if k.trim().eq_ignore_ascii_case("from-tag") => from_tag = Some(v.trim()),
                _ => {}
            }
        }
        self.calls
            .iter()
            .find(|c| c.id == id && c.state == CallState::Confirmed && c.local.tag() == to_tag && c.remote.tag() == from_tag)
            .map(|c| c.id.clone())
    }

    fn on_reinvite(&mut self, req: Request, call_id: &str, seq: u32) {
        let Some(c) = self.call_mut(call_id) else {
            return self.respond(&req, 481, None);
        };
        if seq <= c.remote_cseq && c.remote_cseq != 0 {
            return; // an old or repeated request
        }
        if c.reinvite_pending || c.incoming_reinvite.is_some() {
            // Glare: the far end will retry later (RFC 3261 §14.2).
            return self.respond(&req, 491, None);
        }
        c.remote_cseq = seq;
        if let Some(target) = name_addrs(req.headers.get_all("Contact")).ok().and_then(|v| v.into_iter().next()) {
            c.remote_target = target.uri; // target refresh (RFC 3261 §12.2.2)
        }
        let sdp = String::from_utf8_lossy(&req.body).into_owned();
        c.incoming_reinvite = Some(req);
        let id = c.id.clone();
        self.event(Event::Reoffered { call: id, sdp });
    }

    // --- timers -----------------------------------------------------------------------------

    fn on_timers(&mut self, now: Millis) {
        let expired: Vec<String> = self.transactions.iter().filter(|(_, t)| t.deadline <= now).map(|(b, _)| b.clone()).collect();
        for branch in expired {
            let Some(tx) = self.transactions.remove(&branch) else { continue };
            match tx.purpose {
                Purpose::Register => {
                    self.registration = Registration::Idle;
                    self.event(Event::RegistrationFailed { status: None, reason: "The PBX did not answer the registration (timeout)".into(), retry_after: None });
                }
                Purpose::Unregister => {
                    self.registration = Registration::Idle;
                    self.event(Event::Unregistered);
                }
                Purpose::Invite => {
                    if let Some(call) = tx.call {
                        self.report_transfer(now, &call, 408, "Request Timeout");
                        let reason = if self.call_mut(&call).is_some_and(|c| c.state == CallState::Cancelling) {
                            EndReason::Local
                        } else {
                            EndReason::Failed("The PBX did not answer the call (timeout)".into())
                        };
                        self.end_call(&call, reason);
                    }
                }
                Purpose::Reinvite => {
                    if let Some(call) = tx.call {
                        if let Some(c) = self.call_mut(&call) {
                            c.reinvite_pending = false;
                        }
                        self.event(Event::ReinviteFailed { call, status: 408 });
                    }
                }
                Purpose::Refresh => {
                    if let Some(call) = tx.call {
                        self.end_call(&call, EndReason::Failed("The PBX stopped answering during the call (session refresh timed out)".into()));
                    }
                }
                Purpose::Refer => {
                    if let Some(call) = tx.call {
                        if let Some(c) = self.call_mut(&call) {
                            c.transferring = None;
                        }
                        self.event(Event::TransferFailed { call, status: 408 });
                    }
                }
                Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Notify => {}
            }
        }
        let silent: Vec<CallId> = self.calls.iter().filter(|c| c.transferring.is_some_and(|at| at <= now)).map(|c| c.id.clone()).collect();
        for call in silent {
            if let Some(c) = self.call_mut(&call) {
                c.transferring = None;
            }
            self.event(Event::TransferFailed { call, status: 408 });
        }
        let due: Vec<(CallId, bool)> = self.calls.iter().filter_map(|c| c.session.filter(|s| s.due <= now).map(|s| (c.id.clone(), s.we_refresh))).collect();
        for (call, we_refresh) in due {
            if we_refresh {
                self.refresh_session(now, &call);
            } else {
                // The far end should have refreshed by now (RFC 4028 §10).
                self.bye(now, &call, EndReason::Failed("The far end stopped refreshing the call (session timer expired)".into()));
            }
        }
        if let Registration::Registered { refresh_at } = self.registration {
            if refresh_at <= now && self.transport_up {
                self.send_register(now, self.expires);
            }
        }
        self.flow_timers(now);
        let mut resend = Vec::new();
        let mut lost = Vec::new();
        let mut retries = Vec::new();
        for c in &mut self.calls {
            if let Some((bytes, next, interval, give_up)) = &mut c.unacked_ok {
                if *give_up <= now {
                    lost.push(c.id.clone());
                } else if *next <= now {
                    resend.push(bytes.clone());
                    *interval = (*interval * 2).min(T2);
                    *next = now + *interval;
                }
            }
            if let Some((at, sdp)) = &mut c.glare_retry {
                if *at <= now {
                    if c.reinvite_pending || c.incoming_reinvite.is_some() || c.state != CallState::Confirmed {
                        // Still busy with another offer: look again shortly.
                        *at = now + T1;
                    } else {
                        retries.push((c.id.clone(), std::mem::take(sdp)));
                        c.glare_retry = None;
                    }
                }
            }
        }
        for bytes in resend {
            self.out.push_back(Output::Transmit(bytes));
        }
        for call in lost {
            // No ACK for our 2xx: the dialog never came up (RFC 3261 §13.3.1.4).
            if let Some(bye) = self.in_dialog_request(&call, Method::Bye, None) {
                self.send_request(now, bye, Purpose::Bye, Some(call.clone()));
            }
            self.end_call(&call, EndReason::Failed("The caller's side never confirmed the answer".into()));
        }
        for (call, sdp) in retries {
            self.reinvite(now, &call, sdp);
        }
    }

    // --- building and sending ---------------------------------------------------------------

    fn local_identity(&self) -> NameAddr {
        let user = self.credentials.as_ref().map_or("", |c| c.user.as_str());
        let mut from = NameAddr::new(Uri::sip(user, &self.config.domain));
        if !self.config.display_name.is_empty() {
            from = from.with_display_name(&self.config.display_name);
        }
        from
    }

    /// Our Contact: a `.invalid` host (RFC 7118), marked `ob` with the instance (RFC 5626).
    fn contact(&self, expires: Option<u32>) -> String {
        let user = self.credentials.as_ref().map_or("", |c| c.user.as_str());
        let mut contact = format!("<{};transport=ws;ob>", Uri::sip(user, &self.local_host));
        if !self.config.instance_id.is_empty() {
            contact.push_str(&format!(";+sip.instance=\"<{}>\";reg-id=1", self.config.instance_id));
        }
        if let Some(e) = expires {
            contact.push_str(&format!(";expires={e}"));
        }
        contact
    }

    fn via(&mut self) -> (Via, String) {
        let branch = format!("z9hG4bK{}", token(&mut *self.random, 16));
        let mut params = crate::header::Params::new();
        params.push("branch", Some(&branch));
        params.push("rport", None);
        (Via { transport: "WS".into(), sent_by: self.local_host.clone(), params }, branch)
    }

    /// A request within `call`'s dialog (or its INVITE), with the next CSeq where asked.
    fn dialog_request(&mut self, call: &Call, method: Method, seq: u32) -> Request {
        let (via, _) = self.via();
        let mut req = Request::new(method.clone(), call.remote_target.clone());
        req.headers.push("Via", via);
        req.headers.push("Max-Forwards", 70);
        for route in &call.route_set {
            req.headers.push("Route", route);
        }
        req.headers.push("From", &call.local);
        req.headers.push("To", &call.remote);
        req.headers.push("Call-ID", &call.id);
        req.headers.push("CSeq", CSeq { seq, method });
        req.headers.push("User-Agent", &self.config.user_agent);
        req
    }

    fn in_dialog_request(&mut self, call: &str, method: Method, body: Option<(&str, String)>) -> Option<Request> {
        let index = self.calls.iter().position(|c| c.id == call)?;
        let c = self.calls.get_mut(index)?;
        c.local_cseq += 1;
        let seq = c.local_cseq;
        // Take the call out briefly to borrow it while building from `self`.
        let snapshot = Call { invite: Request::new(Method::Ack, c.remote_target.clone()), ..clone_call(c) };
        let mut req = self.dialog_request(&snapshot, method, seq);
        if let Some((content_type, body)) = body {
            req.set_body(content_type, body);
        }
        Some(req)
    }

    fn send_ack(&mut self, call: &str, r: &Response) {
        let seq = r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(1, |c| c.seq);
        let Some(c) = self.calls.iter().find(|c| c.id == call) else { return };
        let snapshot = clone_call(c);
        let ack = self.dialog_request(&snapshot, Method::Ack, seq);
        self.transmit(ack.to_bytes());
    }

    fn send_register(&mut self, now: Millis, expires: u32) {
        let Some(credentials) = self.credentials.clone() else { return };
        self.reg_cseq += 1;
        let (via, _) = self.via();
        let aor = NameAddr::new(Uri::sip(&credentials.user, &self.config.domain));
        let mut req = Request::new(Method::Register, Uri::sip("", &self.config.domain));
        req.headers.push("Via", via);
        req.headers.push("Max-Forwards", 70);
        req.headers.push("From", aor.clone().with_tag(&self.reg_from_tag));
        req.headers.push("To", aor);
        req.headers.push("Call-ID", &self.reg_call_id);
        req.headers.push("CSeq", CSeq { seq: self.reg_cseq, method: Method::Register });
        req.headers.push("Contact", self.contact(Some(expires)));
        req.headers.push("Expires", expires);
        req.headers.push("Supported", "path, outbound, gruu");
        req.headers.push("Allow", ALLOW);
        req.headers.push("User-Agent", &self.config.user_agent);
        if expires > 0 && self.registration != Registration::Unregistering {
            self.registration = match self.registration {
                Registration::Registered { refresh_at } => Registration::Registered { refresh_at: refresh_at.max(now + TRANSACTION_TIMEOUT_MS) },
                _ => Registration::Registering,
            };
        }
        let purpose = if expires == 0 { Purpose::Unregister } else { Purpose::Register };
        self.send_request(now, req, purpose, None);
    }

    fn send_request(&mut self, now: Millis, req: Request, purpose: Purpose, call: Option<CallId>) {
        if !self.transport_up {
            // Sent when a connection is back, so a hang-up during a blip still reaches the far end.
            return self.hold_request(req, purpose, call);
        }
        if let Some(c) = call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)).filter(|_| req.headers.get("Contact").is_some()) {
            c.contact_flow = self.flow.number;
        }
        let branch = request_key(&req);
        self.transmit(req.to_bytes());
        self.transactions.insert(branch, ClientTx { purpose, call, request: req, deadline: now + TRANSACTION_TIMEOUT_MS, authenticated: false });
    }

    /// Sends the request again with credentials for the challenge in `r`, if there is one we
    /// can answer for our own SIP domain (the only realm the password is used for).
    fn retry_with_auth(&mut self, now: Millis, tx: &ClientTx, r: &Response) -> AuthRetry {
        let Some(credentials) = self.credentials.clone() else { return AuthRetry::Unanswerable };
        let header = if r.status == 407 { "Proxy-Authenticate" } else { "WWW-Authenticate" };
        let challenges: Vec<Challenge> = r.headers.get_all(header).filter_map(|c| Challenge::parse(c).ok()).collect();
        let (challenge, algorithm) = match auth::pick_for_realm(&challenges, &self.config.domain) {
            Ok(Some(pick)) => pick,
            Ok(None) => return AuthRetry::Unanswerable,
            Err(refusal) => return AuthRetry::Refused(refusal),
        };
        let nc = self.next_nonce_count(&challenge.nonce);
        let cnonce = token(&mut *self.random, 16);
        let uri = tx.request.uri.to_string();
        let authorization = auth::answer(challenge, algorithm, &credentials, tx.request.method.as_str(), &uri, nc, &cnonce);
        let auth_header = if r.status == 407 { "Proxy-Authorization" } else { "Authorization" };
        if self.resend(now, tx, true, |req| req.headers.set(auth_header, authorization)) {
            AuthRetry::Sent
        } else {
            AuthRetry::Unanswerable
        }
    }

    /// The `nc` for the next use of `nonce` (RFC 7616 §3.4). Only the latest few nonces are
    /// remembered: a registrar hands out a new one every so often, all day long.
    fn next_nonce_count(&mut self, nonce: &str) -> u32 {
        const REMEMBERED: usize = 8;
        let count = match self.nonce_counts.iter_mut().find(|(n, _)| n == nonce) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                if self.nonce_counts.len() >= REMEMBERED {
                    self.nonce_counts.remove(0);
                }
                self.nonce_counts.push((nonce.to_owned(), 1));
                1
            }
        };
        count
    }

    /// A 422 (RFC 4028 §7.4): send the request again asking for the far end's Min-SE.
    fn retry_with_longer_session(&mut self, now: Millis, tx: &ClientTx, r: &Response) -> bool {
        let asked = SessionExpires::from_headers(&tx.request.headers).map_or(0, |s| s.seconds);
        let Some(min) = r.headers.get("Min-SE").and_then(|v| v.split(';').next()).and_then(|v| v.trim().parse::<u32>().ok()).filter(|m| *m > asked) else {
            return false;
        };
        self.resend(now, tx, tx.authenticated, |req| {
            req.headers.set("Session-Expires", min);
            req.headers.set("Min-SE", min);
        })
    }

    /// Sends `tx`'s request again as a new transaction (new branch, next CSeq), changed by
    /// `edit`; false when the call it belonged to is gone.
    fn resend(&mut self, now: Millis, tx: &ClientTx, authenticated: bool, edit: impl FnOnce(&mut Request)) -> bool {
        let mut req = tx.request.clone();
        let (via, _) = self.via();
        req.headers.set("Via", via);
        // A new request in the same dialog or registration: the next CSeq.
        let seq = match tx.purpose {
            Purpose::Register | Purpose::Unregister => {
                self.reg_cseq += 1;
                self.reg_cseq
            }
            _ => {
                let Some(c) = tx.call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)) else { return false };
                c.local_cseq += 1;
                c.local_cseq
            }
        };
        req.headers.set("CSeq", CSeq { seq, method: req.method.clone() });
        edit(&mut req);
        if tx.purpose == Purpose::Invite {
            // CANCEL and the ACK of a failure must match the INVITE now in flight.
            if let Some(c) = tx.call.as_deref().and_then(|id| self.calls.iter_mut().find(|c| c.id == id)) {
                c.invite = req.clone();
            }
        }
        let branch = request_key(&req);
        self.transmit(req.to_bytes());
        let (purpose, call) = (tx.purpose.clone(), tx.call.clone());
        self.transactions.insert(branch, ClientTx { purpose, call, authenticated, request: req, deadline: now + TRANSACTION_TIMEOUT_MS });
        true
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

/// Client transactions by key (top Via branch and method). There are a handful at a time, so a
/// list is as fast as a hash map here, and smaller in wasm.
#[derive(Default)]
struct Transactions(Vec<(String, ClientTx)>);

impl Transactions {
    fn get(&self, key: &str) -> Option<&ClientTx> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, t)| t)
    }

    fn remove(&mut self, key: &str) -> Option<ClientTx> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(index).1)
    }

    fn insert(&mut self, key: String, tx: ClientTx) {
        self.remove(&key);
        self.0.push((key, tx));
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &ClientTx)> {
        self.0.iter().map(|(k, t)| (k, t))
    }

    fn values(&self) -> impl Iterator<Item = &ClientTx> {
        self.0.iter().map(|(_, t)| t)
    }

    fn retain(&mut self, mut keep: impl FnMut(&String, &ClientTx) -> bool) {
        self.0.retain(|(k, t)| keep(k, t));
    }
}

/// Methods we accept.
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY";
/// Extensions we support on calls: session timers (RFC 4028) and Replaces (RFC 3891).
const SUPPORTED: &str = "timer, replaces";

/// Answers a request that may refresh the session (INVITE, re-INVITE, UPDATE): the response
/// `r` gets the interval and refresher, and the call's timer restarts (RFC 4028 §9). A
/// request without Session-Expires turns the timer off.
fn accept_session_refresh(now: Millis, call: &mut Call, r: &mut Response, req: &Request) {
    let Some(se) = SessionExpires::from_headers(&req.headers) else {
        call.session = None;
        return;
    };
    // The requester refreshes unless it said otherwise, or cannot (no `timer` support).
    let uac_refreshes = se.uac_refreshes.unwrap_or_else(|| supports(&req.headers, "timer"));
    if supports(&req.headers, "timer") {
        r.headers.push("Require", "timer");
    }
    r.headers.push("Session-Expires", SessionExpires::header(se.seconds, uac_refreshes));
    // We are the UAS of this request.
    call.session = Some(SessionTimer::start(now, se.seconds, !uac_refreshes));
}

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

/// %-escapes a URI header value (RFC 3261 §25.1 `hvalue`): all but unreserved characters.
fn escape_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 16);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn clone_call(c: &Call) -> Call {
    Call {
        id: c.id.clone(),
        state: c.state,
        outgoing: c.outgoing,
        local: c.local.clone(),
        remote: c.remote.clone(),
        remote_target: c.remote_target.clone(),
        route_set: c.route_set.clone(),
        local_cseq: c.local_cseq,
        remote_cseq: c.remote_cseq,
        invite: c.invite.clone(),
        reinvite_pending: c.reinvite_pending,
        glare_retry: None,
        incoming_reinvite: None,
        unacked_ok: None,
        ringing_reported: c.ringing_reported,
        session: c.session,
        local_sdp: String::new(),
        peer_allows_update: c.peer_allows_update,
        refer_received: None,
        notify_to: None,
        replaces: None,
        transferring: c.transferring,
        contact_flow: c.contact_flow,
    }
}

/// The key of a client transaction: top Via branch and method.
fn tx_key(branch: &str, method: &Method) -> String {
    format!("{branch} {method}")
}

fn request_key(req: &Request) -> String {
    let branch = req.headers.get("Via").and_then(|v| Via::parse(v).ok()).and_then(|v| v.branch().map(str::to_owned)).unwrap_or_default();
    tx_key(&branch, &req.method)
}

fn set_to_tag(r: &mut Response, tag: &str) {
    let Some(mut to) = r.headers.get("To").and_then(|t| NameAddr::parse(t).ok()) else { return };
    if to.tag().is_none() {
        to.set_tag(tag);
        r.headers.set("To", to);
    }
}

fn to_tag(r: &Response) -> Option<String> {
    r.headers.get("To").and_then(|t| NameAddr::parse(t).ok()).and_then(|t| t.tag().map(str::to_owned))
}

fn cseq_method(r: &Response) -> Option<Method> {
    r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map(|c| c.method)
}

fn is_stale(r: &Response) -> bool {
    r.headers.get_all("WWW-Authenticate").chain(r.headers.get_all("Proxy-Authenticate")).filter_map(|c| Challenge::parse(c).ok()).any(|c| c.stale)
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
