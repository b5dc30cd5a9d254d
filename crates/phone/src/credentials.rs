//! Who the agent is to the PBX: credentials typed on the form or minted by the org, and where
//! signing in with the org stands. Data only; the agent's sub-state (`agent`) acts on it.

use crate::clock::Time;
use crate::reasons::{CrmProblem, RegistrationFailure};

/// A SIP password, held in memory only. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password (typed by the agent, or minted by the org).
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

/// Who is signed in: as typed on the sign-in form, or as the org minted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// SIP user (extension), e.g. "1001".
    pub user: String,
    /// SIP password; never stored, logged or put in a URL.
    pub password: Secret,
    /// Name shown to the people the agent calls.
    pub display_name: String,
    /// The user name digest answers give when it is not `user`: the org's credentials
    /// authenticate as `EXPIRES:EXTENSION` (`None` for a typed password).
    pub auth_user: Option<String>,
}

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
