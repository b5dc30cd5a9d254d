//! A Call Center definition, read from and written to both of its forms:
//! - the import form Setup > Call Centers takes (`<callCenter>`, `<section>`, `<item>` with
//!   `sortOrder`, `name`, `label`);
//! - the Metadata API form SFDX retrieves and deploys (`<CallCenter>` in the metadata namespace,
//!   top-level `adapterUrl`, `displayName`, ..., repeated `sections` with `items`).
//!
//! Order, labels and unknown vendor sections are kept; writing is deterministic.

use std::fmt;

use crate::settings::SettingsMap;

/// Larger files are refused before parsing: real definitions are a few kilobytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Deeper element nesting is refused before parsing (a definition is 3 or 4 levels deep), so a
/// hostile file cannot exhaust the parser's stack.
pub const MAX_DEPTH: usize = 32;
/// The Metadata API namespace.
pub const METADATA_NAMESPACE: &str = "http://soap.sforce.com/2006/04/metadata";

/// Which of the two file forms a definition came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form {
    /// `<callCenter>`, imported in Setup.
    #[default]
    Import,
    /// `<CallCenter>`, deployed with the Metadata API / SFDX.
    Metadata,
}

/// A whole definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Definition {
    /// The form it was read from.
    pub form: Form,
    /// Sections in file order.
    pub sections: Vec<Section>,
    /// Metadata-only fields, kept for a faithful round trip.
    pub metadata: MetadataFields,
}

/// The Metadata API's top-level fields that have no item of their own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataFields {
    /// `displayNameLabel`.
    pub display_name_label: Option<String>,
    /// `internalNameLabel`.
    pub internal_name_label: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `customSettings`, a JSON string Salesforce maintains.
    pub custom_settings: Option<String>,
}

/// A `<section>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// `name`, e.g. `reqGeneralInfo`.
    pub name: String,
    /// `label`, shown in Setup.
    pub label: String,
    /// `sortOrder` as written (validation checks it is a number); empty in the metadata form.
    pub sort_order: String,
    /// Items in file order.
    pub items: Vec<Item>,
    /// 1-based line of the section in its file (0 when built in code).
    pub line: u32,
}

/// An `<item>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// `name`, e.g. `reqAdapterUrl`.
    pub name: String,
    /// `label`, shown in Setup.
    pub label: String,
    /// `sortOrder` as written; empty in the metadata form.
    pub sort_order: String,
    /// The value, trimmed.
    pub value: String,
    /// 1-based line of the item in its file (0 when built in code).
    pub line: u32,
}

/// Why a file is not a definition at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line, 0 when the whole file is concerned.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for ParseError {}

