//! `voicecall`: runs the VoiceCall service (see the crate's documentation and the README,
//! "The VoiceCall service").

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use clap::Parser;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use voicecall::calls::{Policy, Registry};
use voicecall::client::{Client, Timeouts};
use voicecall::jwt::Signer;
use voicecall::routes::{unix_ms, Listener, Shared};
use voicecall::scrt::{is_record_id, Tenant};
use voicecall::service;

/// Creates the Salesforce VoiceCall of every inbound call the PBX offers to an agent.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The Telephony Integration REST API's base URL, https://MyDomain.my.salesforce-scrt.com.
    #[arg(long)]
    scrt_url: String,
    /// The org's Id (00D...): the JWT's issuer.
    #[arg(long)]
    org_id: String,
    /// The contact center's API name (its reqInternalName): the JWT's subject.
    #[arg(long)]
    contact_center: String,
    /// The PEM private key whose certificate is in the contact center. Readable by this
    /// service's user only (mode 0600 or 0400): the service refuses a key others can read.
    #[arg(long)]
    key_file: PathBuf,
    /// Where the PBX's hook is heard (plain HTTP: loopback or a private interface only).
    #[arg(long, default_value = "127.0.0.1:7780")]
    hook_listen: String,
    /// Where the connector's lookups are heard (HTTPS with --tls-cert and --tls-key).
    #[arg(long, default_value = "127.0.0.1:7781")]
    lookup_listen: String,
    /// Certificate chain (PEM) for the lookup listener.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// An origin whose pages may read lookups: the connector page's (repeat for several).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Extra CA certificates (PEM) trusted for the REST API, besides Mozilla's roots (a TLS
    /// inspecting proxy; the tests' stand-in).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// How long to wait for a connection to Salesforce, in milliseconds.
    #[arg(long, default_value_t = 3_000)]
    connect_timeout_ms: u64,
    /// How long to wait for Salesforce's answer once a request left, in milliseconds. A create
    /// left unanswered is never sent again (it may have landed): the call is reconciled when it
    /// ends.
    #[arg(long, default_value_t = 10_000)]
    answer_timeout_ms: u64,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("voicecall: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    if !(args.org_id.starts_with("00D") && is_record_id(&args.org_id)) {
        return Err(format!("--org-id {} is not an org Id (00D followed by 12 or 15 letters and digits)", args.org_id));
    }
    if !is_api_name(&args.contact_center) {
        return Err(format!("--contact-center {} is not an API name", args.contact_center));
    }
    let signer = Signer::from_pem(&read_secret(&args.key_file)?).map_err(|e| format!("{}: {e}", args.key_file.display()))?;
    let extra_roots = match &args.ca_file {
        Some(file) => certificates(file)?,
        None => Vec::new(),
    };
    let tenant = Tenant { base_url: args.scrt_url.trim_end_matches('/').to_owned(), org_id: args.org_id, contact_center: args.contact_center };
    let timeouts = Timeouts { connect: Duration::from_millis(args.connect_timeout_ms), answer: Duration::from_millis(args.answer_timeout_ms) };
    let client = Client::new(tenant, signer, extra_roots, timeouts).map_err(|e| e.to_string())?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(server_tls(cert, key)?),
        _ => None,
    };
    let hook = TcpListener::bind(&args.hook_listen).map_err(|e| format!("cannot listen on {} (hook): {e}", args.hook_listen))?;
    let lookup = TcpListener::bind(&args.lookup_listen).map_err(|e| format!("cannot listen on {} (lookup): {e}", args.lookup_listen))?;
    let shared = Arc::new(Shared::new(Registry::new(Policy::default(), unix_ms()), args.allow_origins));
    eprintln!(
        "voicecall: creating VoiceCalls for {} at {}; PBX hook on http://{}, lookups on {}://{}",
        client.tenant().contact_center,
        client.tenant().base_url,
        args.hook_listen,
        if tls.is_some() { "https" } else { "http" },
        args.lookup_listen
    );
    let threads = [
        thread::spawn({
            let shared = shared.clone();
            move || service::serve(shared, hook, Listener::Hook, None)
        }),
        thread::spawn({
            let shared = shared.clone();
            move || service::serve(shared, lookup, Listener::Lookup, tls)
        }),
        thread::spawn(move || service::send_forever(shared, Arc::new(client))),
    ];
    for t in threads {
        let _ = t.join();
    }
    Err("a service thread stopped".into())
}

fn is_api_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && name.len() <= 80
}

/// A key file's bytes, refused if anyone but its owner may read it.
fn read_secret(file: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            return Err(format!("{} may be read by others (mode {:o}): chmod 600 it", file.display(), metadata.permissions().mode() & 0o777));
        }
    }
    let _ = metadata;
    std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))
}

fn certificates(file: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(file).map_err(|e| format!("{}: {e}", file.display()))?.collect::<Result<_, _>>().map_err(|e| format!("{}: {e}", file.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", file.display()));
    }
    Ok(certs)
}

fn server_tls(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let chain = certificates(cert)?;
    let key = PrivateKeyDer::from_pem_slice(&read_secret(key)?).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| format!("the lookup listener's certificate and key do not fit: {e}"))?;
    Ok(Arc::new(config))
}
