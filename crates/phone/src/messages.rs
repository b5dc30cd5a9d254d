//! What goes into the controller (the agent's [`Intent`]s, the [`Event`]s of the line, the
//! browser and Salesforce) and what comes out ([`Effect`]s for the glue to carry out).

use crate::calls::call::CallHandle;
use crate::credentials::{Credentials, Minted, OrgGrant, OrgRefusal};
use crate::devices::{AudioInput, AudioOutput, OutputChoices, OutputRole};
use crate::log::{CallDirection, CallRecord, RecordRef};
use crate::outbox::{LeftOut, Package, Rejection};
use crate::pop_measure::PopOutcome;
use crate::presence::Presence;
use crate::quality::Quality;
use crate::reasons::{CallFailure, ConnectionProblem, CrmProblem, EndReason, MediaWarning, MicrophoneProblem, RegistrationFailure, TransferFailure};
use crate::shown::{Icon, Label, Tone};

/// What the agent asks for. Intents about one call name it, so that a click on a card that
/// went stale (its call just ended) never acts on another call.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Submit the sign-in form.
    SignIn(Credentials),
    /// Sign in with the credentials the org mints (after signing out, or a refusal).
    SignInWithOrg,
    /// Sign out and forget the password.
    SignOut,
    /// A number to call, typed on the dial pad or pasted.
    EnterNumber(String),
    /// Leave the current number without calling.
    Dismiss,
    /// Call the number that is ready (a call in progress goes on hold first).
    Call,
    /// Answer this ringing call (a call in progress goes on hold first).
    Answer(CallHandle),
    /// Decline this ringing call: 486 Busy Here when `busy`, else 603 Decline.
    Decline { call: CallHandle, busy: bool },
    /// End this call (or stop calling).
    HangUp(CallHandle),
    /// Mute or unmute the microphone on this call.
    SetMuted { call: CallHandle, muted: bool },
    /// Put this call on hold or take it off (a live call goes on hold first: a swap).
    SetHeld { call: CallHandle, held: bool },
    /// A keypad digit on this call.
    SendDigit { call: CallHandle, digit: char },
    /// Hand this call's other party over to this number (blind transfer).
    Transfer { call: CallHandle, number: String },
    /// Put this call on hold and call this number to talk first (a consultation).
    Consult { call: CallHandle, number: String },
    /// Hand the call this consultation is about to the consultation's other party (attended
    /// transfer).
    CompleteTransfer(CallHandle),
    /// End this consultation and take the call it is about off hold.
    CancelConsult(CallHandle),
    /// Log a call to the current number made outside the softphone (e.g. from a mobile).
    LogCall {
        /// One of the Call Center's wrap-up dispositions, or empty.
        disposition: String,
        /// The agent's notes.
        notes: String,
    },
    /// Finish wrap-up: complete the call's log.
    FinishWrapUp {
        /// One of the Call Center's wrap-up dispositions, or empty.
        disposition: String,
        /// The agent's notes.
        notes: String,
    },
    /// The agent changed the wrap-up's disposition or notes (not finished yet).
    EditWrapUp {
        /// One of the Call Center's wrap-up dispositions, or empty.
        disposition: String,
        /// The agent's notes.
        notes: String,
    },
    /// Call back entry N of the recent calls (0: the newest).
    CallBack(usize),
    /// Available, Busy, Away or Offline.
    SetPresence(Presence),
    /// Try again to save call logs that failed.
    RetryLogs,
    /// Use this microphone (`None`: the browser's default), now and for the next sign-ins.
    ChooseMicrophone(Option<String>),
    /// Play the calls on this output (`None`: the browser's default), now and after a reload.
    ChooseSpeaker(Option<String>),
    /// Play the tones on this output (`None`: the browser's default), now and after a reload.
    ChooseRinger(Option<String>),
}

