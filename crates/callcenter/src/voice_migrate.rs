//! `callcenter migrate --to salesforce-voice`: an Open CTI Call Center definition (this
//! softphone's, another vendor's, or a legacy desktop adapter's) becomes the contact center file
//! of Salesforce Voice with Partner Telephony (imported in Setup > Partner Telephony Contact
//! Centers) carrying the connector's settings, with a report of what does not carry over.

use crate::contact_center::{service_origin, VENDOR_INFO_KEY, VOICE_CALL_SERVICE_ITEM};
use crate::definition::Definition;
use crate::migrate::{changes_report, dropped, kind, Change, Kind, MigrateError};
use crate::settings::{is_pbx_url, is_sip_domain, DEFAULT_HOME_COUNTRY, DEFAULT_MAX_CALLS, DEFAULT_REGISTER_EXPIRES, SECTION};
use crate::validate::{check_internal_name, Diagnostic, Severity};

/// The ConversationVendorInfo the voice org package installs (`org/voice`).
pub const DEFAULT_VENDOR_INFO: &str = "Rust_Softphone";

/// What the admin asks of the move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoiceOptions {
    /// The VoiceCall service's lookup address (`https://host[:port]`).
    pub voice_call_service: String,
    /// The ConversationVendorInfo's API name (`ns__Name` in a namespaced package).
    pub vendor_info: Option<String>,
    /// The contact center's internal name; when empty, the old one with `_Voice` appended.
    pub internal_name: Option<String>,
    /// PBX WebSocket URLs when the old definition has none of this softphone's.
    pub pbx_urls: Vec<String>,
    /// The SIP domain when the old definition has none.
    pub sip_domain: Option<String>,
    /// The PEM certificate of the VoiceCall service's signing key, when known.
    pub certificate: Option<String>,
}

/// The contact center file and the report of what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceMigration {
    pub definition: Definition,
    pub changes: Vec<Change>,
    pub from_kind: Kind,
    pub old_internal_name: String,
}

/// This softphone's items that mean nothing with Salesforce Voice, and why.
const OPEN_CTI_ITEMS: [(&str, &str); 3] = [
    ("openCtiApiVersion", "there is no Open CTI script: Salesforce loads the connector page from the ConversationVendorInfo"),
    ("wrapUpDispositions", "Omni-Channel's after-conversation work replaces the softphone's wrap-up: dispositions become VoiceCall fields filled in a flow or Voice Extension"),
    ("wrapUpSeconds", "Omni-Channel's after-conversation work has its own time limit (the presence configuration)"),
];

/// Builds the contact center file from `old`, which is never modified (it is the rollback).
pub fn to_salesforce_voice(old: &Definition, options: &VoiceOptions) -> Result<VoiceMigration, MigrateError> {
    service_origin(&options.voice_call_service).map_err(|why| MigrateError(format!("--voicecall-url {why}")))?;
    let from_kind = kind(old);
    let old_name = old.value("reqGeneralInfo", "reqInternalName").to_owned();
    let internal_name = match &options.internal_name {
        Some(name) => name.clone(),
        None if old_name.is_empty() => "RustSoftphoneVoice".to_owned(),
        None => format!("{}_Voice", old_name.trim_end_matches('_')),
    };
    check_internal_name(&internal_name).map_err(|why| MigrateError(format!("the contact center's internal name {why}")))?;
    let vendor_info = options.vendor_info.clone().unwrap_or_else(|| DEFAULT_VENDOR_INFO.to_owned());
    if !is_vendor_api_name(&vendor_info) {
        return Err(MigrateError(format!("--vendor-info {vendor_info:?} is not an API name (Name or ns__Name)")));
    }
    let mut b = Builder { old, new: Definition::default(), changes: Vec::new() };
    b.general(&internal_name, &vendor_info);
    b.hvcc(options.certificate.as_deref());
    b.dialing();
    b.ours(options)?;
    b.rest_dropped();
    b.new.renumber();
    Ok(VoiceMigration { definition: b.new, changes: b.changes, from_kind, old_internal_name: old_name })
}

fn is_vendor_api_name(name: &str) -> bool {
    let (namespace, local) = name.split_once("__").unwrap_or(("", name));
    let api = |s: &str| s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !s.ends_with('_');
    api(local) && (namespace.is_empty() || api(namespace)) && !local.contains("__")
}

struct Builder<'a> {
    old: &'a Definition,
    new: Definition,
    changes: Vec<Change>,
}

