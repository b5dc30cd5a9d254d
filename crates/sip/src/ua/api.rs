//! What the app sees of the user agent: its configuration, the commands it gives, the inputs it
//! feeds, and the outputs (frames and events) it takes.

use crate::auth::Credentials;
use crate::uri::Uri;


/// A point in time on the caller's monotonic clock, in milliseconds from an origin of its
/// choosing. A type of its own, so that it cannot be mixed up with wall-clock time or with a
/// duration: durations are plain milliseconds (`u64`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The instant `millis` after the clock's origin.
    pub const fn from_millis(millis: u64) -> Instant {
        Instant(millis)
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Milliseconds from `self` until `later` (0 when `later` is not later).
    pub const fn millis_until(self, later: Instant) -> u64 {
        later.0.saturating_sub(self.0)
    }
}

impl core::ops::Add<u64> for Instant {
    type Output = Instant;

    /// The instant `millis` later.
    fn add(self, millis: u64) -> Instant {
        Instant(self.0.saturating_add(millis))
    }
}

/// A confirmed dialog as this side knows it: enough to take its place from another connection,
/// or from a later instance of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogRef {
    /// The dialog's Call-ID.
    pub call_id: CallId,
    /// Our tag.
    pub local_tag: String,
    /// The far end's tag.
    pub remote_tag: String,
    /// Where the far end takes in-dialog requests (its Contact).
    pub remote_target: Uri,
}

/// The caller's randomness: tags, branches, Call-IDs and cnonces come from it.
pub trait Random {
    /// A uniformly random 64-bit value.
    fn next_u64(&mut self) -> u64;
}

/// A call, named by its SIP Call-ID: the user agent names our calls ([`super::UserAgent::place_call`])
/// and takes the far end's name for theirs. Reads as the Call-ID's text (`Deref` to `str`).
/// The default, empty, names no call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallId(String);

impl CallId {
    /// The Call-ID as it is on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::ops::Deref for CallId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for CallId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for CallId {
    fn from(id: String) -> Self {
        CallId(id)
    }
}

impl From<&str> for CallId {
    fn from(id: &str) -> Self {
        CallId(id.to_owned())
    }
}

impl From<CallId> for String {
    fn from(id: CallId) -> Self {
        id.0
    }
}

impl PartialEq<&str> for CallId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

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
    pub keepalive_ms: u64,
    /// Session interval (RFC 4028) our calls ask for, seconds; 0 asks for none. Values below
    /// [`super::MIN_SESSION_EXPIRES`] are raised to it. A far end that asks for a timer gets one anyway.
    pub session_expires: u32,
}

/// What the app tells the user agent ([`super::UserAgent::command`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Register (and keep registered) with these credentials.
    Register(Credentials),
    /// Register as SIP user `user` (the address of record's user part), answering challenges
    /// with `credentials`, whose user name may differ: ephemeral credentials (Kamailio's
    /// auth_ephemeral, TURN REST) authenticate as `EXPIRES:USER`. Given again while registered,
    /// it registers at once with the new credentials (renewed before the old ones expire); for
    /// another `user`, the old address of record's binding is removed first.
    RegisterAs { user: String, credentials: Credentials },
    /// Remove the registration; calls are not touched.
    Unregister,
    /// Tell the caller we are ringing (180).
    Ring { call: CallId },
    /// Answer an incoming call with this SDP: the answer to its offer, or, when it came
    /// without one (delayed offer), our offer, whose answer arrives as [`Event::OfferAnswered`].
    Answer { call: CallId, sdp: String },
    /// Decline an incoming call: 486 Busy Here when `busy`, else 603 Decline.
    Decline { call: CallId, busy: bool },
    /// Refuse an incoming call with 480 Temporarily Unavailable (the agent is away): the PBX
    /// may route it elsewhere.
    Unavailable { call: CallId },
    /// End a call whatever its state: CANCEL before an answer, BYE after, decline when ringing.
    HangUp { call: CallId },
    /// Re-INVITE with a new offer (hold: `a=sendonly`, resume: `a=sendrecv`).
    Reinvite { call: CallId, sdp: String },
    /// Answer the far end's re-INVITE or UPDATE ([`Event::Reoffered`]): the answer to its
    /// offer, or our offer when it made none (the answer then comes as [`Event::OfferAnswered`]).
    AnswerReinvite { call: CallId, sdp: String },
    /// The far end's offer ([`Event::IncomingCall`], [`Event::Reoffered`]) cannot be taken:
    /// 488 Not Acceptable Here with a `Warning` saying why (RFC 3261 §13.3.1.3, §20.43). A new
    /// call ends; a re-INVITE or UPDATE leaves the call as it was (§14.2).
    RefuseOffer { call: CallId, refusal: OfferRefusal },
    /// Send one DTMF digit as SIP INFO (`application/dtmf-relay`).
    SendDtmf { call: CallId, digit: char, duration_ms: u32 },
    /// Blind transfer: ask the far end of `call` to call `target` (REFER). Progress arrives as
    /// [`Event::TransferProgress`]; on success the call ends with [`EndReason::Transferred`].
    Transfer { call: CallId, target: Uri },
    /// Attended transfer: ask the far end of `call` to take the place of our side of
    /// `replacing` (REFER with Replaces, RFC 3891). On success both calls end.
    TransferAttended { call: CallId, replacing: CallId },
    /// Refuse the far end's [`Event::TransferRequested`] (it is told 603 Declined).
    DeclineTransfer { call: CallId },
    /// The connection may be dead (the computer woke up, the network came back, the tab is
    /// visible again): probe it now; [`Event::FlowFailed`] follows if it does not answer.
    /// `reregister` refreshes the registration too (after a sleep the registrar may have let
    /// it expire while our clock stood still).
    CheckFlow { reregister: bool },
}

