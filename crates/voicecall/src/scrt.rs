//! The Telephony Integration REST API as the service uses it: the HTTP form of each request
//! and the reading of its answer. Salesforce Voice Developer Guide: "Create a Voice Call
//! Record" (POST /telephony/v1/voiceCalls) and "Update a Voice Call Record" (PATCH
//! /telephony/v1/voiceCalls/{CALL ID}, where CALL ID may be the vendor call key).

use callcenter_settings::date::Date;
use serde_json::json;

use crate::calls::{Answer, Request, RequestKind};
use crate::facts::CallStart;

/// The org and contact center the service creates VoiceCalls for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant {
    /// `https://MyDomain.my.salesforce-scrt.com`, without a trailing slash.
    pub base_url: String,
    /// The org's 15- or 18-character Id: the JWT's issuer.
    pub org_id: String,
    /// The contact center's API name (its `reqInternalName`): the JWT's subject and
    /// `callCenterApiName`.
    pub contact_center: String,
}

/// Sent in the `Telephony-Provider-Name` header.
pub const PROVIDER_NAME: &str = "rust-softphone";
const API_PATH: &str = "/telephony/v1/voiceCalls";

/// A request ready for the wire, but for its bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    /// Absolute path below the tenant's base URL's origin.
    pub path: String,
    pub body: Vec<u8>,
}

/// The HTTP form of `request`.
pub fn http_request(tenant: &Tenant, request: &Request) -> HttpRequest {
    match &request.kind {
        RequestKind::Create(start) => HttpRequest { method: "POST", path: API_PATH.to_owned(), body: create_body(tenant, start).to_string().into_bytes() },
        RequestKind::Reconcile { start, end } => {
            let body = json!({
                "startTime": iso_time(start.started_at_ms),
                "endTime": iso_time(end.ended_at_ms),
                "fromNumber": start.from.as_str(),
            });
            HttpRequest { method: "PATCH", path: format!("{API_PATH}/{}", percent_encode(start.call_id.as_str())), body: body.to_string().into_bytes() }
        }
    }
}

fn create_body(tenant: &Tenant, start: &CallStart) -> serde_json::Value {
    json!({
        "callCenterApiName": tenant.contact_center,
        "vendorCallKey": start.call_id.as_str(),
        "to": start.to.as_str(),
        "from": start.from.as_str(),
        "initiationMethod": "Inbound",
        "startTime": iso_time(start.started_at_ms),
        "participants": [{ "participantKey": start.from.as_str(), "type": "END_USER" }],
    })
}

/// What a 2xx create body says: `{"voiceCallId": "0LQ..."}`.
pub fn read_created(body: &[u8]) -> Answer {
    let id = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v.get("voiceCallId").and_then(|i| i.as_str()).map(str::to_owned));
    match id {
        Some(voice_call_id) if is_record_id(&voice_call_id) => Answer::Created { voice_call_id },
        _ => Answer::Unreadable,
    }
}

/// A Salesforce record Id: 15 or 18 letters and digits.
pub fn is_record_id(id: &str) -> bool {
    matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `2026-12-07T14:01:02.345Z` for Unix milliseconds.
pub fn iso_time(ms: u64) -> String {
    let secs = ms / 1000;
    let day = Date::from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX));
    let second_of_day = secs % 86_400;
    format!("{day}T{:02}:{:02}:{:02}.{:03}Z", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60, ms % 1000)
}

/// Everything but RFC 3986's unreserved characters, percent-encoded (a Call-ID may hold `/`,
/// `?` or `%`).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::RequestId;
    use crate::facts::{CallEnd, CallId, Number};

    fn start() -> CallStart {
        CallStart {
            call_id: CallId::parse("a/b?c@pbx.example").unwrap(),
            from: Number::parse("from", "+14155550100").unwrap(),
            to: Number::parse("to", "+18005550199").unwrap(),
            started_at_ms: 1_795_946_520_042,
        }
    }

    fn tenant() -> Tenant {
        Tenant { base_url: "https://acme.my.salesforce-scrt.com".into(), org_id: "00D000000000001AAA".into(), contact_center: "RustSoftphoneVoice".into() }
    }

    #[test]
    fn a_create_names_the_contact_center_the_call_id_and_both_numbers() {
        let r = http_request(&tenant(), &Request { id: RequestId(1), kind: RequestKind::Create(start()) });
        assert_eq!((r.method, r.path.as_str()), ("POST", "/telephony/v1/voiceCalls"));
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            body,
            json!({
                "callCenterApiName": "RustSoftphoneVoice",
                "vendorCallKey": "a/b?c@pbx.example",
                "to": "+18005550199",
                "from": "+14155550100",
                "initiationMethod": "Inbound",
                "startTime": "2026-11-29T10:02:00.042Z",
                "participants": [{ "participantKey": "+14155550100", "type": "END_USER" }],
            })
        );
    }

    #[test]
    fn a_reconciliation_is_keyed_by_the_vendor_call_key_in_the_path() {
        let end = CallEnd { call_id: start().call_id, ended_at_ms: 1_795_946_580_000 };
        let r = http_request(&tenant(), &Request { id: RequestId(2), kind: RequestKind::Reconcile { start: start(), end } });
        assert_eq!((r.method, r.path.as_str()), ("PATCH", "/telephony/v1/voiceCalls/a%2Fb%3Fc%40pbx.example"));
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body, json!({ "startTime": "2026-11-29T10:02:00.042Z", "endTime": "2026-11-29T10:03:00.000Z", "fromNumber": "+14155550100" }));
    }

    #[test]
    fn only_a_record_id_counts_as_created() {
        assert_eq!(read_created(br#"{"voiceCallId":"0LQ5g000000ABCDGA4"}"#), Answer::Created { voice_call_id: "0LQ5g000000ABCDGA4".into() });
        for body in [&br#"{}"#[..], b"not json", br#"{"voiceCallId":"<script>"}"#, br#"{"voiceCallId":42}"#] {
            assert_eq!(read_created(body), Answer::Unreadable);
        }
    }
}
