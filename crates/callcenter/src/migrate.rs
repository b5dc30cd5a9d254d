//! Moving a call center off the retired desktop Softphone CTI Adapter (or off another
//! vendor's Open CTI adapter) onto this softphone: what is kept, changed and dropped, and why.

use crate::definition::{Definition, Item, Section};
use crate::settings::{DEFAULT_API_VERSION, DEFAULT_REGISTER_EXPIRES, SECTION};
use crate::validate::{check_internal_name, HEIGHT_RANGE, WIDTH_RANGE};

/// What a definition is, for the inventory and for migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The retired desktop Softphone CTI Adapter (CTI Toolkit 3/4).
    LegacyDesktop,
    /// Open CTI shown only in Salesforce Classic (or with no compatibility mode).
    OpenCtiClassic,
    /// Open CTI shown in Lightning.
    OpenCtiLightning,
}

impl Kind {
    /// A short name for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LegacyDesktop => "legacy desktop adapter",
            Kind::OpenCtiClassic => "Open CTI Classic",
            Kind::OpenCtiLightning => "Open CTI Lightning",
        }
    }
}

/// Tells the three kinds apart.
pub fn kind(d: &Definition) -> Kind {
    let general = |name| d.value("reqGeneralInfo", name);
    let url = general("reqAdapterUrl").to_ascii_lowercase();
    let desktop_url = url.starts_with("http://localhost") || url.starts_with("http://127.0.0.1:11000");
    if d.item("reqGeneralInfo", "reqProgId").is_some() || (general("reqUseApi") != "true" && (desktop_url || d.item("reqGeneralInfo", "reqVersion").is_some())) {
        Kind::LegacyDesktop
    } else if matches!(general("reqSalesforceCompatibilityMode"), "Lightning" | "Classic_and_Lightning") {
        Kind::OpenCtiLightning
    } else {
        Kind::OpenCtiClassic
    }
}

/// What the admin asks of a migration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Where this softphone is hosted (becomes `reqAdapterUrl`).
    pub adapter_url: String,
    /// PBX WebSocket URLs; when empty, a WebSocket URL found in a vendor section is used.
    pub pbx_urls: Vec<String>,
    /// SIP domain; when empty, the first PBX URL's host.
    pub sip_domain: Option<String>,
    /// The new internal name; when empty, the old one with `_OpenCti` appended.
    pub internal_name: Option<String>,
}

/// What happened to one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Carried over unchanged.
    Kept { key: String, value: String },
    /// Carried over with a new value (or added).
    Changed { key: String, from: Option<String>, to: String, why: String },
    /// Not carried over.
    Dropped { key: String, value: String, why: String },
}

/// A migrated definition and the report of what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The definition for this softphone.
    pub definition: Definition,
    /// Every item of the old definition and every new one, in order.
    pub changes: Vec<Change>,
    /// What the old definition was.
    pub from_kind: Kind,
    /// The old internal name (the rollback target).
    pub old_internal_name: String,
}

/// Why a migration cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrateError(pub String);

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MigrateError {}

const DIALING: [&str; 3] = ["reqOutsidePrefix", "reqLongDistPrefix", "reqInternationalPrefix"];

