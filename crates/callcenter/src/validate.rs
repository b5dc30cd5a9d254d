//! Checks a definition the way Salesforce's import does, plus what makes our softphone work
//! in Lightning. Every finding points at a line and, where there is one, the item.

use std::collections::HashSet;
use std::fmt;

use crate::definition::{Definition, Form, Item};
use crate::settings::{adapter_url_api_version, is_api_version, SoftphoneSettings, DEFAULT_API_VERSION, SECTION};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The phone will not work (or the import will refuse the file).
    Error,
    /// Works, but probably not as meant.
    Warning,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short code, e.g. `missing-item`, for scripts.
    pub code: &'static str,
    /// 1-based line in the file; 0 when the whole file is concerned.
    pub line: u32,
    /// The item concerned, as `/section/item`, or the section as `/section`.
    pub key: Option<String>,
    /// What is wrong and what to do, in words an admin can act on.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {level}[{}]", self.line, self.code)?;
        if let Some(key) = &self.key {
            write!(f, " {key}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Items of `reqGeneralInfo` an Open CTI definition must have.
pub const REQUIRED_GENERAL: [&str; 7] = [
    "reqInternalName",
    "reqDisplayName",
    "reqAdapterUrl",
    "reqUseApi",
    "reqSoftphoneHeight",
    "reqSoftphoneWidth",
    "reqSalesforceCompatibilityMode",
];
/// Every `req*` item Salesforce knows, for did-you-mean suggestions.
pub const KNOWN_REQ_ITEMS: [&str; 15] = [
    "reqInternalName",
    "reqDisplayName",
    "reqAdapterUrl",
    "reqUseApi",
    "reqSoftphoneHeight",
    "reqSoftphoneWidth",
    "reqSalesforceCompatibilityMode",
    "reqStandbyUrl",
    "reqTimeout",
    "reqOutsidePrefix",
    "reqLongDistPrefix",
    "reqInternationalPrefix",
    "reqDescription",
    "reqProgId",
    "reqVersion",
];
/// Items only the retired desktop CTI adapter read.
pub const LEGACY_ONLY_ITEMS: [&str; 3] = ["reqProgId", "reqVersion", "reqDescription"];
/// What Lightning accepts for the softphone panel (`setSoftphonePanelHeight` / `Width`).
pub const HEIGHT_RANGE: (u32, u32) = (240, 2560);
/// See [`HEIGHT_RANGE`].
pub const WIDTH_RANGE: (u32, u32) = (200, 1920);

/// All findings, errors first, then by line.
pub fn validate(d: &Definition) -> Vec<Diagnostic> {
    let mut v = Validator { d, out: Vec::new() };
    v.structure();
    v.general();
    v.dialing();
    v.softphone_section();
    v.api_version();
    v.unknown_req_items();
    v.out.sort_by_key(|x| (x.severity, x.line));
    v.out
}

/// Whether any finding is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

struct Validator<'a> {
    d: &'a Definition,
    out: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn push(&mut self, severity: Severity, code: &'static str, line: u32, key: Option<String>, message: String) {
        self.out.push(Diagnostic { severity, code, line, key, message });
    }
    fn error(&mut self, code: &'static str, line: u32, key: Option<String>, message: String) {
        self.push(Severity::Error, code, line, key, message);
    }
    fn warn(&mut self, code: &'static str, line: u32, key: Option<String>, message: String) {
        self.push(Severity::Warning, code, line, key, message);
    }

    fn item(&self, section: &str, name: &str) -> Option<&Item> {
        self.d.item(section, name)
    }

    /// Names, labels, sortOrders and uniqueness, for sections and for items.
    fn structure(&mut self) {
        if self.d.sections.is_empty() {
            self.error("empty", 0, None, "the definition has no sections; it needs at least reqGeneralInfo".into());
        }
        let mut section_names = HashSet::new();
        let mut section_orders = HashSet::new();
        let import = self.d.form == Form::Import;
        for s in &self.d.sections {
            let key = Some(format!("/{}", s.name));
            if s.name.is_empty() {
                self.error("missing-name", s.line, None, "a <section> has no name attribute".into());
            } else if !section_names.insert(s.name.as_str()) {
                self.error("duplicate-name", s.line, key.clone(), format!("section {} appears twice; names must be unique", s.name));
            }
            if s.label.is_empty() {
                self.error("missing-label", s.line, key.clone(), "the section has no label; Setup shows labels".into());
            }
            if import {
                self.sort_order(&s.sort_order, s.line, key.clone(), &mut section_orders);
            }
            let mut item_names = HashSet::new();
            let mut item_orders = HashSet::new();
            for i in &s.items {
                let key = Some(format!("/{}/{}", s.name, i.name));
                if i.name.is_empty() {
                    self.error("missing-name", i.line, Some(format!("/{}", s.name)), "an <item> has no name attribute".into());
                } else if !item_names.insert(i.name.as_str()) {
                    self.error("duplicate-name", i.line, key.clone(), format!("item {} appears twice in section {}; names must be unique", i.name, s.name));
                }
                if i.label.is_empty() {
                    self.error("missing-label", i.line, key.clone(), "the item has no label; Setup shows labels".into());
                }
                if import {
                    self.sort_order(&i.sort_order, i.line, key, &mut item_orders);
                }
            }
        }
    }

    fn sort_order<'s>(&mut self, order: &'s str, line: u32, key: Option<String>, seen: &mut HashSet<&'s str>) {
        if order.is_empty() {
            self.error("sort-order", line, key, "sortOrder is missing; give each section and item a number (0, 1, 2, ...)".into());
        } else if order.parse::<u32>().is_err() {
            self.error("sort-order", line, key, format!("sortOrder \"{order}\" is not a non-negative whole number"));
        } else if !seen.insert(order) {
            self.warn("sort-order", line, key, format!("sortOrder {order} is used twice at this level; Setup's order becomes arbitrary"));
        }
    }

    fn general(&mut self) {
        let Some(general) = self.d.section("reqGeneralInfo") else {
            self.error("missing-section", 0, Some("/reqGeneralInfo".into()), "the required section reqGeneralInfo is missing".into());
            return;
        };
        let section_line = general.line;
        for name in REQUIRED_GENERAL {
            if self.item("reqGeneralInfo", name).is_none() {
                let message = if name == "reqSalesforceCompatibilityMode" {
                    "is missing: the import then assumes Classic and the phone does not appear in Lightning. Add it with the value Lightning".to_owned()
                } else if name == "reqUseApi" {
                    "is missing: without reqUseApi=true Salesforce treats this as a desktop CTI adapter, not Open CTI".to_owned()
                } else {
                    "is missing; Salesforce requires it".to_owned()
                };
                self.error("missing-item", section_line, Some(format!("/reqGeneralInfo/{name}")), message);
            }
        }
        if let Some(i) = self.item("reqGeneralInfo", "reqInternalName").cloned() {
            if let Err(why) = check_internal_name(&i.value) {
                self.error("internal-name", i.line, Some("/reqGeneralInfo/reqInternalName".into()), why);
            }
        }
        for name in ["reqAdapterUrl", "reqStandbyUrl"] {
            if let Some(i) = self.item("reqGeneralInfo", name).cloned() {
                self.url(&i, name);
            }
        }
        if let Some(i) = self.item("reqGeneralInfo", "reqUseApi").cloned() {
            if i.value != "true" {
                self.error("use-api", i.line, Some("/reqGeneralInfo/reqUseApi".into()), format!("is \"{}\"; Open CTI needs true", i.value));
            }
        }
        for (name, (min, max)) in [("reqSoftphoneHeight", HEIGHT_RANGE), ("reqSoftphoneWidth", WIDTH_RANGE)] {
            if let Some(i) = self.item("reqGeneralInfo", name).cloned() {
                match i.value.parse::<u32>() {
                    Ok(px) if (min..=max).contains(&px) => {}
                    Ok(px) => self.error("softphone-size", i.line, Some(format!("/reqGeneralInfo/{name}")), format!("{px} px is outside what Lightning accepts ({min}-{max} px)")),
                    Err(_) => self.error("softphone-size", i.line, Some(format!("/reqGeneralInfo/{name}")), format!("\"{}\" is not a number of pixels", i.value)),
                }
            }
        }
        if let Some(i) = self.item("reqGeneralInfo", "reqSalesforceCompatibilityMode").cloned() {
            let key = Some("/reqGeneralInfo/reqSalesforceCompatibilityMode".to_owned());
            match i.value.as_str() {
                "Lightning" | "Classic_and_Lightning" => {}
                "Classic" => self.error("compatibility-mode", i.line, key, "Classic hides the phone in Lightning; use Lightning (or Classic_and_Lightning)".into()),
                other => self.error("compatibility-mode", i.line, key, format!("\"{other}\" is not Classic, Lightning or Classic_and_Lightning")),
            }
        }
        if let Some(i) = self.item("reqGeneralInfo", "reqTimeout").cloned() {
            if i.value.parse::<u32>().is_err() {
                self.error("timeout", i.line, Some("/reqGeneralInfo/reqTimeout".into()), format!("\"{}\" is not a number of milliseconds", i.value));
            }
        }
        if self.item("reqGeneralInfo", "reqTimeout").is_some() != self.item("reqGeneralInfo", "reqStandbyUrl").is_some() {
            self.warn("standby", section_line, Some("/reqGeneralInfo".into()), "reqStandbyUrl and reqTimeout only work together; set both or neither".into());
        }
        for name in LEGACY_ONLY_ITEMS {
            if let Some(i) = self.item("reqGeneralInfo", name).cloned() {
                self.warn("legacy-item", i.line, Some(format!("/reqGeneralInfo/{name}")), "only the retired desktop CTI adapter read this; Open CTI ignores it (callcenter migrate drops it)".into());
            }
        }
    }

    fn url(&mut self, item: &Item, name: &str) {
        let key = Some(format!("/reqGeneralInfo/{name}"));
        match check_adapter_url(&item.value) {
            UrlCheck::Fine => {}
            UrlCheck::Warning(message) => self.warn("adapter-url", item.line, key, message),
            UrlCheck::Error(message) => self.error("adapter-url", item.line, key, message),
        }
    }

    /// The script version comes from the adapter URL (it is loaded before any setting can be
    /// read); `openCtiApiVersion` only documents it, so the two must agree.
    fn api_version(&mut self) {
        let Some(adapter) = self.item("reqGeneralInfo", "reqAdapterUrl").cloned() else { return };
        let in_url = adapter_url_api_version(&adapter.value);
        if let Some(v) = in_url.filter(|v| !is_api_version(v)) {
            let message = format!("apiVersion={v} is not an Open CTI version (38.0 or later, like {DEFAULT_API_VERSION}): the phone refuses to start");
            self.error("api-version", adapter.line, Some("/reqGeneralInfo/reqAdapterUrl".into()), message);
            return;
        }
        let loaded = in_url.unwrap_or(DEFAULT_API_VERSION);
        let Some(declared) = self.item(SECTION, "openCtiApiVersion").cloned() else { return };
        if !declared.value.is_empty() && declared.value != loaded {
            let how = if in_url.is_some() { "the adapter URL's apiVersion" } else { "the default, as the adapter URL has no apiVersion" };
            let message = format!(
                "says {} but the phone loads Open CTI {loaded} ({how}); add ?apiVersion={} to reqAdapterUrl or change this item",
                declared.value, declared.value
            );
            self.warn("api-version", declared.line, Some(format!("/{SECTION}/openCtiApiVersion")), message);
        }
    }

    fn dialing(&mut self) {
        let e164 = crate::trunk::read_number_format(self.d.value(SECTION, "trunkNumberFormat")).is_ok_and(|f| f == crate::NumberFormat::E164);
        if self.d.section("reqDialingOptions").is_none() {
            if !e164 {
                self.warn("missing-section", 0, Some("/reqDialingOptions".into()), "no reqDialingOptions: numbers are dialled without outside, long-distance or international prefixes".into());
            }
            return;
        }
        // An E.164 trunk takes numbers with + and the country code: a prefix would break them.
        let unused: Vec<Item> = ["reqOutsidePrefix", "reqLongDistPrefix", "reqInternationalPrefix"]
            .iter()
            .filter_map(|name| self.item("reqDialingOptions", name))
            .filter(|i| e164 && !i.value.trim().is_empty())
            .cloned()
            .collect();
        for i in unused {
            let message = format!("{} {:?} is not dialled: trunkNumberFormat is e164 (the default), so numbers go out as +E.164; set it to national to dial with the prefixes", i.name, i.value.trim());
            self.warn("unused-prefix", i.line, Some(format!("/reqDialingOptions/{}", i.name)), message);
        }
    }

    fn softphone_section(&mut self) {
        let Some(section) = self.d.section(SECTION) else {
            self.error("missing-section", 0, Some(format!("/{SECTION}")), format!("the section {SECTION} is missing: the softphone needs at least pbxWebSocketUrls and sipDomain"));
            return;
        };
        let section_line = section.line;
        // Problems in items that exist point at them; the rest at the section. The phone works
        // around some of them with defaults, but the file still says something it does not use.
        let problems = match SoftphoneSettings::from_map(&self.d.settings_map()) {
            Ok(read) => read.problems,
            Err(e) => e.problems,
        };
        for p in problems {
            if p.key.starts_with("/reqGeneralInfo/") && self.out.iter().any(|d| d.key.as_deref() == Some(p.key.as_str())) {
                continue; // already reported above
            }
            let mut parts = p.key.trim_start_matches('/').splitn(2, '/');
            let (s, i) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let line = self.item(s, i).map_or(section_line, |i| i.line);
            self.error("softphone-setting", line, Some(p.key), p.message);
        }
    }

    fn unknown_req_items(&mut self) {
        let items: Vec<(String, String, u32)> = self
            .d
            .sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s.name.clone(), i.name.clone(), i.line)))
            .collect();
        for (section, name, line) in items {
            if !name.starts_with("req") || KNOWN_REQ_ITEMS.contains(&name.as_str()) {
                continue;
            }
            let suggestion = KNOWN_REQ_ITEMS
                .iter()
                .map(|k| (edit_distance(&name.to_ascii_lowercase(), &k.to_ascii_lowercase()), *k))
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, k)| format!("; did you mean {k}?"))
                .unwrap_or_default();
            self.warn("unknown-item", line, Some(format!("/{section}/{name}")), format!("{name} is not an item Salesforce knows{suggestion}"));
        }
    }
}

