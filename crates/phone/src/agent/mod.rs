//! The agent as the PBX knows them: who is signed in (and how: the form, or the org's minted
//! credentials), the registration, and the presence they chose. One sub-state, so that these
//! facts change together:
//!
//! - signed out, the line is neither registered nor connecting;
//! - Offline (the agent's choice) is signed in here and unregistered at the PBX; Available
//!   registers again with the same credentials; signing in means being online;
//! - the org's credentials are renewed over a registration that never lapses (`org_sign_in`).

mod org_sign_in;

use callcenter_settings::CredentialSource;

use crate::credentials::{Credentials, OrgSignIn};
use crate::messages::Effect;
use crate::model::Registration;
use crate::presence::Presence;
use crate::reasons::{ConnectionProblem, Notice, RegistrationFailure, SignInProblem};

/// Who is signed in, the registration, the presence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Agent {
    credentials: Option<Credentials>,
    /// Where the credentials come from (the definition's `credentials`).
    source: CredentialSource,
    /// Signing in with the org's credentials (see `org_sign_in`).
    org: OrgSignIn,
    registration: Registration,
    presence: Presence,
}

impl Default for Agent {
    fn default() -> Self {
        Agent {
            credentials: None,
            source: CredentialSource::Password,
            org: OrgSignIn::Off,
            registration: Registration::SignedOut,
            presence: Presence::default(),
        }
    }
}

impl Agent {
    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    pub(crate) fn presence(&self) -> Presence {
        self.presence
    }

    /// The presence this browser remembered, at start-up (before sign-in).
    pub(crate) fn restore_presence(&mut self, presence: Presence) {
        self.presence = presence;
    }

    /// The signed-in agent's SIP user, if any.
    pub(crate) fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|c| c.user.as_str())
    }

    pub(crate) fn is_signed_in(&self) -> bool {
        self.credentials.is_some()
    }

    pub(crate) fn is_registered(&self) -> bool {
        self.registration == Registration::Registered
    }

    /// The sign-in form: checked before anything reaches SIP.
    pub(crate) fn sign_in(&mut self, credentials: Credentials) -> Result<Vec<Effect>, Notice> {
        check_sip_user(&credentials.user).map_err(Notice::SignIn)?;
        if credentials.password.expose().is_empty() {
            return Err(Notice::SignIn(SignInProblem::NoPassword));
        }
        // Signed in with the form: the org's credentials are not renewed over them.
        self.org = OrgSignIn::Off;
        Ok(self.signed_in(credentials))
    }

    /// Registers with `credentials` (typed, or the org's first ones).
    pub(crate) fn signed_in(&mut self, credentials: Credentials) -> Vec<Effect> {
        self.credentials = Some(credentials.clone());
        self.registration = Registration::Connecting;
        let mut effects = vec![Effect::Connect(credentials)];
        // Signing in is wanting to be online: a remembered Offline gives way to Available.
        if self.presence == Presence::Offline {
            self.presence = Presence::Available;
            effects.push(Effect::RememberPresence(Presence::Available));
        }
        effects
    }

    /// Signs out (the calls are ended first, by the phone): the line disconnects, and with the
    /// org's credentials nothing is renewed until the agent asks again.
    pub(crate) fn sign_out(&mut self) -> Vec<Effect> {
        self.credentials = None;
        self.registration = Registration::SignedOut;
        if self.source != CredentialSource::Password {
            self.org = OrgSignIn::SignedOut;
        }
        vec![Effect::Disconnect]
    }

    /// The PBX accepted the registration.
    pub(crate) fn registered(&mut self) {
        self.registration = Registration::Registered;
        self.org_registered();
    }

    /// The PBX refused: with the org's credentials fresh ones are asked for once; else the
    /// phone stops trying and says why.
    pub(crate) fn registration_failed(&mut self, reason: RegistrationFailure) -> Vec<Effect> {
        match self.org_registration_failed(&reason) {
            Some(effects) => effects,
            None => {
                self.registration = Registration::Failed(reason);
                Vec::new()
            }
        }
    }

    /// The connection dropped; the line connects again by itself.
    pub(crate) fn connection_lost(&mut self, problem: ConnectionProblem, retry_in_s: Option<u64>) {
        if self.is_signed_in() {
            self.registration = Registration::Reconnecting { problem, retry_in_s };
        }
    }

    /// The agent chose `presence`; going offline waits for the calls to end (`has_calls`).
    pub(crate) fn set_presence(&mut self, presence: Presence, has_calls: bool) -> Result<Vec<Effect>, Notice> {
        if presence == self.presence {
            return Ok(Vec::new());
        }
        if presence == Presence::Offline && has_calls {
            return Err(Notice::CallsBeforeOffline);
        }
        let was = std::mem::replace(&mut self.presence, presence);
        let mut effects = vec![Effect::RememberPresence(presence)];
        match (was, presence, &self.credentials) {
            (_, Presence::Offline, Some(_)) => {
                self.registration = Registration::SignedOut;
                effects.push(Effect::Disconnect);
            }
            (Presence::Offline, _, Some(credentials)) => {
                self.registration = Registration::Connecting;
                effects.push(Effect::Connect(credentials.clone()));
            }
            _ => {}
        }
        Ok(effects)
    }
}

/// SIP users are extensions or simple names; anything else would end up in a SIP URI.
pub(crate) fn check_sip_user(user: &str) -> Result<(), SignInProblem> {
    if user.is_empty() {
        return Err(SignInProblem::NoUser);
    }
    let ok = user.len() <= 64 && user.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if ok {
        Ok(())
    } else {
        Err(SignInProblem::BadUser)
    }
}
