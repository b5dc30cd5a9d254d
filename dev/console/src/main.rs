//! `console`: a local stand-in for a Lightning page with the softphone in its utility bar.
//!
//! Serves two loopback origins, as Salesforce and the adapter host would be two sites:
//! - the Lightning stand-in (default http://127.0.0.1:8700): the page, the stand-in
//!   `opencti_min.js` at Salesforce's path, the Call Center settings, a Task store, and a
//!   record of every Open CTI call for tests (`/__standin/calls`, `/__standin/tasks`);
//! - the softphone (default http://127.0.0.1:8701): the built app from `--app-dir`;
//! - the org-like layout (default http://127.0.0.1:8704): the org package's Visualforce page at
//!   `/apex/Softphone` and its static resource at `/resource/<timestamp>/Softphone/...`, from
//!   `--org-dir` (see `org.rs`), as an org's Visualforce host serves them.
//!
//! The page frames the definition's `reqAdapterUrl`, as Lightning does. Both ways of serving
//! the phone write the stand-in's own deployment configuration into its page.

mod credentials;
mod http;
mod org;
mod org_rules;
mod store;
mod task_fields;

use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use http::{read_request, write_response, Request, Response};
use store::Store;

const USAGE: &str = "\
usage: console [--definition FILE] [--app-dir DIR] [--org-dir DIR] [--sip-secret-file FILE] [--package] [--console-port N] [--app-port N] [--org-port N]

