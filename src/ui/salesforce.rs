//! What Salesforce's own names mean to the phone, and back: its error codes (a refusal that will
//! not pass, told apart from one that may), its answers as the phone's typed problems, and the
//! SLDS icon of each utility-item state. The phone knows none of these names.

use crate::opencti::OpenCtiError;
use crate::phone::reasons::CrmProblem;
use crate::phone::{Icon, Rejection};

/// The org package's Task fields (see `task_facts`); a refusal naming one is about them.
pub const PACKAGE_FIELDS: [&str; 9] = [
    "Softphone_Pop_Outcome__c",
    "Softphone_Pop_Latency_Ms__c",
    "Softphone_Log_Attempts__c",
    "Softphone_Outcome__c",
    "Softphone_MOS__c",
    "Softphone_Jitter_Ms__c",
    "Softphone_Loss_Percent__c",
    "Softphone_Round_Trip_Ms__c",
    "Softphone_Call_Center__c",
];

/// A permanent refusal read from Salesforce's error codes (or texts that carry them).
pub fn rejection_in(errors: &str) -> Option<Rejection> {
    const RELATED: [&str; 5] = [
        "FIELD_INTEGRITY_EXCEPTION",
        "INVALID_CROSS_REFERENCE_KEY",
        "INVALID_ID_FIELD",
        "ENTITY_IS_DELETED",
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
    ];
    if PACKAGE_FIELDS.iter().any(|field| errors.contains(field)) {
        Some(Rejection::PackageFields)
    } else if errors.contains("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") {
        Some(Rejection::Disposition)
    } else if RELATED.iter().any(|code| errors.contains(code)) {
        Some(Rejection::RelatedRecord)
    } else {
        None
    }
}

/// What an Open CTI call's failure is to the phone.
pub fn problem(error: &OpenCtiError) -> CrmProblem {
    match error {
        OpenCtiError::TimedOut { method, after_ms } => CrmProblem::NoAnswer { asked: (*method).into(), after_s: after_ms / 1000 },
        OpenCtiError::Failed { method, errors } => {
            let said: Vec<String> = errors
                .iter()
                .map(|e| {
                    let what = if e.description.is_empty() { &e.code } else { &e.description };
                    if e.details.is_empty() {
                        what.clone()
                    } else {
                        format!("{what} ({})", e.details)
                    }
                })
                .collect();
            CrmProblem::Refused { asked: (*method).into(), detail: said.join("; ") }
        }
        OpenCtiError::Malformed { method, detail } => CrmProblem::Unreadable { asked: (*method).into(), detail: detail.clone() },
        other => CrmProblem::Other { detail: other.to_string() },
    }
}

/// The SLDS utility icon of the utility item.
pub fn icon(icon: Icon) -> &'static str {
    match icon {
        Icon::Busy => "ban",
        Icon::Away => "away",
        Icon::Offline => "offline",
        Icon::Warning => "warning",
        Icon::IncomingCall => "incoming_call",
        Icon::OnCall => "end_call",
        _ => "call",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opencti::ErrorDetail;

    #[test]
    fn salesforce_error_codes_tell_permanent_refusals_from_passing_trouble() {
        assert_eq!(rejection_in("FIELD_INTEGRITY_EXCEPTION What ID: id value of incorrect type"), Some(Rejection::RelatedRecord));
        assert_eq!(rejection_in("INVALID_CROSS_REFERENCE_KEY invalid cross reference id"), Some(Rejection::RelatedRecord));
        assert_eq!(rejection_in("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST Call Result: bad value"), Some(Rejection::Disposition));
        assert_eq!(rejection_in("UNABLE_TO_LOCK_ROW"), None);
        assert_eq!(rejection_in("Salesforce did not answer"), None);
    }

    #[test]
    fn an_org_without_the_package_fields_is_recognised_by_its_refusal() {
        // An org with an earlier package version: the Apex class answers, the fields do not exist.
        let refusal = "INVALID_FIELD No such column 'Softphone_Pop_Outcome__c' on entity 'Task'.";
        assert_eq!(rejection_in(refusal), Some(Rejection::PackageFields));
    }

    #[test]
    fn a_refusal_keeps_what_salesforce_said() {
        let errors = vec![ErrorDetail { code: "UNABLE_TO_LOCK_ROW".into(), description: "unable to obtain exclusive access".into(), details: String::new() }];
        let problem = problem(&OpenCtiError::Failed { method: "saveLog", errors });
        assert_eq!(problem, CrmProblem::Refused { asked: "saveLog".into(), detail: "unable to obtain exclusive access".into() });
        let late = super::problem(&OpenCtiError::TimedOut { method: "runApex", after_ms: 10_000 });
        assert_eq!(late, CrmProblem::NoAnswer { asked: "runApex".into(), after_s: 10 });
    }
}
