//! The call controller: a plain state machine, free of Open CTI, the DOM and the network.
//!
//! It takes what the agent wants ([`Intent`]) and what happened elsewhere ([`Event`]), changes
//! its state and returns [`Effect`]s for the glue in `ui::controller` to carry out (show the panel,
//! set the utility label, pop a record, dial, save a call log, ...). Time is passed in as Unix
//! milliseconds, so every transition is testable natively, and the same core can later sit behind
//! another CRM connector than Open CTI.
//!
//! Call logs: every call is logged the moment it ends (answered, missed, declined or failed), so
//! nothing is lost if the agent never finishes wrap-up; wrap-up then updates that same log.

pub mod dialing;
pub mod extension;
pub mod log;
pub mod numbering;
pub mod outbox;
#[cfg(test)]
mod tests;

use dialing::{DialError, DialPlan, DialingRules};
use extension::KeyedExtension;
pub use log::{CallDirection, CallRecord, RecordRef};
pub use outbox::{Package, PendingLog, Rejection};
use outbox::{Outbox, Work};

/// A SIP password, held in memory only. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password typed by the agent.
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

/// Who is signed in, as typed on the sign-in form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// SIP user (extension), e.g. "1001".
    pub user: String,
    /// SIP password; never stored, logged or put in a URL.
    pub password: Secret,
    /// Name shown to the people the agent calls.
    pub display_name: String,
}

/// The audio of the last second of a call, from the browser's `getStats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    /// Share of the far end's packets lost on the way, percent.
    pub loss_percent: u32,
    /// Inbound jitter, milliseconds.
    pub jitter_ms: u32,
    /// Audio bytes received in that second.
    pub bytes_received: u64,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Not signed in.
    SignedOut,
    /// Signed in, waiting for the PBX to accept the registration.
    Connecting,
    /// The connection was lost; the phone reconnects by itself. The text says what happened.
    Reconnecting(String),
    /// The PBX accepts calls for this agent.
    Registered,
    /// The PBX refused; the phone does not retry. The text says why and what to do.
    Failed(String),
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

/// A call in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Who started it.
    pub direction: CallDirection,
    /// The other party's number as shown to the agent.
    pub number: String,
    /// The caller's display name from the PBX (inbound), if any.
    pub display_name: String,
    /// The CRM record attached to the call (clicked, or matched by the screen pop).
    pub record: Option<RecordRef>,
    /// The SIP Call-ID, once the SIP core made or received the INVITE.
    pub call_id: Option<String>,
    /// When it started ringing (Unix ms).
    pub started_at_ms: u64,
    /// When it was answered (Unix ms).
    pub answered_at_ms: Option<u64>,
    /// The far end is ringing (outbound).
    pub remote_ringing: bool,
    /// Our microphone is muted.
    pub muted: bool,
    /// The call is on hold.
    pub held: bool,
    /// The number the agent is transferring the call to, until the transfer succeeds or fails.
    pub transfer_to: Option<String>,
    /// The latest audio figures, once the call is connected.
    pub quality: Option<Quality>,
    /// Seconds in a row without audio from the far end.
    pub silent_seconds: u32,
}

impl Call {
    /// The name to show: the record's, else the caller's display name, else the number.
    pub fn who(&self) -> &str {
        match &self.record {
            Some(r) if !r.name.is_empty() => &r.name,
            _ if !self.display_name.is_empty() => &self.display_name,
            _ => &self.number,
        }
    }

    /// How the call sounds, in words for the agent, once there are figures. Thresholds: ITU-T
    /// G.114/G.1020 put audible trouble at a few percent of loss or tens of ms of jitter.
    pub fn audio_status(&self) -> Option<String> {
        let q = self.quality?;
        Some(if self.silent_seconds >= 3 && !self.held {
            format!("No audio from the other side for {} s: check your connection, or ask whether they hear you.", self.silent_seconds)
        } else if q.loss_percent >= 5 || q.jitter_ms >= 50 {
            format!("Poor connection: {}% of the audio lost, {} ms jitter.", q.loss_percent, q.jitter_ms)
        } else {
            "Connection good".into()
        })
    }

    /// Seconds since the call was answered.
    pub fn talk_seconds(&self, now_ms: u64) -> u64 {
        self.answered_at_ms.map_or(0, |at| now_ms.saturating_sub(at) / 1000)
    }
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
}

