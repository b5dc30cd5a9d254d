//! How the typed reasons a stored record carries are kept in browser storage: why a call failed
//! (its log's outcome) and why Salesforce did not take a log (a log waiting for Salesforce
//! outlives the page). Written as serde's derives would have (externally tagged enums), like the
//! rest of `stored`.
//!
//! An earlier version kept both already worded: a failure as its sentence, a CRM problem as
//! text. Those still read, as [`CallFailure::Worded`] and [`CrmProblem::Other`].

use crate::reasons::{CallFailure, CommandError, CrmProblem, MediaProblem, OfferRefusal, RelayProblem, SipCallFailure};
use crate::value::Value;

const COMMAND_ERRORS: [(CommandError, &str); 5] = [
    (CommandError::UnknownCall, "UnknownCall"),
    (CommandError::WrongState, "WrongState"),
    (CommandError::NothingPending, "NothingPending"),
    (CommandError::NotADigit, "NotADigit"),
    (CommandError::TransferPending, "TransferPending"),
];

const OFFER_REFUSALS: [(OfferRefusal, &str); 3] =
    [(OfferRefusal::Transport, "Transport"), (OfferRefusal::MediaFormat, "MediaFormat"), (OfferRefusal::Other, "Other")];

const SIP_FAILURES: [(SipCallFailure, &str); 7] = [
    (SipCallFailure::NoResponse, "NoResponse"),
    (SipCallFailure::ConnectionLost, "ConnectionLost"),
    (SipCallFailure::NotAcknowledged, "NotAcknowledged"),
    (SipCallFailure::RefreshUnanswered, "RefreshUnanswered"),
    (SipCallFailure::SessionExpired, "SessionExpired"),
    (SipCallFailure::MissingAnswer, "MissingAnswer"),
    (SipCallFailure::EarlyAnswerChanged, "EarlyAnswerChanged"),
];

