//! The call controller: a plain state machine, free of Open CTI, the DOM and the network.
//!
//! It takes what the agent wants ([`Intent`]) and what happened elsewhere ([`Event`]), changes
//! its state and returns [`Effect`]s for the glue in `ui::controller` to carry out (show the panel,
//! set the utility label, pop a record, dial, save a call log, ...). Time is passed in as Unix
//! milliseconds, so every transition is testable natively, and the same core can later sit behind
//! another CRM connector than Open CTI.
//!
//! Calls: the phone names every call with a [`CallHandle`] it mints, carried by every effect and
//! event about that call. An agent may have several calls at once (the definition's `maxCalls`):
//! a call waiting while they talk, a consultation before a transfer. At most one call is live
//! (hears the agent); answering, calling or resuming another puts the live one on hold first.
//!
//! Call logs: every call is logged the moment it ends (answered, missed, declined or failed), so
//! nothing is lost if the agent never finishes wrap-up; wrap-up then updates that same log.
//!
//! Its own crate, depending on no browser API: the app (`softphone`) re-exports it as `phone`.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

mod in_call;
pub mod clock;
#[cfg(test)]
mod calls_tests;
pub mod dialing;
mod ending;
pub mod extension;
mod incoming;
pub mod log;
mod logs;
mod messages;
mod model;
pub mod numbering;
mod org_sign_in;
#[cfg(test)]
mod org_sign_in_tests;
pub mod outputs;
pub mod outbox;
mod placing;
pub mod pop_measure;
pub mod presence;
mod presentation;
pub mod quality;
pub mod reasons;
pub mod recent;
mod rejoin;
#[cfg(test)]
mod rejoin_tests;
pub mod shown;
mod sign_in;
mod stored_reasons;
#[cfg(test)]
mod tests;
mod transfer;
#[cfg(test)]
mod transfer_tests;
mod wrap_up;
#[cfg(test)]
mod wrap_up_tests;
#[cfg(test)]
mod outputs_tests;

use std::rc::Rc;

pub use clock::Time;

use dialing::DialingRules;
pub use log::{CallDirection, CallLink, CallRecord, RecordRef, Unanswered};
use logs::work_effect;
use outbox::Outbox;
pub use outbox::{LeftOut, Package, PendingLog, Rejection};

pub use messages::{Effect, Event, Intent};
pub use model::{
    AudioInput, AudioStatus, Call, CallHandle, Consultation, Credentials, DialTarget, Focus, Progress, Registration, Resumed, Secret, Stage,
    Transfer, WrapUp, WrapUpDraft,
};
pub use reasons::{CallFailure, EndReason, Notice};
pub use shown::{Icon, Idle, Label, Tone};
pub use quality::Quality;
pub use org_sign_in::{Minted, OrgGrant, OrgRefusal, OrgSignIn};
pub use rejoin::InterruptedCall;

/// How many calls an agent may have at once unless the definition says otherwise: one to talk
/// on and one waiting (or held for a consultation).
pub const DEFAULT_MAX_CALLS: usize = 2;

/// The whole phone state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    rules: DialingRules,
    agent: Option<Credentials>,
    /// Where the agent's credentials come from (the definition's `credentials`).
    credential_source: callcenter::CredentialSource,
    /// Signing in with the org's credentials (see `org_sign_in`).
    org: OrgSignIn,
    registration: Registration,
    /// The calls, in the order they began.
    calls: Vec<Call>,
    /// The number the next minted handle gets.
    next_handle: u32,
    /// A number clicked or typed, ready to call.
    ready: Option<DialTarget>,
    /// The wrap-up of the last answered call that ended.
    wrap_up: Option<WrapUp>,
    /// How many calls the agent may have at once (the definition's `maxCalls`).
    max_calls: usize,
    /// Whether the phone does what a far end's REFER asks (the definition's
    /// `followTransferRequests`); otherwise it declines them.
    follow_transfers: bool,
    /// Shared with the snapshots the app publishes and copied only when changed after one: the
    /// logs waiting for Salesforce and the recent calls are the phone's bulk, which a snapshot
    /// per change should not copy.
    outbox: Rc<Outbox>,
    /// The last problem (or news) to show the agent, cleared by their next action.
    notice: Option<Notice>,
    /// The CRM record on the agent's screen.
    viewing: Option<RecordRef>,
    /// The microphones to choose from.
    microphones: Vec<AudioInput>,
    /// The chosen microphone's id (`None`: the browser's default).
    microphone: Option<String>,
    /// How long wrap-up lasts before it completes by itself (`None`: until the agent is done).
    wrap_up_limit_s: Option<u32>,
    /// Whether the agent takes calls.
    presence: presence::Presence,
    /// The last calls, newest first (shared with the snapshots like the outbox).
    recent: Rc<Vec<recent::RecentCall>>,
    /// What the utility item and the speaker show now: only changes are sent.
    shown: presentation::Shown,
    /// The speaker and ringer outputs.
    outputs: outputs::Outputs,
}

