//! `callcenter migrate --to salesforce-voice` and contact center files in `validate`: file
//! handling around `callcenter::voice_migrate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callcenter::definition::Definition;
use callcenter::validate::{has_errors, validate, Diagnostic};
use callcenter::voice_migrate::{is_contact_center, to_salesforce_voice, validate_contact_center, VoiceOptions};
use clap::Args;

/// What `migrate --to salesforce-voice` takes beyond the shared options.
#[derive(Args)]
pub struct VoiceArgs {
    /// Salesforce Voice: the VoiceCall service's address, https://host[:port].
    #[arg(long, required_if_eq("to", "salesforce-voice"))]
    voicecall_url: Option<String>,
    /// Salesforce Voice: the ConversationVendorInfo's API name (ns__Name in a namespaced package).
    #[arg(long)]
    vendor_info: Option<String>,
    /// Salesforce Voice: the PEM certificate of the VoiceCall service's signing key.
    #[arg(long)]
    certificate: Option<PathBuf>,
}

impl VoiceArgs {
    pub fn options(self, pbx_urls: Vec<String>, sip_domain: Option<String>, internal_name: Option<String>) -> Result<VoiceOptions, String> {
        let certificate = match &self.certificate {
            Some(file) => Some(std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?),
            None => None,
        };
        Ok(VoiceOptions { voice_call_service: self.voicecall_url.unwrap_or_default(), vendor_info: self.vendor_info, internal_name, pbx_urls, sip_domain, certificate })
    }
}

/// Each kind of file checked by its own rules.
pub fn validate_any(definition: &Definition) -> Vec<Diagnostic> {
    if is_contact_center(definition) {
        validate_contact_center(definition)
    } else {
        validate(definition)
    }
}

/// Writes the contact center file and its report next to it; the old file untouched.
pub fn migrate(legacy: &Path, options: VoiceOptions, output: &Path) -> Result<ExitCode, String> {
    if output.canonicalize().ok().is_some_and(|o| legacy.canonicalize().ok() == Some(o)) {
        return Err("the output would overwrite the old definition, which must stay as the rollback".into());
    }
    let text = std::fs::read_to_string(legacy).map_err(|e| format!("{}: {e}", legacy.display()))?;
    let old = Definition::parse(&text).map_err(|e| format!("{}:{e}", legacy.display()))?;
    let m = to_salesforce_voice(&old, &options).map_err(|e| e.to_string())?;
    let report_path = output.with_extension("migration.md");
    std::fs::write(output, m.definition.to_import_xml()).map_err(|e| format!("{}: {e}", output.display()))?;
    let report = m.report(&legacy.display().to_string(), &output.display().to_string());
    std::fs::write(&report_path, report).map_err(|e| format!("{}: {e}", report_path.display()))?;
    let problems = validate_contact_center(&m.definition);
    for d in &problems {
        eprintln!("{}:{d}", output.display());
    }
    println!("wrote {} and {}", output.display(), report_path.display());
    Ok(if has_errors(&problems) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
