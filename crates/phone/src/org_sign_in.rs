//! Signing in with credentials the org mints (the definition's `credentials` org): the agent is
//! whoever is logged in to Salesforce, and nobody types a SIP password.
//!
//! Once this page owns the line ([`Phone::start_org_sign_in`]), the phone asks the org package
//! for credentials ([`Effect::FetchCredentials`]: `SoftphoneCredentials.mint` through runApex)
//! and signs in with them as soon as they come ([`Event::CredentialsGranted`]). It asks again
//! when three quarters of their lifetime have passed and hands the fresh ones to the line
//! ([`Effect::Renew`]), so a registration never lapses; a user moved to another extension
//! registers the new one then (the line removes the old binding first).
//!
//! When things go wrong:
//! - the org does not answer (runApex fails or times out): asked again after 2 s, doubling up to
//!   a minute, never faster; a signed-in agent stays signed in meanwhile;
//! - the org gives none (no package, no extension, no secret set up): [`OrgSignIn::Refused`],
//!   and the form when the definition allows it (`passwordFallback`);
//! - the PBX refuses the org's credentials (clocks apart, a secret rotated on one side only):
//!   fresh ones are asked for once; refused again, the agent is signed out with the reason, and
//!   the form when the definition allows it.
//!
//! The states are typed; the app words them.

use crate::clock::Time;
use callcenter::CredentialSource;

use crate::model::{Credentials, Registration, Secret};
use crate::reasons::{CrmProblem, RegistrationFailure};
use crate::presence::Presence;
use crate::{Effect, Phone};

/// The first wait before asking the org again, and the longest.
const FIRST_RETRY_MS: u64 = 2_000;
const LONGEST_RETRY_MS: u64 = 60_000;

/// A credential the org minted: the user name (`EXPIRES:EXTENSION`) and its derived password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minted {
    pub username: String,
    pub password: Secret,
}

/// What the org's credentials service gave the user signed in to Salesforce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgGrant {
    /// The user's extension: the SIP user the phone registers as.
    pub extension: String,
    /// How long the credentials are valid, seconds. Counted from their arrival: the phone's
    /// clock may differ from the org's.
    pub ttl_s: u32,
    /// For the PBX (Kamailio's auth_ephemeral).
    pub sip: Minted,
    /// For the TURN server, when the org has its secret.
    pub turn: Option<Minted>,
}

/// Why the org gives no credentials: asking again will not help until someone changes the org.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgRefusal {
    /// The softphone package is not installed (runApex does not know its class).
    NoPackage,
    /// The user has no extension (`User.Softphone_Extension__c`).
    NoExtension,
    /// The user's extension could not be a SIP user.
    BadExtension,
    /// No admin has set the secret up yet.
    NotConfigured,
    /// The PBX refused the org's credentials, fresh ones too, for this reason.
    PbxRefused(RegistrationFailure),
}

/// Where signing in with the org stands.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OrgSignIn {
    /// Not in use: the definition says `password`, this page does not own the line, or the
    /// agent signed in with the form.
    #[default]
    Off,
    /// Asking the org, after `failures` unanswered asks in a row. `pbx_refused`: the PBX
    /// refused the last credentials (its reason): these are the one more try.
    Asking { pbx_refused: Option<RegistrationFailure>, failures: u32 },
    /// The org did not answer (`reason`); asking again at `retry_at`, after `failures` in a row.
    Waiting { failures: u32, retry_at: Time, reason: CrmProblem },
    /// Signed in with the org's credentials; asking for fresh ones at `renew_at`.
    /// `after_refusal`: these are the one more try after the PBX refused, until it accepts them.
    Active { renew_at: Time, after_refusal: bool },
    /// No credentials from the org.
    Refused(OrgRefusal),
    /// The agent signed out (a click signs in again).
    SignedOut,
}

impl Phone {
    /// Where the agent's credentials come from (the definition's `credentials`).
    pub fn set_credential_source(&mut self, source: CredentialSource) {
        self.credential_source = source;
    }

    /// Where signing in with the org stands.
    pub fn org_sign_in(&self) -> &OrgSignIn {
        &self.org
    }

    /// Whether the sign-in form is offered: with password credentials while signed out; with
    /// the org's, only when the org gave none (or the agent signed out) and the definition
    /// allows the form.
    pub fn offers_password_form(&self) -> bool {
        self.agent.is_none()
            && match self.credential_source {
                CredentialSource::Password => true,
                CredentialSource::Org { password_fallback } => password_fallback && matches!(self.org, OrgSignIn::Refused(_) | OrgSignIn::SignedOut),
            }
    }

    /// This page now owns the line: with org credentials, ask for them.
    pub fn start_org_sign_in(&mut self) -> Vec<Effect> {
        if self.credential_source == CredentialSource::Password || self.agent.is_some() {
            return Vec::new();
        }
        self.ask_org(None)
    }

    pub(super) fn ask_org(&mut self, pbx_refused: Option<RegistrationFailure>) -> Vec<Effect> {
        self.ask(pbx_refused, 0)
    }

