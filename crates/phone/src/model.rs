//! What the phone knows: the agent, the registration, the calls and their wrap-up.

use crate::clock::Time;
use crate::dialing::{DialError, DialPlan};
use crate::extension::KeyedExtension;
use crate::log::{CallDirection, CallRecord, RecordRef};
use crate::pop_measure::ScreenPop;
use crate::quality::{Quality, QualityTally};
use crate::reasons::{ConnectionProblem, RegistrationFailure};

/// A SIP password, held in memory only. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password (typed by the agent, or minted by the org).
    pub fn new(value: String) -> Self {
        Secret(value)
    }
    /// The password, for the one place that needs it: digest authentication.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Who is signed in: as typed on the sign-in form, or as the org minted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// SIP user (extension), e.g. "1001".
    pub user: String,
    /// SIP password; never stored, logged or put in a URL.
    pub password: Secret,
    /// Name shown to the people the agent calls.
    pub display_name: String,
    /// The user name digest answers give when it is not `user`: the org's credentials
    /// authenticate as `EXPIRES:EXTENSION` (`None` for a typed password).
    pub auth_user: Option<String>,
}

/// A microphone the browser offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioInput {
    /// The browser's device id (stable for this origin, not a secret).
    pub id: String,
    /// What the browser calls it, e.g. "Headset (USB)".
    pub label: String,
}

/// The connection to the PBX as the agent sees it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Not signed in.
    SignedOut,
    /// Signed in, waiting for the PBX to accept the registration.
    Connecting,
    /// The connection was lost for this reason; the phone reconnects by itself, next in
    /// `retry_in_s` seconds (when the line said).
    Reconnecting { problem: ConnectionProblem, retry_in_s: Option<u64> },
    /// The PBX accepts calls for this agent.
    Registered,
    /// The PBX refused for this reason; the phone does not retry.
    Failed(RegistrationFailure),
}

/// A number the agent is about to call, with the CRM record it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialTarget {
    /// The number as shown in the CRM or typed.
    pub number: String,
    /// What the PBX will be dialled with (and the extension keyed in after), or why it can't be.
    pub dial: Result<DialPlan, DialError>,
    /// The record the number was clicked on, if any.
    pub record: Option<RecordRef>,
}

/// A call as the phone names it: minted by the controller for every call, and carried by every
/// effect and event about that call. The SIP Call-ID is the line's business (and the log's key);
/// the handle is the call's identity everywhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallHandle(pub(crate) u32);

impl CallHandle {
    /// The handle's number, unique among this page's calls (for element ids and logs).
    pub fn number(self) -> u32 {
        self.0
    }
}

/// Where a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// We are calling out.
    Dialing,
    /// It is coming in and rings.
    Ringing,
    /// The agent answered; the audio is being set up.
    Answering,
    /// Answered: talking (or on hold).
    Talking,
    /// The page reloaded during this call: the phone is rejoining the far end (once signed in).
    Rejoining,
}

/// How far an outgoing call has got before it is answered: what the card and the tones say.
/// It only moves forward: a far end ringing after its announcement does not bring the ringback
/// back over it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    /// The INVITE is out; nothing heard yet.
    #[default]
    Calling,
    /// The far end rings: the phone plays the ringback.
    Ringing,
    /// The far end plays its own audio before answering (an announcement, a queue's greeting,
    /// its own ringback): the agent hears it, so the phone's ringback stops.
    EarlyMedia,
}

/// A transfer of a call under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// The agent asked the other party to call `to` (blind transfer).
    Blind { to: String },
    /// The agent asked the other party to take the place of our side of the consultation
    /// `with`, whose number is `to` (attended transfer).
    Attended { with: CallHandle, to: String },
    /// The other party asked the phone to call `to` instead, which it does on call `new`.
    Requested { new: CallHandle, to: String },
}

impl Transfer {
    /// The number the call is being handed to.
    pub fn to(&self) -> &str {
        match self {
            Transfer::Blind { to } | Transfer::Attended { to, .. } | Transfer::Requested { to, .. } => to,
        }
    }
}

/// A call the agent placed to talk about another call first (a consultation, before an
/// attended transfer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consultation {
    /// The call it is about (on hold meanwhile).
    pub about: CallHandle,
    /// Who that call is with, for this call's log (the other call may end first).
    pub about_who: String,
    /// That call was handed to this call's other party.
    pub handed_over: bool,
}

/// A call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The call's name in the phone.
    pub handle: CallHandle,
    /// Where it is.
    pub stage: Stage,
    /// Who started it.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The caller's display name from the PBX (inbound), if any.
    pub display_name: String,
    /// The CRM record attached to the call (clicked, or matched by the screen pop).
    pub record: Option<RecordRef>,
    /// The SIP Call-ID, once the SIP core made or received the INVITE: the log's key.
    pub call_id: Option<String>,
    /// The screen pop of an incoming call: waiting for Salesforce, or measured.
    pub screen_pop: Option<ScreenPop>,
    /// When it started ringing (Unix ms).
    pub started_at: Time,
    /// When it was answered (Unix ms).
    pub answered_at: Option<Time>,
    /// How far the call got before an answer (outbound).
    pub progress: Progress,
    /// Our microphone is muted on this call.
    pub muted: bool,
    /// The call is on hold.
    pub held: bool,
    /// A transfer of this call under way, until it succeeds or fails.
    pub transfer: Option<Transfer>,
    /// This call is a consultation about another call.
    pub consultation: Option<Consultation>,
    /// The other party of another call asked the phone to place this one (their REFER): who
    /// that call was with.
    pub referred_by: Option<String>,
    /// The extension to key in once this outbound call is answered.
    pub extension: Option<KeyedExtension>,
    /// The latest audio figures, once the call is connected.
    pub quality: Option<Quality>,
    /// Seconds in a row without audio from the far end.
    pub silent_seconds: u32,
    /// Set when this call was picked up again after the page reloaded (see `phone::rejoin`).
    pub resumed: Option<Resumed>,
    /// The call's audio so far, for its quality estimate (MOS).
    pub tally: QualityTally,
}

