//! Checks the phone's words before anything is built: every language in `lang/` must translate
//! every entry of `en.txt` (same keys, same order, same `{values}`), so that a missing
//! translation fails the build, not the agent. Then writes, for the crate to include, one
//! function per entry (`words::t`) holding its English (built into the phone), whose parameters
//! are the entry's `{values}`: code that fills in a value the text does not name does not
//! compile.

#[path = "src/catalogue.rs"]
#[allow(dead_code)]
mod catalogue;

use std::fmt::Write as _;
use std::path::Path;

/// The languages the phone must speak (issue 25): the build fails without one of them.
const REQUIRED: [&str; 6] = ["en", "fr", "de", "es", "ja", "pt-BR"];

fn main() {
    let dir = Path::new("lang");
    println!("cargo:rerun-if-changed={}", dir.display());
    let read = |language: &str| {
        let path = dir.join(format!("{language}.txt"));
        println!("cargo:rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&[format!("{}: {e}", path.display())]))
    };
    let mut languages: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&[format!("{}: {e}", dir.display())]))
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".txt").map(str::to_owned))
        .collect();
    languages.sort();
    let missing: Vec<String> =
        REQUIRED.iter().filter(|l| !languages.iter().any(|have| have == *l)).map(|l| format!("no catalogue for {l} ({l}.txt)")).collect();
    if !missing.is_empty() {
        fail(&missing);
    }
    let english = read("en");
    let reference = catalogue::parse(&english).unwrap_or_else(|e| fail(&[format!("en.txt:{}: {}", e.line, e.what)]));
    let mut problems = catalogue::check_reference("en.txt", &reference);
    for language in languages.iter().filter(|l| *l != "en") {
        let file = format!("{language}.txt");
        match catalogue::parse(&read(language)) {
            Ok(translation) => problems.extend(catalogue::check(&file, &reference, &translation)),
            Err(e) => problems.push(format!("{file}:{}: {}", e.line, e.what)),
        }
    }
    if !problems.is_empty() {
        fail(&problems);
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| fail(&["OUT_DIR is not set".into()]))).join("words.rs");
    std::fs::write(&out, generated(&reference)).unwrap_or_else(|e| fail(&[format!("{}: {e}", out.display())]));
}

/// `COUNT` and one function per entry, named by its key (`call.hang_up` is `call_hang_up`),
/// that hands `says` its position and its English text (so that English is built in, and a text
/// no code says is not in the download), with its values in the order English names them.
fn generated(reference: &[catalogue::Entry<'_>]) -> String {
    let mut code = format!("/// How many entries every catalogue has.\npub const COUNT: usize = {};\n", reference.len());
    for (index, entry) in reference.iter().enumerate() {
        let name = entry.key.replace('.', "_");
        let _ = writeln!(code, "\n/// `{}`: {}", entry.key, entry.text.replace('\n', " ").replace('`', "'"));
        let mut names: Vec<&str> = Vec::new();
        for n in catalogue::placeholders(&entry.text).unwrap_or_default() {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        if names.is_empty() {
            let _ = writeln!(code, "pub fn {name}() -> &'static str {{\n    crate::says::text({index}, {:?})\n}}", entry.text);
        } else {
            let params: Vec<String> = names.iter().map(|n| format!("{n}: &dyn core::fmt::Display")).collect();
            let _ = writeln!(
                code,
                "pub fn {name}({}) -> String {{\n    crate::says::fill({index}, {:?}, &[{}])\n}}",
                params.join(", "),
                entry.text,
                names.join(", ")
            );
        }
    }
    code
}

fn fail(problems: &[String]) -> ! {
    eprintln!("The phone's words (crates/words/lang) are not complete:");
    for p in problems {
        eprintln!("  {p}");
        println!("cargo:warning={p}");
    }
    std::process::exit(1);
}
