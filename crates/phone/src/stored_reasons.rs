//! How a call's failure is kept in browser storage with its log (a log waiting for Salesforce
//! outlives the page). The SIP core has no serde: the shapes of its types are declared here,
//! as serde's derive would write them (externally tagged enums).

/// `#[serde(with = "crate::stored_reasons::call_failure")]` for a [`CallFailure`].
pub mod call_failure {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::reasons::{CallFailure, CommandError, MediaProblem, OfferRefusal, RelayProblem, SipCallFailure};

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "SipCallFailure")]
    enum SipDef {
        Refused { status: u16 },
        Lost { status: u16 },
        NoResponse,
        ConnectionLost,
        NotAcknowledged,
        RefreshUnanswered,
        SessionExpired,
        MissingAnswer,
        EarlyAnswerChanged,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "CommandError")]
    enum CommandDef {
        UnknownCall,
        WrongState,
        NothingPending,
        NotADigit,
        TransferPending,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "OfferRefusal")]
    enum OfferDef {
        Transport,
        MediaFormat,
        Other,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "RelayProblem")]
    enum RelayDef {
        NoOrgCredential,
        CredentialsUnavailable { detail: String },
        Refused { turn: Option<String> },
    }

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "MediaProblem")]
    enum MediaDef {
        MicrophoneBlocked { detail: String },
        PeerConnection { detail: String },
        NoRelay(#[serde(with = "RelayDef")] RelayProblem),
        Offer(#[serde(with = "OfferDef")] OfferRefusal),
    }

    #[derive(Serialize, Deserialize)]
    #[serde(remote = "CallFailure")]
    enum FailureDef {
        Sip(#[serde(with = "SipDef")] SipCallFailure),
        Media(#[serde(with = "MediaDef")] MediaProblem),
        Command(#[serde(with = "CommandDef")] CommandError),
        TransferFromGone,
        DialogNotKept,
        NotRejoinedInTime,
    }

    pub fn serialize<S: Serializer>(failure: &CallFailure, serializer: S) -> Result<S::Ok, S::Error> {
        FailureDef::serialize(failure, serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<CallFailure, D::Error> {
        FailureDef::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use crate::log::Unanswered;
    use crate::reasons::{CallFailure, MediaProblem, OfferRefusal, SipCallFailure};

    #[test]
    fn a_failed_calls_reason_survives_storage() {
        for failure in [
            CallFailure::Sip(SipCallFailure::Refused { status: 404 }),
            CallFailure::Media(MediaProblem::Offer(OfferRefusal::MediaFormat)),
            CallFailure::Media(MediaProblem::MicrophoneBlocked { detail: "NotAllowedError".into() }),
            CallFailure::NotRejoinedInTime,
        ] {
            let stored = serde_json::to_string(&Unanswered::Failed(failure.clone())).expect("writes");
            assert_eq!(serde_json::from_str::<Unanswered>(&stored).expect("reads"), Unanswered::Failed(failure), "{stored}");
        }
    }
}
