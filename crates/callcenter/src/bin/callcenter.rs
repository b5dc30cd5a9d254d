//! `callcenter`: validate, explain, inventory, migrate and convert Salesforce Call Center
//! definitions, plan the rollout in waves and judge each wave. Run `callcenter --help` (and
//! `callcenter help COMMAND`) for a guided tour.

#[path = "callcenter/rollout_commands.rs"]
mod rollout_commands;
#[path = "callcenter/voice_commands.rs"]
mod voice_commands;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callcenter::definition::Definition;
use callcenter::migrate::{migrate, Options};
use callcenter::report::{diagnostics_json, explain, inventory_csv, inventory_json, inventory_text, InventoryRow};
use callcenter::validate::{has_errors, validate, Severity};
use clap::{Parser, Subcommand, ValueEnum};

/// Salesforce Call Center definitions for the Rust Open CTI softphone.
///
/// A Call Center definition is the XML file an admin imports in Setup > Call Centers (or deploys
/// with SFDX as `callCenters/NAME.callCenter-meta.xml`). It tells Lightning which softphone to load
/// and hands the softphone its settings. A typo there means a blank phone panel for a whole
/// contact center, so check definitions before importing them:
///
///   callcenter validate callcenter-xml/*.xml
///
/// Moving off the retired desktop Softphone CTI Adapter, in order:
///   1. callcenter inventory DIR          what exists (definitions; --code: the org's source)
///   2. callcenter migrate OLD.xml ...    a new definition beside the old one, plus a report
///   3. callcenter validate NEW.xml       before importing it (sandbox first)
///   4. callcenter waves users.csv ...    who moves when, with the CSVs to move and roll back
///   5. callcenter report tasks.csv ...   go or no-go after each wave
///
/// Moving on to Salesforce Voice (Open CTI retires on 2028-02-28):
///   callcenter inventory --code DIR --to salesforce-voice
///   callcenter migrate OPEN-CTI.xml --to salesforce-voice --voicecall-url https://... -o contact-center.xml
#[derive(Parser)]
#[command(name = "callcenter", version, verbatim_doc_comment)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check definitions: errors and warnings with line numbers. Exit status 1 when any file has
    /// an error (or a warning, with --deny-warnings), 2 when a file cannot be read: fit for CI.
    Validate {
        /// Definition files, import or Metadata API form (an Open CTI Call Center, or a Partner
        /// Telephony contact center: one that names a ConversationVendorInfo).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Say in plain words what the softphone will do with a definition.
    Explain {
        /// A definition file.
        file: PathBuf,
    },
    /// List every definition under a folder: kind (legacy desktop adapter, Open CTI Classic,
    /// Lightning), internal name, adapter URL, compatibility mode, dialing prefixes, vendor sections.
    /// With --code, list instead the code of a Salesforce source tree (SFDX or Metadata API form:
    /// Apex, Visualforce, Aura, LWC, static resources) that depends on the desktop adapter or
    /// Classic CTI, each with file:line, its Open CTI replacement and a rework estimate.
    Inventory {
        /// The folder to search (recursively: *.xml, or with --code every source file).
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Scan the code instead of the definitions.
        #[arg(long)]
        code: bool,
        /// With --code: the destination the findings are priced for.
        #[arg(long, value_enum, default_value_t = Destination::OpenCti)]
        to: Destination,
    },
    /// Turn a legacy adapter definition (or another vendor's Open CTI definition) into one for this
    /// softphone; with --to salesforce-voice, turn an Open CTI definition (this softphone's or
    /// another's, or a legacy one) into a Partner Telephony contact center file with the connector's
    /// settings. The old file is never modified: it is the rollback. Writes OUTPUT and a report
    /// (OUTPUT with .migration.md) of what was kept, changed and dropped, and why.
    Migrate {
        /// The definition to migrate.
        legacy: PathBuf,
        /// What to migrate to.
        #[arg(long, value_enum, default_value_t = Destination::OpenCti)]
        to: Destination,
        /// Open CTI: where agents' browsers load this softphone, e.g. https://phone.example.com/.
        #[arg(long, required_if_eq("to", "open-cti"))]
        adapter_url: Option<String>,
        #[command(flatten)]
        voice: voice_commands::VoiceArgs,
        /// A PBX WebSocket URL (wss://...); repeat for failover order. Defaults to one found in the old file.
        #[arg(long = "pbx")]
        pbx: Vec<String>,
        /// The SIP domain; defaults to the first PBX URL's host.
        #[arg(long)]
        sip_domain: Option<String>,
        /// The new internal name; defaults to the old one with _OpenCti (or _Voice) appended.
        #[arg(long)]
        internal_name: Option<String>,
        /// The org's home country, two letters (ISO 3166-1), e.g. GB; defaults to US.
        #[arg(long)]
        home_country: Option<String>,
        /// The new definition file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Judge a wave: screen-pop success rate, median pop latency and failed logs per wave, agent and
    /// day, from the call Tasks exported from the org (see the README for the query). Exit status
    /// 1 when a wave is no-go (each reason printed), 2 when a file cannot be read.
    Report(rollout_commands::ReportArgs),
    /// Plan the rollout: assign users to pilot / 25% / 50% / 100%, write per wave the CSV that moves
    /// them to the new call center and the one that moves them back, waves.csv for `report`, and a
    /// dated runbook.
    Waves(rollout_commands::WavesArgs),
    /// Convert between the import form and the Metadata API form SFDX uses.
    Convert {
        /// A definition file.
        file: PathBuf,
        /// The form to write.
        #[arg(long, value_enum)]
        to: Target,
        /// Where to write; standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Where a migration goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Destination {
    /// Lightning Open CTI (this softphone's Open CTI phone).
    OpenCti,
    /// Salesforce Voice with Partner Telephony (this softphone's connector).
    SalesforceVoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Target {
    /// `<CallCenter>` for SFDX / the Metadata API.
    Metadata,
    /// `<callCenter>` for Setup > Call Centers > Import.
    Import,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("callcenter: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<Definition, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut d = Definition::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // In the metadata form the internal name is the file name.
    if d.item("reqGeneralInfo", "reqInternalName").is_none() {
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
        if let Some(name) = file.strip_suffix(".callCenter-meta.xml") {
            d.set("reqGeneralInfo", "reqInternalName", name);
        }
    }
    Ok(d)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Validate { files, json, deny_warnings } => validate_files(&files, json, deny_warnings),
        Command::Explain { file } => {
            let d = read(&file)?;
            print!("{}", explain(&d, &validate(&d)));
            Ok(ExitCode::SUCCESS)
        }
        Command::Inventory { dir, format, code: true, to } => code_inventory(&dir, format, to),
        Command::Report(args) => rollout_commands::report(&args),
        Command::Waves(args) => rollout_commands::waves(&args),
        Command::Inventory { dir, format, code: false, .. } => file_inventory(&dir, format),
        Command::Migrate { legacy, to: Destination::SalesforceVoice, voice, pbx, sip_domain, internal_name, output, .. } => {
            voice_commands::migrate(&legacy, voice.options(pbx, sip_domain, internal_name)?, &output)
        }
        Command::Migrate { legacy, to: Destination::OpenCti, adapter_url, pbx, sip_domain, internal_name, home_country, output, .. } => {
            let adapter_url = adapter_url.unwrap_or_default();
            migrate_file(&legacy, Options { adapter_url, pbx_urls: pbx, sip_domain, internal_name, home_country }, &output)
        }
        Command::Convert { file, to, output } => {
            let d = read(&file)?;
            let text = match to {
                Target::Metadata => d.to_metadata_xml(),
                Target::Import => d.to_import_xml(),
            };
            match output {
                Some(path) if same_file(&file, &path) => Err("convert writes a new file; choose another output".into()),
                Some(path) => write(&path, &text).map(|()| ExitCode::SUCCESS),
                None => {
                    print!("{text}");
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
    }
}

/// `callcenter validate`: every file's diagnostics; exit 1 on errors (or warnings when denied),
/// 2 when a file cannot be read.
fn validate_files(files: &[PathBuf], json: bool, deny_warnings: bool) -> Result<ExitCode, String> {
    let mut results = Vec::new();
    let mut unreadable = false;
    for file in files {
        match read(file) {
            Ok(d) => results.push((file.display().to_string(), voice_commands::validate_any(&d))),
            Err(e) => {
                eprintln!("{e}");
                unreadable = true;
            }
        }
    }
    if json {
        print!("{}", diagnostics_json(&results));
    } else {
        for (file, diagnostics) in &results {
            for d in diagnostics {
                println!("{file}:{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            println!("{file}: {errors} error(s), {} warning(s)", diagnostics.len() - errors);
        }
    }
    let failed = results.iter().any(|(_, d)| has_errors(d) || (deny_warnings && !d.is_empty()));
    Ok(if unreadable {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `callcenter inventory DIR`: the definition files under DIR, one row each.
fn file_inventory(dir: &Path, format: Format) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    collect_xml(dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    let rows: Vec<InventoryRow> = files
        .iter()
        .map(|f| {
            let name = f.strip_prefix(dir).unwrap_or(f).display().to_string();
            match read(f) {
                Ok(d) => InventoryRow::new(&name, &d),
                Err(e) => InventoryRow::unreadable(&name, e.rsplit(": ").next().unwrap_or(&e)),
            }
        })
        .collect();
    print!(
        "{}",
        match format {
            Format::Text => inventory_text(&rows),
            Format::Csv => inventory_csv(&rows),
            Format::Json => inventory_json(&rows),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `callcenter migrate`: the new definition and its report next to it; the old one untouched.
fn migrate_file(legacy: &Path, options: Options, output: &Path) -> Result<ExitCode, String> {
    if same_file(legacy, output) {
        return Err("the output would overwrite the old definition, which must stay as the rollback".into());
    }
    let old = read(legacy)?;
    let m = migrate(&old, &options).map_err(|e| e.to_string())?;
    let report_path = output.with_extension("migration.md");
    write(output, &m.definition.to_import_xml())?;
    let report = m.report(&legacy.display().to_string(), &output.display().to_string());
    write(&report_path, &report)?;
    let problems = validate(&m.definition);
    for d in &problems {
        eprintln!("{}:{d}", output.display());
    }
    println!("wrote {} and {}", output.display(), report_path.display());
    Ok(if has_errors(&problems) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `inventory --code`: the source tree's dependencies on the desktop adapter and Classic CTI
/// (and, for Salesforce Voice, on Lightning Open CTI).
fn code_inventory(dir: &Path, format: Format, to: Destination) -> Result<ExitCode, String> {
    use callcenter::inventory::{output, rules, scan, voice_rules};
    let rules = match to {
        Destination::OpenCti => &rules::OPEN_CTI,
        Destination::SalesforceVoice => &voice_rules::SALESFORCE_VOICE,
    };
    let inventory = scan::scan_dir_for(dir, rules).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = match format {
        Format::Text => output::text(&inventory),
        Format::Csv => output::csv(&inventory),
        Format::Json => output::json(&inventory),
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn collect_xml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_xml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
    Ok(())
}