fn error(line: u32, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

impl Definition {
    /// Reads either form, telling them apart by the root element. DTDs (and so entity
    /// declarations) are refused, as are oversized and too deeply nested files.
    pub fn parse(text: &str) -> Result<Definition, ParseError> {
        if text.len() > MAX_FILE_BYTES {
            let message = format!(
                "the file is {} KB; a Call Center definition is at most {} KB",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            );
            return Err(error(0, message));
        }
        if nesting_depth(text) > MAX_DEPTH {
            return Err(error(0, format!("elements are nested more than {MAX_DEPTH} levels deep; a definition has 4 at most")));
        }
        let doc = roxmltree::Document::parse(text).map_err(|e| error(e.pos().row, format!("not well-formed XML: {e}")))?;
        let root = doc.root_element();
        match root.tag_name().name() {
            "callCenter" => parse_import(&doc, root),
            "CallCenter" => parse_metadata(&doc, root),
            other => Err(error(
                line_of(&doc, root),
                format!("the root element is <{other}>; a definition starts with <callCenter> (import) or <CallCenter> (Metadata API)"),
            )),
        }
    }

    /// The flat map `getCallCenterSettings` returns for this definition.
    pub fn settings_map(&self) -> SettingsMap {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (format!("/{}/{}", s.name, i.name), i.value.clone())))
            .collect()
    }

    /// A definition with the items of a settings map, in map order, labels set to the names.
    pub fn from_settings_map(map: &SettingsMap) -> Definition {
        let mut definition = Definition::default();
        for (key, value) in map {
            let mut parts = key.trim_start_matches('/').splitn(2, '/');
            let (Some(section), Some(item)) = (parts.next(), parts.next()) else { continue };
            definition.set(section, item, value);
        }
        definition.renumber();
        definition
    }

    /// The item `/section/item`, if present.
    pub fn item(&self, section: &str, item: &str) -> Option<&Item> {
        self.section(section)?.items.iter().find(|i| i.name == item)
    }

    /// The value of `/section/item`, or "" when absent.
    pub fn value(&self, section: &str, item: &str) -> &str {
        self.item(section, item).map_or("", |i| i.value.as_str())
    }

    /// The section named `name`, if present.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Sets `/section/item` to `value`, adding the section or item (labelled with its name) at
    /// the end when missing.
    pub fn set(&mut self, section: &str, item: &str, value: &str) {
        let index = match self.sections.iter().position(|s| s.name == section) {
            Some(i) => i,
            None => {
                self.sections.push(Section { name: section.into(), label: section.into(), ..Section::default() });
                self.sections.len() - 1
            }
        };
        let Some(s) = self.sections.get_mut(index) else { return };
        match s.items.iter_mut().find(|i| i.name == item) {
            Some(i) => i.value = value.into(),
            None => s.items.push(Item { name: item.into(), label: item.into(), value: value.into(), ..Item::default() }),
        }
    }

    /// Removes `/section/item`; true if it was there.
    pub fn remove(&mut self, section: &str, item: &str) -> bool {
        let Some(s) = self.sections.iter_mut().find(|s| s.name == section) else { return false };
        let before = s.items.len();
        s.items.retain(|i| i.name != item);
        s.items.len() != before
    }

    /// Gives sections and items `sortOrder`s 0, 1, 2, ... in their current order.
    pub fn renumber(&mut self) {
        for (i, s) in self.sections.iter_mut().enumerate() {
            s.sort_order = i.to_string();
            for (j, item) in s.items.iter_mut().enumerate() {
                item.sort_order = j.to_string();
            }
        }
    }

    /// The import form, as Setup > Call Centers takes it. Missing sortOrders are numbered.
    pub fn to_import_xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<callCenter>\n");
        for (i, s) in self.sections.iter().enumerate() {
            let order = if s.sort_order.is_empty() { i.to_string() } else { s.sort_order.clone() };
            out.push_str(&format!(
                "  <section sortOrder=\"{}\" name=\"{}\" label=\"{}\">\n",
                escape(&order),
                escape(&s.name),
                escape(&s.label)
            ));
            for (j, item) in s.items.iter().enumerate() {
                let order = if item.sort_order.is_empty() { j.to_string() } else { item.sort_order.clone() };
                out.push_str(&format!(
                    "    <item sortOrder=\"{}\" name=\"{}\" label=\"{}\">{}</item>\n",
                    escape(&order),
                    escape(&item.name),
                    escape(&item.label),
                    escape(&item.value)
                ));
            }
            out.push_str("  </section>\n");
        }
        out.push_str("</callCenter>\n");
        out
    }

    /// The Metadata API form (`callCenters/NAME.callCenter-meta.xml`), elements in the
    /// alphabetical order SFDX writes them. Sections and items keep their order.
    pub fn to_metadata_xml(&self) -> String {
        let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CallCenter xmlns=\"{METADATA_NAMESPACE}\">\n");
        let field = |out: &mut String, name: &str, value: &str| {
            out.push_str(&format!("    <{name}>{}</{name}>\n", escape(value)));
        };
        // Written only when the item exists, so reading the file back gives the same items.
        if let Some(i) = self.item("reqGeneralInfo", "reqAdapterUrl") {
            field(&mut out, "adapterUrl", &i.value);
        }
        if let Some(v) = &self.metadata.custom_settings {
            field(&mut out, "customSettings", v);
        }
        if let Some(i) = self.item("reqGeneralInfo", "reqDisplayName") {
            field(&mut out, "displayName", &i.value);
        }
        let display_label = self.item("reqGeneralInfo", "reqDisplayName").map(|i| i.label.as_str());
        if let Some(v) = self.metadata.display_name_label.as_deref().or(display_label) {
            field(&mut out, "displayNameLabel", v);
        }
        let internal_label = self.item("reqGeneralInfo", "reqInternalName").map(|i| i.label.as_str());
        if let Some(v) = self.metadata.internal_name_label.as_deref().or(internal_label) {
            field(&mut out, "internalNameLabel", v);
        }
        for s in &self.sections {
            out.push_str("    <sections>\n");
            for item in &s.items {
                out.push_str("        <items>\n");
                out.push_str(&format!("            <label>{}</label>\n", escape(&item.label)));
                out.push_str(&format!("            <name>{}</name>\n", escape(&item.name)));
                out.push_str(&format!("            <value>{}</value>\n", escape(&item.value)));
                out.push_str("        </items>\n");
            }
            out.push_str(&format!("        <label>{}</label>\n", escape(&s.label)));
            out.push_str(&format!("        <name>{}</name>\n", escape(&s.name)));
            out.push_str("    </sections>\n");
        }
        if let Some(v) = &self.metadata.version {
            field(&mut out, "version", v);
        }
        out.push_str("</CallCenter>\n");
        out
    }
}

