//! Moving a call center off the retired desktop Softphone CTI Adapter (or off another
//! vendor's Open CTI adapter) onto this softphone: what is kept, changed and dropped, and why.

use crate::definition::{Definition, Item, Section};
use crate::settings::{
    adapter_url_api_version, is_api_version, is_pbx_url, is_sip_domain, API_VERSION_PARAMETER, DEFAULT_API_VERSION,
    DEFAULT_HOME_COUNTRY, DEFAULT_MAX_CALLS, DEFAULT_REGISTER_EXPIRES, SECTION,
};
use crate::validate::{check_adapter_url, check_internal_name, UrlCheck, HEIGHT_RANGE, WIDTH_RANGE};
use crate::trunk::NumberFormat;

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
    /// The org's home country (ISO 3166-1 alpha-2); when empty, `US`.
    pub home_country: Option<String>,
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

/// The new definition as it is built, with the report of what happened to each item.
struct Builder<'a> {
    old: &'a Definition,
    new: Definition,
    changes: Vec<Change>,
}

/// Builds the new definition from `old`. `old` itself is never modified: it is the rollback.
/// Whatever `old` holds, the result passes `validate` without errors, or this fails.
pub fn migrate(old: &Definition, options: &Options) -> Result<Migration, MigrateError> {
    let from_kind = kind(old);
    let old_name = old.value("reqGeneralInfo", "reqInternalName").to_owned();
    let internal_name = match &options.internal_name {
        Some(name) => name.clone(),
        None if old_name.is_empty() => "RustSoftphone".to_owned(),
        None => format!("{}_OpenCti", old_name.trim_end_matches('_')),
    };
    check_internal_name(&internal_name).map_err(|why| MigrateError(format!("the new internal name {why}")))?;
    let adapter = adapter_url(&options.adapter_url)?;
    let mut b = Builder { old, new: Definition::default(), changes: Vec::new() };
    b.general(&internal_name, &adapter.url);
    b.standby();
    b.dialing();
    let pbx_urls = b.vendor_sections(options, from_kind)?;
    let sip_domain = options.sip_domain.clone().unwrap_or_else(|| host_of(pbx_urls.first().map_or("", String::as_str)));
    if !is_sip_domain(&sip_domain) {
        return Err(MigrateError(format!("{sip_domain:?} is not a SIP domain (a host name or IP address): give one with --sip-domain")));
    }
    let home_country = options.home_country.as_deref().unwrap_or(DEFAULT_HOME_COUNTRY).to_ascii_uppercase();
    if home_country.len() != 2 || !home_country.bytes().all(|c| c.is_ascii_alphabetic()) {
        return Err(MigrateError(format!("--home-country {home_country:?} is not a two-letter ISO 3166-1 code like GB")));
    }
    b.ours(&pbx_urls, &sip_domain, &adapter.api_version, &home_country);
    b.new.renumber();
    Ok(Migration { definition: b.new, changes: b.changes, from_kind, old_internal_name: old_name })
}

/// The adapter URL migrate writes, and the Open CTI version it names.
struct AdapterUrl {
    url: String,
    api_version: String,
}

/// Checks the admin's adapter URL and makes the Open CTI version explicit in it, so the
/// definition names the version in both places the phone and `validate` look.
fn adapter_url(given: &str) -> Result<AdapterUrl, MigrateError> {
    if given.is_empty() {
        return Err(MigrateError("--adapter-url is required: where agents' browsers load this softphone (https://... or /apex/PageName)".into()));
    }
    if let UrlCheck::Error(why) = check_adapter_url(given) {
        return Err(MigrateError(format!("--adapter-url: {why}")));
    }
    if let Some(version) = adapter_url_api_version(given) {
        if !is_api_version(version) {
            return Err(MigrateError(format!("--adapter-url: apiVersion={version} is not an Open CTI version like {DEFAULT_API_VERSION}")));
        }
        return Ok(AdapterUrl { url: given.to_owned(), api_version: version.to_owned() });
    }
    let (base, fragment) = given.split_once('#').map_or((given, None), |(b, f)| (b, Some(f)));
    let joiner = if !base.contains('?') { "?" } else if base.ends_with(['?', '&']) { "" } else { "&" };
    let mut url = format!("{base}{joiner}{API_VERSION_PARAMETER}={DEFAULT_API_VERSION}");
    if let Some(f) = fragment {
        url = format!("{url}#{f}");
    }
    Ok(AdapterUrl { url, api_version: DEFAULT_API_VERSION.to_owned() })
}