/// Builds the new definition from `old`. `old` itself is never modified: it is the rollback.
pub fn migrate(old: &Definition, options: &Options) -> Result<Migration, MigrateError> {
    let from_kind = kind(old);
    let old_name = old.value("reqGeneralInfo", "reqInternalName").to_owned();
    let mut changes = Vec::new();
    let mut new = Definition::default();

    // --- reqGeneralInfo ---------------------------------------------------------------------
    let internal_name = match &options.internal_name {
        Some(name) => name.clone(),
        None if old_name.is_empty() => "RustSoftphone".to_owned(),
        None => format!("{}_OpenCti", old_name.trim_end_matches('_')),
    };
    check_internal_name(&internal_name).map_err(|why| MigrateError(format!("the new internal name {why}")))?;
    if options.adapter_url.is_empty() {
        return Err(MigrateError("--adapter-url is required: where agents' browsers load this softphone (https://...)".into()));
    }
    let general = |name: &str| old.item("reqGeneralInfo", name);
    let display = general("reqDisplayName").map(|i| i.value.clone()).unwrap_or_else(|| internal_name.clone());
    let set = |new: &mut Definition, changes: &mut Vec<Change>, item: &str, label: &str, value: String, why: &str| {
        let key = format!("/reqGeneralInfo/{item}");
        let from = general(item).map(|i| i.value.clone());
        if from.as_deref() == Some(value.as_str()) {
            changes.push(Change::Kept { key, value: value.clone() });
        } else {
            changes.push(Change::Changed { key, from, to: value.clone(), why: why.into() });
        }
        let label = general(item).map_or(label.to_owned(), |i| i.label.clone());
        push(new, "reqGeneralInfo", "General Information", item, &label, &value);
    };
    set(&mut new, &mut changes, "reqInternalName", "InternalNameAAA", internal_name.clone(),
        "a new internal name, so the old and new call centers can exist side by side during the pilot waves");
    set(&mut new, &mut changes, "reqDisplayName", "Display Name", display, "");
    set(&mut new, &mut changes, "reqAdapterUrl", "CTI Adapter URL", options.adapter_url.clone(),
        "the softphone now runs in the browser from this URL instead of a desktop program");
    set(&mut new, &mut changes, "reqUseApi", "Use CTI API", "true".into(), "Open CTI needs reqUseApi=true");
    let size = |name: &str, (min, max): (u32, u32), default: u32| {
        general(name).and_then(|i| i.value.parse::<u32>().ok()).filter(|px| (min..=max).contains(px)).unwrap_or(default)
    };
    set(&mut new, &mut changes, "reqSoftphoneHeight", "Softphone Height", size("reqSoftphoneHeight", HEIGHT_RANGE, 460).to_string(),
        "set to a height Lightning's utility panel accepts");
    set(&mut new, &mut changes, "reqSoftphoneWidth", "Softphone Width", size("reqSoftphoneWidth", WIDTH_RANGE, 340).to_string(),
        "set to a width Lightning's utility panel accepts");
    set(&mut new, &mut changes, "reqSalesforceCompatibilityMode", "Salesforce Compatibility Mode", "Lightning".into(),
        "without it the phone does not appear in Lightning");
    for item in ["reqStandbyUrl", "reqTimeout"] {
        if let Some(i) = general(item) {
            changes.push(Change::Kept { key: format!("/reqGeneralInfo/{item}"), value: i.value.clone() });
            push(&mut new, "reqGeneralInfo", "General Information", item, &i.label, &i.value);
        }
    }
    let handled = ["reqInternalName", "reqDisplayName", "reqAdapterUrl", "reqUseApi", "reqSoftphoneHeight",
        "reqSoftphoneWidth", "reqSalesforceCompatibilityMode", "reqStandbyUrl", "reqTimeout"];
    for i in old.section("reqGeneralInfo").map_or(&[][..], |s| s.items.as_slice()) {
        if handled.contains(&i.name.as_str()) {
            continue;
        }
        let why = match i.name.as_str() {
            "reqProgId" => "named the desktop COM component of the retired adapter; browsers load the softphone from reqAdapterUrl",
            "reqVersion" => "the CTI Toolkit version of the retired desktop adapter; Open CTI has none",
            "reqDescription" => "only the desktop adapter showed it; Open CTI definitions have no description",
            _ => "not an item Open CTI reads",
        };
        changes.push(dropped("reqGeneralInfo", i, why));
    }

    // --- dialing options: kept as they are ---------------------------------------------------
    for name in DIALING {
        let item = old.item("reqDialingOptions", name);
        let value = item.map(|i| i.value.clone()).unwrap_or_default();
        let label = item.map_or(name.to_owned(), |i| i.label.clone());
        let key = format!("/reqDialingOptions/{name}");
        if item.is_some() {
            changes.push(Change::Kept { key, value: value.clone() });
        } else {
            changes.push(Change::Changed { key, from: None, to: value.clone(), why: "added empty: Salesforce expects the three dialing options".into() });
        }
        let section_label = old.section("reqDialingOptions").map_or("Dialing Options", |s| s.label.as_str());
        push(&mut new, "reqDialingOptions", section_label, name, &label, &value);
    }
    for i in old.section("reqDialingOptions").map_or(&[][..], |s| s.items.as_slice()) {
        if !DIALING.contains(&i.name.as_str()) {
            changes.push(dropped("reqDialingOptions", i, "not a dialing option Salesforce or this softphone reads"));
        }
    }

    // --- vendor sections: PBX addresses are understood, the rest only the old adapter read --
    let vendor: Vec<&Section> = old.sections.iter().filter(|s| s.name != "reqGeneralInfo" && s.name != "reqDialingOptions").collect();
    let found_ws: Vec<(&Section, &Item)> = vendor
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (*s, i)))
        .filter(|(_, i)| i.value.starts_with("wss://") || i.value.starts_with("ws://"))
        .collect();
    let pbx_urls: Vec<String> = if options.pbx_urls.is_empty() {
        found_ws.iter().map(|(_, i)| i.value.clone()).collect()
    } else {
        options.pbx_urls.clone()
    };
    if pbx_urls.is_empty() {
        return Err(MigrateError(
            "no PBX WebSocket URL was found in the old definition: give one with --pbx wss://pbx.example.com:8443".into(),
        ));
    }
    for s in &vendor {
        for i in &s.items {
            if options.pbx_urls.is_empty() && found_ws.iter().any(|(_, w)| std::ptr::eq(*w, i)) {
                changes.push(Change::Changed {
                    key: format!("/{}/{}", s.name, i.name),
                    from: Some(i.value.clone()),
                    to: format!("/{SECTION}/pbxWebSocketUrls"),
                    why: "a WebSocket address of the PBX: this softphone connects to it".into(),
                });
            } else {
                let why = match from_kind {
                    Kind::LegacyDesktop => "read only by the retired desktop adapter",
                    _ => "read only by the previous vendor's adapter",
                };
                changes.push(dropped(&s.name, i, why));
            }
        }
    }

    // --- our own section ---------------------------------------------------------------------
    let sip_domain = options.sip_domain.clone().unwrap_or_else(|| host_of(pbx_urls.first().map_or("", String::as_str)));
    let ours = [
        ("pbxWebSocketUrls", "PBX WebSocket URLs (failover order, comma-separated)", pbx_urls.join(",")),
        ("sipDomain", "SIP Domain", sip_domain),
        ("iceServers", "ICE Servers (comma-separated stun:/turn: URLs)", String::new()),
        ("openCtiApiVersion", "Open CTI API Version", DEFAULT_API_VERSION.to_owned()),
        ("registerExpires", "Registration Expiry (seconds)", DEFAULT_REGISTER_EXPIRES.to_string()),
        ("wrapUpDispositions", "Wrap-up Dispositions (comma-separated)", "Resolved,Callback requested,Voicemail,Wrong number".to_owned()),
    ];
    for (name, label, value) in ours {
        changes.push(Change::Changed { key: format!("/{SECTION}/{name}"), from: None, to: value.clone(), why: "this softphone's own setting".into() });
        push(&mut new, SECTION, "Rust Softphone", name, label, &value);
    }
    new.renumber();
    Ok(Migration { definition: new, changes, from_kind, old_internal_name: old_name })
}