Serves a Lightning stand-in page on http://127.0.0.1:CONSOLE_PORT (default 8700) that frames
the softphone from the Call Center definition's reqAdapterUrl, and serves the built softphone
(trunk's dist/) on http://127.0.0.1:APP_PORT (default 8701) and, as a Visualforce host would,
the org package (scripts/build-org-package.sh) on http://127.0.0.1:ORG_PORT (default 8704).
  --definition FILE   Call Center definition (default callcenter-xml/development.xml)
  --app-dir DIR       the built softphone (default dist)
  --org-dir DIR       the org package's source folder (default org/force-app/main/default)
  --sip-secret-file FILE  the secret the org's credentials service derives SIP passwords from,
                      as the PBX's auth_ephemeral has it (default dev/pbx/ephemeral-secret)
  --package           the org has the softphone package (its Apex classes and fields) from the
                      start; tests switch it with POST /__standin/org (default: not installed)";

const INDEX_HTML: &str = include_str!("../standin/index.html");
const PAGE_JS: &str = include_str!("../standin/page.js");
const PAGE_CSS: &str = include_str!("../standin/page.css");
const CORE_JS: &str = include_str!("../standin/core.js");
const CLIENT_JS: &str = include_str!("../standin/client.js");
const HARNESS_HTML: &str = include_str!("../standin/harness.html");
const HARNESS_JS: &str = include_str!("../standin/harness.js");

struct Options {
    definition: PathBuf,
    app_dir: PathBuf,
    org_dir: PathBuf,
    sip_secret_file: PathBuf,
    package: bool,
    console_port: u16,
    app_port: u16,
    org_port: u16,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("console: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        definition: PathBuf::from("callcenter-xml/development.xml"),
        app_dir: PathBuf::from("dist"),
        org_dir: PathBuf::from("org/force-app/main/default"),
        sip_secret_file: PathBuf::from("dev/pbx/ephemeral-secret"),
        package: false,
        console_port: 8700,
        app_port: 8701,
        org_port: 8704,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--definition" => o.definition = PathBuf::from(value()?),
            "--app-dir" => o.app_dir = PathBuf::from(value()?),
            "--org-dir" => o.org_dir = PathBuf::from(value()?),
            "--sip-secret-file" => o.sip_secret_file = PathBuf::from(value()?),
            "--package" => o.package = true,
            "--org-port" => o.org_port = value()?.parse().map_err(|_| "--org-port needs a port number")?,
            "--console-port" => o.console_port = value()?.parse().map_err(|_| "--console-port needs a port number")?,
            "--app-port" => o.app_port = value()?.parse().map_err(|_| "--app-port needs a port number")?,
            "-h" | "--help" => return Err("Lightning stand-in for the softphone".into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

fn run(o: Options) -> Result<(), String> {
    let config = store::Config::from_definition(&o.definition)?;
    if !o.app_dir.join("index.html").is_file() {
        return Err(format!("{} has no index.html: build the softphone first (trunk build --release)", o.app_dir.display()));
    }
    let console_origin = format!("http://127.0.0.1:{}", o.console_port);
    // Like the org's secret record: made by whoever set up the PBX, absent until then.
    let sip_secret = std::fs::read_to_string(&o.sip_secret_file).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let store = Arc::new(Store::new(config, sip_secret, o.package));
    let console = TcpListener::bind(("127.0.0.1", o.console_port)).map_err(|e| format!("port {}: {e}", o.console_port))?;
    let app = TcpListener::bind(("127.0.0.1", o.app_port)).map_err(|e| format!("port {}: {e}", o.app_port))?;
    let org = TcpListener::bind(("127.0.0.1", o.org_port)).map_err(|e| format!("port {}: {e}", o.org_port))?;
    println!(
        "Lightning stand-in: {console_origin}/  (softphone served on http://127.0.0.1:{}/ and, from the org package, on http://127.0.0.1:{}/apex/Softphone)",
        o.app_port, o.org_port
    );
    let app_dir = Arc::new(o.app_dir);
    thread::spawn(move || serve(app, move |req| app_file(&app_dir, req)));
    let org_dir = Arc::new(o.org_dir);
    let org_store = Arc::clone(&store);
    thread::spawn(move || serve(org, move |req| org::org_route(&org_dir, &org_store.user_language(), req)));
    serve(console, move |req| console_route(&store, req));
    Ok(())
}

/// Accepts connections forever, one thread each.
fn serve(listener: TcpListener, route: impl Fn(&Request) -> Response + Send + Sync + 'static) {
    let route = Arc::new(route);
    for stream in listener.incoming().flatten() {
        let route = Arc::clone(&route);
        thread::spawn(move || handle(&stream, &*route));
    }
}

fn handle(stream: &TcpStream, route: &dyn Fn(&Request) -> Response) {
    let response = match read_request(stream) {
        Ok(Some(req)) if req.method == "OPTIONS" => Response { status: 204, ..Response::error(204, "") },
        Ok(Some(req)) => route(&req),
        Ok(None) => Response::error(400, "bad request"),
        Err(_) => return,
    };
    let _ = write_response(stream, &response);
}

fn console_route(store: &Store, req: &Request) -> Response {
    let js = "application/javascript; charset=utf-8";
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/") => Response::ok("text/html; charset=utf-8", INDEX_HTML),
        ("GET", "/standin/page.js") => Response::ok(js, PAGE_JS),
        ("GET", "/standin/core.js") => Response::ok(js, CORE_JS),
        ("GET", "/standin/page.css") => Response::ok("text/css; charset=utf-8", PAGE_CSS),
        ("GET", path) if is_opencti_path(path) => Response::ok(js, CLIENT_JS),
        // The shim's browser tests (tests/opencti.rs) frame this page, which frames the shim.
        ("GET", "/standin/harness.html") => Response { isolated: true, ..Response::ok("text/html; charset=utf-8", HARNESS_HTML) },
        ("GET", "/standin/harness.js") => Response::ok(js, HARNESS_JS),
        ("GET", "/__standin/config.json") => Response::json(store.config_json()),
        ("GET", "/__standin/calls") => Response::json(store.calls_json()),
        ("POST", "/__standin/calls") => match store.record_call(&req.body) {
            Ok(()) => Response::json("{}".into()),
            Err(e) => Response::error(400, &e),
        },
        ("GET", "/__standin/tasks") => Response::json(store.tasks_json()),
        ("POST", "/__standin/tasks") => Response::json(save_task(store, &req.body)),
        ("GET", "/__standin/org") => Response::json(store.org_json()),
        ("POST", "/__standin/org") => match store.update_org(&req.body) {
            Ok(()) => Response::json(store.org_json()),
            Err(e) => Response::error(400, &e),
        },
        ("POST", "/__standin/apex/findTaskByCallObject") => Response::json(store.find_task_by_call_object(&req.body)),
        ("POST", "/__standin/apex/userTimeZone") => Response::json(store.user_time_zone()),
        ("POST", "/__standin/apex/mint") => Response::json(store.mint(&req.body, unix_now_s())),
        ("POST", "/__standin/reset") => {
            store.reset();
            Response::json("{}".into())
        }
        ("GET", _) => Response::error(404, "not found"),
        _ => Response::error(405, "method not allowed"),
    }
}

/// saveLog as the org does it, faults included: a late save is made here, on the server, so it
/// lands even when the page that asked has gone (reloaded) by then.
fn save_task(store: &Store, body: &[u8]) -> String {
    match store.next_fate() {
        org_rules::Fate::Normal => store.save_task(body),
        org_rules::Fate::Fail => serde_json::json!({ "error": "unable to obtain exclusive access to this record", "code": "UNABLE_TO_LOCK_ROW" }).to_string(),
        org_rules::Fate::Late { delay_ms, answer } => {
            thread::sleep(std::time::Duration::from_millis(delay_ms));
            let saved = store.save_task(body);
            if answer {
                saved
            } else {
                serde_json::json!({ "silent": true }).to_string()
            }
        }
    }
}

/// This machine's clock, Unix seconds: the stand-in org and the PBX share it (a test skews it).
fn unix_now_s() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `/support/api/{NN}.0/lightning/opencti_min.js`, for the versions that have a Lightning script.
fn is_opencti_path(path: &str) -> bool {
    let Some(version) = path.strip_prefix("/support/api/").and_then(|p| p.strip_suffix("/lightning/opencti_min.js")) else {
        return false;
    };
    version.strip_suffix(".0").and_then(|major| major.parse::<u32>().ok()).is_some_and(|major| major >= 38)
}

/// Serves the built softphone; nothing outside `dir`.
fn app_file(dir: &Path, req: &Request) -> Response {
    if req.method != "GET" {
        return Response::error(405, "method not allowed");
    }
    let relative = req.path.trim_start_matches('/');
    let relative = if relative.is_empty() { "index.html" } else { relative };
    let path = Path::new(relative);
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Response::error(404, "not found");
    }
    match std::fs::read(dir.join(path)) {
        Ok(body) if relative == "index.html" => match org::with_deployment(&String::from_utf8_lossy(&body), org::DEV_DEPLOYMENT) {
            Ok(page) => Response::ok(content_type(path), page),
            Err(e) => Response::error(500, &format!("stand-in: {e}")),
        },
        Ok(body) => Response::ok(content_type(path), body),
        Err(_) => Response::error(404, "not found"),
    }
}

/// The type the stand-in's servers give a file, from its extension.
pub(crate) fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "application/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opencti_is_served_at_salesforce_path_for_lightning_versions_only() {
        assert!(is_opencti_path("/support/api/62.0/lightning/opencti_min.js"));
        assert!(is_opencti_path("/support/api/38.0/lightning/opencti_min.js"));
        assert!(!is_opencti_path("/support/api/37.0/lightning/opencti_min.js"));
        assert!(!is_opencti_path("/support/api/62.0/interaction.js"));
        assert!(!is_opencti_path("/support/api/x.0/lightning/opencti_min.js"));
    }

    #[test]
    fn app_files_stay_inside_the_app_dir() {
        let dir = std::env::temp_dir().join(format!("console-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<head></head><p>phone</p>").unwrap();
        let get = |path: &str| app_file(&dir, &Request { method: "GET".into(), path: path.into(), body: vec![] });
        assert_eq!(get("/").status, 200);
        assert_eq!(get("/index.html").content_type, "text/html; charset=utf-8");
        let page = String::from_utf8(get("/").body).unwrap();
        assert!(page.contains(org::DEV_DEPLOYMENT), "the stand-in writes its own deployment into the page: {page}");
        assert_eq!(get("/../Cargo.toml").status, 404);
        assert_eq!(get("/missing.js").status, 404);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