/// What the phone is doing with calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallState {
    /// Nothing going on.
    Idle,
    /// A number was clicked or typed; the agent can call it or log a call to it.
    ReadyToCall(DialTarget),
    /// We are calling out.
    Dialing(Call),
    /// A call is coming in.
    Incoming(Call),
    /// Talking.
    Connected(Call),
    /// The call ended; the agent picks a disposition and writes notes.
    WrapUp(WrapUp),
}

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The agent hung up (or cancelled before an answer).
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
    /// The callee was busy or declined.
    Busy,
    /// Nobody answered.
    NoAnswer,
    /// The agent transferred the call; the other party now talks to the number the call's
    /// `transfer_to` names.
    Transferred,
    /// Something failed; the text is for the agent.
    Failed(String),
}

/// What the agent asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Submit the sign-in form.
    SignIn(Credentials),
    /// Sign out and forget the password.
    SignOut,
    /// A number to call, typed on the dial pad or pasted.
    EnterNumber(String),
    /// Leave the current number without calling.
    Dismiss,
    /// Call the number that is ready.
    Call,
    /// Answer the incoming call.
    Answer,
    /// Decline the incoming call.
    Decline,
    /// End the call (or stop calling).
    HangUp,
    /// Mute or unmute the microphone.
    SetMuted(bool),
    /// Put the call on hold or take it off.
    SetHeld(bool),
    /// A keypad digit during the call.
    SendDigit(char),
    /// Hand the other party over to this number (blind transfer).
    Transfer(String),
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
    /// Try again to save call logs that failed.
    RetryLogs,
    /// Use this microphone (`None`: the browser's default), now and for the next sign-ins.
    ChooseMicrophone(Option<String>),
}

/// What happened outside the controller.
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
    /// The PBX refused; a sentence for the agent. The phone stops trying.
    RegistrationFailed(String),
    /// The connection to the PBX dropped; the transport reconnects by itself.
    ConnectionLost(String),
    /// The SIP core sent our INVITE with this Call-ID.
    OutgoingCallStarted { call_id: String },
    /// A call is coming in.
    IncomingCall {
        /// Its SIP Call-ID.
        call_id: String,
        /// The caller's number (user part of From / P-Asserted-Identity).
        number: String,
        /// The caller's display name, if any.
        display_name: String,
    },
    /// The agent now looks at this CRM record (or at no record). A number typed on the dial
    /// pad is related to it, as the agent would expect when calling from a record page.
    Viewing(Option<RecordRef>),
    /// The screen pop for the current call matched this record (or none).
    RecordMatched(Option<RecordRef>),
    /// The far end is ringing.
    RemoteRinging { call_id: String },
    /// The call was answered (by either side) and media flows.
    CallConnected { call_id: String },
    /// The call ended.
    CallEnded { call_id: String, reason: EndReason },
    /// The transfer did not happen; the call is still the agent's. The text says why.
    TransferFailed { call_id: String, reason: String },
    /// Audio figures for the last second of the call.
    CallQuality { call_id: String, quality: Quality },
    /// The call could not be started (microphone, media, SIP) before it had a Call-ID.
    CallFailed(String),
    /// The call log with this outbox id was saved as CRM record `record_id`.
    LogSaved { id: u32, record_id: String },
    /// Saving the call log with this outbox id failed; it stays in the outbox.
    LogFailed { id: u32, reason: String },
    /// Salesforce did not answer in time: the log may still have been saved.
    LogTimedOut { id: u32, reason: String },
    /// Salesforce refused part of the log for good (see [`Rejection`]).
    LogRejected { id: u32, reason: String, rejection: Rejection },
    /// The org package's answer to [`Effect::FindLog`]: the Task for that call, if any.
    LogFound { id: u32, record_id: Option<String> },
    /// [`Effect::FindLog`] could not be answered.
    LogLookupFailed { id: u32, reason: String },
    /// Whether the org package (Apex class `SoftphoneCallLog`) is installed.
    PackageDetected(Package),
    /// The microphones the browser offers (known once the agent allowed one).
    MicrophonesFound(Vec<AudioInput>),
    /// The microphone could not be opened or switched; a sentence for the agent.
    MicrophoneProblem(String),
    /// The call's audio path has a problem that does not end it (TURN refused, ICE failed).
    MediaWarning(String),
}