fn line_of(doc: &roxmltree::Document, node: roxmltree::Node) -> u32 {
    doc.text_pos_at(node.range().start).row
}

fn elements<'a, 'i>(node: roxmltree::Node<'a, 'i>) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(|n| n.is_element())
}

/// The text of an element that may hold only text.
fn text_of(doc: &roxmltree::Document, node: roxmltree::Node) -> Result<String, ParseError> {
    if let Some(child) = elements(node).next() {
        return Err(error(
            line_of(doc, child),
            format!("<{}> holds text only, not <{}>", node.tag_name().name(), child.tag_name().name()),
        ));
    }
    Ok(node.children().filter_map(|n| n.text()).collect::<String>().trim().to_owned())
}

fn parse_import(doc: &roxmltree::Document, root: roxmltree::Node) -> Result<Definition, ParseError> {
    let mut sections = Vec::new();
    for node in elements(root) {
        if node.tag_name().name() != "section" {
            return Err(error(line_of(doc, node), format!("<{}> inside <callCenter>; expected <section>", node.tag_name().name())));
        }
        let mut items = Vec::new();
        for item in elements(node) {
            if item.tag_name().name() != "item" {
                return Err(error(line_of(doc, item), format!("<{}> inside <section>; expected <item>", item.tag_name().name())));
            }
            items.push(Item {
                name: attr(item, "name"),
                label: attr(item, "label"),
                sort_order: attr(item, "sortOrder"),
                value: text_of(doc, item)?,
                line: line_of(doc, item),
            });
        }
        sections.push(Section {
            name: attr(node, "name"),
            label: attr(node, "label"),
            sort_order: attr(node, "sortOrder"),
            items,
            line: line_of(doc, node),
        });
    }
    Ok(Definition { form: Form::Import, sections, metadata: MetadataFields::default() })
}

fn parse_metadata(doc: &roxmltree::Document, root: roxmltree::Node) -> Result<Definition, ParseError> {
    let mut d = Definition { form: Form::Metadata, ..Definition::default() };
    let (mut adapter_url, mut display_name) = (None, None);
    for node in elements(root) {
        let line = line_of(doc, node);
        match node.tag_name().name() {
            "adapterUrl" => adapter_url = Some((text_of(doc, node)?, line)),
            "displayName" => display_name = Some((text_of(doc, node)?, line)),
            "displayNameLabel" => d.metadata.display_name_label = Some(text_of(doc, node)?),
            "internalNameLabel" => d.metadata.internal_name_label = Some(text_of(doc, node)?),
            "version" => d.metadata.version = Some(text_of(doc, node)?),
            "customSettings" => d.metadata.custom_settings = Some(text_of(doc, node)?),
            "sections" => {
                let mut section = Section { line, ..Section::default() };
                for child in elements(node) {
                    match child.tag_name().name() {
                        "name" => section.name = text_of(doc, child)?,
                        "label" => section.label = text_of(doc, child)?,
                        "items" => {
                            let mut item = Item { line: line_of(doc, child), ..Item::default() };
                            for field in elements(child) {
                                match field.tag_name().name() {
                                    "name" => item.name = text_of(doc, field)?,
                                    "label" => item.label = text_of(doc, field)?,
                                    "value" => item.value = text_of(doc, field)?,
                                    other => return Err(error(line_of(doc, field), format!("unknown <{other}> in <items>"))),
                                }
                            }
                            section.items.push(item);
                        }
                        other => return Err(error(line_of(doc, child), format!("unknown <{other}> in <sections>"))),
                    }
                }
                d.sections.push(section);
            }
            // Other CallCenter fields Salesforce may add are not ours to judge: skip them.
            _ => {}
        }
    }
    // The top-level fields are the reqGeneralInfo items; fill them in where the sections lack them.
    for (item, found) in [("reqAdapterUrl", adapter_url), ("reqDisplayName", display_name)] {
        if let Some((value, line)) = found {
            if d.item("reqGeneralInfo", item).is_none() {
                d.set("reqGeneralInfo", item, &value);
                if let Some(i) = d.sections.iter_mut().flat_map(|s| s.items.iter_mut()).find(|i| i.name == item) {
                    i.line = line;
                }
            }
        }
    }
    Ok(d)
}

fn attr(node: roxmltree::Node, name: &str) -> String {
    node.attribute(name).unwrap_or("").trim().to_owned()
}

