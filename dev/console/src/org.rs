//! The softphone as an org serves it from the org package (helper for `main.rs`): a
//! Visualforce-like origin with the page at `/apex/<Page>` and the static resource's files at
//! `/resource/<timestamp>/<Name>/<path>`, plus the development deployment configuration the
//! stand-in writes into every page of the phone it serves (the built files carry none that
//! trusts loopback).

use std::path::{Component, Path};

use crate::http::{Request, Response};

/// The deployment configuration the stand-in gives the phone: its own Lightning origin may
/// frame it, and the loopback PBX ports of the development and test set-up (Kamailio ws and
/// wss, the second Kamailio, the e2e network-cut relay) may be dialled.
pub const DEV_DEPLOYMENT: &str = concat!(
    r#"{"orgOrigins":["http://127.0.0.1:8700"],"#,
    r#""pbxOrigins":["ws://127.0.0.1:8080","ws://127.0.0.1:8081","ws://127.0.0.1:8090","wss://127.0.0.1:8443","wss://127.0.0.1:8444"]}"#
);

const DEPLOYMENT_OPEN: &str = r#"<script type="application/json" id="softphone-deployment">"#;

/// The static resource's timestamp in URLs (an org puts the upload time there).
pub const RESOURCE_TIMESTAMP: &str = "1764400000000";

/// `page` with the deployment element set to `json`: replaced where the page has one, added
/// at the end of `<head>` otherwise.
pub fn with_deployment(page: &str, json: &str) -> Result<String, String> {
    let element = format!("{DEPLOYMENT_OPEN}{json}</script>");
    if let Some(start) = page.find(DEPLOYMENT_OPEN) {
        let end = page[start..].find("</script>").ok_or("the deployment element is not closed")? + start + "</script>".len();
        return Ok(format!("{}{element}{}", &page[..start], &page[end..]));
    }
    let head_end = page.find("</head>").ok_or("the page has no </head>")?;
    Ok(format!("{}  {element}\n{}", &page[..head_end], &page[head_end..]))
}

/// Renders a Visualforce page the way the org would for this package: the `<apex:page>`
/// wrapper becomes an HTML5 document, `{!URLFOR($Resource.Name, 'path')}` a resource URL and
/// `{!$User.LanguageLocaleKey}` the user's `language`.
/// Anything else Visualforce would evaluate is refused, so the stand-in never shows a page an
/// org would render differently.
pub fn render_page(source: &str, language: &str) -> Result<String, String> {
    let open = source.find("<apex:page").ok_or("no <apex:page>")?;
    let body_start = source[open..].find('>').ok_or("<apex:page> is not closed")? + open + 1;
    let body_end = source.rfind("</apex:page>").ok_or("no </apex:page>")?;
    let mut rest = source.get(body_start..body_end).ok_or("</apex:page> before <apex:page>")?;
    let mut html = String::from("<!DOCTYPE html>\n");
    while let Some(at) = rest.find("{!") {
        html.push_str(&rest[..at]);
        let end = rest[at..].find('}').ok_or("an unclosed {! expression")? + at;
        match rest[at + 2..end].trim() {
            "$User.LanguageLocaleKey" => html.push_str(language),
            expression => html.push_str(&resource_url(expression)?),
        }
        rest = &rest[end + 1..];
    }
    html.push_str(rest);
    if html.contains("<apex:") {
        return Err("the page uses Visualforce components the stand-in does not render".into());
    }
    Ok(html)
}

/// `URLFOR($Resource.Name, 'path')` as `/resource/<timestamp>/Name/path`.
fn resource_url(expression: &str) -> Result<String, String> {
    let unsupported = || format!("the stand-in renders only URLFOR($Resource.Name, 'path') and $User.LanguageLocaleKey, not {{!{expression}}}");
    let args = expression.trim().strip_prefix("URLFOR(").and_then(|e| e.strip_suffix(')')).ok_or_else(unsupported)?;
    let (resource, path) = args.split_once(',').ok_or_else(unsupported)?;
    let name = resource.trim().strip_prefix("$Resource.").ok_or_else(unsupported)?;
    let path = path.trim().strip_prefix('\'').and_then(|p| p.strip_suffix('\'')).ok_or_else(unsupported)?;
    Ok(format!("/resource/{RESOURCE_TIMESTAMP}/{name}/{path}"))
}

/// Serves the Visualforce-like origin from an SFDX source folder (`force-app/main/default`).
pub fn org_route(org_dir: &Path, language: &str, req: &Request) -> Response {
    if req.method != "GET" {
        return Response::error(405, "method not allowed");
    }
    if let Some(page) = req.path.strip_prefix("/apex/") {
        return apex_page(org_dir, page, language);
    }
    if let Some(rest) = req.path.strip_prefix("/resource/") {
        return static_resource(org_dir, rest);
    }
    Response::error(404, "not found")
}