fn push(d: &mut Definition, section: &str, section_label: &str, item: &str, label: &str, value: &str) {
    d.set(section, item, value);
    if let Some(s) = d.sections.iter_mut().find(|s| s.name == section) {
        s.label = section_label.to_owned();
        if let Some(i) = s.items.iter_mut().find(|i| i.name == item) {
            i.label = label.to_owned();
        }
    }
}

fn dropped(section: &str, item: &Item, why: &str) -> Change {
    Change::Dropped { key: format!("/{section}/{}", item.name), value: item.value.clone(), why: why.into() }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or("").to_owned();
    }
    authority.split(':').next().unwrap_or("").to_owned()
}

impl Migration {
    /// The migration report, in Markdown, for the admin and the change record.
    pub fn report(&self, old_file: &str, new_file: &str) -> String {
        let mut out = format!("# Migration of {old_file} to {new_file}\n\n");
        out.push_str(&format!(
            "The old definition ({}, internal name `{}`) is unchanged: it is the rollback.\n\
             The new one has internal name `{}`, so both call centers can exist side by side.\n\n",
            self.from_kind.as_str(),
            self.old_internal_name,
            self.definition.value("reqGeneralInfo", "reqInternalName"),
        ));
        for (title, pick) in [("Kept", 0), ("Changed or added", 1), ("Dropped", 2)] {
            out.push_str(&format!("## {title}\n\n"));
            let mut any = false;
            for c in &self.changes {
                let line = match (c, pick) {
                    (Change::Kept { key, value }, 0) => format!("- `{key}` = `{value}`\n"),
                    (Change::Changed { key, from, to, why }, 1) => {
                        let from = from.as_deref().map_or("(new)".to_owned(), |f| format!("`{f}`"));
                        let why = if why.is_empty() { String::new() } else { format!(": {why}") };
                        format!("- `{key}`: {from} -> `{to}`{why}\n")
                    }
                    (Change::Dropped { key, value, why }, 2) => format!("- `{key}` = `{value}`: {why}\n"),
                    _ => continue,
                };
                out.push_str(&line);
                any = true;
            }
            if !any {
                out.push_str("- nothing\n");
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "## Rolling out and rolling back\n\n\
             1. Import `{new_file}` in Setup > Call Centers (or deploy its metadata form with SFDX).\n\
             2. Move a first wave of agents: open the new call center, Manage Call Center Users, add them.\n\
             \x20  A user belongs to one call center at a time, so this takes them out of `{old}`.\n\
             3. Add the Open CTI Softphone to the Lightning app's utility bar; agents allow the microphone once.\n\
             4. To roll a wave back, add those users to `{old}` again (Manage Call Center Users);\n\
             \x20  `{old_file}` was not modified. Delete the new call center only when no user is left in it.\n",
            old = self.old_internal_name,
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{has_errors, validate};

    const LEGACY: &str = r#"<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="InternalNameAAA">AcmeCTI</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">Acme CTI Adapter</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">http://localhost:11000</item>
    <item sortOrder="3" name="reqDescription" label="Description">Acme PBX connector</item>
    <item sortOrder="4" name="reqProgId" label="CTI Connector ProgId">Acme.Adapter.1</item>
    <item sortOrder="5" name="reqVersion" label="Version">4.0</item>
  </section>
  <section sortOrder="1" name="reqDialingOptions" label="Dialing Options">
    <item sortOrder="0" name="reqOutsidePrefix" label="Outside Prefix">9</item>
    <item sortOrder="1" name="reqLongDistPrefix" label="Long Distance Prefix">1</item>
    <item sortOrder="2" name="reqInternationalPrefix" label="International Prefix">011</item>
  </section>
  <section sortOrder="2" name="AcmeServer" label="Acme Server">
    <item sortOrder="0" name="Host" label="CTI Server">cti.acme.example</item>
    <item sortOrder="1" name="Port" label="Port">42027</item>
  </section>
</callCenter>"#;

    fn options() -> Options {
        Options { adapter_url: "https://phone.acme.example/".into(), pbx_urls: vec!["wss://pbx.acme.example:8443".into()], ..Options::default() }
    }

    #[test]
    fn a_legacy_adapter_becomes_a_valid_lightning_definition() {
        let old = Definition::parse(LEGACY).expect("parses");
        assert_eq!(kind(&old), Kind::LegacyDesktop);
        let m = migrate(&old, &options()).expect("migrates");
        let d = &m.definition;
        let problems = validate(d);
        assert!(!has_errors(&problems), "{problems:?}");
        assert_eq!(d.value("reqGeneralInfo", "reqInternalName"), "AcmeCTI_OpenCti");
        assert_eq!(d.value("reqGeneralInfo", "reqSalesforceCompatibilityMode"), "Lightning");
        assert_eq!(d.value("reqDialingOptions", "reqOutsidePrefix"), "9");
        assert_eq!(d.value(SECTION, "sipDomain"), "pbx.acme.example");
        assert!(d.item("reqGeneralInfo", "reqProgId").is_none());
        assert!(d.section("AcmeServer").is_none());
        let dropped: Vec<&str> = m.changes.iter().filter_map(|c| match c {
            Change::Dropped { key, .. } => Some(key.as_str()),
            _ => None,
        }).collect();
        assert_eq!(dropped, ["/reqGeneralInfo/reqDescription", "/reqGeneralInfo/reqProgId", "/reqGeneralInfo/reqVersion", "/AcmeServer/Host", "/AcmeServer/Port"]);
        let report = m.report("legacy.xml", "new.xml");
        assert!(report.contains("add those users to `AcmeCTI` again"));
        assert!(report.contains("`/reqGeneralInfo/reqProgId` = `Acme.Adapter.1`: named the desktop COM component"));
    }

    #[test]
    fn a_pbx_websocket_found_in_a_vendor_section_is_used() {
        let xml = LEGACY.replace("cti.acme.example", "wss://sip.acme.example/ws");
        let m = migrate(&Definition::parse(&xml).expect("parses"), &Options { pbx_urls: vec![], ..options() }).expect("migrates");
        assert_eq!(m.definition.value(SECTION, "pbxWebSocketUrls"), "wss://sip.acme.example/ws");
        assert_eq!(m.definition.value(SECTION, "sipDomain"), "sip.acme.example");
    }

    #[test]
    fn missing_inputs_are_explained() {
        let old = Definition::parse(LEGACY).expect("parses");
        let no_url = migrate(&old, &Options { adapter_url: String::new(), ..options() }).expect_err("needs URL");
        assert!(no_url.0.contains("--adapter-url"));
        let no_pbx = migrate(&old, &Options { pbx_urls: vec![], ..options() }).expect_err("needs PBX");
        assert!(no_pbx.0.contains("--pbx"));
        let bad_name = migrate(&old, &Options { internal_name: Some("9 lives".into()), ..options() }).expect_err("bad name");
        assert!(bad_name.0.contains("must start with a letter"));
    }

    #[test]
    fn host_of_handles_ports_paths_and_ipv6() {
        assert_eq!(host_of("wss://pbx.example.com:8443/ws"), "pbx.example.com");
        assert_eq!(host_of("ws://[::1]:8080"), "[::1]");
        assert_eq!(host_of("wss://a.example"), "a.example");
    }
}
