//! What the `callcenter` tool prints: the inventory table (text, CSV, JSON), the plain-words
//! explanation of a definition, and diagnostics as JSON. Plain string building, no serializer.

use crate::definition::Definition;
use crate::migrate::{kind, Kind};
use crate::settings::{adapter_url_api_version, CredentialSource, SoftphoneSettings, DEFAULT_API_VERSION, SECTION};
use crate::validate::{Diagnostic, Severity};

/// One definition found by `callcenter inventory`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryRow {
    /// The file, relative to the inventoried folder.
    pub file: String,
    /// What it is, or `None` when the file is not a definition.
    pub kind: Option<Kind>,
    /// `reqInternalName` (or why the file is not a definition).
    pub internal_name: String,
    /// `reqAdapterUrl`.
    pub adapter_url: String,
    /// `reqSalesforceCompatibilityMode`, or "(missing: Classic)".
    pub compatibility_mode: String,
    /// Outside / long-distance / international prefixes.
    pub prefixes: [String; 3],
    /// Sections other than Salesforce's own.
    pub vendor_sections: Vec<String>,
}

impl InventoryRow {
    /// The row for a parsed definition.
    pub fn new(file: &str, d: &Definition) -> InventoryRow {
        let g = |name| d.value("reqGeneralInfo", name).to_owned();
        let mode = match d.item("reqGeneralInfo", "reqSalesforceCompatibilityMode") {
            Some(i) => i.value.clone(),
            None => "(missing: Classic)".to_owned(),
        };
        InventoryRow {
            file: file.to_owned(),
            kind: Some(kind(d)),
            internal_name: g("reqInternalName"),
            adapter_url: g("reqAdapterUrl"),
            compatibility_mode: mode,
            prefixes: ["reqOutsidePrefix", "reqLongDistPrefix", "reqInternationalPrefix"].map(|p| d.value("reqDialingOptions", p).to_owned()),
            vendor_sections: d
                .sections
                .iter()
                .filter(|s| !matches!(s.name.as_str(), "reqGeneralInfo" | "reqDialingOptions"))
                .map(|s| s.name.clone())
                .collect(),
        }
    }

    /// The row for a file that is not a definition.
    pub fn unreadable(file: &str, why: &str) -> InventoryRow {
        InventoryRow {
            file: file.to_owned(),
            kind: None,
            internal_name: format!("(not a definition: {why})"),
            adapter_url: String::new(),
            compatibility_mode: String::new(),
            prefixes: Default::default(),
            vendor_sections: Vec::new(),
        }
    }

    fn cells(&self) -> [String; 9] {
        let [outside, long, international] = self.prefixes.clone();
        [
            self.file.clone(),
            self.kind.map_or("-", Kind::as_str).to_owned(),
            self.internal_name.clone(),
            self.adapter_url.clone(),
            self.compatibility_mode.clone(),
            outside,
            long,
            international,
            self.vendor_sections.join(";"),
        ]
    }
}

const HEADERS: [&str; 9] = ["file", "kind", "internal name", "adapter URL", "compatibility mode", "outside", "long distance", "international", "vendor sections"];

/// An aligned text table.
pub fn inventory_text(rows: &[InventoryRow]) -> String {
    let table: Vec<[String; 9]> = rows.iter().map(InventoryRow::cells).collect();
    let mut widths = HEADERS.map(str::len);
    for row in &table {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(HEADERS.iter().map(|h| h.to_string()).collect());
    for row in table {
        out.push_str(&line(row.to_vec()));
    }
    out
}

/// RFC 4180 CSV with a header row.
pub fn inventory_csv(rows: &[InventoryRow]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = HEADERS.map(field).join(",") + "\r\n";
    for row in rows {
        out.push_str(&(row.cells().map(|c| field(&c)).join(",") + "\r\n"));
    }
    out
}

/// A JSON array of objects.
pub fn inventory_json(rows: &[InventoryRow]) -> String {
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            let sections: Vec<String> = r.vendor_sections.iter().map(|s| json_string(s)).collect();
            format!(
                "{{\"file\":{},\"kind\":{},\"internalName\":{},\"adapterUrl\":{},\"compatibilityMode\":{},\"outsidePrefix\":{},\"longDistancePrefix\":{},\"internationalPrefix\":{},\"vendorSections\":[{}]}}",
                json_string(&r.file),
                r.kind.map_or("null".to_owned(), |k| json_string(k.as_str())),
                json_string(&r.internal_name),
                json_string(&r.adapter_url),
                json_string(&r.compatibility_mode),
                json_string(&r.prefixes[0]),
                json_string(&r.prefixes[1]),
                json_string(&r.prefixes[2]),
                sections.join(","),
            )
        })
        .collect();
    format!("[{}]\n", items.join(",\n "))
}