    fn ask(&mut self, pbx_refused: Option<RegistrationFailure>, failures: u32) -> Vec<Effect> {
        self.org = OrgSignIn::Asking { pbx_refused, failures };
        vec![Effect::FetchCredentials]
    }

    /// The org's credentials came: sign in with them, or hand them to the line as a renewal.
    pub(super) fn org_granted(&mut self, now: Time, grant: OrgGrant) -> Vec<Effect> {
        if matches!(self.org, OrgSignIn::Off) {
            return Vec::new(); // the agent signed in with the form meanwhile
        }
        if crate::sign_in::check_sip_user(&grant.extension).is_err() {
            self.org = OrgSignIn::Refused(OrgRefusal::BadExtension);
            return Vec::new();
        }
        let OrgGrant { extension, ttl_s, sip, turn } = grant;
        let credentials = Credentials { user: extension, password: sip.password, display_name: String::new(), auth_user: Some(sip.username) };
        let after_refusal = matches!(self.org, OrgSignIn::Asking { pbx_refused: Some(_), .. });
        self.org = OrgSignIn::Active { renew_at: now + u64::from(ttl_s) * 750, after_refusal };
        let mut effects: Vec<Effect> = turn.map(|credential| Effect::UseTurn { credential, ttl_s }).into_iter().collect();
        let renewal = self.agent.is_some();
        self.agent = Some(credentials.clone());
        match (renewal, &self.registration) {
            // Offline: signed in here, not at the PBX; Available registers with these.
            (_, Registration::SignedOut) if self.presence == Presence::Offline => {}
            (false, _) => {
                self.registration = Registration::Connecting;
                effects.push(Effect::Connect(credentials));
            }
            (true, Registration::SignedOut) => {}
            (true, _) => effects.push(Effect::Renew(credentials)),
        }
        effects
    }

    /// The org answered that it has no credentials for this user.
    pub(super) fn org_refused(&mut self, refusal: OrgRefusal) -> Vec<Effect> {
        if !matches!(self.org, OrgSignIn::Off) {
            // A signed-in agent keeps the credentials they have until the PBX stops taking them.
            self.org = OrgSignIn::Refused(refusal);
        }
        Vec::new()
    }

    /// runApex failed or timed out: ask again later, waiting longer each time.
    pub(super) fn org_unavailable(&mut self, now: Time, reason: CrmProblem) -> Vec<Effect> {
        let failures = match &self.org {
            OrgSignIn::Asking { failures, .. } | OrgSignIn::Waiting { failures, .. } => failures + 1,
            OrgSignIn::Active { .. } => 1,
            OrgSignIn::Off | OrgSignIn::Refused(_) | OrgSignIn::SignedOut => return Vec::new(),
        };
        let wait = FIRST_RETRY_MS.saturating_mul(1 << failures.saturating_sub(1).min(10)).min(LONGEST_RETRY_MS);
        self.org = OrgSignIn::Waiting { failures, retry_at: now + wait, reason };
        Vec::new()
    }

    /// The PBX refused the registration. With the org's credentials: once, fresh ones are asked
    /// for; twice, the agent is signed out with the reason. True when handled here.
    pub(super) fn org_registration_failed(&mut self, reason: &RegistrationFailure) -> Option<Vec<Effect>> {
        let minted = self.agent.as_ref().is_some_and(|a| a.auth_user.is_some());
        if !minted {
            return None;
        }
        if matches!(self.org, OrgSignIn::Asking { pbx_refused: Some(_), .. } | OrgSignIn::Active { after_refusal: true, .. }) {
            self.agent = None;
            self.registration = Registration::SignedOut;
            self.org = OrgSignIn::Refused(OrgRefusal::PbxRefused(reason.clone()));
            return Some(vec![Effect::Disconnect]);
        }
        self.registration = Registration::Connecting;
        Some(self.ask_org(Some(reason.clone())))
    }

    /// The PBX accepted the org's credentials: a refusal before them is forgotten.
    pub(super) fn org_registered(&mut self) {
        if let OrgSignIn::Active { after_refusal, .. } = &mut self.org {
            *after_refusal = false;
        }
    }

    /// Every second: renews the credentials, or asks again after the org did not answer.
    pub(super) fn org_tick(&mut self, now: Time) -> Vec<Effect> {
        match self.org {
            OrgSignIn::Active { renew_at, .. } if now >= renew_at => self.ask(None, 0),
            OrgSignIn::Waiting { retry_at, failures, .. } if now >= retry_at => self.ask(None, failures),
            _ => Vec::new(),
        }
    }

    /// The agent asks to sign in with Salesforce again (after signing out, or a refusal).
    pub(super) fn sign_in_with_org(&mut self) -> Vec<Effect> {
        if self.agent.is_some() || self.credential_source == CredentialSource::Password {
            return Vec::new();
        }
        self.ask_org(None)
    }

    /// Signed out: with the org's credentials, nothing is renewed until the agent asks again.
    pub(super) fn org_signed_out(&mut self) {
        if self.credential_source != CredentialSource::Password {
            self.org = OrgSignIn::SignedOut;
        }
    }
}