impl Builder<'_> {
    fn put(&mut self, section: (&str, &str), item: (&str, &str), value: &str, why: &str) {
        let key = format!("/{}/{}", section.0, item.0);
        let from = self.old.item(section.0, item.0).map(|i| i.value.clone());
        self.changes.push(if from.as_deref() == Some(value) {
            Change::Kept { key, value: value.to_owned() }
        } else {
            Change::Changed { key, from, to: value.to_owned(), why: why.to_owned() }
        });
        self.new.set(section.0, item.0, value);
        if let Some(s) = self.new.sections.iter_mut().find(|s| s.name == section.0) {
            s.label = section.1.to_owned();
            if let Some(i) = s.items.iter_mut().find(|i| i.name == item.0) {
                i.label = item.1.to_owned();
            }
        }
    }

    fn general(&mut self, internal_name: &str, vendor_info: &str) {
        const G: (&str, &str) = ("reqGeneralInfo", "General Information");
        let display = self.old.value("reqGeneralInfo", "reqDisplayName");
        let display = if display.is_empty() { internal_name.to_owned() } else { display.to_owned() };
        self.put(G, ("reqInternalName", "InternalName"), internal_name, "a new name, so the Open CTI call center stays as it is (the rollback)");
        self.put(G, ("reqDisplayName", "Display Name"), &display, "Salesforce requires a display name");
        self.put(G, ("reqVendorInfoApiName", "Conversation Vendor Info Developer Name"), vendor_info, "links the contact center to the connector the voice package installs");
        let why = |name: &str| match name {
            "reqAdapterUrl" => "Salesforce loads the connector from the ConversationVendorInfo's connectorUrl, not from the contact center",
            "reqUseApi" | "reqSalesforceCompatibilityMode" => "an Open CTI switch: Salesforce Voice needs none",
            "reqSoftphoneHeight" | "reqSoftphoneWidth" => "Omni-Channel draws the softphone panel; its size is not the connector's",
            "reqStandbyUrl" | "reqTimeout" => "no standby adapter with Salesforce Voice",
            _ => "not an item Salesforce Voice reads",
        };
        let old = self.old;
        for i in old.section("reqGeneralInfo").map_or(&[][..], |s| s.items.as_slice()) {
            if !matches!(i.name.as_str(), "reqInternalName" | "reqDisplayName") {
                self.changes.push(dropped("reqGeneralInfo", i, why(&i.name)));
            }
        }
    }

    fn hvcc(&mut self, certificate: Option<&str>) {
        let body = certificate.map(pem_body).unwrap_or_default();
        let why = if body.is_empty() {
            "empty: paste the certificate of the VoiceCall service's signing key (Setup > Partner Telephony Contact Centers) before agents take calls"
        } else {
            "the certificate Salesforce checks the VoiceCall service's JWTs with"
        };
        self.put(("reqHvcc", "Salesforce Voice Settings"), ("reqTelephonyIntegrationCertificate", "Telephony Integration Certificate"), &body, why);
    }

    fn dialing(&mut self) {
        const D: (&str, &str) = ("reqDialingOptions", "Dialing Options");
        for (name, label) in [("reqOutsidePrefix", "Outside Prefix"), ("reqLongDistPrefix", "Long Distance Prefix"), ("reqInternationalPrefix", "International Prefix")] {
            let value = self.old.value("reqDialingOptions", name);
            let value = if value.bytes().all(|b| b.is_ascii_digit()) { value.to_owned() } else { String::new() };
            self.put(D, (name, label), &value, "digits only: the connector dials numbers with these prefixes as the Open CTI phone did");
        }
    }

    fn ours(&mut self, options: &VoiceOptions) -> Result<(), MigrateError> {
        let old_value = |name: &str| self.old.value(SECTION, name).to_owned();
        let pbx = if options.pbx_urls.is_empty() { old_value("pbxWebSocketUrls") } else { options.pbx_urls.join(",") };
        if pbx.split(',').map(str::trim).all(|u| !is_pbx_url(u)) {
            return Err(MigrateError("the old definition names no PBX WebSocket URL of this softphone: give one with --pbx wss://pbx.example.com:8443".into()));
        }
        let sip_domain = options.sip_domain.clone().unwrap_or_else(|| old_value("sipDomain"));
        if !is_sip_domain(&sip_domain) {
            return Err(MigrateError(format!("{sip_domain:?} is not a SIP domain: give one with --sip-domain")));
        }
        let or = |v: String, default: &str| if v.is_empty() { default.to_owned() } else { v };
        let items = [
            ("pbxWebSocketUrls", "PBX WebSocket URLs (failover order, comma-separated)", pbx),
            ("sipDomain", "SIP Domain", sip_domain),
            (VOICE_CALL_SERVICE_ITEM, "VoiceCall Service URL", options.voice_call_service.trim_end_matches('/').to_owned()),
            ("iceServers", "ICE Servers (comma-separated stun:/turn: URLs)", old_value("iceServers")),
            ("registerExpires", "Registration Expiry (seconds)", or(old_value("registerExpires"), &DEFAULT_REGISTER_EXPIRES.to_string())),
            ("homeCountry", "Home Country (ISO 3166-1 alpha-2, e.g. GB)", or(old_value("homeCountry"), DEFAULT_HOME_COUNTRY)),
            ("maxCalls", "Calls at Once (1-4)", or(old_value("maxCalls"), &DEFAULT_MAX_CALLS.to_string())),
            ("followTransferRequests", "Follow Transfer Requests (true/false)", or(old_value("followTransferRequests"), "false")),
        ];
        for (name, label, value) in items {
            let why = if name == VOICE_CALL_SERVICE_ITEM { "where the connector asks for each inbound call's VoiceCall" } else { "the connector's setting (as the Open CTI phone's)" };
            self.put((SECTION, "Rust Softphone"), (name, label), &value, why);
        }
        for name in ["turnUsername", "turnCredential", "turnCredentialsUrl", "iceTransportPolicy", "trunkNumberFormat", "audioCodecs"] {
            if let Some(i) = self.old.item(SECTION, name) {
                let (label, value) = (i.label.clone(), i.value.clone());
                self.put((SECTION, "Rust Softphone"), (name, &label), &value, "");
            }
        }
        Ok(())
    }

    /// Whatever the new file has no place for.
    fn rest_dropped(&mut self) {
        let old = self.old;
        for s in old.sections.iter().filter(|s| !matches!(s.name.as_str(), "reqGeneralInfo" | "reqDialingOptions")) {
            for i in &s.items {
                if self.new.item(&s.name, &i.name).is_some() {
                    continue;
                }
                let why = match OPEN_CTI_ITEMS.iter().find(|(name, _)| s.name == SECTION && *name == i.name) {
                    Some((_, why)) => *why,
                    None if s.name == SECTION => "not a setting the connector reads",
                    None => "read only by the previous adapter",
                };
                self.changes.push(dropped(&s.name, i, why));
            }
        }
    }
}