/// Diagnostics of several files as JSON: `[{file, errors, warnings, diagnostics: [...]}]`.
pub fn diagnostics_json(files: &[(String, Vec<Diagnostic>)]) -> String {
    let items: Vec<String> = files
        .iter()
        .map(|(file, diagnostics)| {
            let list: Vec<String> = diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{{\"severity\":\"{}\",\"code\":{},\"line\":{},\"key\":{},\"message\":{}}}",
                        if d.severity == Severity::Error { "error" } else { "warning" },
                        json_string(d.code),
                        d.line,
                        d.key.as_deref().map_or("null".to_owned(), json_string),
                        json_string(&d.message)
                    )
                })
                .collect();
            let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            format!(
                "{{\"file\":{},\"errors\":{errors},\"warnings\":{},\"diagnostics\":[{}]}}",
                json_string(file),
                diagnostics.len() - errors,
                list.join(",")
            )
        })
        .collect();
    format!("[{}]\n", items.join(",\n "))
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What the softphone will do with this definition, in plain words.
pub fn explain(d: &Definition, diagnostics: &[Diagnostic]) -> String {
    let g = |name| d.value("reqGeneralInfo", name);
    let mut out = String::new();
    let name = if g("reqDisplayName").is_empty() { "(no display name)" } else { g("reqDisplayName") };
    out.push_str(&format!("Call center \"{name}\" (internal name {}), kind: {}.\n\n", g("reqInternalName"), kind(d).as_str()));
    match kind(d) {
        Kind::LegacyDesktop => out.push_str(
            "This is a definition for the retired desktop Softphone CTI Adapter: Salesforce no longer runs it.\n\
             `callcenter migrate` turns it into a definition for this softphone.\n\n",
        ),
        Kind::OpenCtiClassic => out.push_str(
            "Salesforce shows this phone in Classic only: in Lightning the utility item stays empty.\n\
             Set reqSalesforceCompatibilityMode to Lightning.\n\n",
        ),
        Kind::OpenCtiLightning => out.push_str(&lightning_panel(d)),
    }
    if !g("reqStandbyUrl").is_empty() {
        out.push_str(&format!(
            "If the phone does not finish loading within {} ms, Lightning switches to {} until the browser restarts.\n\n",
            g("reqTimeout"),
            where_loaded(g("reqStandbyUrl"))
        ));
    }
    match SoftphoneSettings::from_map(&d.settings_map()) {
        Ok(read) => {
            out.push_str(&settings_in_words(&read.settings));
            if !read.problems.is_empty() {
                out.push_str("The phone starts, shows these problems to the agent and works around them:\n");
                for p in &read.problems {
                    out.push_str(&format!("  {}: {}\n", p.key, p.message));
                }
            }
        }
        Err(e) => out.push_str(&format!("The phone will not start: its settings in section {SECTION} need fixing:\n{e}\n")),
    }
    let vendor: Vec<&str> = d
        .sections
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| !matches!(*n, "reqGeneralInfo" | "reqDialingOptions") && *n != SECTION)
        .collect();
    if !vendor.is_empty() {
        out.push_str(&format!("\nThe softphone ignores these sections: {}.\n", vendor.join(", ")));
    }
    let errors = diagnostics.iter().filter(|x| x.severity == Severity::Error).count();
    out.push_str(&format!("\nValidation: {errors} error(s), {} warning(s).\n", diagnostics.len() - errors));
    for x in diagnostics {
        out.push_str(&format!("  line {x}\n"));
    }
    out
}

/// An adapter or standby URL as an admin reads it: a Visualforce page of the org, or a URL.
fn where_loaded(url: &str) -> String {
    if url.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("/apex/")) {
        format!("the org's Visualforce page {url} (served from the org's own Visualforce host)")
    } else {
        url.to_owned()
    }
}

/// The Lightning paragraph: the panel, what it loads, which Open CTI version.
fn lightning_panel(d: &Definition) -> String {
    let g = |name| d.value("reqGeneralInfo", name);
    let url = g("reqAdapterUrl");
    let version = match adapter_url_api_version(url) {
        Some(v) => format!("Open CTI {v} (the adapter URL's apiVersion)"),
        None => format!("Open CTI {DEFAULT_API_VERSION} (the default: the adapter URL has no apiVersion)"),
    };
    format!(
        "In Lightning, the Phone utility item opens a {} x {} px panel that loads\n  {}\n\
         with Salesforce's origin appended; the softphone accepts only Salesforce origins (and,\n\
         in development builds, the origins it was built to trust), then loads {version}.\n\n",
        g("reqSoftphoneWidth"),
        g("reqSoftphoneHeight"),
        where_loaded(url)
    )
}