/// What [`check_adapter_url`] thinks of an adapter or standby URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlCheck {
    /// Lightning can frame it for agents.
    Fine,
    /// Works, but not for agents (plain http on loopback).
    Warning(String),
    /// Lightning cannot (or must not) frame it.
    Error(String),
}

/// An adapter or standby URL: absolute https, plain http on loopback (development), or a
/// Visualforce page of the org as a relative path (`/apex/Page`, `/apex/ns__Page`, with an
/// optional query), which Salesforce serves from the org's own Visualforce host.
pub fn check_adapter_url(value: &str) -> UrlCheck {
    let lower = value.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        if rest.is_empty() || rest.starts_with('/') {
            return UrlCheck::Error(format!("\"{value}\" has no host"));
        }
        UrlCheck::Fine
    } else if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            UrlCheck::Warning(format!("\"{value}\" is plain http on loopback: fine for development, never for agents"))
        } else {
            UrlCheck::Error(format!("\"{value}\" is plain http; Lightning needs https for the adapter"))
        }
    } else if value.is_empty() {
        UrlCheck::Error("is empty".into())
    } else if let Some(page) = value.get(..6).filter(|p| p.eq_ignore_ascii_case("/apex/")).and(value.get(6..)) {
        match check_visualforce_page(page) {
            Ok(()) => UrlCheck::Fine,
            Err(why) => UrlCheck::Error(format!("\"{value}\" {why}")),
        }
    } else if lower.starts_with('/') {
        UrlCheck::Error(format!("\"{value}\" is relative: only a Visualforce page of this org (/apex/PageName) may be; otherwise use an https:// URL"))
    } else if lower.contains(':') {
        let scheme = lower.split(':').next().unwrap_or("");
        UrlCheck::Error(format!("the {scheme}: scheme is not allowed; use an https:// URL or /apex/PageName"))
    } else {
        UrlCheck::Error(format!("\"{value}\" is not an absolute https:// URL or a /apex/PageName path"))
    }
}

