//! Scanning a Salesforce source tree (SFDX `force-app/...` or Metadata API `src/...` form) for
//! code that depends on the desktop adapter or Classic CTI. Plain text search line by line: a
//! match in a comment is listed too (cheap to dismiss, costly to miss).

use std::path::{Path, PathBuf};

use super::rules::{self, Rule, RuleSet};

/// What a file is in the org.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// `.cls`
    ApexClass,
    /// `.trigger`
    ApexTrigger,
    /// `.page`
    VisualforcePage,
    /// `.component`
    VisualforceComponent,
    /// Under `aura/`.
    Aura,
    /// Under `lwc/`.
    Lwc,
    /// Under `staticresources/`.
    StaticResource,
    /// A call center definition (`.callCenter`, `.callCenter-meta.xml`, other `.xml`).
    CallCenterDefinition,
    /// Other JavaScript or HTML.
    Web,
}

impl Component {
    /// Its name in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::ApexClass => "Apex class",
            Component::ApexTrigger => "Apex trigger",
            Component::VisualforcePage => "Visualforce page",
            Component::VisualforceComponent => "Visualforce component",
            Component::Aura => "Aura",
            Component::Lwc => "LWC",
            Component::StaticResource => "static resource",
            Component::CallCenterDefinition => "call center definition",
            Component::Web => "JavaScript/HTML",
        }
    }

    /// The kind of a file, from its path; `None` for files that hold no code to scan.
    pub fn of(path: &Path) -> Option<Component> {
        let name = path.file_name()?.to_str()?;
        let in_folder = |folder: &str| path.components().any(|c| c.as_os_str() == folder);
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        if name.ends_with(".callCenter-meta.xml") || ext == "callCenter" {
            return Some(Component::CallCenterDefinition);
        }
        if name.ends_with("-meta.xml") {
            return None;
        }
        match ext {
            "cls" => Some(Component::ApexClass),
            "trigger" => Some(Component::ApexTrigger),
            "page" => Some(Component::VisualforcePage),
            "component" => Some(Component::VisualforceComponent),
            // Images, fonts and the like in an unpacked static resource hold no code.
            "js" | "html" | "htm" | "json" | "txt" | "resource" if in_folder("staticresources") => Some(Component::StaticResource),
            "cmp" | "app" | "evt" | "js" | "html" | "css" | "design" if in_folder("aura") => Some(Component::Aura),
            "js" | "html" if in_folder("lwc") => Some(Component::Lwc),
            "js" | "html" | "htm" => Some(Component::Web),
            "xml" => Some(Component::CallCenterDefinition),
            _ => None,
        }
    }
}

/// One dependency found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The file, relative to the scanned folder, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What the file is.
    pub component: Component,
    /// The code found (the call or name).
    pub found: String,
    /// Its rule: code, replacement, hours.
    pub rule: Rule,
}

/// The result of a scan.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeInventory {
    /// Every dependency, by file then line.
    pub findings: Vec<Finding>,
    /// Files scanned.
    pub files_scanned: usize,
    /// Files that could not be read as text (a zipped static resource: unzip it and scan again).
    pub not_scanned: Vec<String>,
    /// The destination the findings are priced for ("Open CTI", "Salesforce Voice").
    pub destination: &'static str,
}

impl Default for CodeInventory {
    fn default() -> CodeInventory {
        CodeInventory { findings: Vec::new(), files_scanned: 0, not_scanned: Vec::new(), destination: rules::OPEN_CTI.destination }
    }
}

impl CodeInventory {
    /// The files with findings.
    pub fn files_with_findings(&self) -> usize {
        let mut files: Vec<&str> = self.findings.iter().map(|f| f.file.as_str()).collect();
        files.dedup();
        files.len()
    }

    /// Rework hours: each finding's, plus the retest of each file.
    pub fn hours(&self) -> f64 {
        self.findings.iter().map(|f| f.rule.hours).sum::<f64>() + rules::RETEST_HOURS_PER_FILE * self.files_with_findings() as f64
    }
}

/// Scans every file under `dir` (skipping `.git`, `.sfdx`, `.sf` and `node_modules`) for the
/// move to Open CTI.
pub fn scan_dir(dir: &Path) -> std::io::Result<CodeInventory> {
    scan_dir_for(dir, &rules::OPEN_CTI)
}

