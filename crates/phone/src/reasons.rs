//! Why things happen, as typed values. The phone decides with them and hands them on; it words
//! none of them: the app turns them into the agent's sentences (its `words` module), so that
//! the same phone can speak any language and serve another front end.
//!
//! What the protocol core reports is kept as it reported it ([`sip::CallFailure`],
//! [`sip::RegistrationFailure`], [`sip::OfferRefusal`]); what comes from elsewhere (a browser's
//! error message, a CRM's refusal, a TURN server's answer) travels as `detail`, as that party
//! said it, never as a sentence of ours. Enums that will grow are `#[non_exhaustive]`.

use crate::dialing::DialError;
use crate::numbering::UnknownCountry;
use crate::devices::OutputRole;

pub use sip::{CallFailure as SipCallFailure, CommandError, OfferRefusal, RegistrationFailure};

/// How a call ended, keeping what the far end said.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The agent hung up (or stopped calling before an answer).
    LocalHangup,
    /// The other party hung up.
    RemoteHangup,
    /// The caller gave up before the agent answered.
    Missed,
    /// Another device (a deskphone on the same extension, another phone) answered the ring: not
    /// a missed call, so nothing is logged here.
    AnsweredElsewhere,
    /// The agent declined the incoming call.
    Declined,
    /// The callee was busy (486, 600).
    Busy,
    /// The callee declined the call (603).
    RemoteDeclined,
    /// Nobody answered.
    NoAnswer,
    /// The agent transferred the call; the other party now talks to the number the call's
    /// transfer names.
    Transferred,
    /// A call that came in naming this one in Replaces took its place (the other party was
    /// transferred to us on a new call, RFC 3891).
    Replaced,
    /// Something failed.
    Failed(CallFailure),
}

/// Why a call failed.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallFailure {
    /// What the SIP core reported: a refusal, a lost call, no answer in time...
    Sip(SipCallFailure),
    /// The call's audio could not be set up.
    Media(MediaProblem),
    /// The line could not do what the call needed (the call changed meanwhile).
    Command(CommandError),
    /// The other party asked to be transferred, and their call ended before the new one began.
    TransferFromGone,
    /// A call the page reload cut off: its SIP dialog was not kept, so it cannot be rejoined.
    DialogNotKept,
    /// A call the page reload cut off: the agent did not sign in again in time to rejoin it.
    NotRejoinedInTime,
    /// A failure an earlier version of the phone kept in storage already worded (its log waited
    /// for Salesforce across the upgrade): the words it wrote.
    Worded(String),
}

/// Why the browser could not give a call audio.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaProblem {
    /// The browser or the agent refused the microphone (`detail`: as the browser said).
    MicrophoneBlocked { detail: String },
    /// The peer connection could not be set up (`detail`: as the browser said).
    PeerConnection { detail: String },
    /// Audio must go through a TURN relay (the definition's relay policy) and there is none.
    NoRelay(RelayProblem),
    /// The far end's session description cannot be used, for this reason (a 488's Warning).
    Offer(OfferRefusal),
}

/// Why the phone has no TURN relay for a call's audio.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelayProblem {
    /// Salesforce has not given the phone a TURN credential (it signs in with the org's).
    NoOrgCredential,
    /// The TURN credentials service could not be asked (`detail`: what went wrong).
    CredentialsUnavailable { detail: String },
    /// The TURN server refused to relay (`turn`: its answer), or gave no relay address (`None`).
    Refused { turn: Option<String> },
}

/// Something about a call's audio the agent should know; the call goes on.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaWarning {
    /// No TURN relay: the audio takes the other ways, if the network lets it.
    NoRelay(RelayProblem),
    /// The browser found no way for the audio to travel; `turn` is what the TURN server
    /// answered, if it refused.
    NoAudioPath { turn: Option<String> },
    /// The other side tried to change the call (a re-INVITE or UPDATE) with an offer that could
    /// not be taken: the call goes on as it was.
    ChangeRefused(MediaProblem),
}

/// Why the microphone changed or could not be used.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MicrophoneProblem {
    /// The microphone in use went away (unplugged, switched off): the browser's default one
    /// took its place.
    Gone,
    /// It could not be opened or switched.
    Unavailable(MediaProblem),
}