/// A PEM certificate's base64 body on one line (the item holds no line breaks).
fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect()
}

/// What Open CTI did that Salesforce Voice does differently, for the report.
const DOES_NOT_CARRY_OVER: &str = "\
## What does not carry over

- **Call logs: Task -> VoiceCall.** Salesforce records every call as a VoiceCall; the softphone \
no longer saves Tasks. `CallObject` (the SIP Call-ID) becomes `VendorCallKey`, `CallType` and \
`CallDurationInSeconds` keep their names, `CallDisposition` and the notes become VoiceCall fields \
filled in after-conversation work (a flow or Voice Extension), `WhoId`/`WhatId` become the \
VoiceCall's related record (record linking). Reports and automation on call Tasks must move to \
VoiceCall; the `Softphone_Pop_*` and `Softphone_Log_Attempts__c` fields and `callcenter report` \
have no VoiceCall counterpart (Salesforce does the pop).
- **Softphone layout -> flows.** The softphone layout's objects and screen-pop settings (one \
match, several, none, per call type) become the Omni-Channel flow that routes the VoiceCall and \
the record linking that pops its caller. Re-create each rule there; `callcenter inventory --code \
DIR --to salesforce-voice` lists the code that used the layout or popped records itself.
- **Screen-pop rules in code** (`searchAndScreenPop`, `screenPop` with a URL or a flow): port to \
the routing flow, or to a Voice Extension for what a flow cannot do.
- **Wrap-up** (dispositions, countdown): Omni-Channel's after-conversation work.
- **Panel size, utility label and icon:** Omni-Channel owns the panel.
- **Licences:** every agent needs the Salesforce Voice for Partner Telephony add-on licence and \
the \"Contact Center Agent (Partner Telephony)\" permission set (admins: \"Contact Center Admin \
(Partner Telephony)\").
";