/// What happened outside the controller.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A number was clicked in the CRM (Open CTI click-to-dial, or its successor).
    ClickToDial {
        /// The number as displayed in the record.
        number: String,
        /// The record it was clicked on.
        record: Option<RecordRef>,
    },
    /// The PBX accepted the registration.
    Registered,
    /// The PBX refused, for this reason. The phone stops trying (with the org's credentials, it
    /// asks the org for fresh ones once).
    RegistrationFailed(RegistrationFailure),
    /// The org minted credentials for the user signed in to Salesforce ([`Effect::FetchCredentials`]).
    CredentialsGranted(OrgGrant),
    /// The org has no credentials for this user.
    CredentialsRefused(OrgRefusal),
    /// The org did not answer (runApex failed or timed out), or not so that it could be read.
    CredentialsUnavailable(CrmProblem),
    /// The connection to the PBX dropped; the transport reconnects by itself, next in
    /// `retry_in_s` seconds when it said.
    ConnectionLost { problem: ConnectionProblem, retry_in_s: Option<u64> },
    /// The SIP core sent the INVITE of this call with this Call-ID.
    OutgoingCallStarted { call: CallHandle, call_id: String },
    /// A call is coming in; the phone names it (or refuses it) in its answer.
    IncomingCall {
        /// Its SIP Call-ID.
        call_id: String,
        /// The caller's number (user part of From / P-Asserted-Identity).
        number: String,
        /// The caller's display name, if any.
        display_name: String,
        /// The call of ours it is meant to take the place of (an attended transfer to us, RFC
        /// 3891): answered at once, it ends that call.
        replaces: Option<CallHandle>,
    },
    /// The agent now looks at this CRM record (or at no record). A number typed on the dial
    /// pad is related to it, as the agent would expect when calling from a record page.
    Viewing(Option<RecordRef>),
    /// The screen pop for this call matched this record (or none).
    RecordMatched { call: CallHandle, record: Option<RecordRef> },
    /// Salesforce answered this call's screen pop (or never did, within the timeout).
    PopAnswered { call: CallHandle, outcome: PopOutcome },
    /// The far end is ringing.
    RemoteRinging { call: CallHandle },
    /// The far end plays audio before answering (early media), which the agent now hears.
    EarlyMedia { call: CallHandle },
    /// The call was answered (by either side) and media flows.
    CallConnected { call: CallHandle },
    /// The call ended.
    CallEnded { call: CallHandle, reason: EndReason },
    /// The transfer did not happen; the call is still the agent's.
    TransferFailed { call: CallHandle, reason: TransferFailure },
    /// The other party asks the phone to call `number` instead (their REFER).
    TransferRequested { call: CallHandle, number: String },
    /// The far end refused to put the call on hold (`held`) or to take it off (SIP `status`):
    /// the call goes on as it was.
    HoldFailed { call: CallHandle, held: bool, status: u16 },
    /// Audio figures for the last second of the call.
    CallQuality { call: CallHandle, quality: Quality },
    /// The call could not be started (microphone, media, SIP) before it had a Call-ID.
    CallFailed { call: CallHandle, reason: CallFailure },
    /// The call log with this outbox id was saved as CRM record `record_id`.
    LogSaved { id: u32, record_id: String },
    /// Saving the call log with this outbox id failed; it stays in the outbox.
    LogFailed { id: u32, reason: CrmProblem },
    /// Salesforce did not answer in time: the log may still have been saved.
    LogTimedOut { id: u32, reason: CrmProblem },
    /// Salesforce refused part of the log for good (see [`Rejection`]).
    LogRejected { id: u32, reason: CrmProblem, rejection: Rejection },
    /// The org package's answer to [`Effect::FindLog`]: the Task for that call, if any.
    LogFound { id: u32, record_id: Option<String> },
    /// [`Effect::FindLog`] could not be answered.
    LogLookupFailed { id: u32, reason: CrmProblem },
    /// Whether the org package (Apex class `SoftphoneCallLog`) is installed.
    PackageDetected(Package),
    /// The microphones the browser offers (known once the agent allowed one).
    MicrophonesFound(Vec<AudioInput>),
    /// The microphone went away, or could not be opened or switched.
    MicrophoneProblem(MicrophoneProblem),
    /// The call's audio path has a problem that does not end it (TURN refused, ICE failed).
    MediaWarning(MediaWarning),
    /// The audio outputs the browser offers (at start, and whenever a device comes or goes).
    OutputsFound(Vec<AudioOutput>),
    /// The browser refused to play `role` on `device` (`gone`: no such device now).
    OutputFailed { role: OutputRole, device: String, gone: bool },
}

impl Event {
    /// The call the line reports about, if the event is about one of its calls.
    pub fn line_call(&self) -> Option<CallHandle> {
        match self {
            Event::OutgoingCallStarted { call, .. }
            | Event::RemoteRinging { call }
            | Event::EarlyMedia { call }
            | Event::CallConnected { call }
            | Event::CallEnded { call, .. }
            | Event::TransferFailed { call, .. }
            | Event::TransferRequested { call, .. }
            | Event::HoldFailed { call, .. }
            | Event::CallQuality { call, .. }
            | Event::CallFailed { call, .. } => Some(*call),
            _ => None,
        }
    }
}

