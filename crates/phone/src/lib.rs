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
//!
//! Its own crate, depending on no browser API: the app (`softphone`) re-exports it as `phone`.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod dialing;
pub mod extension;
pub mod log;
mod logs;
mod messages;
mod model;
pub mod numbering;
pub mod outputs;
pub mod outbox;
mod rejoin;
mod label;
pub mod recent;
pub mod presence;
mod sign_in;
pub mod pop_measure;
mod wrap_up;
pub mod quality;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod rejoin_tests;
#[cfg(test)]
mod wrap_up_tests;
#[cfg(test)]
mod outputs_tests;

use dialing::{DialPlan, DialingRules};
use extension::KeyedExtension;
pub use log::{CallDirection, CallRecord, RecordRef};
pub use outbox::{Package, PendingLog, Rejection};
use logs::work_effect;
use outbox::Outbox;
use pop_measure::ScreenPop;

pub use messages::{Effect, Event, Intent, Tone};
pub use model::{AudioInput, Call, CallState, Credentials, DialTarget, EndReason, Quality, Registration, Resumed, Secret, WrapUp, WrapUpDraft};
pub use rejoin::{InterruptedCall, LOST_NOTE};

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
    /// How long wrap-up lasts before it completes by itself (`None`: until the agent is done).
    wrap_up_limit_s: Option<u32>,
    /// Whether the agent takes calls.
    presence: presence::Presence,
    /// The last calls, newest first.
    recent: Vec<recent::RecentCall>,
    /// The speaker and ringer outputs.
    outputs: outputs::Outputs,
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
            wrap_up_limit_s: None,
            presence: presence::Presence::default(),
            recent: Vec::new(),
            outputs: outputs::Outputs::default(),
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
    /// Whether logs may use the org package's Task fields (else their facts go in the description).
    pub fn package_fields(&self) -> bool {
        self.outbox.package_fields()
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
                let effects = self.leave_wrap_up(now_ms);
                self.call = CallState::ReadyToCall(self.target(number, self.viewing.clone()));
                effects
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
                CallState::Dialing(call) | CallState::Connected(call) | CallState::Rejoining(call) => {
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
            Intent::SetPresence(presence) => self.set_presence(presence),
            Intent::CallBack(index) => self.call_back(now_ms, index),
            Intent::EditWrapUp { disposition, notes } => self.edit_wrap_up(disposition, notes),
            Intent::RetryLogs => self.outbox.retry_now(now_ms).into_iter().map(work_effect).collect(),
            Intent::ChooseMicrophone(id) if id != self.microphone => {
                self.microphone.clone_from(&id);
                vec![Effect::UseMicrophone(id)]
            }
            Intent::ChooseMicrophone(_) => Vec::new(),
            Intent::ChooseSpeaker(id) => self.choose_output(outputs::OutputRole::Speaker, id),
            Intent::ChooseRinger(id) => self.choose_output(outputs::OutputRole::Ringer, id),
            // Entering a number or dismissing while a call is up: nothing to do.
            Intent::EnterNumber(_) | Intent::Dismiss => Vec::new(),
        };
        effects.push(self.label_effect(now_ms));
        effects
    }

    /// Applies an outside event at `now_ms`.
    pub fn handle_event(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        match event {
            Event::LogSaved { .. }
            | Event::LogFailed { .. }
            | Event::LogTimedOut { .. }
            | Event::LogRejected { .. }
            | Event::LogFound { .. }
            | Event::LogLookupFailed { .. }
            | Event::PackageDetected(_) => self.handle_log_event(now_ms, event),
            Event::OutgoingCallStarted { .. }
            | Event::IncomingCall { .. }
            | Event::RecordMatched(_)
            | Event::PopAnswered(_)
            | Event::RemoteRinging { .. }
            | Event::CallConnected { .. }
            | Event::CallEnded { .. }
            | Event::CallQuality { .. }
            | Event::TransferFailed { .. }
            | Event::HoldFailed { .. }
            | Event::CallFailed(_) => self.handle_call_event(now_ms, event),
            _ => self.handle_line_event(now_ms, event),
        }
    }

    /// The line, the browser and the page: registration, click-to-dial, devices.
    fn handle_line_event(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        let mut effects = match event {
            Event::ClickToDial { number, record } => {
                if !self.is_free() {
                    self.notice = Some("Finish the current call before calling another number.".into());
                    return Vec::new();
                }
                let mut effects = self.leave_wrap_up(now_ms);
                self.call = CallState::ReadyToCall(self.target(number, record));
                effects.push(Effect::ShowPanel(true));
                effects
            }
            Event::Registered => {
                self.registration = Registration::Registered;
                let mut effects = vec![Effect::SetIcon(self.presence.icon())];
                effects.extend(self.ask_rejoin());
                effects
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
            Event::Viewing(record) => {
                self.viewing = record;
                return Vec::new();
            }
            Event::MicrophonesFound(inputs) => {
                self.microphones = inputs;
                return Vec::new();
            }
            Event::OutputsFound(found) => return self.outputs_found(found),
            Event::OutputFailed { role, device, gone } => return self.output_failed(role, device, gone),
            Event::MicrophoneProblem(reason) | Event::MediaWarning(reason) => {
                self.notice = Some(reason);
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        effects.push(self.label_effect(now_ms));
        effects
    }


    /// The call in progress: its set-up, answer, end, quality and transfer.
    fn handle_call_event(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        let mut effects = match event {
            Event::OutgoingCallStarted { call_id } => match &mut self.call {
                CallState::Dialing(call) | CallState::Rejoining(call) if call.call_id.is_none() => {
                    call.call_id = Some(call_id);
                    Vec::new()
                }
                // The agent hung up before the INVITE went out: end that call right away.
                _ => vec![Effect::HangUp { call_id: Some(call_id) }],
            },
            Event::IncomingCall { call_id, number, display_name } => self.incoming(now_ms, call_id, number, display_name),
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
            Event::PopAnswered(outcome) => return self.pop_answered(now_ms, outcome),
            Event::RemoteRinging { call_id } => match &mut self.call {
                CallState::Dialing(call) if call.call_id.as_deref() == Some(&call_id) && !call.remote_ringing => {
                    call.remote_ringing = true;
                    vec![Effect::PlayTone(Some(Tone::Ringback))]
                }
                _ => Vec::new(),
            },
            Event::CallConnected { call_id } => match &self.call {
                CallState::Dialing(call) | CallState::Incoming(call) | CallState::Rejoining(call) if call.call_id.as_deref() == Some(&call_id) => {
                    let mut call = call.clone();
                    // A rejoined call goes on from its first answer.
                    call.answered_at_ms = call.answered_at_ms.or(Some(now_ms));
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
                        call.tally.add(&quality);
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
            Event::HoldFailed { call_id, held, status } => self.hold_failed(&call_id, held, status),
            Event::CallFailed(reason) => match &self.call {
                CallState::Dialing(_) | CallState::Rejoining(_) => self.end(now_ms, EndReason::Failed(reason)),
                _ => Vec::new(),
            },
            _ => return Vec::new(),
        };
        effects.push(self.label_effect(now_ms));
        effects
    }


    /// The far end refused the hold (or resume) the agent asked for: the call is as it was.
    fn hold_failed(&mut self, call_id: &str, held: bool, status: u16) -> Vec<Effect> {
        if let CallState::Connected(call) = &mut self.call {
            if call.call_id.as_deref() == Some(call_id) && call.held == held {
                call.held = !held;
                self.notice = Some(if held {
                    format!("The call could not be put on hold ({status}): the other side can still hear you.")
                } else {
                    format!("The call could not be taken off hold ({status}): try Resume again.")
                });
            }
        }
        Vec::new()
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
            CallState::Rejoining(_) => self.give_up_rejoin_when_late(now_ms),
            CallState::WrapUp(_) => self.wrap_up_tick(now_ms),
            _ => Vec::new(),
        };
        effects.extend(self.outbox.due(now_ms).into_iter().map(work_effect));
        effects
    }

    /// The call this page carries (not one it is still rejoining), for the glue to record
    /// against a reload.
    pub fn call_in_progress(&self) -> Option<&Call> {
        self.current_call().filter(|_| !self.is_rejoining())
    }

    fn is_free(&self) -> bool {
        matches!(self.call, CallState::Idle | CallState::ReadyToCall(_) | CallState::WrapUp(_))
    }

    fn current_call(&self) -> Option<&Call> {
        match &self.call {
            CallState::Dialing(c) | CallState::Incoming(c) | CallState::Connected(c) | CallState::Rejoining(c) => Some(c),
            _ => None,
        }
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
        // A number on a CRM record is a customer's, whatever its length.
        let direction = if is_internal(&dial) && target.record.is_none() { CallDirection::Internal } else { CallDirection::Outbound };
        let call = Call::new(direction, target.number.clone(), target.record.clone(), now_ms);
        self.call = CallState::Dialing(call);
        self.extension = extension.map(KeyedExtension::new);
        vec![Effect::Dial { dial }]
    }

    fn incoming(&mut self, now_ms: u64, call_id: String, number: String, display_name: String) -> Vec<Effect> {
        // One call at a time, and none while Busy or Away: refused and logged as missed.
        if let Some(refusal) = self.refusal() {
            return self.refuse(now_ms, refusal, call_id, number);
        }
        let direction = if is_internal(&number) { CallDirection::Internal } else { CallDirection::Inbound };
        let call = Call {
            display_name,
            call_id: Some(call_id),
            screen_pop: Some(ScreenPop::Waiting { asked_at_ms: now_ms }),
            ..Call::new(direction, number.clone(), None, now_ms)
        };
        // The screen pop comes first: it is what the agent waits for.
        let mut effects = vec![Effect::ScreenPop { number, direction }, Effect::ShowPanel(true), Effect::PlayTone(Some(Tone::Ringtone))];
        effects.extend(self.leave_wrap_up(now_ms));
        self.call = CallState::Incoming(call);
        effects
    }

    /// Ends the current call: log it at once, then wrap up if it was answered.
    fn end(&mut self, now_ms: u64, reason: EndReason) -> Vec<Effect> {
        let Some(call) = self.current_call().cloned() else { return Vec::new() };
        self.extension = None;
        let answered = call.answered_at_ms.is_some();
        if reason == EndReason::AnsweredElsewhere && !answered {
            self.notice = Some("Answered on another device.".into());
            self.call = CallState::Idle;
            return vec![Effect::PlayTone(None), Effect::SetIcon(self.presence.icon())];
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
        // A call the reload cut off ends, for the customer, when the page went away.
        let (ended_at_ms, notes) = self.rejoin_lost(&call, &reason).unwrap_or((now_ms, String::new()));
        // The line knows a transfer happened; the call knows to which number.
        let transferred_to = if reason == EndReason::Transferred { call.transfer_to.clone() } else { None };
        let record = CallRecord {
            direction: call.direction,
            number: call.number.clone(),
            record: call.record.clone(),
            started_at_ms: call.started_at_ms,
            duration_s: call.talk_seconds(ended_at_ms),
            call_id: call.log_call_id().map(str::to_owned),
            screen_pop: call.screen_pop.and_then(|pop| pop.measure_at(now_ms)),
            log_attempt: None,
            disposition,
            notes,
            transferred_to,
            quality: call.tally.summary(),
        };
        let save = self.queue_log(now_ms, record.clone(), None);
        let log_id = match &save {
            Effect::SaveLog { id, .. } => *id,
            _ => 0,
        };
        self.call = if answered { CallState::WrapUp(self.wrap_up(now_ms, log_id, record)) } else { CallState::Idle };
        vec![Effect::PlayTone(None), Effect::SetIcon(self.presence.icon()), save]
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

}


/// Extensions (short numbers) are colleagues: calls to and from them are internal.
fn is_internal(number: &str) -> bool {
    let digits = number.trim_start_matches('+');
    !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_dtmf(digit: char) -> bool {
    matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D')
}
