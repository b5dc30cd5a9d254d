//! The phone's event log: one line for each thing that happened worth a line to support, with
//! the call's Call-ID where the phone knows it (the SIP messages carry the same). Agent input is
//! never logged beyond what it did: no password, no notes.

use crate::phone::{Event, Intent, Phone};

/// The line `event` makes, if any (the audio figures every second are the statistics' job).
pub fn event_line(phone: &Phone, event: &Event) -> Option<String> {
    let call = |handle| phone.call(handle).and_then(|c| c.call_id.clone()).map_or_else(|| format!("#{}", handle.number()), |id| format!("#{} ({id})", handle.number()));
    Some(match event {
        Event::Registered => "registered at the PBX".into(),
        Event::RegistrationFailed(why) => format!("registration failed: {why}"),
        Event::ConnectionLost(why) => format!("connection lost: {why}"),
        Event::CredentialsGranted(grant) => format!("Salesforce gave credentials for extension {} for {} s", grant.extension, grant.ttl_s),
        Event::CredentialsRefused(why) => format!("Salesforce gave no credentials: {why:?}"),
        Event::CredentialsUnavailable(why) => format!("Salesforce did not answer for credentials: {why}"),
        Event::IncomingCall { call_id, number, .. } => format!("incoming call from {number} ({call_id})"),
        Event::OutgoingCallStarted { call: handle, call_id } => format!("call #{} placed ({call_id})", handle.number()),
        Event::CallConnected { call: handle } => format!("call {} connected", call(*handle)),
        Event::CallEnded { call: handle, reason } => format!("call {} ended: {reason:?}", call(*handle)),
        Event::CallFailed { call: handle, reason } => format!("call {} failed: {reason}", call(*handle)),
        Event::TransferFailed { call: handle, reason } => format!("call {}: {reason}", call(*handle)),
        Event::HoldFailed { call: handle, status, .. } => format!("call {}: hold refused ({status})", call(*handle)),
        Event::PopAnswered { call: handle, outcome } => format!("call {}: screen pop {}", call(*handle), outcome.as_str()),
        Event::LogSaved { id, record_id } => format!("call log {id} saved as {record_id}"),
        Event::LogFailed { id, reason } | Event::LogTimedOut { id, reason } | Event::LogRejected { id, reason, .. } => format!("call log {id} not saved: {reason}"),
        Event::PackageDetected(package) => format!("org package: {package:?}"),
        Event::MicrophoneProblem(why) | Event::MediaWarning(why) => why.clone(),
        _ => return None,
    })
}

/// The line an agent's intent makes, if any.
pub fn intent_line(intent: &Intent) -> Option<String> {
    Some(match intent {
        Intent::SignIn(credentials) => format!("the agent signs in as {}", credentials.user),
        Intent::SignInWithOrg => "the agent signs in with Salesforce".into(),
        Intent::SignOut => "the agent signs out".into(),
        Intent::Call => "the agent calls".into(),
        Intent::Answer(handle) => format!("the agent answers #{}", handle.number()),
        Intent::Decline { call, .. } => format!("the agent declines #{}", call.number()),
        Intent::HangUp(handle) => format!("the agent hangs up #{}", handle.number()),
        Intent::SetHeld { call, held } => format!("the agent {} #{}", if *held { "holds" } else { "resumes" }, call.number()),
        Intent::Transfer { call, number } => format!("the agent transfers #{} to {number}", call.number()),
        Intent::SetPresence(presence) => format!("the agent is {}", presence.word()),
        _ => return None,
    })
}