impl Phone {
    /// A signed-out, idle phone using the Call Center's dialling rules.
    pub fn new(rules: DialingRules) -> Self {
        Phone {
            rules,
            agent: None,
            credential_source: callcenter::CredentialSource::Password,
            org: OrgSignIn::Off,
            registration: Registration::SignedOut,
            calls: Vec::new(),
            next_handle: 1,
            ready: None,
            wrap_up: None,
            max_calls: DEFAULT_MAX_CALLS,
            follow_transfers: false,
            outbox: Rc::default(),
            notice: None,
            viewing: None,
            microphones: Vec::new(),
            microphone: None,
            wrap_up_limit_s: None,
            presence: presence::Presence::default(),
            recent: Rc::default(),
            shown: presentation::Shown::default(),
            outputs: outputs::Outputs::default(),
        }
    }

    /// Shows the agent a problem found at start-up (e.g. in the Call Center definition).
    pub fn report(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }

    /// How many calls the agent may have at once (at least one).
    pub fn set_max_calls(&mut self, max_calls: usize) {
        self.max_calls = max_calls.max(1);
    }

    /// Whether a far end's request to call someone else (REFER) is followed or declined.
    pub fn set_follow_transfers(&mut self, follow: bool) {
        self.follow_transfers = follow;
    }

    /// The registration state.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }
    /// The signed-in agent's SIP user, if any.
    pub fn agent_user(&self) -> Option<&str> {
        self.agent.as_ref().map(|a| a.user.as_str())
    }
    /// The calls, in the order they began.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }
    /// The call named `handle`, while it lasts.
    pub fn call(&self, handle: CallHandle) -> Option<&Call> {
        self.calls.iter().find(|c| c.handle == handle)
    }
    /// The number clicked or typed, ready to call.
    pub fn ready(&self) -> Option<&DialTarget> {
        self.ready.as_ref()
    }
    /// The wrap-up of the last answered call, until the agent completes it.
    pub fn wrap_up(&self) -> Option<&WrapUp> {
        self.wrap_up.as_ref()
    }
    /// How many calls the agent may have at once.
    pub fn max_calls(&self) -> usize {
        self.max_calls
    }
    /// Call logs not saved yet (waiting, or failed and kept for a retry).
    pub fn outbox(&self) -> &[PendingLog] {
        self.outbox.logs()
    }
    /// Whether logs may use the org package's Task fields (else their facts go in the description).
    pub fn package_fields(&self) -> bool {
        self.outbox.package_fields()
    }
    /// The outbox to change: copied first if a published snapshot still shares it.
    fn outbox_mut(&mut self) -> &mut Outbox {
        Rc::make_mut(&mut self.outbox)
    }
    /// The saves and lookups whose retry is due; the outbox is left shared when none is.
    fn due_logs(&mut self, now: Time) -> Vec<Effect> {
        if !self.outbox.any_due(now) {
            return Vec::new();
        }
        self.outbox_mut().due(now).into_iter().map(work_effect).collect()
    }
    /// A problem (or news) to show the agent, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }
    /// The microphones the browser offers.
    pub fn microphones(&self) -> &[AudioInput] {
        &self.microphones
    }
    /// The chosen microphone's id (`None`: the browser's default).
    pub fn microphone(&self) -> Option<&str> {
        self.microphone.as_deref()
    }

    /// Applies an agent's intent at `now` (Unix milliseconds).
    pub fn handle_intent(&mut self, now: Time, intent: Intent) -> Vec<Effect> {
        self.notice = None;
        let mut effects = match intent {
            Intent::SignIn(credentials) => self.sign_in(credentials),
            Intent::SignInWithOrg => self.sign_in_with_org(),
            Intent::SignOut => self.sign_out(now),
            Intent::EnterNumber(number) => self.enter_number(now, number),
            Intent::Dismiss => {
                self.ready = None;
                Vec::new()
            }
            Intent::Call => self.dial(now),
            Intent::Answer(call) => self.answer(call),
            Intent::Decline { call, busy } => self.decline(now, call, busy),
            Intent::HangUp(call) => self.hang_up(now, call),
            Intent::SetMuted { call, muted } => self.set_muted(call, muted),
            Intent::SetHeld { call, held } => self.set_held(call, held),
            Intent::SendDigit { call, digit } => self.send_digit(call, digit),
            Intent::Transfer { call, number } => self.transfer(call, number),
            Intent::Consult { call, number } => self.consult(now, call, number),
            Intent::CompleteTransfer(call) => self.complete_transfer(call),
            Intent::CancelConsult(call) => self.cancel_consult(now, call),
            Intent::LogCall { disposition, notes } => self.log_manual_call(now, disposition, notes),
            Intent::FinishWrapUp { disposition, notes } => self.finish_wrap_up(now, disposition, notes),
            Intent::EditWrapUp { disposition, notes } => self.edit_wrap_up(disposition, notes),
            Intent::SetPresence(presence) => self.set_presence(presence),
            Intent::CallBack(index) => self.call_back(now, index),
            Intent::RetryLogs => self.outbox_mut().retry_now(now).into_iter().map(work_effect).collect(),
            Intent::ChooseMicrophone(id) if id != self.microphone => {
                self.microphone.clone_from(&id);
                vec![Effect::UseMicrophone(id)]
            }
            Intent::ChooseMicrophone(_) => Vec::new(),
            Intent::ChooseSpeaker(id) => self.choose_output(outputs::OutputRole::Speaker, id),
            Intent::ChooseRinger(id) => self.choose_output(outputs::OutputRole::Ringer, id),
        };
        effects.extend(self.presentation(now));
        effects
    }

