//! The call controller: a plain state machine, free of Open CTI, the DOM and the network.
//!
//! It takes what the agent wants ([`Intent`]) and what happened elsewhere ([`Event`]), changes
//! its state and returns [`Effect`]s for the glue in `ui::controller` to carry out (show the panel,
//! set the utility label, save a call log, connect to the PBX, ...). Time is passed in as Unix
//! milliseconds, so every transition is testable natively, and the same core can later sit behind
//! another CRM connector than Open CTI.

pub mod dialing;
pub mod log;

use dialing::{DialError, DialingRules};
pub use log::{CallDirection, CallRecord, RecordRef};

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

/// The connection to the PBX as the agent sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Not signed in.
    SignedOut,
    /// Signed in, waiting for the PBX to accept the registration.
    Connecting,
    /// The PBX accepts calls for this agent.
    Registered,
    /// The PBX cannot be used; the text says why and what to do.
    Failed(String),
}

/// A number the agent is about to call, with the CRM record it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialTarget {
    /// The number as shown in the CRM or typed.
    pub number: String,
    /// What the PBX will be dialled with, or why it can't be.
    pub dial: Result<String, DialError>,
    /// The record the number was clicked on, if any.
    pub record: Option<RecordRef>,
}

/// What the phone is doing with calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallState {
    /// Nothing going on.
    Idle,
    /// A number was clicked or typed; the agent can call it or log a call to it.
    ReadyToCall(DialTarget),
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
    /// Log a call to the current number made outside the softphone (e.g. from a mobile).
    LogCall {
        /// One of the Call Center's wrap-up dispositions, or empty.
        disposition: String,
        /// The agent's notes.
        notes: String,
    },
    /// Try again to save call logs that failed.
    RetryLogs,
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
    /// The PBX refused or could not be reached; a sentence for the agent.
    RegistrationFailed(String),
    /// The call log with this outbox id was saved as CRM record `record_id`.
    LogSaved { id: u32, record_id: String },
    /// Saving the call log with this outbox id failed; it stays in the outbox.
    LogFailed { id: u32, reason: String },
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
    /// Save this call log in the CRM; answer with [`Event::LogSaved`] or [`Event::LogFailed`].
    SaveLog { id: u32, record: CallRecord },
}

/// A call log waiting to be saved, or that failed to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLog {
    /// Outbox id, unique for this phone's lifetime.
    pub id: u32,
    /// What will be saved.
    pub record: CallRecord,
    /// The last failure, if saving was tried and failed.
    pub error: Option<String>,
}

/// The whole phone state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    rules: DialingRules,
    agent: Option<Credentials>,
    registration: Registration,
    call: CallState,
    outbox: Vec<PendingLog>,
    next_log_id: u32,
    /// The last problem to show the agent, cleared by their next action.
    notice: Option<String>,
}

impl Phone {
    /// A signed-out, idle phone using the Call Center's dialling rules.
    pub fn new(rules: DialingRules) -> Self {
        Phone {
            rules,
            agent: None,
            registration: Registration::SignedOut,
            call: CallState::Idle,
            outbox: Vec::new(),
            next_log_id: 1,
            notice: None,
        }
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
        &self.outbox
    }
    /// A problem to show the agent, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Applies an agent's intent at `now_ms` (Unix milliseconds).
    pub fn handle_intent(&mut self, now_ms: u64, intent: Intent) -> Vec<Effect> {
        self.notice = None;
        match intent {
            Intent::SignIn(credentials) => self.sign_in(credentials),
            Intent::SignOut => {
                self.agent = None;
                self.registration = Registration::SignedOut;
                vec![Effect::Disconnect, self.label_effect(), Effect::SetIcon("call")]
            }
            Intent::EnterNumber(number) => {
                self.call = CallState::ReadyToCall(self.target(number, None));
                vec![self.label_effect()]
            }
            Intent::Dismiss => {
                self.call = CallState::Idle;
                vec![self.label_effect()]
            }
            Intent::LogCall { disposition, notes } => self.log_manual_call(now_ms, disposition, notes),
            Intent::RetryLogs => self
                .outbox
                .iter()
                .map(|p| Effect::SaveLog { id: p.id, record: p.record.clone() })
                .collect(),
        }
    }