/// `Page` or `ns__Page`, then an optional `?query`: what follows `/apex/`.
fn check_visualforce_page(path: &str) -> Result<(), String> {
    let (page, query) = path.split_once('?').unwrap_or((path, ""));
    if query.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#') {
        return Err("has spaces or a fragment in its query".into());
    }
    let name_ok = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !name.ends_with('_')
            && !name.contains("__")
            && name.len() <= 80
    };
    let ok = match page.split_once("__") {
        Some((namespace, name)) => name_ok(namespace) && name_ok(name),
        None => name_ok(page),
    };
    if ok {
        Ok(())
    } else {
        Err("is not a Visualforce page path: /apex/ then the page name (letters, digits, single underscores; ns__Name for a packaged page)".into())
    }
}

/// Salesforce's rule for internal names, as an admin would read it.
pub fn check_internal_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("is empty".into());
    };
    if !first.is_ascii_alphabetic() {
        return Err(format!("\"{name}\" must start with a letter"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(format!("\"{name}\" may hold only letters, digits and underscores, not '{c}'"));
    }
    if name.ends_with('_') || name.contains("__") {
        return Err(format!("\"{name}\" may not end with an underscore or hold two in a row"));
    }
    if name.len() > 40 {
        return Err(format!("\"{name}\" is longer than 40 characters"));
    }
    Ok(())
}

/// Levenshtein distance, for did-you-mean.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else { break };
            let value = (prev + usize::from(ca != *cb)).min(left + 1).min(up + 1);
            prev = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../../callcenter-xml/development.xml");

    fn findings(xml: &str) -> Vec<(Severity, &'static str, u32, Option<String>)> {
        let d = Definition::parse(xml).expect("parses");
        validate(&d).into_iter().map(|x| (x.severity, x.code, x.line, x.key)).collect()
    }

    #[test]
    fn the_development_definition_only_warns_about_loopback_http() {
        let found = findings(GOOD);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "adapter-url");
        assert_eq!(found[0].0, Severity::Warning);
    }

    #[test]
    fn missing_compatibility_mode_is_the_classic_rollout_mistake() {
        let xml = GOOD.replace(r#"<item sortOrder="6" name="reqSalesforceCompatibilityMode" label="Salesforce Compatibility Mode">Lightning</item>"#, "");
        let d = Definition::parse(&xml).expect("parses");
        let e = validate(&d).into_iter().find(|x| x.code == "missing-item").expect("reported");
        assert!(e.message.contains("does not appear in Lightning"));
        assert_eq!(e.key.as_deref(), Some("/reqGeneralInfo/reqSalesforceCompatibilityMode"));
    }

    #[test]
    fn errors_point_at_the_line_and_item() {
        let xml = GOOD
            .replace("http://127.0.0.1:8704/apex/Softphone", "javascript:alert(1)")
            .replace(">460<", ">100<")
            .replace("RustSoftphoneDev", "1 Bad Name")
            .replace(r#"name="reqUseApi" label="Use CTI API">true"#, r#"name="reqUseAPI" label="Use CTI API">true"#);
        let found = findings(&xml);
        let has = |code: &str, line: u32| found.iter().any(|f| f.1 == code && f.2 == line);
        assert!(has("adapter-url", 13), "{found:?}");
        assert!(has("softphone-size", 15), "{found:?}");
        assert!(has("internal-name", 11), "{found:?}");
        let unknown = Definition::parse(&xml).map(|d| validate(&d)).expect("parses");
        let typo = unknown.iter().find(|d| d.code == "unknown-item").expect("typo found");
        assert!(typo.message.ends_with("did you mean reqUseApi?"), "{}", typo.message);
        assert!(unknown.iter().any(|d| d.code == "missing-item" && d.key.as_deref() == Some("/reqGeneralInfo/reqUseApi")));
    }

    #[test]
    fn duplicates_and_sort_orders_are_caught() {
        let xml = r#"<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="G">
    <item sortOrder="0" name="reqInternalName" label="I">A</item>
    <item sortOrder="0" name="reqInternalName" label="I">B</item>
    <item sortOrder="x" name="reqDisplayName" label="">D</item>
  </section>
  <section name="reqGeneralInfo" label="G"/>
</callCenter>"#;
        let found = findings(xml);
        let has = |code: &str, line: u32| found.iter().any(|f| f.1 == code && f.2 == line);
        assert!(has("duplicate-name", 4));
        assert!(has("sort-order", 4));
        assert!(has("sort-order", 5));
        assert!(has("missing-label", 5));
        assert!(has("duplicate-name", 7));
        assert!(has("sort-order", 7));
    }

    #[test]
    fn legacy_items_in_an_open_cti_definition_are_flagged() {
        let xml = GOOD.replace(
            r#"<item sortOrder="3" name="reqUseApi""#,
            r#"<item sortOrder="7" name="reqProgId" label="Prog Id">Acme.Adapter.1</item><item sortOrder="3" name="reqUseApi""#,
        );
        assert!(findings(&xml).iter().any(|f| f.1 == "legacy-item" && f.3.as_deref() == Some("/reqGeneralInfo/reqProgId")));
    }

    #[test]
    fn visualforce_pages_of_the_org_are_accepted_as_adapter_and_standby_urls() {
        for url in ["/apex/Softphone", "/apex/acme__Softphone", "/apex/Softphone?apiVersion=62.0", "/APEX/Soft_Phone2?a=1&b=two"] {
            assert_eq!(check_adapter_url(url), UrlCheck::Fine, "{url}");
        }
        let xml = GOOD
            .replace("http://127.0.0.1:8704/apex/Softphone", "/apex/acme__Softphone?apiVersion=62.0")
            .replace(
                r#"<item sortOrder="6" name="reqSalesforceCompatibilityMode""#,
                r#"<item sortOrder="7" name="reqStandbyUrl" label="Standby URL">/apex/SoftphoneStandby</item><item sortOrder="8" name="reqTimeout" label="Timeout">5000</item><item sortOrder="6" name="reqSalesforceCompatibilityMode""#,
            );
        assert_eq!(findings(&xml), [], "a Visualforce-hosted definition is clean");
    }

    #[test]
    fn other_relative_and_insecure_urls_are_still_refused() {
        for url in [
            "/phone/index.html", "apex/Softphone", "/apex/", "/apex/2Phone", "/apex/Soft-phone", "/apex/a/b",
            "/apex/ns__", "/apex/a___b", "/apex/Page?x=a b", "/apex/Page#x", "http://phone.example.com/",
            "https:///x", "javascript:alert(1)", "//evil.example/apex/Page", "",
        ] {
            assert!(matches!(check_adapter_url(url), UrlCheck::Error(_)), "{url} should be refused");
        }
        assert!(matches!(check_adapter_url("http://localhost:8701/"), UrlCheck::Warning(_)));
    }

    #[test]
    fn an_api_version_that_disagrees_with_the_adapter_url_is_a_warning() {
        let api_warnings = |xml: &str| -> Vec<(Severity, Option<String>)> {
            let d = Definition::parse(xml).expect("parses");
            validate(&d).into_iter().filter(|x| x.code == "api-version").map(|x| (x.severity, x.key)).collect()
        };
        let declared = Some("/rustSoftphone/openCtiApiVersion".to_owned());
        assert_eq!(api_warnings(GOOD), [], "no apiVersion in the URL means 62.0, as declared");
        let url_60 = GOOD.replace("http://127.0.0.1:8704/apex/Softphone", "http://127.0.0.1:8704/apex/Softphone?apiVersion=60.0");
        assert_eq!(api_warnings(&url_60), [(Severity::Warning, declared.clone())]);
        let both_60 = url_60.replace(">62.0<", ">60.0<");
        assert_eq!(api_warnings(&both_60), []);
        let declared_only = GOOD.replace(">62.0<", ">61.0<");
        assert_eq!(api_warnings(&declared_only), [(Severity::Warning, declared)]);
        let broken = GOOD.replace("http://127.0.0.1:8704/apex/Softphone", "http://127.0.0.1:8704/apex/Softphone?apiVersion=latest");
        assert_eq!(api_warnings(&broken), [(Severity::Error, Some("/reqGeneralInfo/reqAdapterUrl".to_owned()))]);
    }

    #[test]
    fn internal_names_follow_salesforce_rules() {
        assert!(check_internal_name("RustSoftphone_2").is_ok());
        for bad in ["", "2fast", "has space", "trailing_", "double__under", "ünïcode"] {
            assert!(check_internal_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("requseapi", "requseapi"), 0);
        assert_eq!(edit_distance("reqadapterurl", "reqadaptrurl"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
