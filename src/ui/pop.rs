//! What the controller asks Open CTI for an incoming call's screen pop, and how Salesforce's
//! payloads become the CRM records a call is attached to. Pure functions: unit-tested natively.

use std::collections::BTreeMap;

use crate::opencti::{AppViewInfo, CallType, ClickToDial, Search, SearchMatch};
use crate::phone::{CallDirection, RecordRef};

/// The softphone layout's rules to apply: Salesforce has one set per kind of call.
pub fn call_type(direction: CallDirection) -> CallType {
    match direction {
        CallDirection::Inbound => CallType::Inbound,
        CallDirection::Outbound => CallType::Outbound,
        CallDirection::Internal => CallType::Internal,
    }
}

/// `searchAndScreenPop` for a ringing call from `number` (as the PBX presented it). When nothing
/// matches and the layout pops a new record, Salesforce prefills it with `defaultFieldValues`:
/// the caller's number goes in Phone (Salesforce fills nothing by itself).
pub fn caller_search(number: &str, direction: CallDirection) -> Search {
    Search {
        search_params: number.to_owned(),
        query_params: String::new(),
        default_field_values: BTreeMap::from([("Phone".to_owned(), number.to_owned())]),
        call_type: call_type(direction),
        deferred: false,
    }
}

/// The record a number was clicked on. For a person account the call is with the contact behind
/// it (`contactId`), which the payload names when `personAccount` is true.
pub fn clicked_record(click: &ClickToDial) -> Option<RecordRef> {
    let person_contact = person_contact(click.person_account, click.contact_id.as_deref());
    record(click.record_id.as_deref(), click.record_name.as_deref(), click.object_type.as_deref(), person_contact)
}

/// The record the agent is looking at, person accounts included.
pub fn viewed_record(view: &AppViewInfo) -> Option<RecordRef> {
    let person_contact = person_contact(view.person_account, view.contact_id.as_deref());
    record(view.record_id.as_deref(), view.record_name.as_deref(), view.object_type.as_deref(), person_contact)
}

/// A record `searchAndScreenPop` found.
pub fn matched_record(found: &SearchMatch) -> Option<RecordRef> {
    record(found.id.as_deref(), found.name.as_deref(), found.record_type.as_deref(), None)
}

fn person_contact(person_account: Option<bool>, contact_id: Option<&str>) -> Option<String> {
    contact_id.filter(|id| person_account == Some(true) && !id.is_empty()).map(str::to_owned)
}

/// A CRM record from Salesforce's optional fields: none without an Id.
fn record(id: Option<&str>, name: Option<&str>, object_type: Option<&str>, person_contact_id: Option<String>) -> Option<RecordRef> {
    let id = id.filter(|id| !id.is_empty())?;
    Some(RecordRef {
        id: id.to_owned(),
        name: name.unwrap_or_default().to_owned(),
        object_type: object_type.unwrap_or_default().to_owned(),
        person_contact_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pop_uses_the_call_type_of_the_call_and_prefills_the_number_as_received() {
        let outside = caller_search("+1 (415) 555-0100", CallDirection::Inbound);
        assert_eq!(outside.call_type, CallType::Inbound);
        assert_eq!(outside.search_params, "+1 (415) 555-0100");
        assert_eq!(outside.default_field_values.get("Phone").map(String::as_str), Some("+1 (415) 555-0100"));
        assert!(!outside.deferred);
        assert_eq!(caller_search("1002", CallDirection::Internal).call_type, CallType::Internal);
        assert_eq!(call_type(CallDirection::Outbound), CallType::Outbound);
    }

    fn click(person_account: Option<bool>) -> ClickToDial {
        ClickToDial {
            number: Some("(757) 555-0161".into()),
            record_id: Some("001000000000003AAA".into()),
            record_name: Some("Mary Jackson".into()),
            object_type: Some("Account".into()),
            account_id: Some("001000000000003AAA".into()),
            contact_id: Some("003000000000006AAA".into()),
            person_account,
            params: None,
        }
    }

    #[test]
    fn a_person_account_is_a_person_whose_calls_are_with_its_contact() {
        let record = clicked_record(&click(Some(true))).expect("a record");
        assert_eq!(record.id, "001000000000003AAA");
        assert_eq!(record.who_id(), Some("003000000000006AAA"));
        assert_eq!(record.what_id(), None);
        // A business account (or an org without person accounts) stays what the call was about.
        for flag in [Some(false), None] {
            let record = clicked_record(&click(flag)).expect("a record");
            assert_eq!((record.who_id(), record.what_id()), (None, Some("001000000000003AAA")));
        }
    }

    #[test]
    fn payloads_without_an_id_name_no_record() {
        assert_eq!(clicked_record(&ClickToDial::default()), None);
        assert_eq!(viewed_record(&AppViewInfo { record_id: Some(String::new()), ..AppViewInfo::default() }), None);
        let found = SearchMatch { id: Some("003x".into()), name: Some("Ada".into()), record_type: Some("Contact".into()) };
        assert_eq!(matched_record(&found).and_then(|r| r.who_id().map(str::to_owned)), Some("003x".into()));
    }
}