/// [`scan_dir`], priced with `rules`.
pub fn scan_dir_for(dir: &Path, rules: &RuleSet) -> std::io::Result<CodeInventory> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut sources = Vec::new();
    let mut inventory = CodeInventory::default();
    for path in files {
        let Some(component) = Component::of(&path) else { continue };
        let relative = path.strip_prefix(dir).unwrap_or(&path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        match String::from_utf8(std::fs::read(&path)?) {
            Ok(text) => sources.push(Source { file: relative, component, text }),
            Err(_) => inventory.not_scanned.push(relative),
        }
    }
    let scanned = scan_for(&sources, rules);
    Ok(CodeInventory { not_scanned: inventory.not_scanned, ..scanned })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let skipped = path.file_name().is_some_and(|n| matches!(n.to_str(), Some(".git" | ".sfdx" | ".sf" | "node_modules")));
        if skipped {
            continue;
        }
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// A file's text to scan.
pub struct Source {
    /// Relative path with `/`.
    pub file: String,
    /// What it is.
    pub component: Component,
    /// Its text.
    pub text: String,
}

/// Scans sources already read (the unit the tests and the fuzz test drive), for the move to
/// Open CTI.
pub fn scan(sources: &[Source]) -> CodeInventory {
    scan_for(sources, &rules::OPEN_CTI)
}

/// [`scan`], priced with `rules`.
pub fn scan_for(sources: &[Source], rules: &RuleSet) -> CodeInventory {
    let mut findings = Vec::new();
    let mut run_apex_classes: Vec<RunApexCall> = Vec::new();
    for source in sources {
        let mut logged_call_object = false;
        for (index, line) in source.text.lines().enumerate() {
            let mut hit = |column: usize, found: String, rule: Rule| {
                findings.push(Finding { file: source.file.clone(), line: index + 1, column, component: source.component, found, rule });
            };
            scan_line(line, source.component, rules, &mut hit);
            if matches!(source.component, Component::ApexClass | Component::ApexTrigger) && !logged_call_object {
                if let Some(at) = find_word(line, "CallObject") {
                    logged_call_object = true;
                    hit(column_of(line, at), "Task.CallObject".to_owned(), rules.custom_call_log);
                }
            }
            for class in run_apex_targets(line) {
                run_apex_classes.push(RunApexCall { class, file: source.file.clone(), line: index + 1 });
            }
        }
    }
    findings.extend(apex_called_by_runapex(sources, &run_apex_classes, rules));
    findings.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)).then(a.column.cmp(&b.column)));
    CodeInventory { findings, files_scanned: sources.len(), not_scanned: Vec::new(), destination: rules.destination }
}

fn scan_line(line: &str, component: Component, rules: &RuleSet, hit: &mut impl FnMut(usize, String, Rule)) {
    let mut apis = vec![("sforce.interaction", rules.classic_method)];
    apis.extend(rules.lightning_method.map(|m| ("sforce.opencti", m)));
    for (api, method) in apis {
        for (at, m) in line.match_indices(api) {
            let name = line.get(at + m.len()..).and_then(|rest| rest.strip_prefix('.')).map(identifier_path).unwrap_or_default();
            // `sforce.opencti.CALL_TYPE.INBOUND` is an argument of the call beside it, not a call.
            if api == "sforce.opencti" && name.starts_with(|c: char| c.is_ascii_uppercase()) {
                continue;
            }
            if name.is_empty() {
                hit(column_of(line, at), m.to_owned(), method(""));
            } else {
                hit(column_of(line, at), format!("{m}.{name}"), method(&name));
            }
        }
    }
    for (at, _) in line.match_indices("sforce.console.cti.") {
        let name = identifier_path(line.get(at + "sforce.console.cti.".len()..).unwrap_or(""));
        hit(column_of(line, at), format!("sforce.console.cti.{name}"), rules.console_cti);
    }
    let mut libraries = vec![("/interaction.js", rules.classic_library)];
    libraries.extend(rules.lightning_library.map(|rule| ("/opencti_min.js", rule)));
    for (library, rule) in libraries {
        if let Some(at) = line.find("/support/api/").filter(|_| line.contains(library)) {
            let file = library.trim_start_matches('/');
            let end = line.get(at..).and_then(|rest| rest.find(file)).map_or(line.len(), |e| at + e + file.len());
            hit(column_of(line, at), line.get(at..end).unwrap_or("/support/api/").to_owned(), rule);
        }
    }
    if let Some(at) = line.find("sendCTIMessage") {
        hit(column_of(line, at), "sendCTIMessage".to_owned(), rules.send_cti_message);
    }
    if let Some(at) = line.find("localhost:11000").or_else(|| line.find("127.0.0.1:11000")) {
        hit(column_of(line, at), "http://localhost:11000".to_owned(), rules.desktop_port);
    }
    if component == Component::CallCenterDefinition {
        if let Some(at) = line.find("reqProgId") {
            hit(column_of(line, at), "reqProgId".to_owned(), rules.req_prog_id);
        }
    }
    if let Some((at, name)) = cti_toolkit_class(line) {
        hit(column_of(line, at), name, rules.cti_toolkit);
    }
}

/// `a.b.c` at the start of `text` (letters, digits, `_` and inner dots).
fn identifier_path(text: &str) -> String {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(text.len());
    text.get(..end).unwrap_or("").trim_end_matches('.').to_owned()
}

/// The 1-based character column of byte offset `at`.
fn column_of(line: &str, at: usize) -> usize {
    line.get(..at).map_or(1, |before| before.chars().count() + 1)
}