/// A tone the glue plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// An incoming call rings.
    Ringtone,
    /// The far end is ringing.
    Ringback,
}

/// What the glue must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Show (or hide) the softphone panel.
    ShowPanel(bool),
    /// Set the utility-bar item's label.
    SetLabel(String),
    /// Set the utility-bar item's icon (an SLDS utility icon name).
    SetIcon(&'static str),
    /// Register with the PBX using these credentials.
    Connect(Credentials),
    /// Unregister and close the PBX connection.
    Disconnect,
    /// Look the caller's number up in the CRM and pop what the layout says for this kind of
    /// call (an outside caller or a colleague); answer with [`Event::RecordMatched`].
    ScreenPop { number: String, direction: CallDirection },
    /// Start a call to this dial string; answer with [`Event::OutgoingCallStarted`].
    Dial { dial: String },
    /// Answer the incoming call.
    Answer { call_id: String },
    /// Decline the incoming call (486 Busy Here when `busy`, else 603 Decline).
    Decline { call_id: String, busy: bool },
    /// End the call: CANCEL before an answer, BYE after.
    HangUp { call_id: Option<String> },
    /// Mute or unmute our audio.
    SetMuted(bool),
    /// Hold or resume (re-INVITE with a new direction).
    SetHeld { call_id: String, held: bool },
    /// Send a DTMF digit.
    SendDigit { call_id: String, digit: char },
    /// Measure the call's audio; answer with [`Event::CallQuality`].
    MeasureQuality { call_id: String },
    /// Ask the other party to call `dial` instead (REFER); answer with [`Event::CallEnded`]
    /// ([`EndReason::Transferred`]) or [`Event::TransferFailed`].
    Transfer { call_id: String, dial: String },
    /// Play a tone, or stop any (`None`).
    PlayTone(Option<Tone>),
    /// Save this call log in the CRM, updating `existing_id` when given; answer with
    /// [`Event::LogSaved`] or [`Event::LogFailed`].
    SaveLog { id: u32, record: CallRecord, existing_id: Option<String> },
    /// Ask the org package for the Task whose CallObject is `call_object`; answer with
    /// [`Event::LogFound`] or [`Event::LogLookupFailed`].
    FindLog { id: u32, call_object: String },
    /// Switch to this microphone (`None`: the browser's default), also mid-call, and remember
    /// the choice in this browser.
    UseMicrophone(Option<String>),
}

/// The whole phone state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    rules: DialingRules,
    agent: Option<Credentials>,
    registration: Registration,
    call: CallState,
    outbox: Outbox,
    /// The last problem to show the agent, cleared by their next action.
    notice: Option<String>,
    /// The CRM record on the agent's screen.
    viewing: Option<RecordRef>,
    /// The microphones to choose from.
    microphones: Vec<AudioInput>,
    /// The chosen microphone's id (`None`: the browser's default).
    microphone: Option<String>,
    /// The extension to key in once the outbound call is answered.
    extension: Option<KeyedExtension>,
}

impl Phone {
    /// A signed-out, idle phone using the Call Center's dialling rules.
    pub fn new(rules: DialingRules) -> Self {
        Phone {
            rules,
            agent: None,
            registration: Registration::SignedOut,
            call: CallState::Idle,
            outbox: Outbox::default(),
            notice: None,
            viewing: None,
            microphones: Vec::new(),
            microphone: None,
            extension: None,
        }
    }