/// An outgoing call to start ([`super::UserAgent::place_call`], which names it with its Call-ID).
/// Each carries our SDP offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewCall {
    /// Call `target`.
    Dial { target: Uri, sdp: String },
    /// Follow the far end's [`Event::TransferRequested`] on `call`: call the target it named.
    /// The old call goes on until the far end hangs it up.
    Referred { call: CallId, sdp: String },
    /// Take the place of a confirmed call that an earlier instance of this phone (a page since
    /// reloaded) had with the far end: a new INVITE with Replaces (RFC 3891) to the dialog's
    /// remote target. A far end that does not know the dialog any more answers 481.
    Rejoin { dialog: Box<DialogRef>, sdp: String },
}

/// What the app feeds the user agent besides its commands: the connection's news and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// The WebSocket is open.
    TransportUp,
    /// The WebSocket closed or failed.
    TransportDown,
    /// One WebSocket message.
    Frame(&'a [u8]),
    /// Time passed (the deadline from [`super::UserAgent::poll_timeout`] or later).
    Timeout,
}

/// What the user agent asks of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send these bytes as one WebSocket message. They are UTF-8 (SIP text with SDP, DTMF or
    /// sipfrag bodies), so they can go as a text message as they are.
    Transmit(Vec<u8>),
    /// Tell the app.
    Event(Event),
}

/// Why a command could not be carried out. Nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// No call has this id (it ended, or never was).
    UnknownCall,
    /// The call is not in a state this command applies to (answering a call already
    /// answered, re-INVITEing one not yet established...).
    WrongState,
    /// Nothing waits for this answer: no re-INVITE, no transfer request.
    NothingPending,
    /// Not a DTMF digit (`0-9`, `*`, `#`, `A-D`).
    NotADigit,
    /// A transfer of this call is already under way (one at a time).
    TransferPending,
}

/// Why the far end's offer cannot be taken: the 488's `Warning` code (RFC 3261 §20.43).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferRefusal {
    /// The media is not secured as WebRTC requires (plain RTP, no DTLS fingerprint):
    /// 302 Incompatible transport protocol.
    Transport,
    /// No audio codec in common: 305 Incompatible media format.
    MediaFormat,
    /// The description is malformed or asks for what cannot be done: 399 Miscellaneous warning.
    Other,
}

/// Why a call failed, as the protocol tells it: the app words it for the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallFailure {
    /// Our INVITE was refused with this final status (404 no such number, 403 refused,
    /// 503 unavailable...) other than busy, declined or no answer.
    Refused { status: u16 },
    /// A request inside the call was answered 408 or 481: the far end lost the call.
    Lost { status: u16 },
    /// Nothing answered our INVITE in time (64*T1).
    NoResponse,
    /// The connection dropped while the call was being set up.
    ConnectionLost,
    /// The caller's side never acknowledged our answer (no ACK, RFC 3261 §13.3.1.4), or our
    /// reliable ringing (no PRACK, RFC 3262 §3).
    NotAcknowledged,
    /// Our session refresh went unanswered (RFC 4028).
    RefreshUnanswered,
    /// The far end stopped refreshing the session (RFC 4028 §10).
    SessionExpired,
    /// The far end accepted the call without answering our offer: no SDP in its 2xx (nor in a
    /// provisional response before it), or none in the ACK of our 2xx that carried our offer
    /// (RFC 3261 §13.2.1, §13.3.1.4). The call cannot have audio, so it was hung up.
    MissingAnswer,
    /// The far end changed its early answer within one early dialog (RFC 6337 §3.1: it must
    /// repeat the same one): the call was cancelled.
    EarlyAnswerChanged,
}

