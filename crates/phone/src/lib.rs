//! The call controller: a plain state machine, free of Open CTI, the DOM and the network.
//!
//! It takes what the agent wants ([`Intent`]) and what happened elsewhere ([`Event`]), changes
//! its state and returns [`Effect`]s for the front end to carry out (show the panel, set the
//! utility label, pop a record, dial, save a call log, ...). Time is passed in ([`Time`]), so
//! every transition is testable natively, and the same core serves the Open CTI app and the
//! Salesforce Voice connector.
//!
//! The state is split by what it is about, each part with private fields and its own rules:
//! the agent (who is signed in, the registration, the presence: `agent`), the calls (at most one
//! live, at most `maxCalls`: `calls`), the wrap-up (`wrap_up`), the call logs and recent calls
//! (`logs`, with the outbox), the audio outputs (`outputs`), and what the utility item shows
//! (`shown`). The modules that `impl Phone` (`in_call`, `placing`, `incoming`, `ending`,
//! `transfer`, `rejoin`, `logging`, `presentation`) tie the parts together for one concern each.
//!
//! Calls: the phone names every call with a [`CallHandle`] it mints, carried by every effect and
//! event about that call. Call logs: every call is logged the moment it ends (answered, missed,
//! declined or failed), so nothing is lost if the agent never finishes wrap-up; wrap-up then
//! updates that same log. Why anything happened is a typed value ([`reasons`]): the front end
//! words it.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

mod agent;
mod calls;
pub mod clock;
mod credentials;
mod devices;
pub mod dialing;
mod ending;
pub mod extension;
mod in_call;
mod incoming;
pub mod log;
mod logging;
mod logs;
mod messages;
mod model;
pub mod numbering;
pub mod outbox;
pub mod outputs;
mod placing;
pub mod pop_measure;
pub mod presence;
mod presentation;
pub mod quality;
pub mod reasons;
pub mod recent;
mod rejoin;
pub mod snapshot;
pub mod shown;
mod stored;
mod stored_reasons;
mod transfer;
pub mod value;
mod wrap_up;

#[cfg(test)]
mod calls_tests;
#[cfg(test)]
mod org_sign_in_tests;
#[cfg(test)]
mod outputs_tests;
#[cfg(test)]
mod rejoin_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod transfer_tests;
#[cfg(test)]
mod wrap_up_tests;

use agent::Agent;
use calls::Calls;
use dialing::DialingRules;
use logs::Logs;
use outputs::Outputs;
use presence::Presence;
use recent::RecentCall;
use shown::Shown;
use wrap_up::WrapUps;

pub use calls::{AudioStatus, Call, CallHandle, Consultation, Progress, Resumed, Stage, Transfer, DEFAULT_MAX_CALLS};
pub use clock::Time;
pub use credentials::{Credentials, Minted, OrgGrant, OrgRefusal, OrgSignIn, Secret};
pub use devices::AudioInput;
pub use log::{CallDirection, CallLink, CallOutcome, CallRecord, LocalTime, RecordRef};
pub use messages::{Effect, Event, Intent};
pub use model::{DialTarget, Focus, Registration};
pub use outbox::{LeftOut, Package, PendingLog, Rejection};
pub use quality::Quality;
pub use reasons::{CallFailure, EndReason, Notice};
pub use snapshot::{CallSnapshot, CallStage};
pub use shown::{Icon, Idle, Label, Tone};
pub use wrap_up::{WrapUp, WrapUpDraft};

/// The whole phone state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    rules: DialingRules,
    /// Who is signed in, the registration, the presence.
    agent: Agent,
    calls: Calls,
    /// Whether the phone does what a far end's REFER asks (the definition's
    /// `followTransferRequests`); otherwise it declines them.
    follow_transfers: bool,
    /// A number clicked or typed, ready to call.
    ready: Option<DialTarget>,
    /// The CRM record on the agent's screen.
    viewing: Option<RecordRef>,
    wrap_up: WrapUps,
    /// The call logs waiting for Salesforce, and the recent calls.
    logs: Logs,
    /// The last record the agent opened that is no person (a Case, an Account...), until they
    /// leave records altogether: the work a call made or taken now is about. Opening a person
    /// (the case's contact, say) leaves it: in a console app that is a subtab of the same work.
    working_on: Option<RecordRef>,
    /// The microphones to choose from.
    microphones: Vec<AudioInput>,
    /// The chosen microphone's id (`None`: the browser's default).
    microphone: Option<String>,
    /// The speaker and ringer outputs.
    outputs: Outputs,
    /// The last problem (or news) to show the agent, cleared by their next action.
    notice: Option<Notice>,
    /// What the utility item and the speaker show now: only changes are sent.
    shown: Shown,
}