    /// Applies an outside event at `now`.
    pub fn handle_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        let mut effects = match event {
            Event::LogSaved { .. }
            | Event::LogFailed { .. }
            | Event::LogTimedOut { .. }
            | Event::LogRejected { .. }
            | Event::LogFound { .. }
            | Event::LogLookupFailed { .. }
            | Event::PackageDetected(_) => self.handle_log_event(now, event),
            Event::ClickToDial { number, record } => self.clicked(now, number, record),
            Event::Registered => {
                self.registration = Registration::Registered;
                self.org_registered();
                self.ask_rejoin()
            }
            Event::RegistrationFailed(reason) => match self.org_registration_failed(&reason) {
                Some(effects) => effects,
                None => {
                    self.registration = Registration::Failed(reason);
                    Vec::new()
                }
            },
            Event::CredentialsGranted(grant) => self.org_granted(now, grant),
            Event::CredentialsRefused(refusal) => self.org_refused(refusal),
            Event::CredentialsUnavailable(reason) => self.org_unavailable(now, reason),
            Event::ConnectionLost { problem, retry_in_s } => {
                if self.agent.is_some() {
                    self.registration = Registration::Reconnecting { problem, retry_in_s };
                }
                Vec::new()
            }
            Event::Viewing(record) => {
                self.viewing = record;
                Vec::new()
            }
            Event::MicrophonesFound(inputs) => {
                self.microphones = inputs;
                Vec::new()
            }
            Event::OutputsFound(found) => return self.outputs_found(found),
            Event::OutputFailed { role, device, gone } => return self.output_failed(role, device, gone),
            Event::MicrophoneProblem(problem) => {
                self.notice = Some(Notice::Microphone(problem));
                Vec::new()
            }
            Event::MediaWarning(warning) => {
                self.notice = Some(Notice::Media(warning));
                Vec::new()
            }
            call_event => self.handle_call_event(now, call_event),
        };
        effects.extend(self.presentation(now));
        effects
    }

    /// Called every second by the glue: keeps the label's timer running, measures the calls'
    /// audio and keys in extensions, a digit a tick; gives up rejoins that cannot happen, ends
    /// a wrap-up whose countdown ran out, and sends the call logs whose retry is due.
    pub fn tick(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        for call in &mut self.calls {
            if call.stage != Stage::Talking {
                continue;
            }
            effects.push(Effect::MeasureQuality { call: call.handle });
            if let Some(digit) = call.extension.as_mut().and_then(|e| e.next_digit(now)) {
                effects.push(Effect::SendDigit { call: call.handle, digit });
            }
        }
        effects.extend(self.org_tick(now));
        effects.extend(self.give_up_rejoins_when_late(now));
        effects.extend(self.wrap_up_tick(now));
        effects.extend(self.due_logs(now));
        effects.extend(self.presentation(now));
        effects
    }

    /// The calls this page carries (not those it is still rejoining), for the glue to record
    /// against a reload.
    pub fn calls_in_progress(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(|c| c.stage != Stage::Rejoining)
    }

    /// A fresh name for a call.
    fn mint(&mut self) -> CallHandle {
        let handle = CallHandle(self.next_handle);
        self.next_handle = self.next_handle.wrapping_add(1);
        handle
    }

    fn call_mut(&mut self, handle: CallHandle) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.handle == handle)
    }

    /// The call the agent's voice goes to, if any.
    fn live_call(&self) -> Option<&Call> {
        self.calls.iter().find(|c| c.is_live())
    }

    /// Whether another call may start (one rings in, or the agent places one).
    fn has_room(&self) -> bool {
        self.calls.len() < self.max_calls
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