    /// Shows the agent a problem found at start-up (e.g. in the Call Center definition).
    pub fn report(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    /// The registration state.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }
    /// The signed-in agent's SIP user, if any.
    pub fn agent_user(&self) -> Option<&str> {
        self.agent.as_ref().map(|a| a.user.as_str())
    }
    /// The call state.
    pub fn call(&self) -> &CallState {
        &self.call
    }
    /// Call logs not saved yet (waiting, or failed and kept for a retry).
    pub fn outbox(&self) -> &[PendingLog] {
        self.outbox.logs()
    }
    /// A problem to show the agent, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }
    /// The microphones the browser offers.
    pub fn microphones(&self) -> &[AudioInput] {
        &self.microphones
    }
    /// The chosen microphone's id (`None`: the browser's default).
    pub fn microphone(&self) -> Option<&str> {
        self.microphone.as_deref()
    }
    /// The extension keyed in once the call being placed is answered.
    pub fn keyed_extension(&self) -> Option<&KeyedExtension> {
        self.extension.as_ref()
    }

    /// Applies an agent's intent at `now_ms` (Unix milliseconds).
    pub fn handle_intent(&mut self, now_ms: u64, intent: Intent) -> Vec<Effect> {
        self.notice = None;
        let mut effects = match intent {
            Intent::SignIn(credentials) => self.sign_in(credentials),
            Intent::SignOut => self.sign_out(now_ms),
            Intent::EnterNumber(number) if self.is_free() => {
                self.call = CallState::ReadyToCall(self.target(number, self.viewing.clone()));
                Vec::new()
            }
            Intent::Dismiss if matches!(self.call, CallState::ReadyToCall(_)) => {
                self.call = CallState::Idle;
                Vec::new()
            }
            Intent::Call => self.dial(now_ms),
            Intent::Answer => match &self.call {
                CallState::Incoming(call) => match &call.call_id {
                    Some(id) => vec![Effect::PlayTone(None), Effect::Answer { call_id: id.clone() }],
                    None => Vec::new(),
                },
                _ => Vec::new(),
            },
            Intent::Decline => match &self.call {
                CallState::Incoming(call) => {
                    let call_id = call.call_id.clone().unwrap_or_default();
                    let mut effects = vec![Effect::Decline { call_id, busy: false }];
                    effects.extend(self.end(now_ms, EndReason::Declined));
                    effects
                }
                _ => Vec::new(),
            },
            Intent::HangUp => match &self.call {
                CallState::Dialing(call) | CallState::Connected(call) => {
                    let mut effects = vec![Effect::HangUp { call_id: call.call_id.clone() }];
                    effects.extend(self.end(now_ms, EndReason::LocalHangup));
                    effects
                }
                _ => Vec::new(),
            },
            Intent::SetMuted(muted) => match &mut self.call {
                CallState::Connected(call) => {
                    call.muted = muted;
                    vec![Effect::SetMuted(muted)]
                }
                _ => Vec::new(),
            },
            Intent::SetHeld(held) => match &mut self.call {
                CallState::Connected(call) if call.held != held => match &call.call_id {
                    Some(id) => {
                        call.held = held;
                        vec![Effect::SetHeld { call_id: id.clone(), held }]
                    }
                    None => Vec::new(),
                },
                _ => Vec::new(),
            },
            Intent::SendDigit(digit) => match &self.call {
                CallState::Connected(Call { call_id: Some(id), .. }) if is_dtmf(digit) => {
                    vec![Effect::SendDigit { call_id: id.clone(), digit }]
                }
                _ => Vec::new(),
            },
            Intent::Transfer(number) => self.transfer(number),
            Intent::LogCall { disposition, notes } => self.log_manual_call(now_ms, disposition, notes),
            Intent::FinishWrapUp { disposition, notes } => self.finish_wrap_up(now_ms, disposition, notes),
            Intent::RetryLogs => self.outbox.retry_now(now_ms).into_iter().map(work_effect).collect(),
            Intent::ChooseMicrophone(id) if id != self.microphone => {
                self.microphone.clone_from(&id);
                vec![Effect::UseMicrophone(id)]
            }
            Intent::ChooseMicrophone(_) => Vec::new(),
            // Entering a number or dismissing while a call is up: nothing to do.
            Intent::EnterNumber(_) | Intent::Dismiss => Vec::new(),
        };
        effects.push(self.label_effect(now_ms));
        effects
    }

    /// Applies an outside event at `now_ms`.
    pub fn handle_event(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        let mut effects = match event {
            Event::ClickToDial { number, record } => {
                if !self.is_free() {
                    self.notice = Some("Finish the current call before calling another number.".into());
                    return Vec::new();
                }
                self.call = CallState::ReadyToCall(self.target(number, record));
                vec![Effect::ShowPanel(true)]
            }
            Event::Registered => {
                self.registration = Registration::Registered;
                vec![Effect::SetIcon("call")]
            }
            Event::RegistrationFailed(reason) => {
                self.registration = Registration::Failed(reason);
                vec![Effect::SetIcon("warning")]
            }
            Event::ConnectionLost(reason) => {
                if self.agent.is_none() {
                    return Vec::new();
                }
                self.registration = Registration::Reconnecting(reason);
                vec![Effect::SetIcon("warning")]
            }
            Event::OutgoingCallStarted { call_id } => match &mut self.call {
                CallState::Dialing(call) if call.call_id.is_none() => {
                    call.call_id = Some(call_id);
                    Vec::new()
                }
                // The agent hung up before the INVITE went out: end that call right away.
                _ => vec![Effect::HangUp { call_id: Some(call_id) }],
            },
            Event::IncomingCall { call_id, number, display_name } => self.incoming(now_ms, call_id, number, display_name),
            Event::Viewing(record) => {
                self.viewing = record;
                return Vec::new();
            }
            Event::RecordMatched(record) => match &mut self.call {
                CallState::Incoming(call) | CallState::Connected(call) if call.record.is_none() => {
                    // A caller Salesforce knows as a Contact, Lead or Account is a customer.
                    if record.is_some() && call.direction == CallDirection::Internal {
                        call.direction = CallDirection::Inbound;
                    }
                    call.record = record;
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Event::RemoteRinging { call_id } => match &mut self.call {
                CallState::Dialing(call) if call.call_id.as_deref() == Some(&call_id) && !call.remote_ringing => {
                    call.remote_ringing = true;
                    vec![Effect::PlayTone(Some(Tone::Ringback))]
                }
                _ => Vec::new(),
            },
            Event::CallConnected { call_id } => match &self.call {
                CallState::Dialing(call) | CallState::Incoming(call) if call.call_id.as_deref() == Some(&call_id) => {
                    let mut call = call.clone();
                    call.answered_at_ms = Some(now_ms);
                    self.call = CallState::Connected(call);
                    if let Some(extension) = &mut self.extension {
                        extension.answered(now_ms);
                    }
                    vec![Effect::PlayTone(None), Effect::SetIcon("end_call")]
                }
                _ => Vec::new(),
            },
            Event::CallEnded { call_id, reason } => {
                if self.current_call().and_then(|c| c.call_id.as_deref()) != Some(call_id.as_str()) {
                    return Vec::new();
                }
                self.end(now_ms, reason)
            }
            Event::CallQuality { call_id, quality } => {
                if let CallState::Connected(call) = &mut self.call {
                    if call.call_id.as_deref() == Some(call_id.as_str()) {
                        call.silent_seconds = if quality.bytes_received == 0 { call.silent_seconds.saturating_add(1) } else { 0 };
                        call.quality = Some(quality);
                    }
                }
                return Vec::new();
            }
            Event::TransferFailed { call_id, reason } => match &mut self.call {
                CallState::Connected(call) if call.call_id.as_deref() == Some(call_id.as_str()) => {
                    call.transfer_to = None;
                    self.notice = Some(reason);
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Event::CallFailed(reason) => match &self.call {
                CallState::Dialing(_) => self.end(now_ms, EndReason::Failed(reason)),
                _ => Vec::new(),
            },
            Event::LogSaved { id, record_id } => self.log_saved(now_ms, id, record_id),
            Event::MicrophonesFound(inputs) => {
                self.microphones = inputs;
                return Vec::new();
            }
            Event::MicrophoneProblem(reason) | Event::MediaWarning(reason) => {
                self.notice = Some(reason);
                return Vec::new();
            }
            Event::LogFailed { id, reason } => {
                self.notice = Some(format!("The call log was not saved: {reason} It is kept and will be saved again by itself."));
                self.outbox.failed(id, reason, now_ms);
                Vec::new()
            }
            Event::LogTimedOut { id, reason } => {
                self.outbox.timed_out(id, reason, now_ms);
                return Vec::new();
            }
            Event::LogRejected { id, reason, rejection } => {
                return self.outbox.rejected(id, reason, rejection, now_ms).into_iter().map(work_effect).collect();
            }
            Event::LogFound { id, record_id } => {
                // The Task landed after all: wrap-up updates that one.
                if let (Some(found), CallState::WrapUp(wrap)) = (&record_id, &mut self.call) {
                    if wrap.log_id == id {
                        wrap.saved_as = Some(found.clone());
                    }
                }
                return self.outbox.found(id, record_id, now_ms).into_iter().map(work_effect).collect();
            }
            Event::LogLookupFailed { id, reason } => {
                self.outbox.lookup_failed(id, reason, now_ms);
                return Vec::new();
            }
            Event::PackageDetected(package) => {
                return self.outbox.set_package(package, now_ms).into_iter().map(work_effect).collect();
            }
        };
        effects.push(self.label_effect(now_ms));
        effects
    }

    /// Called every second by the glue: keeps the label's timer running and keys in the
    /// extension, a digit a tick, while a call is up; sends the call logs whose retry is due.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Effect> {
        let mut effects = match &self.call {
            CallState::Connected(Call { call_id: Some(id), .. }) => {
                let mut effects = vec![self.label_effect(now_ms), Effect::MeasureQuality { call_id: id.clone() }];
                if let Some(digit) = self.extension.as_mut().and_then(|e| e.next_digit(now_ms)) {
                    effects.push(Effect::SendDigit { call_id: id.clone(), digit });
                }
                effects
            }
            CallState::Connected(_) => vec![self.label_effect(now_ms)],
            _ => Vec::new(),
        };
        effects.extend(self.outbox.due(now_ms).into_iter().map(work_effect));
        effects
    }

    /// Takes back the call logs a previous page left unsaved (from browser storage), and logs
    /// `interrupted`, a call the page went away during; `seed` spreads retries between phones.
    pub fn restore_logs(&mut self, now_ms: u64, stored: Vec<PendingLog>, interrupted: Option<CallRecord>, seed: u64) -> Vec<Effect> {
        self.outbox.seed(seed);
        self.outbox.restore(stored);
        let mut effects: Vec<Effect> = interrupted.into_iter().map(|record| self.queue_log(now_ms, record, None)).collect();
        effects.extend(self.outbox.due(now_ms).into_iter().map(work_effect));
        effects
    }

    /// The call in progress (not ringing or ended), for the glue to record against a reload.
    pub fn call_in_progress(&self) -> Option<&Call> {
        self.current_call()
    }

    fn is_free(&self) -> bool {
        matches!(self.call, CallState::Idle | CallState::ReadyToCall(_) | CallState::WrapUp(_))
    }

    fn current_call(&self) -> Option<&Call> {
        match &self.call {
            CallState::Dialing(c) | CallState::Incoming(c) | CallState::Connected(c) => Some(c),
            _ => None,
        }
    }

    fn sign_in(&mut self, credentials: Credentials) -> Vec<Effect> {
        if let Err(problem) = check_sip_user(&credentials.user) {
            self.notice = Some(problem.into());
            return Vec::new();
        }
        if credentials.password.expose().is_empty() {
            self.notice = Some("Enter your SIP password.".into());
            return Vec::new();
        }
        self.agent = Some(credentials.clone());
        self.registration = Registration::Connecting;
        vec![Effect::Connect(credentials)]
    }

    fn sign_out(&mut self, now_ms: u64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(call) = self.current_call() {
            effects.push(Effect::HangUp { call_id: call.call_id.clone() });
            effects.extend(self.end(now_ms, EndReason::LocalHangup));
        }
        self.agent = None;
        self.registration = Registration::SignedOut;
        effects.extend([Effect::Disconnect, Effect::SetIcon("call")]);
        effects
    }

    fn target(&self, number: String, record: Option<RecordRef>) -> DialTarget {
        let dial = self.rules.plan(&number);
        DialTarget { number, dial, record }
    }

    fn dial(&mut self, now_ms: u64) -> Vec<Effect> {
        let CallState::ReadyToCall(target) = &self.call else { return Vec::new() };
        let DialPlan { dial, extension } = match &target.dial {
            Ok(plan) => plan.clone(),
            Err(e) => {
                self.notice = Some(e.to_string());
                return Vec::new();
            }
        };
        if self.registration != Registration::Registered {
            self.notice = Some("The phone line is not connected; sign in first.".into());
            return Vec::new();
        }
        let call = Call {
            // A number on a CRM record is a customer's, whatever its length.
            direction: if is_internal(&dial) && target.record.is_none() { CallDirection::Internal } else { CallDirection::Outbound },
            number: target.number.clone(),
            display_name: String::new(),
            record: target.record.clone(),
            call_id: None,
            started_at_ms: now_ms,
            answered_at_ms: None,
            remote_ringing: false,
            muted: false,
            held: false,
            transfer_to: None,
            quality: None,
            silent_seconds: 0,
        };
        self.call = CallState::Dialing(call);
        self.extension = extension.map(KeyedExtension::new);
        vec![Effect::Dial { dial }]
    }

    fn incoming(&mut self, now_ms: u64, call_id: String, number: String, display_name: String) -> Vec<Effect> {
        if !self.is_free() {
            // One call at a time: a second caller hears busy and is logged as missed.
            let record = CallRecord {
                direction: CallDirection::Inbound,
                number,
                record: None,
                started_at_ms: now_ms,
                duration_s: 0,
                call_id: Some(call_id.clone()),
                disposition: "Missed (agent busy)".into(),
                notes: String::new(),
                transferred_to: None,
            };
            return vec![Effect::Decline { call_id, busy: true }, self.queue_log(now_ms, record, None)];
        }
        let direction = if is_internal(&number) { CallDirection::Internal } else { CallDirection::Inbound };
        let call = Call {
            direction,
            number: number.clone(),
            display_name,
            record: None,
            call_id: Some(call_id),
            started_at_ms: now_ms,
            answered_at_ms: None,
            remote_ringing: false,
            muted: false,
            held: false,
            transfer_to: None,
            quality: None,
            silent_seconds: 0,
        };
        self.call = CallState::Incoming(call);
        vec![Effect::ShowPanel(true), Effect::PlayTone(Some(Tone::Ringtone)), Effect::ScreenPop { number, direction }]
    }

    /// Ends the current call: log it at once, then wrap up if it was answered.
    fn end(&mut self, now_ms: u64, reason: EndReason) -> Vec<Effect> {
        let Some(call) = self.current_call().cloned() else { return Vec::new() };
        self.extension = None;
        let answered = call.answered_at_ms.is_some();
        if reason == EndReason::AnsweredElsewhere && !answered {
            self.notice = Some("Answered on another device.".into());
            self.call = CallState::Idle;
            return vec![Effect::PlayTone(None), Effect::SetIcon("call")];
        }
        let disposition = match (&reason, answered) {
            (_, true) => String::new(),
            (EndReason::Missed | EndReason::AnsweredElsewhere, _) => "Missed".into(),
            (EndReason::Declined, _) => "Declined".into(),
            (EndReason::Busy, _) => "Busy".into(),
            (EndReason::NoAnswer, _) => "No answer".into(),
            (EndReason::Failed(why), _) => format!("Failed: {why}"),
            (EndReason::LocalHangup | EndReason::RemoteHangup | EndReason::Transferred, false) => match call.direction {
                CallDirection::Inbound => "Missed".into(),
                _ => "Cancelled".into(),
            },
        };
        if let EndReason::Failed(why) = &reason {
            self.notice = Some(why.clone());
        }
        // The line knows a transfer happened; the call knows to which number.
        let transferred_to = if reason == EndReason::Transferred { call.transfer_to.clone() } else { None };
        let record = CallRecord {
            direction: call.direction,
            number: call.number.clone(),
            record: call.record.clone(),
            started_at_ms: call.started_at_ms,
            duration_s: call.talk_seconds(now_ms),
            call_id: call.call_id.clone(),
            disposition,
            notes: String::new(),
            transferred_to,
        };
        let save = self.queue_log(now_ms, record.clone(), None);
        let log_id = match &save {
            Effect::SaveLog { id, .. } => *id,
            _ => 0,
        };
        self.call = if answered { CallState::WrapUp(WrapUp { log_id, saved_as: None, record }) } else { CallState::Idle };
        vec![Effect::PlayTone(None), Effect::SetIcon("call"), save]
    }

    fn transfer(&mut self, number: String) -> Vec<Effect> {
        let dial = match self.rules.dial_string(&number) {
            Ok(dial) => dial,
            Err(e) => {
                self.notice = Some(e.to_string());
                return Vec::new();
            }
        };
        match &mut self.call {
            CallState::Connected(call) if call.transfer_to.is_none() => match &call.call_id {
                Some(id) => {
                    call.transfer_to = Some(number);
                    vec![Effect::Transfer { call_id: id.clone(), dial }]
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn log_manual_call(&mut self, now_ms: u64, disposition: String, notes: String) -> Vec<Effect> {
        let CallState::ReadyToCall(target) = &self.call else {
            self.notice = Some("Pick a number before logging a call.".into());
            return Vec::new();
        };
        let record = CallRecord {
            direction: CallDirection::Outbound,
            number: target.number.clone(),
            record: target.record.clone(),
            started_at_ms: now_ms,
            duration_s: 0,
            call_id: None,
            disposition,
            notes,
            transferred_to: None,
        };
        self.call = CallState::Idle;
        vec![self.queue_log(now_ms, record, None)]
    }

    fn finish_wrap_up(&mut self, now_ms: u64, disposition: String, notes: String) -> Vec<Effect> {
        let CallState::WrapUp(wrap) = std::mem::replace(&mut self.call, CallState::Idle) else {
            return Vec::new();
        };
        let mut record = wrap.record;
        record.disposition = disposition;
        record.notes = notes;
        if let Some(saved) = wrap.saved_as {
            return vec![self.queue_log(now_ms, record, Some(saved))];
        }
        // The first save has not been confirmed: change what it saves instead of saving twice.
        if self.outbox.logs().iter().any(|p| p.id == wrap.log_id) {
            return self.outbox.update(wrap.log_id, record, now_ms).into_iter().map(work_effect).collect();
        }
        vec![self.queue_log(now_ms, record, None)]
    }

    fn log_saved(&mut self, now_ms: u64, id: u32, record_id: String) -> Vec<Effect> {
        if let CallState::WrapUp(wrap) = &mut self.call {
            if wrap.log_id == id {
                wrap.saved_as = Some(record_id.clone());
            }
        }
        self.outbox.saved(id, record_id, now_ms).into_iter().map(work_effect).collect()
    }

    /// Puts a call log in the outbox and asks the glue to save it.
    fn queue_log(&mut self, now_ms: u64, record: CallRecord, existing_id: Option<String>) -> Effect {
        work_effect(self.outbox.queue(record, existing_id, now_ms))
    }

    /// The utility-bar label: what an agent glancing at the bar needs.
    pub fn label(&self, now_ms: u64) -> String {
        match (&self.call, &self.registration) {
            (CallState::ReadyToCall(t), _) => {
                let who = t.record.as_ref().map_or(t.number.as_str(), |r| r.name.as_str());
                format!("Call {who}?")
            }
            (CallState::Dialing(c), _) => format!("Calling {}", c.who()),
            (CallState::Incoming(c), _) => format!("Incoming call: {}", c.who()),
            (CallState::Connected(c), _) => {
                let s = c.talk_seconds(now_ms);
                let state = if c.held { "On hold" } else { "On call" };
                format!("{state} {:02}:{:02} {}", s / 60, s % 60, c.who())
            }
            (CallState::WrapUp(_), _) => "Wrap-up".into(),
            (CallState::Idle, Registration::SignedOut) => "Phone: signed out".into(),
            (CallState::Idle, Registration::Connecting) => "Phone: connecting".into(),
            (CallState::Idle, Registration::Reconnecting(_)) => "Phone: reconnecting".into(),
            (CallState::Idle, Registration::Registered) => "Phone: ready".into(),
            (CallState::Idle, Registration::Failed(_)) => "Phone: offline".into(),
        }
    }

    fn label_effect(&self, now_ms: u64) -> Effect {
        Effect::SetLabel(self.label(now_ms))
    }
}

fn work_effect(work: Work) -> Effect {
    match work {
        Work::Save { id, record, existing_id } => Effect::SaveLog { id, record, existing_id },
        Work::Find { id, call_object } => Effect::FindLog { id, call_object },
    }
}

/// Extensions (short numbers) are colleagues: calls to and from them are internal.
fn is_internal(number: &str) -> bool {
    let digits = number.trim_start_matches('+');
    !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_dtmf(digit: char) -> bool {
    matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D')
}

/// SIP users are extensions or simple names; anything else would end up in a SIP URI.
fn check_sip_user(user: &str) -> Result<(), &'static str> {
    if user.is_empty() {
        return Err("Enter your SIP user (your extension, e.g. 1001).");
    }
    let ok = user.len() <= 64 && user.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if ok {
        Ok(())
    } else {
        Err("A SIP user may contain only letters, digits, '.', '_', '-' and '+'.")
    }
}