/// Why the connection to the PBX is being made again.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionProblem {
    /// The PBX at `url` closed the WebSocket (close `code`: 1000 closed by the PBX, 1006
    /// unreachable...).
    Closed { url: String, code: u16 },
    /// A connection to `url` could not be opened (`detail`: as the browser said).
    NotOpened { url: String, detail: String },
    /// The PBX stopped answering on the connection (keep-alives went unanswered).
    Unresponsive,
    /// The PBX could not register the agent for now (a 5xx, no answer): another is tried.
    RegistrarRefused(RegistrationFailure),
}

/// What the CRM answered when it did not do what the phone asked (a call log, credentials).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrmProblem {
    /// `asked` (the CRM's operation, e.g. `saveLog`) got no answer within `after_s` seconds.
    NoAnswer { asked: String, after_s: u32 },
    /// It refused `asked` (`detail`: what it said, with its error codes).
    Refused { asked: String, detail: String },
    /// Its answer to `asked` could not be read (`detail`: what was wrong with it).
    Unreadable { asked: String, detail: String },
    /// Anything else (`detail`: as its script said).
    Other { detail: String },
}

/// Why a transfer did not happen (the call is still the agent's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferFailure {
    /// The status the transfer target or the far end gave (486 busy, 603 declined, 404 no such
    /// number, 481 the call changed...).
    pub status: u16,
}

/// Why the sign-in form was not taken.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    /// No SIP user.
    NoUser,
    /// A SIP user with characters that would end up in a SIP URI.
    BadUser,
    /// No password.
    NoPassword,
}

/// Why a call the page reload cut off could not go on.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejoinFailure {
    /// The far end did not take the call back (it refused the INVITE with Replaces, or hung up).
    NotTakenBack,
    /// The rejoin failed for this reason.
    Failed(CallFailure),
}

/// The last problem (or news) to show the agent, cleared by their next action.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The browser would not save the diagnostics file the agent asked for.
    DiagnosticsNotSaved,
    /// The sign-in form was not taken.
    SignIn(SignInProblem),
    /// The number cannot be dialled.
    Dial(DialError),
    /// Calling needs a registered line.
    NotRegistered,
    /// The agent has as many calls as the phone takes (`max_calls`).
    NoRoom { max_calls: usize },
    /// A call rings: the agent answers or declines it before calling (`who`: the caller).
    AnswerRingingFirst { who: String },
    /// The live call is not answered yet, so it cannot go on hold (`who`: the other party).
    NotAnsweredYet { who: String },
    /// Logging a call needs a number.
    NoNumberToLog,
    /// The far end refused to put the call on hold (`held`) or to take it off, with `status`:
    /// the call is as it was.
    HoldRefused { held: bool, status: u16 },
    /// The ring was answered on another device.
    AnsweredElsewhere,
    /// A call failed.
    CallFailed(CallFailure),
    /// The consultation with `with` ended; the call with `on_hold` waits on hold.
    ConsultationEnded { with: String, on_hold: String },
    /// A transfer did not happen.
    TransferFailed(TransferFailure),
    /// `by` asked to be transferred to `to`; the phone did not follow (not allowed, or no room).
    TransferNotFollowed { by: String, to: String },
    /// The call with `who` was cut off by a page reload and could not be rejoined.
    CutOffByReload { who: String },
    /// The call with `who`, being rejoined after a page reload, was lost.
    LostInReload { who: String, why: RejoinFailure },
    /// Going offline waits for the calls to end.
    CallsBeforeOffline,
    /// What the agent chose and typed in wrap-up was saved on the last call's log.
    WrapUpSaved,
    /// A call log was not saved (it is kept and saved again by itself).
    LogNotSaved(CrmProblem),
    /// The output `device` (its label, when the browser gave one) went away: `roles` play on
    /// the browser's default output now.
    OutputGone { roles: Vec<OutputRole>, device: Option<String> },
    /// The browser refused to play `role` on `device`: the default output plays it.
    OutputRefused { role: OutputRole, device: Option<String> },
    /// The microphone changed, or could not be used.
    Microphone(MicrophoneProblem),
    /// Something about a call's audio.
    Media(MediaWarning),
    /// The definition's home country has no numbering plan: numbers go to the PBX as written.
    UnknownCountry(UnknownCountry),
}