/// `word` as a whole identifier.
fn find_word(line: &str, word: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = line.get(..at).and_then(|s| s.chars().next_back());
        let after = line.get(at + word.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// A CTI Toolkit class name: `CCTI` then an upper-case letter (`CCTIUserInterface`).
fn cti_toolkit_class(line: &str) -> Option<(usize, String)> {
    line.match_indices("CCTI").map(|(at, _)| at).find_map(|at| {
        let before = line.get(..at).and_then(|s| s.chars().next_back());
        let name = identifier_path(line.get(at..).unwrap_or(""));
        let next = name.chars().nth(4);
        let starts_word = !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        (starts_word && next.is_some_and(|c| c.is_ascii_uppercase())).then(|| (at, name.split('.').next().unwrap_or("").to_owned()))
    })
}

/// Apex class named by a runApex call, and where.
struct RunApexCall {
    class: String,
    file: String,
    line: usize,
}

/// The Apex classes a line's `runApex('Class', ...)` calls name (Classic form).
fn run_apex_targets(line: &str) -> Vec<String> {
    line.match_indices("runApex(")
        .filter_map(|(at, m)| {
            let rest = line.get(at + m.len()..)?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let inner = rest.get(1..)?;
            let end = inner.find(quote)?;
            Some(inner.get(..end)?.trim().to_owned()).filter(|c| !c.is_empty())
        })
        .collect()
}

/// The class declaration line of each Apex class that Classic CTI code calls.
fn apex_called_by_runapex(sources: &[Source], calls: &[RunApexCall], rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    for source in sources.iter().filter(|s| s.component == Component::ApexClass) {
        let stem = source.file.rsplit('/').next().and_then(|n| n.strip_suffix(".cls")).unwrap_or("");
        // A namespaced call (`ns.Class`) names the class after the dot.
        let Some(call) = calls.iter().find(|c| c.class.rsplit('.').next().is_some_and(|n| n.eq_ignore_ascii_case(stem))) else { continue };
        let declaration = source.text.lines().position(|l| find_word(&l.to_ascii_lowercase(), "class").is_some()).unwrap_or(0);
        out.push(Finding {
            file: source.file.clone(),
            line: declaration + 1,
            column: 1,
            component: Component::ApexClass,
            found: format!("class {stem}, called by runApex at {}:{}", call.file, call.line),
            rule: rules.run_apex_target,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(component: Component, text: &str) -> Vec<(usize, String, &'static str)> {
        let inventory = scan(&[Source { file: "f".into(), component, text: text.into() }]);
        inventory.findings.into_iter().map(|f| (f.column, f.found, f.rule.code)).collect()
    }

    #[test]
    fn each_call_is_named_with_its_column() {
        let line = "x(); sforce.interaction.cti.onClickToDial(f); if (sforce.interaction) { sforce.console.cti.setCallObjectIds(ids); }";
        assert_eq!(
            found(Component::VisualforcePage, line),
            vec![
                (6, "sforce.interaction.cti.onClickToDial".to_owned(), "classic-open-cti"),
                (51, "sforce.interaction".to_owned(), "classic-open-cti"),
                (73, "sforce.console.cti.setCallObjectIds".to_owned(), "console-cti"),
            ]
        );
    }

    #[test]
    fn lightning_code_and_look_alikes_are_not_flagged() {
        let lightning = "sforce.opencti.searchAndScreenPop({searchParams: ani}); CCTIsomething; xCCTIAgent; callObjectId; reqProgIdentity";
        assert_eq!(found(Component::Lwc, lightning), vec![]);
        assert_eq!(found(Component::ApexClass, "String CallObjectName;"), vec![], "CallObject as a whole word only");
        assert_eq!(found(Component::Web, "reqProgId"), vec![], "reqProgId only in call center files");
        assert_eq!(found(Component::StaticResource, "new CCTIUserInterface()")[0].1, "CCTIUserInterface");
    }

    #[test]
    fn runapex_names_the_apex_class_it_calls() {
        assert_eq!(run_apex_targets("sforce.interaction.runApex( 'acme.PopCtl' ,'m','');runApex(\"Other\", 'x')"), ["acme.PopCtl", "Other"]);
        assert!(run_apex_targets("runApex(name, 'm')").is_empty());
        let sources = [
            Source { file: "pages/P.page".into(), component: Component::VisualforcePage, text: "\n sforce.interaction.runApex('acme.PopCtl','m','');".into() },
            Source { file: "classes/PopCtl.cls".into(), component: Component::ApexClass, text: "// pops\nglobal class PopCtl {\n}".into() },
        ];
        let inventory = scan(&sources);
        let target = inventory.findings.iter().find(|f| f.rule.code == "apex-called-by-classic-cti").expect("the class is listed");
        assert_eq!((target.file.as_str(), target.line, target.found.as_str()), ("classes/PopCtl.cls", 2, "class PopCtl, called by runApex at pages/P.page:2"));
        assert_eq!(inventory.hours(), 1.0 + 1.0 + 2.0 * RETEST, "two findings, two files");
    }

    const RETEST: f64 = rules::RETEST_HOURS_PER_FILE;
}
