//! What the controller asks Open CTI for an incoming call's screen pop, and how Salesforce's
//! payloads become the CRM records a call is attached to. Pure functions: unit-tested natively.

use std::collections::BTreeMap;

use crate::opencti::{AppViewInfo, CallType, CallTypeLayout, ClickToDial, OpenCtiError, Search, SearchMatch, SearchResult, SoftphoneLayout};
use crate::phone::pop_measure::PopOutcome;
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

/// What Salesforce's answer to `searchAndScreenPop` came to. Whether "no match" opened a
/// new-record form is the softphone layout's rule (read at start; unknown when it could not be
/// read, then counted as no match). Open CTI's callback timeout is the pop's timeout.
pub fn outcome(answer: &Result<SearchResult, OpenCtiError>, layout: Option<&SoftphoneLayout>, direction: CallDirection) -> PopOutcome {
    match answer {
        Ok(found) => PopOutcome::of_search(found.matches.len(), no_match_opens_form(layout, direction)),
        Err(OpenCtiError::TimedOut { .. }) => PopOutcome::TimedOut,
        Err(_) => PopOutcome::Failed,
    }
}

/// Whether the layout's rule for no match is "pop to new <object>" (`PopToEntity`; Open CTI
/// documents its `screenPopData` as the object's name) for this kind of call.
fn no_match_opens_form(layout: Option<&SoftphoneLayout>, direction: CallDirection) -> bool {
    let Some(layout) = layout else { return false };
    let rules: Option<&CallTypeLayout> = match direction {
        CallDirection::Inbound => layout.inbound.as_ref(),
        CallDirection::Outbound => layout.outbound.as_ref(),
        CallDirection::Internal => layout.internal.as_ref(),
    };
    rules
        .and_then(|r| r.screen_pop_settings.as_ref())
        .and_then(|s| s.no_match.as_ref())
        .and_then(|rule| rule.screen_pop_type.as_deref())
        == Some("PopToEntity")
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
    use crate::opencti::{PopRule, ScreenPopSettings};

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

    fn layout(inbound_no_match: &str) -> SoftphoneLayout {
        let rules = |no_match: &str| CallTypeLayout {
            screen_pop_settings: Some(ScreenPopSettings {
                no_match: Some(PopRule { screen_pop_type: Some(no_match.into()), screen_pop_data: Some("Contact".into()) }),
                ..ScreenPopSettings::default()
            }),
            ..CallTypeLayout::default()
        };
        SoftphoneLayout { inbound: Some(rules(inbound_no_match)), outbound: None, internal: Some(rules("DoNotPop")) }
    }

    fn found(n: usize) -> Result<SearchResult, OpenCtiError> {
        Ok(SearchResult { matches: vec![SearchMatch::default(); n], has_screen_pop_data: n > 1 })
    }

    #[test]
    fn the_pop_outcome_follows_the_matches_and_the_layouts_rule_for_no_match() {
        let pops_new = layout("PopToEntity");
        let inbound = CallDirection::Inbound;
        assert_eq!(outcome(&found(1), Some(&pops_new), inbound), PopOutcome::OneMatch);
        assert_eq!(outcome(&found(2), Some(&pops_new), inbound), PopOutcome::SeveralMatches);
        assert_eq!(outcome(&found(0), Some(&pops_new), inbound), PopOutcome::NewRecord);
        assert_eq!(outcome(&found(0), Some(&pops_new), CallDirection::Internal), PopOutcome::NoMatch);
        assert_eq!(outcome(&found(0), Some(&layout("DoNotPop")), inbound), PopOutcome::NoMatch);
        assert_eq!(outcome(&found(0), Some(&layout("PopToFlow")), inbound), PopOutcome::NoMatch);
        assert_eq!(outcome(&found(0), None, inbound), PopOutcome::NoMatch, "layout unknown");
    }

    #[test]
    fn a_pop_salesforce_refused_failed_and_one_it_never_answered_timed_out() {
        let refused = Err(OpenCtiError::Failed { method: "searchAndScreenPop", errors: Vec::new() });
        assert_eq!(outcome(&refused, None, CallDirection::Inbound), PopOutcome::Failed);
        let odd = Err(OpenCtiError::Malformed { method: "searchAndScreenPop", detail: "a list".into() });
        assert_eq!(outcome(&odd, None, CallDirection::Inbound), PopOutcome::Failed);
        let silent = Err(OpenCtiError::TimedOut { method: "searchAndScreenPop", after_ms: 10_000 });
        assert_eq!(outcome(&silent, None, CallDirection::Inbound), PopOutcome::TimedOut);
        // The phone's pop timeout is Open CTI's callback timeout: a later answer never arrives.
        assert_eq!(u64::from(crate::opencti::DEFAULT_TIMEOUT_MS), crate::phone::pop_measure::POP_TIMEOUT_MS);
    }

    #[test]
    fn payloads_without_an_id_name_no_record() {
        assert_eq!(clicked_record(&ClickToDial::default()), None);
        assert_eq!(viewed_record(&AppViewInfo { record_id: Some(String::new()), ..AppViewInfo::default() }), None);
        let found = SearchMatch { id: Some("003x".into()), name: Some("Ada".into()), record_type: Some("Contact".into()) };
        assert_eq!(matched_record(&found).and_then(|r| r.who_id().map(str::to_owned)), Some("003x".into()));
    }
}
