//! The phone's event log: one line for each thing that happened worth a line to support, with
//! the call's Call-ID where the phone knows it (the SIP messages carry the same, and say what
//! the agent did: the REGISTER, INVITE, BYE...). What the agent typed is never logged.

use crate::phone::{Event, OrgRefusal, Phone};
use crate::words;

/// The line `event` makes, if any (the audio figures every second are the statistics' job).
pub fn event_line(phone: &Phone, event: &Event) -> Option<String> {
    let call = |handle| phone.call(handle).and_then(|c| c.call_id().map(str::to_owned)).map_or_else(|| format!("#{}", handle.number()), |id| format!("#{} ({id})", handle.number()));
    Some(match event {
        Event::Registered => "registered at the PBX".into(),
        Event::RegistrationFailed(why) => format!("registration failed: {}", words::registration_failure(why, phone.agent_user().unwrap_or_default())),
        Event::ConnectionLost { problem, retry_in_s } => {
            format!("connection lost: {}", words::reconnecting(problem, *retry_in_s, phone.agent_user().unwrap_or_default()))
        }
        Event::CredentialsGranted(grant) => format!("Salesforce signed in extension {}", grant.extension),
        Event::CredentialsRefused(OrgRefusal::PbxRefused(failure)) => {
            format!("the PBX refused Salesforce's credentials: {}", words::registration_failure(failure, phone.agent_user().unwrap_or_default()))
        }
        Event::CredentialsRefused(why) => format!("Salesforce gave no credentials: {}", words::org_refusal(why)),
        Event::IncomingCall { call_id, number, .. } => format!("incoming call from {number} ({call_id})"),
        Event::OutgoingCallStarted { call: handle, call_id } => format!("call #{} placed ({call_id})", handle.number()),
        Event::CallConnected { call: handle } => format!("call {} connected", call(*handle)),
        Event::CallEnded { call: handle, reason } => format!("call {} ended: {}", call(*handle), words::end_reason(reason)),
        Event::CallFailed { call: handle, reason } => format!("call {} failed: {}", call(*handle), words::call_failure(reason)),
        Event::PopAnswered { call: handle, outcome } => format!("call {}: screen pop {}", call(*handle), outcome.as_str()),
        Event::LogSaved { id, record_id } => format!("call log {id} saved as {record_id}"),
        Event::LogFailed { id, reason } | Event::LogTimedOut { id, reason } | Event::LogRejected { id, reason, .. } => format!("call log {id} not saved: {}", words::crm_problem(reason)),
        Event::PackageDetected(package) => format!("org package: {package:?}"),
        _ => return None,
    })
}