/// What the glue must do.
// Effects are carried out at once; boxing SaveLog's record would buy nothing (as for `Work`).
#[allow(clippy::large_enum_variant)]
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Show (or hide) the softphone panel.
    ShowPanel(bool),
    /// Set the utility-bar item's label.
    SetLabel(Label),
    /// Set the utility-bar item's icon.
    SetIcon(Icon),
    /// Register with the PBX using these credentials.
    Connect(Credentials),
    /// Ask the org for credentials for the user signed in to Salesforce; answer with
    /// [`Event::CredentialsGranted`], [`Event::CredentialsRefused`] or
    /// [`Event::CredentialsUnavailable`].
    FetchCredentials,
    /// Register again at once with these fresh credentials, on the connection the line has (for
    /// another extension, the old one's binding is removed first).
    Renew(Credentials),
    /// Relay calls through the TURN servers with this credential, valid for `ttl_s` seconds.
    UseTurn { credential: Minted, ttl_s: u32 },
    /// Unregister and close the PBX connection.
    Disconnect,
    /// Look the caller's number up in the CRM and pop what the layout says for this kind of
    /// call (an outside caller or a colleague); answer with [`Event::RecordMatched`] and
    /// [`Event::PopAnswered`].
    ScreenPop { call: CallHandle, number: String, direction: CallDirection },
    /// Start call `call` to this dial string; answer with [`Event::OutgoingCallStarted`].
    Dial { call: CallHandle, dial: String },
    /// Rejoin the far end of the call the page went away during, on the SIP dialog its stored
    /// snapshot kept (INVITE with Replaces); answer like [`Effect::Dial`].
    Rejoin { call: CallHandle, dialog: sip::DialogRef },
    /// The incoming call with this SIP Call-ID is the phone's call `call`: tell the caller it
    /// rings (180).
    Ring { call: CallHandle, call_id: String },
    /// Refuse the incoming call with this SIP Call-ID without offering it: 486 Busy Here when
    /// `busy`, else 480 Temporarily Unavailable (away: the PBX may route it elsewhere).
    Refuse { call_id: String, busy: bool },
    /// Answer the ringing call.
    Answer { call: CallHandle },
    /// Decline the ringing call (486 Busy Here when `busy`, else 603 Decline).
    Decline { call: CallHandle, busy: bool },
    /// Remember the agent's presence in this browser.
    RememberPresence(Presence),
    /// End the call: CANCEL before an answer, BYE after (or, before the INVITE went out, not
    /// send it).
    HangUp { call: CallHandle },
    /// Mute or unmute our audio on the call.
    SetMuted { call: CallHandle, muted: bool },
    /// Hold or resume (re-INVITE with a new direction).
    SetHeld { call: CallHandle, held: bool },
    /// Send a DTMF digit.
    SendDigit { call: CallHandle, digit: char },
    /// Measure the call's audio; answer with [`Event::CallQuality`].
    MeasureQuality { call: CallHandle },
    /// Ask the other party to call `dial` instead (REFER); answer with [`Event::CallEnded`]
    /// ([`EndReason::Transferred`]) or [`Event::TransferFailed`].
    Transfer { call: CallHandle, dial: String },
    /// Ask the other party of `call` to take the place of our side of call `with` (REFER
    /// with Replaces); answered like [`Effect::Transfer`].
    TransferAttended { call: CallHandle, with: CallHandle },
    /// Do what the other party of `call` asked (their REFER): place call `new` to the target
    /// they named; answer like [`Effect::Dial`] for `new`.
    FollowTransfer { call: CallHandle, new: CallHandle },
    /// Refuse what the other party of `call` asked (their REFER): they hear 603 Declined.
    DeclineTransfer { call: CallHandle },
    /// Play a tone, or stop any (`None`).
    PlayTone(Option<Tone>),
    /// Save this call log in the CRM, without what `left_out` says (naming it in the description
    /// instead), updating `existing_id` when given; answer with [`Event::LogSaved`] or
    /// [`Event::LogFailed`]. The record is boxed: it is several times the size of any other
    /// effect.
    SaveLog { id: u32, record: Box<CallRecord>, left_out: LeftOut, existing_id: Option<String> },
    /// Ask the org package for the Task whose CallObject is `call_object`; answer with
    /// [`Event::LogFound`] or [`Event::LogLookupFailed`].
    FindLog { id: u32, call_object: String },
    /// Switch to this microphone (`None`: the browser's default), also mid-call, and remember
    /// the choice in this browser.
    UseMicrophone(Option<String>),
    /// Play the calls on this output (`None`: the browser's default), the call in progress too.
    UseSpeaker(Option<String>),
    /// Play the tones on this output (`None`: the browser's default), a tone playing too.
    UseRinger(Option<String>),
    /// Remember the agent's output choices in this browser.
    RememberOutputs(OutputChoices),
}