    /// Applies an outside event.
    pub fn handle_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::ClickToDial { number, record } => {
                self.call = CallState::ReadyToCall(self.target(number, record));
                vec![Effect::ShowPanel(true), self.label_effect()]
            }
            Event::Registered => {
                self.registration = Registration::Registered;
                vec![self.label_effect()]
            }
            Event::RegistrationFailed(reason) => {
                self.registration = Registration::Failed(reason);
                vec![self.label_effect(), Effect::SetIcon("warning")]
            }
            Event::LogSaved { id, .. } => {
                self.outbox.retain(|p| p.id != id);
                Vec::new()
            }
            Event::LogFailed { id, reason } => {
                if let Some(p) = self.outbox.iter_mut().find(|p| p.id == id) {
                    p.error = Some(reason.clone());
                }
                self.notice = Some(format!("The call log was not saved: {reason}. It is kept; retry when Salesforce is back."));
                Vec::new()
            }
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
        vec![Effect::Connect(credentials), self.label_effect()]
    }

    fn target(&self, number: String, record: Option<RecordRef>) -> DialTarget {
        let dial = self.rules.dial_string(&number);
        DialTarget { number, dial, record }
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
        };
        self.call = CallState::Idle;
        let mut effects = vec![self.queue_log(record)];
        effects.push(self.label_effect());
        effects
    }

    /// Puts a call log in the outbox and asks the glue to save it.
    fn queue_log(&mut self, record: CallRecord) -> Effect {
        let id = self.next_log_id;
        self.next_log_id = self.next_log_id.wrapping_add(1);
        self.outbox.push(PendingLog { id, record: record.clone(), error: None });
        Effect::SaveLog { id, record }
    }

    /// The utility-bar label for the current state: what an agent glancing at the bar needs.
    pub fn label(&self) -> String {
        match (&self.call, &self.registration) {
            (CallState::ReadyToCall(t), _) => {
                let who = t.record.as_ref().map_or(t.number.as_str(), |r| r.name.as_str());
                format!("Call {who}?")
            }
            (CallState::Idle, Registration::SignedOut) => "Phone: signed out".into(),
            (CallState::Idle, Registration::Connecting) => "Phone: connecting".into(),
            (CallState::Idle, Registration::Registered) => "Phone: ready".into(),
            (CallState::Idle, Registration::Failed(_)) => "Phone: offline".into(),
        }
    }

    fn label_effect(&self) -> Effect {
        Effect::SetLabel(self.label())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(user: &str, password: &str) -> Credentials {
        Credentials { user: user.into(), password: Secret::new(password.into()), display_name: "Ada".into() }
    }

    fn contact() -> RecordRef {
        RecordRef { id: "003000000000001".into(), name: "Ada Lovelace".into(), object_type: "Contact".into() }
    }

    #[test]
    fn sign_in_connects_and_labels_the_utility_item() {
        let mut phone = Phone::new(DialingRules::default());
        let effects = phone.handle_intent(0, Intent::SignIn(credentials("1001", "pw")));
        assert_eq!(phone.registration(), &Registration::Connecting);
        assert!(matches!(effects.first(), Some(Effect::Connect(c)) if c.user == "1001"));
        assert!(effects.contains(&Effect::SetLabel("Phone: connecting".into())));
    }

    #[test]
    fn sign_in_refuses_users_that_would_inject_into_a_sip_uri_and_empty_passwords() {
        let mut phone = Phone::new(DialingRules::default());
        assert!(phone.handle_intent(0, Intent::SignIn(credentials("1001@evil", "pw"))).is_empty());
        assert!(phone.notice().is_some());
        assert!(phone.handle_intent(0, Intent::SignIn(credentials("1001", ""))).is_empty());
        assert_eq!(phone.notice(), Some("Enter your SIP password."));
        assert_eq!(phone.registration(), &Registration::SignedOut);
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let phone_debug = format!("{:?}", Effect::Connect(credentials("1001", "hunter2")));
        assert!(!phone_debug.contains("hunter2"));
    }

    #[test]
    fn click_to_dial_opens_the_panel_ready_to_call_the_record() {
        let rules = DialingRules { outside_prefix: "9".into(), ..DialingRules::default() };
        let mut phone = Phone::new(rules);
        let effects = phone.handle_event(Event::ClickToDial { number: "+1 415 555 0100".into(), record: Some(contact()) });
        assert_eq!(effects, vec![Effect::ShowPanel(true), Effect::SetLabel("Call Ada Lovelace?".into())]);
        let CallState::ReadyToCall(target) = phone.call() else { panic!("not ready to call") };
        assert_eq!(target.dial.as_deref(), Ok("+14155550100"));
        assert_eq!(target.record, Some(contact()));
    }

    #[test]
    fn a_hostile_clicked_number_is_shown_with_the_reason_it_cannot_be_dialled() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_event(Event::ClickToDial { number: "1001@evil.example".into(), record: None });
        let CallState::ReadyToCall(target) = phone.call() else { panic!("not ready to call") };
        assert_eq!(target.dial, Err(DialError::InvalidCharacter('@')));
    }

    #[test]
    fn logging_a_call_queues_it_until_salesforce_confirms() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_event(Event::ClickToDial { number: "+14155550100".into(), record: Some(contact()) });
        let effects = phone.handle_intent(1_000, Intent::LogCall { disposition: "Resolved".into(), notes: "Called back".into() });
        let Some(Effect::SaveLog { id, record }) = effects.first() else { panic!("no SaveLog: {effects:?}") };
        assert_eq!(record.record, Some(contact()));
        assert_eq!(record.disposition, "Resolved");
        assert_eq!(phone.call(), &CallState::Idle);
        assert_eq!(phone.outbox().len(), 1);
        phone.handle_event(Event::LogSaved { id: *id, record_id: "00T1".into() });
        assert!(phone.outbox().is_empty());
    }

    #[test]
    fn a_call_log_that_fails_to_save_is_kept_and_retried() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_intent(0, Intent::EnterNumber("1002".into()));
        let effects = phone.handle_intent(5, Intent::LogCall { disposition: String::new(), notes: String::new() });
        let Some(Effect::SaveLog { id, .. }) = effects.first().cloned() else { panic!("no SaveLog") };
        phone.handle_event(Event::LogFailed { id, reason: "Salesforce did not answer".into() });
        assert_eq!(phone.outbox().len(), 1);
        assert!(phone.notice().is_some_and(|n| n.contains("kept")));
        let retry = phone.handle_intent(10, Intent::RetryLogs);
        assert!(matches!(retry.as_slice(), [Effect::SaveLog { id: again, .. }] if *again == id));
    }

    #[test]
    fn registration_failure_reason_reaches_the_agent() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_intent(0, Intent::SignIn(credentials("1001", "bad")));
        phone.handle_event(Event::RegistrationFailed("The PBX rejected the password for 1001 (403)".into()));
        assert_eq!(phone.registration(), &Registration::Failed("The PBX rejected the password for 1001 (403)".into()));
        assert_eq!(phone.label(), "Phone: offline");
    }
}
