//! The agent's words for what the SIP core reports as typed values: why a call or a
//! registration failed, why a command could not be carried out, why a frame was dropped.

use sip::message::reason_phrase;
use sip::{CallFailure, CommandError, DropReason, RegistrationFailure};

/// `486 Busy Here`: the status with its standard reason phrase.
fn status_text(status: u16) -> String {
    let phrase = reason_phrase(status);
    if phrase.is_empty() {
        status.to_string()
    } else {
        format!("{status} {phrase}")
    }
}

/// Why a call failed, for the agent.
pub(super) fn call_failure(failure: CallFailure) -> String {
    match failure {
        CallFailure::Refused { status: status @ (404 | 604) } => format!("The number does not exist or is not registered ({})", status_text(status)),
        CallFailure::Refused { status: status @ (401 | 403 | 407) } => format!("The PBX refused the call ({}): check your sign-in", status_text(status)),
        CallFailure::Refused { status } => format!("The call failed: {}", status_text(status)),
        CallFailure::Lost { status } => format!("The call was lost ({})", status_text(status)),
        CallFailure::NoResponse => "The PBX did not answer the call (timeout)".into(),
        CallFailure::ConnectionLost => "The connection to the PBX was lost while the call was being set up".into(),
        CallFailure::NotAcknowledged => "The caller's side never confirmed the call's setup".into(),
        CallFailure::RefreshUnanswered => "The PBX stopped answering during the call (session refresh timed out)".into(),
        CallFailure::SessionExpired => "The far end stopped refreshing the call (session timer expired)".into(),
        CallFailure::MissingAnswer => "The other side took the call without saying how to send its audio, so it was hung up".into(),
        CallFailure::EarlyAnswerChanged => "The other side changed its audio setup before answering, which is not allowed, so the call was cancelled".into(),
    }
}

/// Why registering `user` failed, for the agent.
pub(super) fn registration_failure(failure: &RegistrationFailure, user: &str) -> String {
    match failure {
        RegistrationFailure::Refused { status: status @ (401 | 403 | 407) } => format!("The PBX rejected the password for {user} ({status})"),
        RegistrationFailure::Refused { status: 404 } => format!("The PBX does not know the user {user} (404)"),
        RegistrationFailure::Refused { status: 423 } => format!("The PBX wants a longer registration than it accepts ({})", status_text(423)),
        RegistrationFailure::Refused { status } if *status >= 500 => {
            format!("The PBX could not register {user} right now ({}); try again in a moment", status_text(*status))
        }
        RegistrationFailure::Refused { status } => format!("The PBX refused to register {user} ({})", status_text(*status)),
        RegistrationFailure::ForeignRealm { realm, .. } => format!(
            "The PBX asked for the password of realm \"{}\" instead of the SIP domain {}, so the password was not used. Ask your admin to check the PBX and the SIP domain.",
            realm.offered, realm.expected
        ),
        RegistrationFailure::NoResponse => "The PBX did not answer the registration (timeout)".into(),
    }
}

/// Why a command to the SIP core was not carried out (a click that raced the call's end, say),
/// for the console.
pub(super) fn command_refused(error: CommandError) -> &'static str {
    match error {
        CommandError::UnknownCall => "that call is over",
        CommandError::WrongState => "the call is not in a state for that",
        CommandError::NothingPending => "nothing is waiting for that answer",
        CommandError::NotADigit => "not a keypad digit",
        CommandError::TransferPending => "a transfer of this call is already under way",
    }
}

/// Why a frame from the PBX was dropped, for the console.
pub(super) fn dropped(reason: &DropReason) -> String {
    match reason {
        DropReason::Malformed(e) => format!("Dropped a malformed SIP message: {} (at byte {})", e.kind.as_str(), e.offset),
        DropReason::UnmatchableResponse => "Dropped a SIP response without a Via branch or CSeq".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_worded_with_the_status_the_pbx_gave() {
        assert_eq!(registration_failure(&RegistrationFailure::Refused { status: 401 }, "1005"), "The PBX rejected the password for 1005 (401)");
        assert_eq!(call_failure(CallFailure::Refused { status: 404 }), "The number does not exist or is not registered (404 Not Found)");
        assert_eq!(call_failure(CallFailure::Refused { status: 499 }), "The call failed: 499");
        assert_eq!(
            registration_failure(&RegistrationFailure::Refused { status: 503 }, "1001"),
            "The PBX could not register 1001 right now (503 Service Unavailable); try again in a moment"
        );
    }
}