fn apex_page(org_dir: &Path, name: &str, language: &str) -> Response {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Response::error(404, "not found");
    }
    let source = match std::fs::read_to_string(org_dir.join("pages").join(format!("{name}.page"))) {
        Ok(s) => s,
        Err(_) => return Response::error(404, "no such page: build the org package first (scripts/build-org-package.sh)"),
    };
    match render_page(&source, language).and_then(|html| with_deployment(&html, DEV_DEPLOYMENT)) {
        Ok(html) => Response::ok("text/html; charset=utf-8", html),
        Err(e) => Response::error(500, &format!("stand-in: {e}")),
    }
}

/// `<timestamp>/<Name>/<path>` from the expanded static resource folder `staticresources/<Name>/`.
fn static_resource(org_dir: &Path, rest: &str) -> Response {
    let mut parts = rest.splitn(3, '/');
    let (Some(stamp), Some(name), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Response::error(404, "not found");
    };
    let path = Path::new(path);
    let safe = !stamp.is_empty()
        && stamp.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Response::error(404, "not found");
    }
    match std::fs::read(org_dir.join("staticresources").join(name).join(path)) {
        Ok(body) => Response::ok(resource_content_type(path), body),
        Err(_) => Response::error(404, "not found"),
    }
}

/// The type an org gives a file inside a zipped static resource, from its extension. `.wasm`
/// is not among the types Salesforce documents, so it is served as the generic
/// `application/octet-stream`: the phone must load without `application/wasm`.
fn resource_content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("wasm") => "application/octet-stream",
        _ => crate::content_type(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<apex:page showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0">
<html><head><link rel="stylesheet" href="{!URLFOR($Resource.Softphone, 'softphone-1.css')}"/>
<script type="application/json" id="softphone-deployment">{"orgOrigins":["https://acme.lightning.force.com"],"pbxOrigins":["wss://pbx.acme.example"]}</script>
</head><body></body></html>
</apex:page>"#;

    #[test]
    fn a_visualforce_page_renders_with_resource_urls_and_the_stand_ins_deployment() {
        let html = with_deployment(&render_page(PAGE, "en_US").expect("renders"), DEV_DEPLOYMENT).expect("injects");
        assert!(html.starts_with("<!DOCTYPE html>\n\n<html>"), "{html}");
        assert!(html.contains(r#"href="/resource/1764400000000/Softphone/softphone-1.css""#), "{html}");
        assert!(html.contains(DEV_DEPLOYMENT));
        assert!(!html.contains("acme"), "the org's own deployment is replaced: {html}");
        assert!(!html.contains("apex:page"));
    }

    #[test]
    fn the_users_language_is_rendered_as_salesforce_spells_it() {
        let page = r#"<apex:page><meta name="salesforce-language" content="{!$User.LanguageLocaleKey}"/></apex:page>"#;
        assert_eq!(render_page(page, "pt_BR").expect("renders"), "<!DOCTYPE html>\n<meta name=\"salesforce-language\" content=\"pt_BR\"/>");
    }

    #[test]
    fn a_page_without_deployment_gets_one_in_its_head() {
        let html = with_deployment("<html><head><title>x</title></head><body></body></html>", "{}").expect("injects");
        assert_eq!(html, r#"<html><head><title>x</title>  <script type="application/json" id="softphone-deployment">{}</script>
</head><body></body></html>"#);
    }

    #[test]
    fn visualforce_the_stand_in_cannot_render_is_refused() {
        assert!(render_page("<apex:page>{!$User.Id}</apex:page>", "en_US").is_err());
        assert!(render_page("<apex:page><apex:form/></apex:page>", "en_US").is_err());
        assert!(render_page("<html></html>", "en_US").is_err());
        assert!(render_page("<apex:page>{!$User.LanguageLocaleKey.x}</apex:page>", "fr").is_err());
        assert!(render_page("<apex:page>{!URLFOR($Resource.Softphone, 'x.js'</apex:page>", "en_US").is_err());
    }

    #[test]
    fn resources_stay_inside_the_package_and_wasm_is_not_application_wasm() {
        let dir = std::env::temp_dir().join(format!("console-org-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("staticresources/Softphone")).unwrap();
        std::fs::write(dir.join("staticresources/Softphone/a.wasm"), b"\0asm").unwrap();
        let get = |path: &str| org_route(&dir, "en_US", &Request { method: "GET".into(), path: path.into(), body: vec![] });
        let wasm = get("/resource/1764400000000/Softphone/a.wasm");
        assert_eq!((wasm.status, wasm.content_type), (200, "application/octet-stream"));
        assert_eq!(get("/resource/1764400000000/Softphone/../../x").status, 404);
        assert_eq!(get("/resource/x/Softphone/a.wasm").status, 404);
        assert_eq!(get("/apex/Missing").status, 404);
        assert_eq!(get("/apex/../x").status, 404);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