/// A call the phone picked up again after the page reloaded: the new page rejoins the far end
/// on a new SIP dialog, but it is still the same call for the agent and for the call log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resumed {
    /// The Call-ID the call was first known by: its log keeps it (one Task per call, keyed by
    /// it), whichever dialog carries the call now.
    pub first_call_id: Option<String>,
    /// The last moment the previous page was known to be on the call: talk time ends there if
    /// the call cannot be rejoined.
    pub interrupted_at: Time,
    /// The rejoin (INVITE with Replaces) has been asked of the line.
    pub asked: bool,
}

impl Call {
    /// A call `handle` just starting at `started_at` in `stage`, nothing known of it yet but
    /// who it is with.
    pub fn new(handle: CallHandle, stage: Stage, direction: CallDirection, number: String, record: Option<RecordRef>, started_at: Time) -> Call {
        Call {
            handle,
            stage,
            direction,
            number,
            display_name: String::new(),
            record,
            call_id: None,
            screen_pop: None,
            started_at,
            answered_at: None,
            progress: Progress::Calling,
            muted: false,
            held: false,
            transfer: None,
            consultation: None,
            referred_by: None,
            extension: None,
            quality: None,
            silent_seconds: 0,
            resumed: None,
            tally: QualityTally::default(),
        }
    }

    /// The name to show: the record's, else the caller's display name, else the number.
    pub fn who(&self) -> &str {
        match &self.record {
            Some(r) if !r.name.is_empty() => &r.name,
            _ if !self.display_name.is_empty() => &self.display_name,
            _ => &self.number,
        }
    }

    /// Whether the agent's voice goes to this call now (or will, once it is answered): not on
    /// hold, and being placed, answered, talked on, or rejoined. At most one call is live at a
    /// time.
    pub fn is_live(&self) -> bool {
        !self.held && matches!(self.stage, Stage::Dialing | Stage::Answering | Stage::Talking | Stage::Rejoining)
    }

    /// How the call sounds now, once there are figures. Thresholds: ITU-T G.114/G.1020 put
    /// audible trouble at a few percent of loss or tens of ms of jitter.
    pub fn audio_status(&self) -> Option<AudioStatus> {
        let q = self.quality?;
        Some(if self.silent_seconds >= 3 && !self.held {
            AudioStatus::Silent { seconds: self.silent_seconds }
        } else if q.loss_percent >= 5 || q.jitter_ms >= 50 {
            AudioStatus::Poor { loss_percent: q.loss_percent, jitter_ms: q.jitter_ms }
        } else {
            AudioStatus::Good
        })
    }

    /// The Call-ID the call's log is keyed by: the first one it had.
    pub fn log_call_id(&self) -> Option<&str> {
        match &self.resumed {
            Some(r) => r.first_call_id.as_deref(),
            None => self.call_id.as_deref(),
        }
    }

    /// Seconds since the call was answered.
    pub fn talk_seconds(&self, now: Time) -> u64 {
        self.answered_at.map_or(0, |at| now.seconds_since(at))
    }
}

/// How a call sounds now, from the last second's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioStatus {
    /// Nothing arrived from the other side for `seconds` seconds in a row.
    Silent { seconds: u32 },
    /// Audible trouble: `loss_percent` of the audio lost, `jitter_ms` of jitter.
    Poor { loss_percent: u32, jitter_ms: u32 },
    /// Nothing to worry about.
    Good,
}

/// After a call: the log already saved, which the agent can complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrapUp {
    /// The outbox id of the log saved when the call ended.
    pub log_id: u32,
    /// The CRM id it was saved as, once known (wrap-up then updates it).
    pub saved_as: Option<String>,
    /// What was logged.
    pub record: CallRecord,
    /// What the agent has chosen and typed so far: saved whatever ends the wrap-up.
    pub draft: WrapUpDraft,
    /// When the wrap-up completes by itself (the definition's `wrapUpSeconds`), if it does.
    pub ends_at: Option<Time>,
}

/// The disposition and notes of a wrap-up in progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WrapUpDraft {
    /// One of the Call Center's dispositions, or empty (none chosen).
    pub disposition: String,
    /// The agent's notes.
    pub notes: String,
}

impl WrapUpDraft {
    /// Nothing chosen or typed.
    pub fn is_empty(&self) -> bool {
        self.disposition.is_empty() && self.notes.trim().is_empty()
    }
}

/// What the agent is looking at first: the call that rings, else the call they talk on, else
/// a number ready to call, else a call on hold, else a wrap-up. The utility label, the screen
/// reader's announcements and the keyboard shortcuts follow it; the views show everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus<'a> {
    /// Nothing going on.
    Idle,
    /// A number was clicked or typed; the agent can call it or log a call to it.
    ReadyToCall(&'a DialTarget),
    /// A call.
    Call(&'a Call),
    /// A call ended; the agent picks a disposition and writes notes.
    WrapUp(&'a WrapUp),
}