/// Why a registration failed, as the protocol tells it: the app words it for the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationFailure {
    /// The registrar answered with this final status (401/403: the password; 404: the user;
    /// 423: the interval; 5xx: try again later).
    Refused { status: u16 },
    /// The registrar challenged for a realm other than our SIP domain, so the password was
    /// not used (`status` is the challenge's, 401 or 407).
    ForeignRealm { status: u16, realm: crate::auth::ForeignRealm },
    /// The registrar did not answer in time.
    NoResponse,
}

impl RegistrationFailure {
    /// The registrar's status code, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            RegistrationFailure::Refused { status } | RegistrationFailure::ForeignRealm { status, .. } => Some(*status),
            RegistrationFailure::NoResponse => None,
        }
    }
}

/// Why a frame was dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// It is not a SIP message (it was answered when what a response needs could be read).
    Malformed(crate::ParseError),
    /// A response without a Via branch or a CSeq: no transaction can be its.
    UnmatchableResponse,
}

/// Why a call ended, for the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// Another final response, or no response at all.
    Failed(CallFailure),
}

/// What the app is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The registration is in place for `expires` seconds (refreshed automatically).
    Registered { expires: u32 },
    /// Registration failed. No retry until told again (a new connection registers again).
    /// `retry_after` is the registrar's Retry-After, seconds.
    RegistrationFailed { failure: RegistrationFailure, retry_after: Option<u32> },
    /// The connection was replaced while `call` was up: the far end still sends to the old
    /// one. Re-INVITE the call ([`Command::Reinvite`], a fresh offer; with an ICE restart when
    /// the media failed too) so its requests reach us again.
    FlowReplaced { call: CallId },
    /// The connection stopped answering keep-alives: close it and connect again.
    FlowFailed,
    /// The registration was removed on request.
    Unregistered,
    /// A call comes in, with the caller's offer, or none (delayed offer: [`Command::Answer`]
    /// then carries ours). `replaces` names our confirmed call that it is meant to take over
    /// (an attended transfer, RFC 3891): answering it ends that call.
    IncomingCall { call: CallId, number: String, display_name: String, sdp: Option<String>, replaces: Option<CallId> },
    /// The far end rings (18x without SDP).
    Ringing { call: CallId },
    /// The far end sent media before answering (18x with SDP: an announcement, ringback of its
    /// own, an IVR greeting): a provisional answer to apply (`pranswer`) until [`Event::Answered`].
    /// A later early dialog (a forking proxy's other branch) may send another.
    EarlyMedia { call: CallId, sdp: String },
    /// Our call was answered; `sdp` is the far end's answer (the 2xx's, or the early one it
    /// confirms when the 2xx has none).
    Answered { call: CallId, sdp: String },
    /// The caller acknowledged our answer: media flows both ways.
    Confirmed { call: CallId },
    /// The far end's answer to the offer we made in a 2xx (its INVITE, re-INVITE came without
    /// one), from its ACK; before [`Event::Confirmed`] on a new call.
    OfferAnswered { call: CallId, sdp: String },
    /// The far end re-INVITEs or UPDATEs (hold, resume, a new media path) with this offer, or
    /// none (it asks for ours): answer with [`Command::AnswerReinvite`] or
    /// [`Command::RefuseOffer`].
    Reoffered { call: CallId, sdp: Option<String> },
    /// Our re-INVITE was answered.
    Reanswered { call: CallId, sdp: String },
    /// Our re-INVITE was refused; the call goes on as before.
    ReinviteFailed { call: CallId, status: u16 },
    /// A DTMF digit arrived by SIP INFO.
    Dtmf { call: CallId, digit: char },
    /// The far end asks us to call `target` instead (REFER): answer with
    /// [`NewCall::Referred`] or [`Command::DeclineTransfer`].
    TransferRequested { call: CallId, target: Uri },
    /// How our transfer of `call` is going: the status the transfer target gave (100, 180...).
    TransferProgress { call: CallId, status: u16 },
    /// Our transfer of `call` did not happen; the call goes on (still on hold if it was).
    TransferFailed { call: CallId, status: u16 },
    /// The call is over.
    Ended { call: CallId, reason: EndReason },
    /// A frame could not be understood and was dropped.
    Dropped { reason: DropReason },
}