fn name_in<T: PartialEq + Copy>(table: &[(T, &'static str)], value: T) -> Value {
    table.iter().find(|(v, _)| *v == value).map_or(Value::Null, |(_, name)| (*name).into())
}

fn named_in<T: Copy>(table: &[(T, &'static str)], name: &str) -> Option<T> {
    table.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
}

fn detail(name: &str, detail: &str) -> Value {
    Value::variant(name, Value::object([("detail", detail.into())]))
}

fn sip_to_value(failure: SipCallFailure) -> Value {
    match failure {
        SipCallFailure::Refused { status } => Value::variant("Refused", Value::object([("status", u32::from(status).into())])),
        SipCallFailure::Lost { status } => Value::variant("Lost", Value::object([("status", u32::from(status).into())])),
        plain => name_in(&SIP_FAILURES, plain),
    }
}

fn sip_from_value(v: &Value) -> Option<SipCallFailure> {
    let variant = v.as_variant()?;
    let status = || u16::try_from(variant.body.get("status").u32()?).ok();
    match variant.name {
        "Refused" => Some(SipCallFailure::Refused { status: status()? }),
        "Lost" => Some(SipCallFailure::Lost { status: status()? }),
        name => named_in(&SIP_FAILURES, name),
    }
}

fn relay_to_value(problem: &RelayProblem) -> Value {
    match problem {
        RelayProblem::NoOrgCredential => "NoOrgCredential".into(),
        RelayProblem::CredentialsUnavailable { detail: d } => detail("CredentialsUnavailable", d),
        RelayProblem::Refused { turn } => Value::variant("Refused", Value::object([("turn", turn.clone().into())])),
    }
}

fn relay_from_value(v: &Value) -> Option<RelayProblem> {
    let variant = v.as_variant()?;
    Some(match variant.name {
        "NoOrgCredential" => RelayProblem::NoOrgCredential,
        "CredentialsUnavailable" => RelayProblem::CredentialsUnavailable { detail: variant.body.get("detail").string()? },
        "Refused" => RelayProblem::Refused { turn: variant.body.get("turn").optional(Value::string)? },
        _ => return None,
    })
}

fn media_to_value(problem: &MediaProblem) -> Value {
    match problem {
        MediaProblem::MicrophoneBlocked { detail: d } => detail("MicrophoneBlocked", d),
        MediaProblem::PeerConnection { detail: d } => detail("PeerConnection", d),
        MediaProblem::NoRelay(relay) => Value::variant("NoRelay", relay_to_value(relay)),
        MediaProblem::Offer(refusal) => Value::variant("Offer", name_in(&OFFER_REFUSALS, *refusal)),
    }
}

fn media_from_value(v: &Value) -> Option<MediaProblem> {
    let variant = v.as_variant()?;
    let body = variant.body;
    Some(match variant.name {
        "MicrophoneBlocked" => MediaProblem::MicrophoneBlocked { detail: body.get("detail").string()? },
        "PeerConnection" => MediaProblem::PeerConnection { detail: body.get("detail").string()? },
        "NoRelay" => MediaProblem::NoRelay(relay_from_value(body)?),
        "Offer" => MediaProblem::Offer(named_in(&OFFER_REFUSALS, body.as_str()?)?),
        _ => return None,
    })
}

impl CallFailure {
    pub fn to_value(&self) -> Value {
        match self {
            CallFailure::Sip(failure) => Value::variant("Sip", sip_to_value(*failure)),
            CallFailure::Media(problem) => Value::variant("Media", media_to_value(problem)),
            CallFailure::Command(error) => Value::variant("Command", name_in(&COMMAND_ERRORS, *error)),
            CallFailure::TransferFromGone => "TransferFromGone".into(),
            CallFailure::DialogNotKept => "DialogNotKept".into(),
            CallFailure::NotRejoinedInTime => "NotRejoinedInTime".into(),
            // Kept as it was read: a string, where an earlier version wrote one.
            CallFailure::Worded(text) => text.as_str().into(),
        }
    }

    /// A failure as stored: typed, or the sentence an earlier version wrote.
    pub fn from_value(v: &Value) -> Option<CallFailure> {
        if let Some(text) = v.as_str().filter(|name| !matches!(*name, "TransferFromGone" | "DialogNotKept" | "NotRejoinedInTime")) {
            return Some(CallFailure::Worded(text.to_owned()));
        }
        let variant = v.as_variant()?;
        let body = variant.body;
        Some(match variant.name {
            "Sip" => CallFailure::Sip(sip_from_value(body)?),
            "Media" => CallFailure::Media(media_from_value(body)?),
            "Command" => CallFailure::Command(named_in(&COMMAND_ERRORS, body.as_str()?)?),
            "TransferFromGone" => CallFailure::TransferFromGone,
            "DialogNotKept" => CallFailure::DialogNotKept,
            "NotRejoinedInTime" => CallFailure::NotRejoinedInTime,
            _ => return None,
        })
    }
}

impl CrmProblem {
    pub fn to_value(&self) -> Value {
        let asked_detail = |name, asked: &str, detail: &str| Value::variant(name, Value::object([("asked", asked.into()), ("detail", detail.into())]));
        match self {
            CrmProblem::NoAnswer { asked, after_s } => {
                Value::variant("NoAnswer", Value::object([("asked", asked.as_str().into()), ("after_s", (*after_s).into())]))
            }
            CrmProblem::Refused { asked, detail } => asked_detail("Refused", asked, detail),
            CrmProblem::Unreadable { asked, detail } => asked_detail("Unreadable", asked, detail),
            CrmProblem::Other { detail: d } => detail("Other", d),
        }
    }

    /// A problem as stored: typed, or the text an earlier version kept (the CRM's own words).
    pub fn from_value(v: &Value) -> Option<CrmProblem> {
        if let Some(text) = v.as_str() {
            return Some(CrmProblem::Other { detail: text.to_owned() });
        }
        let variant = v.as_variant()?;
        let body = variant.body;
        Some(match variant.name {
            "NoAnswer" => CrmProblem::NoAnswer { asked: body.get("asked").string()?, after_s: body.get("after_s").u32()? },
            "Refused" => CrmProblem::Refused { asked: body.get("asked").string()?, detail: body.get("detail").string()? },
            "Unreadable" => CrmProblem::Unreadable { asked: body.get("asked").string()?, detail: body.get("detail").string()? },
            "Other" => CrmProblem::Other { detail: body.get("detail").string()? },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_json;

    #[test]
    fn a_failed_calls_reason_survives_storage() {
        for failure in [
            CallFailure::Sip(SipCallFailure::Refused { status: 404 }),
            CallFailure::Sip(SipCallFailure::NoResponse),
            CallFailure::Media(MediaProblem::Offer(OfferRefusal::MediaFormat)),
            CallFailure::Media(MediaProblem::MicrophoneBlocked { detail: "NotAllowedError".into() }),
            CallFailure::Media(MediaProblem::NoRelay(RelayProblem::Refused { turn: Some("turn:a".into()) })),
            CallFailure::Command(CommandError::WrongState),
            CallFailure::NotRejoinedInTime,
            CallFailure::Worded("The PBX refused the call (404).".into()),
        ] {
            assert_eq!(CallFailure::from_value(&failure.to_value()), Some(failure));
        }
    }

    #[test]
    fn a_failure_and_a_crm_error_an_earlier_version_kept_as_text_read_as_those_words() {
        assert_eq!(CallFailure::from_value(&parse_json(r#""No route""#)), Some(CallFailure::Worded("No route".into())));
        assert_eq!(CrmProblem::from_value(&parse_json(r#""Salesforce did not answer""#)), Some(CrmProblem::Other { detail: "Salesforce did not answer".into() }));
        let problem = CrmProblem::NoAnswer { asked: "saveLog".into(), after_s: 10 };
        assert_eq!(CrmProblem::from_value(&problem.to_value()), Some(problem));
    }
}