/// Escapes text for element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The deepest element nesting, by a quick scan that skips comments, CDATA, declarations and
/// processing instructions. Malformed markup may be miscounted; the parser rejects it anyway.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        rest = rest.get(start..).unwrap_or("");
        let skip_to = |s: &str, end: &str| s.find(end).map(|i| i + end.len()).unwrap_or(s.len());
        let consumed = if rest.starts_with("<!--") {
            skip_to(rest, "-->")
        } else if rest.starts_with("<![CDATA[") {
            skip_to(rest, "]]>")
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            skip_to(rest, ">")
        } else if rest.starts_with("</") {
            depth = depth.saturating_sub(1);
            skip_to(rest, ">")
        } else {
            let end = skip_to(rest, ">");
            if !rest.get(..end).unwrap_or("").ends_with("/>") {
                depth += 1;
                deepest = deepest.max(depth);
            }
            end
        };
        rest = rest.get(consumed..).unwrap_or("");
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0"?>
<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General">
    <item sortOrder="0" name="reqInternalName" label="Internal">Acme</item>
    <item sortOrder="1" name="reqAdapterUrl" label="URL"> https://phone.example.com/?a=1&amp;b=2 </item>
    <item sortOrder="2" name="reqDisplayName" label="Display Name">Acme "Phone"</item>
  </section>
  <section sortOrder="1" name="vendorX" label="Vendor">
    <item sortOrder="0" name="queue" label="Queue"><![CDATA[sales & support]]></item>
  </section>
</callCenter>"#;

    #[test]
    fn sections_items_and_order_are_kept_with_lines() {
        let d = Definition::parse(SMALL).expect("valid");
        assert_eq!(d.form, Form::Import);
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[1].name, "vendorX");
        let url = d.item("reqGeneralInfo", "reqAdapterUrl").expect("item");
        assert_eq!(url.value, "https://phone.example.com/?a=1&b=2");
        assert_eq!(url.line, 5);
        assert_eq!(d.value("vendorX", "queue"), "sales & support");
    }

    #[test]
    fn the_settings_map_is_keyed_by_section_and_item() {
        let map = Definition::parse(SMALL).expect("valid").settings_map();
        assert_eq!(map.get("/reqGeneralInfo/reqInternalName").map(String::as_str), Some("Acme"));
        assert_eq!(map.get("/vendorX/queue").map(String::as_str), Some("sales & support"));
        assert_eq!(map.len(), 4);
        let back = Definition::from_settings_map(&map);
        assert_eq!(back.settings_map(), map);
    }

    #[test]
    fn import_and_metadata_forms_round_trip() {
        let d = Definition::parse(SMALL).expect("valid");
        let import = d.to_import_xml();
        let again = Definition::parse(&import).expect("own output parses");
        assert_eq!(again.settings_map(), d.settings_map());
        assert_eq!(again.to_import_xml(), import, "writing is deterministic");

        let metadata = d.to_metadata_xml();
        assert!(metadata.contains("<adapterUrl>https://phone.example.com/?a=1&amp;b=2</adapterUrl>"));
        let m = Definition::parse(&metadata).expect("metadata parses");
        assert_eq!(m.form, Form::Metadata);
        assert_eq!(m.settings_map(), d.settings_map());
        assert_eq!(m.to_metadata_xml(), metadata);
        let labels: Vec<&str> = m.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["General", "Vendor"]);
        assert_eq!(Definition::parse(&m.to_import_xml()).expect("back").to_import_xml(), import);
    }

    #[test]
    fn hostile_or_broken_files_are_clear_errors() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><callCenter>&b;</callCenter>"#;
        assert!(Definition::parse(bomb).is_err());
        let external = r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><callCenter>&e;</callCenter>"#;
        assert!(Definition::parse(external).is_err());
        let e = Definition::parse("<callCenter>\n<section name='a'>\n<item>x</section>").expect_err("broken");
        assert_eq!(e.line, 3);
        let e = Definition::parse("<html/>").expect_err("wrong root");
        assert!(e.message.contains("starts with <callCenter>"));
        assert!(Definition::parse("not xml at all").is_err());
        assert!(Definition::parse("").is_err());
        assert!(Definition::parse(&"<a>".repeat(MAX_FILE_BYTES)).expect_err("too big").message.contains("at most"));
        let deep = format!("{}{}", "<x>".repeat(2000), "</x>".repeat(2000));
        assert!(Definition::parse(&deep).expect_err("deep").message.contains("nested"));
        let nested_item = "<callCenter><section><item><b>x</b></item></section></callCenter>";
        assert!(Definition::parse(nested_item).expect_err("markup in item").message.contains("text only"));
    }
}
