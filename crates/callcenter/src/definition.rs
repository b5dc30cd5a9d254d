//! The Call Center definition as Salesforce's import reads it: `<callCenter>` with ordered
//! `<section>`s of `<item>`s. Order, labels and unknown vendor sections are kept.

use std::fmt;

use crate::settings::SettingsMap;

/// Larger files are refused before parsing: real definitions are a few kilobytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// Deeper element nesting is refused before parsing (a definition is 3 levels deep), so a
/// hostile file cannot exhaust the parser's stack.
pub const MAX_DEPTH: usize = 32;

/// A whole definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Definition {
    /// Sections in file order.
    pub sections: Vec<Section>,
}

/// A `<section>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// `name`, e.g. `reqGeneralInfo`.
    pub name: String,
    /// `label`, shown in Setup.
    pub label: String,
    /// `sortOrder` as written (validation checks it is a number).
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
    /// `sortOrder` as written.
    pub sort_order: String,
    /// The text content, trimmed.
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

impl Definition {
    /// Reads the import form (`<callCenter>`). DTDs and entity declarations are refused.
    pub fn parse(text: &str) -> Result<Definition, ParseError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(ParseError {
                line: 0,
                message: format!("the file is {} KB; a Call Center definition is at most {} KB", text.len() / 1024, MAX_FILE_BYTES / 1024),
            });
        }
        if nesting_depth(text) > MAX_DEPTH {
            return Err(ParseError {
                line: 0,
                message: format!("elements are nested more than {MAX_DEPTH} levels deep; a Call Center definition has 3"),
            });
        }
        let doc = roxmltree::Document::parse(text).map_err(|e| ParseError {
            line: e.pos().row,
            message: format!("not well-formed XML: {e}"),
        })?;
        let line = |node: roxmltree::Node| doc.text_pos_at(node.range().start).row;
        let root = doc.root_element();
        if root.tag_name().name() != "callCenter" {
            return Err(ParseError {
                line: line(root),
                message: format!("the root element is <{}>, expected <callCenter>", root.tag_name().name()),
            });
        }
        let mut sections = Vec::new();
        for node in root.children().filter(|n| n.is_element()) {
            if node.tag_name().name() != "section" {
                return Err(ParseError { line: line(node), message: format!("<{}> inside <callCenter>, expected <section>", node.tag_name().name()) });
            }
            let mut items = Vec::new();
            for item in node.children().filter(|n| n.is_element()) {
                if item.tag_name().name() != "item" {
                    return Err(ParseError { line: line(item), message: format!("<{}> inside <section>, expected <item>", item.tag_name().name()) });
                }
                if let Some(child) = item.children().find(|n| n.is_element()) {
                    return Err(ParseError { line: line(child), message: "an <item> holds text only, not elements".into() });
                }
                let value: String = item.children().filter_map(|n| n.text()).collect();
                items.push(Item {
                    name: attr(item, "name"),
                    label: attr(item, "label"),
                    sort_order: attr(item, "sortOrder"),
                    value: value.trim().to_owned(),
                    line: line(item),
                });
            }
            sections.push(Section {
                name: attr(node, "name"),
                label: attr(node, "label"),
                sort_order: attr(node, "sortOrder"),
                items,
                line: line(node),
            });
        }
        Ok(Definition { sections })
    }

    /// The flat map `getCallCenterSettings` returns for this definition.
    pub fn settings_map(&self) -> SettingsMap {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (format!("/{}/{}", s.name, i.name), i.value.clone())))
            .collect()
    }

    /// The item `/section/item`, if present.
    pub fn item(&self, section: &str, item: &str) -> Option<&Item> {
        self.sections.iter().find(|s| s.name == section)?.items.iter().find(|i| i.name == item)
    }
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

fn attr(node: roxmltree::Node, name: &str) -> String {
    node.attribute(name).unwrap_or("").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0"?>
<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General">
    <item sortOrder="0" name="reqInternalName" label="Internal">Acme</item>
    <item sortOrder="1" name="reqAdapterUrl" label="URL"> https://phone.example.com/?a=1&amp;b=2 </item>
  </section>
  <section sortOrder="1" name="vendorX" label="Vendor">
    <item sortOrder="0" name="queue" label="Queue"><![CDATA[sales & support]]></item>
  </section>
</callCenter>"#;

    #[test]
    fn sections_items_and_order_are_kept_with_lines() {
        let d = Definition::parse(SMALL).expect("valid");
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[1].name, "vendorX");
        let url = d.item("reqGeneralInfo", "reqAdapterUrl").expect("item");
        assert_eq!(url.value, "https://phone.example.com/?a=1&b=2");
        assert_eq!(url.line, 5);
        assert_eq!(d.item("vendorX", "queue").map(|i| i.value.as_str()), Some("sales & support"));
    }

    #[test]
    fn the_settings_map_is_keyed_by_section_and_item() {
        let map = Definition::parse(SMALL).expect("valid").settings_map();
        assert_eq!(map.get("/reqGeneralInfo/reqInternalName").map(String::as_str), Some("Acme"));
        assert_eq!(map.get("/vendorX/queue").map(String::as_str), Some("sales & support"));
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn hostile_or_broken_files_are_clear_errors() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><callCenter>&b;</callCenter>"#;
        assert!(Definition::parse(bomb).is_err());
        let e = Definition::parse("<callCenter>\n<section name='a'>\n<item>x</section>").expect_err("broken");
        assert_eq!(e.line, 3);
        let e = Definition::parse("<CallCenter xmlns='http://soap.sforce.com/2006/04/metadata'/>").expect_err("metadata form");
        assert!(e.message.contains("expected <callCenter>"));
        assert!(Definition::parse("not xml at all").is_err());
        assert!(Definition::parse(&"<a>".repeat(MAX_FILE_BYTES)).expect_err("too big").message.contains("at most"));
        let deep = format!("{}{}", "<x>".repeat(2000), "</x>".repeat(2000));
        assert!(Definition::parse(&deep).is_err());
    }
}