impl Phone {
    /// A signed-out, idle phone using the Call Center's dialling rules.
    pub fn new(rules: DialingRules) -> Self {
        Phone {
            rules,
            agent: Agent::default(),
            calls: Calls::default(),
            follow_transfers: false,
            ready: None,
            viewing: None,
            wrap_up: WrapUps::default(),
            logs: Logs::default(),
            working_on: None,
            microphones: Vec::new(),
            microphone: None,
            outputs: Outputs::default(),
            notice: None,
            shown: Shown::default(),
        }
    }

    /// Shows the agent a problem found at start-up (e.g. in the Call Center definition).
    pub fn report(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }

    /// How many calls the agent may have at once (at least one).
    pub fn set_max_calls(&mut self, max_calls: usize) {
        self.calls.set_max(max_calls);
    }

    /// Whether a far end's request to call someone else (REFER) is followed or declined.
    pub fn set_follow_transfers(&mut self, follow: bool) {
        self.follow_transfers = follow;
    }

    /// Wrap-up completes by itself this many seconds after the call (`None`: it waits for the
    /// agent).
    pub fn set_wrap_up_limit(&mut self, seconds: Option<u32>) {
        self.wrap_up.set_limit(seconds);
    }

    /// Where the agent's credentials come from (the definition's `credentials`).
    pub fn set_credential_source(&mut self, source: callcenter_settings::CredentialSource) {
        self.agent.set_source(source);
    }

    /// The presence this browser remembered, at start-up (before sign-in).
    pub fn restore_presence(&mut self, presence: Presence) {
        self.agent.restore_presence(presence);
    }

    /// The recent calls this browser kept, at start-up.
    pub fn restore_recent(&mut self, recent: Vec<RecentCall>) {
        self.logs.restore_recent(recent);
    }

    /// The output choices this browser remembered, at start-up: in use once the browser lists
    /// them.
    pub fn restore_outputs(&mut self, choices: outputs::OutputChoices) {
        self.outputs.restore(choices);
    }

    /// The registration state.
    pub fn registration(&self) -> &Registration {
        self.agent.registration()
    }
    /// The signed-in agent's SIP user, if any.
    pub fn agent_user(&self) -> Option<&str> {
        self.agent.user()
    }
    /// The agent's availability.
    pub fn presence(&self) -> Presence {
        self.agent.presence()
    }
    /// Where signing in with the org stands.
    pub fn org_sign_in(&self) -> &OrgSignIn {
        self.agent.org()
    }
    /// Whether the sign-in form is offered: with password credentials while signed out; with
    /// the org's, only when the org gave none (or the agent signed out) and the definition
    /// allows the form.
    pub fn offers_password_form(&self) -> bool {
        self.agent.offers_password_form()
    }
    /// The calls, in the order they began.
    pub fn calls(&self) -> &[Call] {
        self.calls.all()
    }
    /// The call named `handle`, while it lasts.
    pub fn call(&self, handle: CallHandle) -> Option<&Call> {
        self.calls.get(handle)
    }
    /// How many calls the agent may have at once.
    pub fn max_calls(&self) -> usize {
        self.calls.max()
    }
    /// The number clicked or typed, ready to call.
    pub fn ready(&self) -> Option<&DialTarget> {
        self.ready.as_ref()
    }
    /// The wrap-up of the last answered call, until the agent completes it.
    pub fn wrap_up(&self) -> Option<&WrapUp> {
        self.wrap_up.current()
    }
    /// Call logs not saved yet (waiting, or failed and kept for a retry).
    pub fn outbox(&self) -> &[PendingLog] {
        self.logs.outbox().logs()
    }
    /// Whether logs may use the org package's Task fields (else their facts go in the description).
    pub fn package_fields(&self) -> bool {
        self.logs.outbox().package_fields()
    }
    /// The recent calls, newest first.
    pub fn recent(&self) -> &[RecentCall] {
        self.logs.recent()
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
    /// The audio outputs and the agent's choices.
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }
    /// The calls this page carries (not those it is still rejoining), for the front end to
    /// record against a reload.
    pub fn calls_in_progress(&self) -> impl Iterator<Item = &Call> {
        self.calls.all().iter().filter(|c| c.stage() != Stage::Rejoining)
    }
    /// Whether the phone is rejoining a call the page went away during.
    pub fn is_rejoining(&self) -> bool {
        self.calls.any_in(Stage::Rejoining)
    }

    /// This page now owns the line: with org credentials, ask for them.
    pub fn start_org_sign_in(&mut self) -> Vec<Effect> {
        self.agent.start_org_sign_in()
    }

