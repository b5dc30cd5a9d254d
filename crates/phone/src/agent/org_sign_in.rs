//! Signing in with credentials the org mints (the definition's `credentials` org): the agent is
//! whoever is logged in to Salesforce, and nobody types a SIP password.
//!
//! Once this page owns the line (`Phone::start_org_sign_in`), the phone asks the org package
//! for credentials (`Effect::FetchCredentials`: `SoftphoneCredentials.mint` through runApex)
//! and signs in with them as soon as they come (`Event::CredentialsGranted`). It asks again
//! when three quarters of their lifetime have passed and hands the fresh ones to the line
//! (`Effect::Renew`), so a registration never lapses; a user moved to another extension
//! registers the new one then (the line removes the old binding first).
//!
//! When things go wrong:
//! - the org does not answer (runApex fails or times out): asked again after 2 s, doubling up to
//!   a minute, never faster; a signed-in agent stays signed in meanwhile;
//! - the org gives none (no package, no extension, no secret set up): `OrgSignIn::Refused`,
//!   and the form when the definition allows it (`passwordFallback`);
//! - the PBX refuses the org's credentials (clocks apart, a secret rotated on one side only):
//!   fresh ones are asked for once; refused again, the agent is signed out with the reason, and
//!   the form when the definition allows it.
//!
//! The states are typed; the app words them.

use callcenter_settings::CredentialSource;

use super::{check_sip_user, Agent};
use crate::clock::Time;
use crate::credentials::{Credentials, OrgGrant, OrgRefusal, OrgSignIn};
use crate::messages::Effect;
use crate::model::Registration;
use crate::presence::Presence;
use crate::reasons::{CrmProblem, RegistrationFailure};

/// The first wait before asking the org again, and the longest.
const FIRST_RETRY_MS: u64 = 2_000;
const LONGEST_RETRY_MS: u64 = 60_000;

impl Agent {
    /// Where the agent's credentials come from (the definition's `credentials`).
    pub(crate) fn set_source(&mut self, source: CredentialSource) {
        self.source = source;
    }

    /// Where signing in with the org stands.
    pub(crate) fn org(&self) -> &OrgSignIn {
        &self.org
    }

    /// Whether the sign-in form is offered: with password credentials while signed out; with
    /// the org's, only when the org gave none (or the agent signed out) and the definition
    /// allows the form.
    pub(crate) fn offers_password_form(&self) -> bool {
        !self.is_signed_in()
            && match self.source {
                CredentialSource::Password => true,
                CredentialSource::Org { password_fallback } => password_fallback && matches!(self.org, OrgSignIn::Refused(_) | OrgSignIn::SignedOut),
            }
    }

    /// This page now owns the line (or the agent asks again, after signing out or a refusal):
    /// with org credentials, ask for them.
    pub(crate) fn start_org_sign_in(&mut self) -> Vec<Effect> {
        if self.source == CredentialSource::Password || self.is_signed_in() {
            return Vec::new();
        }
        self.ask(None, 0)
    }

    fn ask(&mut self, pbx_refused: Option<RegistrationFailure>, failures: u32) -> Vec<Effect> {
        self.org = OrgSignIn::Asking { pbx_refused, failures };
        vec![Effect::FetchCredentials]
    }

    /// The org's credentials came: sign in with them, or hand them to the line as a renewal.
    pub(crate) fn org_granted(&mut self, now: Time, grant: OrgGrant) -> Vec<Effect> {
        if matches!(self.org, OrgSignIn::Off) {
            return Vec::new(); // the agent signed in with the form meanwhile
        }
        if check_sip_user(&grant.extension).is_err() {
            self.org = OrgSignIn::Refused(OrgRefusal::BadExtension);
            return Vec::new();
        }
        let OrgGrant { extension, ttl_s, sip, turn } = grant;
        let credentials = Credentials { user: extension, password: sip.password, display_name: String::new(), auth_user: Some(sip.username) };
        let after_refusal = matches!(self.org, OrgSignIn::Asking { pbx_refused: Some(_), .. });
        self.org = OrgSignIn::Active { renew_at: now + u64::from(ttl_s) * 750, after_refusal };
        let mut effects: Vec<Effect> = turn.map(|credential| Effect::UseTurn { credential, ttl_s }).into_iter().collect();
        let renewal = self.credentials.replace(credentials.clone()).is_some();
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
    pub(crate) fn org_refused(&mut self, refusal: OrgRefusal) {
        if !matches!(self.org, OrgSignIn::Off) {
            // A signed-in agent keeps the credentials they have until the PBX stops taking them.
            self.org = OrgSignIn::Refused(refusal);
        }
    }

    /// runApex failed or timed out: ask again later, waiting longer each time.
    pub(crate) fn org_unavailable(&mut self, now: Time, reason: CrmProblem) {
        let failures = match &self.org {
            OrgSignIn::Asking { failures, .. } | OrgSignIn::Waiting { failures, .. } => failures + 1,
            OrgSignIn::Active { .. } => 1,
            OrgSignIn::Off | OrgSignIn::Refused(_) | OrgSignIn::SignedOut => return,
        };
        let wait = FIRST_RETRY_MS.saturating_mul(1 << failures.saturating_sub(1).min(10)).min(LONGEST_RETRY_MS);
        self.org = OrgSignIn::Waiting { failures, retry_at: now + wait, reason };
    }

    /// The PBX refused the registration. With the org's credentials: once, fresh ones are asked
    /// for; twice, the agent is signed out with the reason. `None` when not the org's.
    pub(super) fn org_registration_failed(&mut self, reason: &RegistrationFailure) -> Option<Vec<Effect>> {
        let minted = self.credentials.as_ref().is_some_and(|a| a.auth_user.is_some());
        if !minted {
            return None;
        }
        if matches!(self.org, OrgSignIn::Asking { pbx_refused: Some(_), .. } | OrgSignIn::Active { after_refusal: true, .. }) {
            self.credentials = None;
            self.registration = Registration::SignedOut;
            self.org = OrgSignIn::Refused(OrgRefusal::PbxRefused(reason.clone()));
            return Some(vec![Effect::Disconnect]);
        }
        self.registration = Registration::Connecting;
        Some(self.ask(Some(reason.clone()), 0))
    }

    /// The PBX accepted the org's credentials: a refusal before them is forgotten.
    pub(super) fn org_registered(&mut self) {
        if let OrgSignIn::Active { after_refusal, .. } = &mut self.org {
            *after_refusal = false;
        }
    }

    /// Every second: renews the credentials, or asks again after the org did not answer.
    pub(crate) fn org_tick(&mut self, now: Time) -> Vec<Effect> {
        match self.org {
            OrgSignIn::Active { renew_at, .. } if now >= renew_at => self.ask(None, 0),
            OrgSignIn::Waiting { retry_at, failures, .. } if now >= retry_at => self.ask(None, failures),
            _ => Vec::new(),
        }
    }
}