impl VoiceMigration {
    /// The report, in Markdown.
    pub fn report(&self, old_file: &str, new_file: &str) -> String {
        let new_name = self.definition.value("reqGeneralInfo", "reqInternalName");
        let mut out = format!(
            "# Move of {old_file} to Salesforce Voice ({new_file})\n\n\
             The old definition ({}, internal name `{}`) is unchanged: it is the rollback. The \
             contact center `{new_name}` uses the ConversationVendorInfo `{}`.\n\n",
            self.from_kind.as_str(),
            self.old_internal_name,
            self.definition.settings_map().get(VENDOR_INFO_KEY).map_or("", String::as_str),
        );
        out.push_str(&changes_report(&self.changes));
        out.push_str(DOES_NOT_CARRY_OVER);
        out.push_str(&format!(
            "\n## Next steps and rollback\n\n\
             1. Build and deploy the voice org package (`scripts/build-voice-package.sh`, README \"Salesforce Voice\").\n\
             2. Import `{new_file}` in Setup > Partner Telephony Contact Centers; paste the certificate if the report says it is empty.\n\
             3. Run the VoiceCall service beside the PBX with the matching key (README \"The VoiceCall service\").\n\
             4. Add a first wave of agents to the contact center (with the licence and permission sets).\n\
             5. To roll a wave back, add its agents to the Open CTI call center `{old}` again and remove them from `{new_name}`;\n\
             \x20  `{old_file}` was not modified, and the Open CTI package keeps working until Open CTI retires (2028-02-28).\n",
            old = self.old_internal_name,
        ));
        out
    }
}

/// Whether `definition` is a Partner Telephony contact center (it names a
/// ConversationVendorInfo) rather than an Open CTI Call Center.
pub fn is_contact_center(definition: &Definition) -> bool {
    definition.item("reqGeneralInfo", "reqVendorInfoApiName").is_some()
}

/// What is wrong with a contact center file for the connector (`callcenter validate` for this
/// kind of file): missing general items are errors, and so is anything the connector cannot
/// start without; other settings it would replace by a default are warnings.
pub fn validate_contact_center(definition: &Definition) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let map = definition.settings_map();
    let diagnostic = |severity, code, key: &str, message: String| Diagnostic { severity, code, line: 0, key: Some(key.to_owned()), message };
    for required in ["/reqGeneralInfo/reqInternalName", "/reqGeneralInfo/reqDisplayName", VENDOR_INFO_KEY] {
        if map.get(required).is_none_or(|v| v.trim().is_empty()) {
            found.push(diagnostic(Severity::Error, "missing-item", required, "is missing; Salesforce requires it".into()));
        }
    }
    if map.get(CERTIFICATE_KEY).is_none_or(|v| v.trim().is_empty()) {
        found.push(diagnostic(Severity::Warning, "no-certificate", CERTIFICATE_KEY, "is empty: Salesforce refuses the VoiceCall service's JWTs until the certificate of its key is pasted here".into()));
    }
    match crate::contact_center::ConnectorSettings::from_map(&map) {
        Ok(read) => found.extend(read.problems.into_iter().map(|p| diagnostic(Severity::Warning, "setting", &p.key, p.message))),
        Err(e) => found.extend(e.problems.into_iter().map(|p| diagnostic(Severity::Error, "setting", &p.key, p.message))),
    }
    found
}

const CERTIFICATE_KEY: &str = "/reqHvcc/reqTelephonyIntegrationCertificate";

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = r#"<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="InternalNameAAA">RustSoftphone</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">Rust Softphone</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">/apex/Softphone?apiVersion=62.0</item>
    <item sortOrder="3" name="reqUseApi" label="Use CTI API">true</item>
    <item sortOrder="4" name="reqSoftphoneHeight" label="Softphone Height">460</item>
    <item sortOrder="5" name="reqSoftphoneWidth" label="Softphone Width">340</item>
    <item sortOrder="6" name="reqSalesforceCompatibilityMode" label="Salesforce Compatibility Mode">Lightning</item>
  </section>
  <section sortOrder="1" name="reqDialingOptions" label="Dialing Options">
    <item sortOrder="0" name="reqOutsidePrefix" label="Outside Prefix">9</item>
    <item sortOrder="1" name="reqLongDistPrefix" label="Long Distance Prefix">1</item>
    <item sortOrder="2" name="reqInternationalPrefix" label="International Prefix">011</item>
  </section>
  <section sortOrder="2" name="rustSoftphone" label="Rust Softphone">
    <item sortOrder="0" name="pbxWebSocketUrls" label="PBX">wss://pbx1.example.com:8443,wss://pbx2.example.com:8443</item>
    <item sortOrder="1" name="sipDomain" label="SIP Domain">pbx.example.com</item>
    <item sortOrder="2" name="openCtiApiVersion" label="Open CTI API Version">62.0</item>
    <item sortOrder="3" name="wrapUpDispositions" label="Dispositions">Resolved,Voicemail</item>
    <item sortOrder="4" name="maxCalls" label="Calls">3</item>
  </section>
