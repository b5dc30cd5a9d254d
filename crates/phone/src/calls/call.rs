//! One call: who it is with, where it is, what is under way on it. Its fields are the calls'
//! sub-state's alone (`calls`): whether a call is on hold, and its stage, change only there,
//! where the one-live-call rule is kept. Everyone else reads, or asks for one of the changes
//! below.

use crate::clock::Time;
use crate::extension::KeyedExtension;
use crate::log::{CallDirection, RecordRef};
use crate::pop_measure::{PopOutcome, ScreenPop};
use crate::quality::{Quality, QualityTally};

/// A call as the phone names it: minted by the controller for every call, and carried by every
/// effect and event about that call. The SIP Call-ID is the line's business (and the log's key);
/// the handle is the call's identity everywhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallHandle(pub(crate) u32);

impl CallHandle {
    /// A handle the phone never mints: a call the line places for something else than the
    /// phone (the pre-flight check's echo test). The phone ignores its events: it is no call of
    /// the agent's, never logged.
    pub const OUTSIDE: CallHandle = CallHandle(u32::MAX);

    /// The handle's number, unique among this page's calls (for element ids and logs).
    pub fn number(self) -> u32 {
        self.0
    }

    /// A handle a test of another crate makes up, as if the phone had minted it.
    #[cfg(feature = "made-up-handles")]
    pub const fn made_up(number: u32) -> CallHandle {
        CallHandle(number)
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
    /// The SIP dialog the previous page was on, until the line is asked to rejoin it (an INVITE
    /// with Replaces); `None` once asked.
    pub to_rejoin: Option<sip::DialogRef>,
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

/// A call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub(super) handle: CallHandle,
    pub(super) stage: Stage,
    pub(super) direction: CallDirection,
    pub(super) number: String,
    pub(super) display_name: String,
    pub(super) record: Option<RecordRef>,
    pub(super) about: Option<RecordRef>,
    pub(super) call_id: Option<String>,
    pub(super) screen_pop: Option<ScreenPop>,
    pub(super) started_at: Time,
    pub(super) answered_at: Option<Time>,
    pub(super) progress: Progress,
    pub(super) muted: bool,
    pub(super) held: bool,
    pub(super) transfer: Option<Transfer>,
    pub(super) consultation: Option<Consultation>,
    pub(super) referred_by: Option<String>,
    pub(super) extension: Option<KeyedExtension>,
    pub(super) quality: Option<Quality>,
    /// Seconds in a row without audio from the far end.
    pub(super) silent_seconds: u32,
    pub(super) resumed: Option<Resumed>,
    /// The call's audio so far, for its quality estimate (MOS).
    pub(super) tally: QualityTally,
}

impl Call {
    /// A call `handle` just starting at `started_at` in `stage`, nothing known of it yet but
    /// who it is with.
    pub(super) fn new(handle: CallHandle, stage: Stage, direction: CallDirection, number: String, record: Option<RecordRef>, started_at: Time) -> Call {
        Call {
            handle,
            stage,
            direction,
            number,
            display_name: String::new(),
            record,
            about: None,
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

    /// The call's name in the phone.
    pub fn handle(&self) -> CallHandle {
        self.handle
    }
    /// Where it is.
    pub fn stage(&self) -> Stage {
        self.stage
    }
    /// Who started it.
    pub fn direction(&self) -> CallDirection {
        self.direction
    }
    /// The other party's number, in the one form the phone keeps numbers in.
    pub fn number(&self) -> &str {
        &self.number
    }
    /// The caller's display name from the PBX (inbound), if any.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    /// The CRM record attached to the call (clicked, or matched by the screen pop).
    pub fn record(&self) -> Option<&RecordRef> {
        self.record.as_ref()
    }
    /// The record the agent works on during the call, when it is no person (see
    /// [`CallRecord::about`](crate::CallRecord)).
    pub fn about(&self) -> Option<&RecordRef> {
        self.about.as_ref()
    }
    /// The SIP Call-ID, once the SIP core made or received the INVITE: the log's key.
    pub fn call_id(&self) -> Option<&str> {
        self.call_id.as_deref()
    }
    /// The screen pop of an incoming call: waiting for Salesforce, or measured.
    pub fn screen_pop(&self) -> Option<ScreenPop> {
        self.screen_pop
    }
    /// When it started ringing.
    pub fn started_at(&self) -> Time {
        self.started_at
    }
    /// When it was answered (a rejoined call: its first answer).
    pub fn answered_at(&self) -> Option<Time> {
        self.answered_at
    }
    /// How far the call got before an answer (outbound).
    pub fn progress(&self) -> Progress {
        self.progress
    }
    /// Our microphone is muted on this call.
    pub fn muted(&self) -> bool {
        self.muted
    }
    /// The call is on hold.
    pub fn held(&self) -> bool {
        self.held
    }
    /// A transfer of this call under way, until it succeeds or fails.
    pub fn transfer(&self) -> Option<&Transfer> {
        self.transfer.as_ref()
    }
    /// This call is a consultation about another call.
    pub fn consultation(&self) -> Option<&Consultation> {
        self.consultation.as_ref()
    }
    /// The other party of another call asked the phone to place this one (their REFER): who
    /// that call was with.
    pub fn referred_by(&self) -> Option<&str> {
        self.referred_by.as_deref()
    }
    /// The extension to key in once this outbound call is answered.
    pub fn extension(&self) -> Option<&KeyedExtension> {
        self.extension.as_ref()
    }
    /// The latest audio figures, once the call is connected.
    pub fn quality(&self) -> Option<Quality> {
        self.quality
    }
    /// The call's audio so far, for its quality estimate (MOS).
    pub fn tally(&self) -> &QualityTally {
        &self.tally
    }
    /// Set when this call was picked up again after the page reloaded (see `phone::rejoin`).
    pub fn resumed(&self) -> Option<&Resumed> {
        self.resumed.as_ref()
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

    /// The SIP core sent the call's INVITE with this Call-ID.
    pub(crate) fn started(&mut self, call_id: String) {
        self.call_id.get_or_insert(call_id);
    }

    /// The call being placed got this far before an answer (it never goes back).
    pub(crate) fn progressed(&mut self, progress: Progress) {
        if self.stage == Stage::Dialing {
            self.progress = self.progress.max(progress);
        }
    }

    /// The screen pop found who is calling: the call is related to that record (once).
    pub(crate) fn matched(&mut self, record: Option<RecordRef>) {
        if self.record.is_some() || self.stage == Stage::Dialing {
            return;
        }
        // A caller Salesforce knows as a Contact, Lead or Account is a customer.
        if record.is_some() && self.direction == CallDirection::Internal {
            self.direction = CallDirection::Inbound;
        }
        self.record = record;
    }

    /// The agent opened `work` (no person) during the call: the call is about it.
    pub(crate) fn worked_on(&mut self, work: RecordRef) {
        self.about = Some(work);
    }

    /// Salesforce answered the call's screen pop at `now`.
    pub(crate) fn pop_answered(&mut self, outcome: PopOutcome, now: Time) {
        self.screen_pop = self.screen_pop.map(|pop| pop.answered(outcome, now));
    }

    /// The audio figures of the last second, while talking.
    pub(crate) fn measured(&mut self, quality: Quality) {
        if self.stage != Stage::Talking {
            return;
        }
        self.silent_seconds = if quality.bytes_received == 0 { self.silent_seconds.saturating_add(1) } else { 0 };
        self.tally.add(&quality);
        self.quality = Some(quality);
    }

    /// Mutes or unmutes the microphone on a call being talked on; whether that changed anything.
    pub(crate) fn set_muted(&mut self, muted: bool) -> bool {
        let changed = self.stage == Stage::Talking && self.muted != muted;
        if changed {
            self.muted = muted;
        }
        changed
    }

    /// A transfer of a call being talked on begins (one at a time); whether it could.
    pub(crate) fn start_transfer(&mut self, transfer: Transfer) -> bool {
        let free = self.stage == Stage::Talking && self.transfer.is_none();
        if free {
            self.transfer = Some(transfer);
        }
        free
    }

    /// The transfer did not happen: the call is as it was.
    pub(crate) fn transfer_failed(&mut self) {
        self.transfer = None;
    }

    /// The next keypad digit of the record's extension due at `now`, once answered.
    pub(crate) fn next_extension_digit(&mut self, now: Time) -> Option<char> {
        self.extension.as_mut().and_then(|e| e.next_digit(now))
    }
}
