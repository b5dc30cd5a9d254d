//! What the phone shows outside its sub-states: where the registration stands, a number ready
//! to call, and what the agent looks at first.

use crate::calls::Call;
use crate::dialing::{DialError, DialPlan};
use crate::log::RecordRef;
use crate::reasons::{ConnectionProblem, RegistrationFailure};
use crate::wrap_up::WrapUp;

/// The connection to the PBX as the agent sees it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Not signed in.
    SignedOut,
    /// Signed in, waiting for the PBX to accept the registration.
    Connecting,
    /// The connection was lost for this reason; the phone reconnects by itself, next in
    /// `retry_in_s` seconds (when the line said).
    Reconnecting { problem: ConnectionProblem, retry_in_s: Option<u64> },
    /// The PBX accepts calls for this agent.
    Registered,
    /// The PBX refused for this reason; the phone does not retry.
    Failed(RegistrationFailure),
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

/// What the agent is looking at first: the call that rings, else the call they talk on, else
/// a number ready to call, else a call on hold, else a wrap-up. The utility label, the screen
/// reader's announcements and the keyboard shortcuts follow it; the views show everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus<'a> {
    /// Nothing going on.
    Idle,
    /// A number was clicked or typed; the agent can call it or log a call to it.
    ReadyToCall(&'a DialTarget),
    /// A call.
    Call(&'a Call),
    /// A call ended; the agent picks a disposition and writes notes.
    WrapUp(&'a WrapUp),
}