</callCenter>"#;

    fn options() -> VoiceOptions {
        VoiceOptions { voice_call_service: "https://voicecall.example.com:7443".into(), ..VoiceOptions::default() }
    }

    #[test]
    fn the_open_cti_definition_becomes_a_contact_center_the_connector_can_run_with() {
        let m = to_salesforce_voice(&Definition::parse(OURS).unwrap(), &options()).unwrap();
        let found = validate_contact_center(&m.definition);
        assert!(found.iter().all(|d| d.code == "no-certificate"), "{found:?}");
        let d = &m.definition;
        assert_eq!(d.value("reqGeneralInfo", "reqInternalName"), "RustSoftphone_Voice");
        assert_eq!(d.value("reqGeneralInfo", "reqVendorInfoApiName"), "Rust_Softphone");
        assert_eq!(d.value(SECTION, "pbxWebSocketUrls"), "wss://pbx1.example.com:8443,wss://pbx2.example.com:8443");
        assert_eq!(d.value(SECTION, "maxCalls"), "3", "the agent's own settings carry over");
        assert_eq!(d.value(SECTION, VOICE_CALL_SERVICE_ITEM), "https://voicecall.example.com:7443");
        assert_eq!(d.value("reqDialingOptions", "reqOutsidePrefix"), "9");
        for gone in [("reqGeneralInfo", "reqAdapterUrl"), ("reqGeneralInfo", "reqSoftphoneHeight"), (SECTION, "openCtiApiVersion"), (SECTION, "wrapUpDispositions")] {
            assert!(d.item(gone.0, gone.1).is_none(), "{gone:?}");
        }
        let report = m.report("old.xml", "contact-center.xml");
        assert!(report.contains("`/rustSoftphone/wrapUpDispositions` = `Resolved,Voicemail`: Omni-Channel's after-conversation work"));
        assert!(report.contains("`CallObject` (the SIP Call-ID) becomes `VendorCallKey`"));
        assert!(report.contains("add its agents to the Open CTI call center `RustSoftphone` again"));
        assert!(report.contains("reqTelephonyIntegrationCertificate`: (new) -> ``: empty: paste the certificate"));
    }

    #[test]
    fn a_certificate_goes_in_as_one_line_and_the_vendor_may_be_namespaced() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n";
        let options = VoiceOptions { certificate: Some(pem.into()), vendor_info: Some("acme__Rust_Softphone".into()), ..options() };
        let m = to_salesforce_voice(&Definition::parse(OURS).unwrap(), &options).unwrap();
        assert_eq!(m.definition.value("reqHvcc", "reqTelephonyIntegrationCertificate"), "MIIBAAAA");
        assert_eq!(validate_contact_center(&m.definition), vec![], "nothing left to fix");
        assert_eq!(m.definition.value("reqGeneralInfo", "reqVendorInfoApiName"), "acme__Rust_Softphone");
    }

    #[test]
    fn what_the_move_needs_is_asked_for() {
        let old = Definition::parse(OURS).unwrap();
        assert!(to_salesforce_voice(&old, &VoiceOptions::default()).unwrap_err().0.contains("--voicecall-url"));
        let http = VoiceOptions { voice_call_service: "http://voicecall.example.com".into(), ..VoiceOptions::default() };
        assert!(to_salesforce_voice(&old, &http).is_err());
        assert!(to_salesforce_voice(&old, &VoiceOptions { vendor_info: Some("a b".into()), ..options() }).unwrap_err().0.contains("--vendor-info"));
        let other_vendor = OURS.replace("rustSoftphone", "acmeVendor");
        assert!(to_salesforce_voice(&Definition::parse(&other_vendor).unwrap(), &options()).unwrap_err().0.contains("--pbx"));
        let with_pbx = VoiceOptions { pbx_urls: vec!["wss://pbx.acme.example".into()], sip_domain: Some("acme.example".into()), ..options() };
        let m = to_salesforce_voice(&Definition::parse(&other_vendor).unwrap(), &with_pbx).unwrap();
        assert!(m.changes.iter().any(|c| matches!(c, Change::Dropped { key, why, .. } if key == "/acmeVendor/pbxWebSocketUrls" && why.contains("previous adapter"))));
    }
}