/// What the phone does with its settings, in plain words.
fn ice_in_words(ice: &crate::IceSettings) -> String {
    let urls: Vec<&str> = ice.servers.iter().flat_map(|x| x.urls.iter().map(String::as_str)).chain(ice.turn_urls_for_org().iter().map(String::as_str)).collect();
    if urls.is_empty() && ice.credentials_url.is_none() {
        return "No STUN/TURN servers: audio only works where the agent's browser can reach the PBX's media directly.\n".to_owned();
    }
    let mut out = format!("Audio uses the ICE servers {}.\n", urls.join(", "));
    if let Some(url) = &ice.credentials_url {
        out.push_str(&format!("TURN credentials are fetched from {url} and renewed before they expire.\n"));
    } else if !ice.turn_urls_for_org().is_empty() {
        out.push_str("TURN credentials come from the org with the SIP ones (SoftphoneCredentials) and are renewed with them.\n");
    }
    if ice.policy == crate::IceTransportPolicy::Relay {
        out.push_str("All audio goes through the TURN server (iceTransportPolicy relay).\n");
    }
    out
}

/// How clicked and typed numbers reach the PBX.
fn numbers_in_words(s: &SoftphoneSettings) -> String {
    let p = &s.dialing;
    let home = &s.home_country;
    match s.number_format {
        crate::NumberFormat::E164 => format!(
            "Numbers without a country code are read as numbers of country {home}; every outside number goes to the PBX\n\
             in E.164 (+ and the country code), {home}'s included (trunkNumberFormat e164; dialing prefixes are not used).\n"
        ),
        crate::NumberFormat::National => format!(
            "Numbers without a country code are read as numbers of country {home}; outside numbers go to the PBX as dialled\n\
             in {home} (trunkNumberFormat national): behind outside prefix \"{}\", home numbers nationally (long-distance\n\
             prefix \"{}\", else the country's trunk prefix), foreign ones behind {}.\n",
            p.outside_prefix,
            p.long_distance_prefix,
            if p.international_prefix.is_empty() { "the country's own international prefix".to_owned() } else { format!("international prefix \"{}\"", p.international_prefix) }
        ),
    }
}

fn settings_in_words(s: &SoftphoneSettings) -> String {
    let sign_in = match s.credentials {
        CredentialSource::Password => "Agents sign in with their own SIP user and password (typed in the phone, kept in memory only)",
        CredentialSource::Org { password_fallback: true } => {
            "Agents are signed in by Salesforce: the org package mints short-lived credentials for each user's extension\n\
             (User.Softphone_Extension__c), renewed before they expire; without the package or an extension, or when the PBX\n\
             refuses them, agents sign in with their own SIP user and password (passwordFallback)"
        }
        CredentialSource::Org { password_fallback: false } => {
            "Agents are signed in by Salesforce: the org package mints short-lived credentials for each user's extension\n\
             (User.Softphone_Extension__c), renewed before they expire; without the package or an extension, or when the PBX\n\
             refuses them, agents cannot sign in (passwordFallback false: no password form)"
        }
    };
    let mut out = format!("{sign_in}\nand register in the SIP domain {} for {} seconds at a time, through:\n", s.sip_domain, s.register_expires);
    for (i, url) in s.pbx_urls.iter().enumerate() {
        let role = if i == 0 { "first" } else { "then, if that fails," };
        out.push_str(&format!("  {role} {url}\n"));
    }
    out.push_str(&ice_in_words(&s.ice));
    out.push_str(&numbers_in_words(s));
    if s.audio_codecs.is_empty() {
        out.push_str("Audio codecs are offered in the browser's own order (Opus first).\n");
    } else {
        let names: Vec<&str> = s.audio_codecs.iter().map(|c| c.name()).collect();
        out.push_str(&format!("Audio codecs are preferred in this order: {}, then the browser's others.\n", names.join(", ")));
    }
    if s.dispositions.is_empty() {
        out.push_str("After a call the agent writes notes; no dispositions are offered.\n");
    } else {
        out.push_str(&format!("After a call the agent picks one of: {}.\n", s.dispositions.join(", ")));
    }
    out.push_str("Every call is logged as a Task (who, what, type, duration, Call-ID, disposition, notes).\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_escape_what_they_must() {
        let mut row = InventoryRow::unreadable("a,b.xml", "bad \"quote\"\n");
        row.vendor_sections = vec!["x".into(), "y".into()];
        let csv = inventory_csv(std::slice::from_ref(&row));
        assert!(csv.starts_with("file,kind,"));
        assert!(csv.contains("\"a,b.xml\",-,\"(not a definition: bad \"\"quote\"\"\n)\""));
        let json = inventory_json(&[row]);
        assert!(json.contains(r#""internalName":"(not a definition: bad \"quote\"\n)""#));
        assert!(json.contains(r#""kind":null"#));
        assert!(json.contains(r#""vendorSections":["x","y"]"#));
        assert_eq!(json_string("\u{1}"), "\"\\u0001\"");
    }
}
