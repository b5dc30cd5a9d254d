//! Signing in and out: the credentials typed by the agent, checked before they reach SIP.

use crate::clock::Time;
use crate::model::{Credentials, Registration};
use crate::reasons::{EndReason, Notice, SignInProblem};
use crate::presence::Presence;
use crate::{Effect, Phone};

impl Phone {
    pub(super) fn sign_in(&mut self, credentials: Credentials) -> Vec<Effect> {
        if let Err(problem) = check_sip_user(&credentials.user) {
            self.notice = Some(Notice::SignIn(problem));
            return Vec::new();
        }
        if credentials.password.expose().is_empty() {
            self.notice = Some(Notice::SignIn(SignInProblem::NoPassword));
            return Vec::new();
        }
        // Signed in with the form: the org's credentials are not renewed over them.
        self.org = crate::OrgSignIn::Off;
        self.agent = Some(credentials.clone());
        self.registration = Registration::Connecting;
        let mut effects = vec![Effect::Connect(credentials)];
        // Signing in is wanting to be online: a remembered Offline gives way to Available.
        if self.presence == Presence::Offline {
            self.presence = Presence::Available;
            effects.push(Effect::RememberPresence(Presence::Available));
        }
        effects
    }

    pub(super) fn sign_out(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        // Every call ends first (a ringing one is declined by the line's hang-up), each logged.
        let handles: Vec<_> = self.calls.iter().map(|c| c.handle).collect();
        for call in handles {
            effects.push(Effect::HangUp { call });
            effects.extend(self.end(now, call, EndReason::LocalHangup));
        }
        self.agent = None;
        self.registration = Registration::SignedOut;
        self.org_signed_out();
        effects.push(Effect::Disconnect);
        effects
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