impl<'a> Builder<'a> {
    fn old_item(&self, section: &str, name: &str) -> Option<&'a Item> {
        let old: &'a Definition = self.old;
        old.item(section, name)
    }

    /// Adds `/section/item` with the old label when it had one, and records the change.
    fn put(&mut self, section: (&str, &str), item: (&str, &str), value: String, why: &str) {
        let (section, section_default_label) = section;
        let (item, default_label) = item;
        let old = self.old_item(section, item);
        let key = format!("/{section}/{item}");
        let from = old.map(|i| i.value.clone());
        let change = if from.as_deref() == Some(value.as_str()) {
            Change::Kept { key, value: value.clone() }
        } else {
            Change::Changed { key, from, to: value.clone(), why: why.into() }
        };
        let label = old.map(|i| i.label.clone()).filter(|l| !l.is_empty()).unwrap_or_else(|| default_label.to_owned());
        let section_label = self.old.section(section).map(|s| s.label.clone()).filter(|l| !l.is_empty());
        let section_label = section_label.unwrap_or_else(|| section_default_label.to_owned());
        self.changes.push(change);
        push(&mut self.new, section, &section_label, item, &label, &value);
    }

    fn general(&mut self, internal_name: &str, adapter_url: &str) {
        const G: (&str, &str) = ("reqGeneralInfo", "General Information");
        let display = self.old.value("reqGeneralInfo", "reqDisplayName");
        let display = if display.is_empty() { internal_name.to_owned() } else { display.to_owned() };
        self.put(G, ("reqInternalName", "InternalNameAAA"), internal_name.to_owned(),
            "a new internal name, so the old and new call centers can exist side by side during the pilot waves");
        self.put(G, ("reqDisplayName", "Display Name"), display, "Salesforce requires a display name");
        self.put(G, ("reqAdapterUrl", "CTI Adapter URL"), adapter_url.to_owned(),
            "the softphone now runs in the browser from this URL (its apiVersion names the Open CTI version)");
        self.put(G, ("reqUseApi", "Use CTI API"), "true".into(), "Open CTI needs reqUseApi=true");
        let size = |name: &str, (min, max): (u32, u32), default: u32| {
            let old = self.old.value("reqGeneralInfo", name).parse::<u32>().ok();
            old.filter(|px| (min..=max).contains(px)).unwrap_or(default).to_string()
        };
        let (height, width) = (size("reqSoftphoneHeight", HEIGHT_RANGE, 460), size("reqSoftphoneWidth", WIDTH_RANGE, 340));
        self.put(G, ("reqSoftphoneHeight", "Softphone Height"), height, "set to a height Lightning's utility panel accepts");
        self.put(G, ("reqSoftphoneWidth", "Softphone Width"), width, "set to a width Lightning's utility panel accepts");
        self.put(G, ("reqSalesforceCompatibilityMode", "Salesforce Compatibility Mode"), "Lightning".into(),
            "without it the phone does not appear in Lightning");
        let handled = ["reqInternalName", "reqDisplayName", "reqAdapterUrl", "reqUseApi", "reqSoftphoneHeight",
            "reqSoftphoneWidth", "reqSalesforceCompatibilityMode", "reqStandbyUrl", "reqTimeout"];
        let old: &'a Definition = self.old;
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
            self.changes.push(dropped("reqGeneralInfo", i, why));
        }
    }

    /// The standby URL and timeout work only together, and only when Lightning can load the
    /// URL (https, or a Visualforce page of the org): otherwise both are dropped.
    fn standby(&mut self) {
        let (url, timeout) = (self.old_item("reqGeneralInfo", "reqStandbyUrl"), self.old_item("reqGeneralInfo", "reqTimeout"));
        let why = match (url, timeout) {
            (None, None) => return,
            (Some(u), Some(t)) => match (check_adapter_url(&u.value), t.value.parse::<u32>()) {
                (UrlCheck::Error(why), _) => format!("Lightning cannot load this standby URL: {why}"),
                (_, Err(_)) => "the timeout is not a number of milliseconds, so the standby URL would never be used".to_owned(),
                _ => {
                    for i in [u, t] {
                        self.changes.push(Change::Kept { key: format!("/reqGeneralInfo/{}", i.name), value: i.value.clone() });
                        let label = if i.label.is_empty() { i.name.clone() } else { i.label.clone() };
                        push(&mut self.new, "reqGeneralInfo", "General Information", &i.name, &label, &i.value);
                    }
                    return;
                }
            },
            _ => "reqStandbyUrl and reqTimeout only work together".to_owned(),
        };
        for i in [url, timeout].into_iter().flatten() {
            self.changes.push(dropped("reqGeneralInfo", i, &why));
        }
    }

    /// Kept as they are, when they are digits (a prefix is dialled as written).
    fn dialing(&mut self) {
        const D: (&str, &str) = ("reqDialingOptions", "Dialing Options");
        for (name, label) in DIALING.into_iter().zip(["Outside Prefix", "Long Distance Prefix", "International Prefix"]) {
            let value = self.old.value("reqDialingOptions", name);
            let (value, why) = match self.old_item("reqDialingOptions", name) {
                None => (String::new(), "added empty: Salesforce expects the three dialing options"),
                Some(_) if !value.bytes().all(|b| b.is_ascii_digit()) => (String::new(), "not digits only: the phone would dial it as written, so it is emptied; set the right digits"),
                Some(_) => (value.to_owned(), ""),
            };
            self.put(D, (name, label), value, why);
        }
        let old: &'a Definition = self.old;
        for i in old.section("reqDialingOptions").map_or(&[][..], |s| s.items.as_slice()) {
            if !DIALING.contains(&i.name.as_str()) {
                self.changes.push(dropped("reqDialingOptions", i, "not a dialing option Salesforce or this softphone reads"));
            }
        }
    }

    /// Vendor sections: PBX WebSocket addresses are understood, the rest only the old adapter
    /// read. Returns the PBX URLs to use.
    fn vendor_sections(&mut self, options: &Options, from_kind: Kind) -> Result<Vec<String>, MigrateError> {
        if let Some(bad) = options.pbx_urls.iter().find(|u| !is_pbx_url(u)) {
            return Err(MigrateError(format!("--pbx {bad:?} is not a ws:// or wss:// URL")));
        }
        let old: &'a Definition = self.old;
        let vendor: Vec<&Section> = old.sections.iter().filter(|s| s.name != "reqGeneralInfo" && s.name != "reqDialingOptions").collect();
        let found = |i: &Item| -> Vec<String> { i.value.split(',').map(str::trim).filter(|u| is_pbx_url(u)).map(str::to_owned).collect() };
        let mut pbx_urls = options.pbx_urls.clone();
        for s in &vendor {
            for i in &s.items {
                let urls = found(i);
                if options.pbx_urls.is_empty() && !urls.is_empty() {
                    self.changes.push(Change::Changed {
                        key: format!("/{}/{}", s.name, i.name),
                        from: Some(i.value.clone()),
                        to: format!("/{SECTION}/pbxWebSocketUrls"),
                        why: "a WebSocket address of the PBX: this softphone connects to it".into(),
                    });
                    pbx_urls.extend(urls);
                } else {
                    let why = match from_kind {
                        Kind::LegacyDesktop => "read only by the retired desktop adapter",
                        _ => "read only by the previous vendor's adapter",
                    };
                    self.changes.push(dropped(&s.name, i, why));
                }
            }
        }
        if pbx_urls.is_empty() {
            return Err(MigrateError(
                "no PBX WebSocket URL was found in the old definition: give one with --pbx wss://pbx.example.com:8443".into(),
            ));
        }
        Ok(pbx_urls)
    }

    fn ours(&mut self, pbx_urls: &[String], sip_domain: &str, api_version: &str, home_country: &str) {
        let ours = [
            ("pbxWebSocketUrls", "PBX WebSocket URLs (failover order, comma-separated)", pbx_urls.join(",")),
            ("sipDomain", "SIP Domain", sip_domain.to_owned()),
            ("iceServers", "ICE Servers (comma-separated stun:/turn: URLs)", String::new()),
            ("openCtiApiVersion", "Open CTI API Version", api_version.to_owned()),
            ("registerExpires", "Registration Expiry (seconds)", DEFAULT_REGISTER_EXPIRES.to_string()),
            ("wrapUpDispositions", "Wrap-up Dispositions (comma-separated)", "Resolved,Callback requested,Voicemail,Wrong number".to_owned()),
            ("homeCountry", "Home Country (ISO 3166-1 alpha-2, e.g. GB)", home_country.to_owned()),
            ("maxCalls", "Calls at Once (1-4)", DEFAULT_MAX_CALLS.to_string()),
            ("followTransferRequests", "Follow Transfer Requests (true/false)", "false".to_owned()),
        ];
        for (name, label, value) in ours {
            self.changes.push(Change::Changed { key: format!("/{SECTION}/{name}"), from: None, to: value.clone(), why: "this softphone's own setting".into() });
            push(&mut self.new, SECTION, "Rust Softphone", name, label, &value);
        }
        self.number_format();
    }

    /// The old adapter dialled with the definition's prefixes: a definition that has any keeps
    /// dialling that way (national); one without goes out in E.164, the default.
    fn number_format(&mut self) {
        let prefixes = ["reqOutsidePrefix", "reqLongDistPrefix", "reqInternationalPrefix"];
        let dials_with_prefixes = prefixes.iter().any(|p| !self.new.value("reqDialingOptions", p).is_empty());
        let (format, why) = if dials_with_prefixes {
            (NumberFormat::National, "the old definition dials with prefixes; national keeps the numbers the PBX gets as they were")
        } else {
            (NumberFormat::E164, "no dialing prefixes: every number goes to the PBX in E.164")
        };
        let key = format!("/{SECTION}/trunkNumberFormat");
        self.changes.push(Change::Changed { key, from: None, to: format.as_str().into(), why: why.into() });
        push(&mut self.new, SECTION, "Rust Softphone", "trunkNumberFormat", "Trunk Number Format (e164 or national)", format.as_str());
    }
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

pub(crate) fn dropped(section: &str, item: &Item, why: &str) -> Change {
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

/// The report's Kept, Changed or added, and Dropped lists, in Markdown.
pub(crate) fn changes_report(changes: &[Change]) -> String {
    let mut out = String::new();
    for (title, pick) in [("Kept", 0), ("Changed or added", 1), ("Dropped", 2)] {
        out.push_str(&format!("## {title}\n\n"));
        let mut any = false;
        for c in changes {
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
    out
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
        out.push_str(&changes_report(&self.changes));
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