    /// Applies an agent's intent at `now`.
    pub fn handle_intent(&mut self, now: Time, intent: Intent) -> Vec<Effect> {
        self.notice = None;
        let mut effects = match intent {
            Intent::SignIn(credentials) => {
                let signed_in = self.agent.sign_in(credentials);
                self.told(signed_in)
            }
            Intent::SignInWithOrg => self.agent.start_org_sign_in(),
            Intent::SignOut => self.sign_out(now),
            Intent::SetPresence(presence) => {
                let set = self.agent.set_presence(presence, !self.calls.is_empty());
                self.told(set)
            }
            intent @ (Intent::EnterNumber(_) | Intent::Dismiss | Intent::Call | Intent::CallBack(_) | Intent::Consult { .. }) => {
                self.handle_placing_intent(now, intent)
            }
            intent @ (Intent::LogCall { .. } | Intent::FinishWrapUp { .. } | Intent::EditWrapUp { .. } | Intent::RetryLogs) => {
                self.handle_log_intent(now, intent)
            }
            Intent::ChooseMicrophone(id) if id != self.microphone => {
                self.microphone.clone_from(&id);
                vec![Effect::UseMicrophone(id)]
            }
            Intent::ChooseMicrophone(_) => Vec::new(),
            Intent::ChooseSpeaker(id) => self.outputs.choose(outputs::OutputRole::Speaker, id),
            Intent::ChooseRinger(id) => self.outputs.choose(outputs::OutputRole::Ringer, id),
            call_intent => self.handle_call_intent(now, call_intent),
        };
        effects.extend(self.presentation(now));
        effects
    }

    /// Applies an outside event at `now`.
    pub fn handle_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        let mut effects = match event {
            event @ (Event::LogSaved { .. }
            | Event::LogFailed { .. }
            | Event::LogTimedOut { .. }
            | Event::LogRejected { .. }
            | Event::LogFound { .. }
            | Event::LogLookupFailed { .. }
            | Event::PackageDetected(_)) => self.handle_log_event(now, event),
            Event::ClickToDial { number, record } => self.clicked(now, number, record),
            Event::Registered => {
                self.agent.registered();
                self.ask_rejoin()
            }
            Event::RegistrationFailed(reason) => self.agent.registration_failed(reason),
            Event::CredentialsGranted(grant) => self.agent.org_granted(now, grant),
            Event::CredentialsRefused(refusal) => {
                self.agent.org_refused(refusal);
                Vec::new()
            }
            Event::CredentialsUnavailable(reason) => {
                self.agent.org_unavailable(now, reason);
                Vec::new()
            }
            Event::ConnectionLost { problem, retry_in_s } => {
                self.agent.connection_lost(problem, retry_in_s);
                Vec::new()
            }
            Event::Viewing(record) => {
                match &record {
                    Some(person) if person.is_person() => {}
                    work => self.working_on.clone_from(work),
                }
                self.viewing = record;
                // The record opened during a call is the work the call is about (a Case the
                // caller rang about, say), unless it is a person: who the call is with stays.
                let live = self.calls.live().map(Call::handle);
                if let (Some(work), Some(call)) = (self.working_on.clone(), live.and_then(|h| self.calls.get_mut(h))) {
                    call.worked_on(work);
                }
                Vec::new()
            }
            Event::MicrophonesFound(inputs) => {
                self.microphones = inputs;
                Vec::new()
            }
            Event::OutputsFound(found) => {
                let changed = self.outputs.listed(found);
                self.notice = changed.notice.or(self.notice.take());
                return changed.effects;
            }
            Event::OutputFailed { role, device, gone } => {
                let changed = self.outputs.failed(role, &device, gone);
                self.notice = changed.notice.or(self.notice.take());
                return changed.effects;
            }
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

    /// Called every second by the front end: keeps the label's timer running, measures the
    /// calls' audio and keys in extensions, a digit a tick; renews the org's credentials, gives
    /// up rejoins that cannot happen, ends a wrap-up whose countdown ran out, and sends the call
    /// logs whose retry is due.
    pub fn tick(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = self.calls.tick(now);
        effects.extend(self.agent.org_tick(now));
        effects.extend(self.give_up_rejoins_when_late(now));
        effects.extend(self.wrap_up_tick(now));
        effects.extend(self.logs.due(now));
        effects.extend(self.presentation(now));
        effects
    }

    /// Signs out: every call ends first (a ringing one is declined by the line's hang-up), each
    /// logged; then the line disconnects.
    fn sign_out(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        let handles: Vec<CallHandle> = self.calls.all().iter().map(Call::handle).collect();
        for call in handles {
            effects.push(Effect::HangUp { call });
            effects.extend(self.end(now, call, EndReason::LocalHangup));
        }
        effects.extend(self.agent.sign_out());
        effects
    }

    /// The effects of a change a sub-state made, or what it told the agent instead.
    fn told(&mut self, outcome: Result<Vec<Effect>, Notice>) -> Vec<Effect> {
        outcome.unwrap_or_else(|notice| {
            self.notice = Some(notice);
            Vec::new()
        })
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
