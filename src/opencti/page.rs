//! What the phone's own page says about where it was deployed: the deployment configuration
//! element and the browser's list of the pages around it. The rules live in `origin.rs`.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::origin::{Deployment, DeploymentError, DeploymentFile};

/// The id of `<script type="application/json">` that carries the deployment configuration.
pub const DEPLOYMENT_ELEMENT_ID: &str = "softphone-deployment";

/// Reads and checks the deployment configuration written into this page at deploy time.
pub fn read_deployment() -> Result<Deployment, DeploymentError> {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(DEPLOYMENT_ELEMENT_ID))
        .and_then(|e| e.text_content())
        .ok_or(DeploymentError::Missing)?;
    let value = crate::js_value::parse_json(&text).ok_or_else(|| DeploymentError::Unreadable("not JSON".into()))?;
    Deployment::new(&DeploymentFile::from_value(&value)?)
}

/// `location.ancestorOrigins`: the origin of every page framing this one, nearest first.
/// Empty where the browser has no such list (Firefox); the page's CSP `frame-ancestors` then
/// does that work.
pub fn ancestor_origins() -> Vec<String> {
    let Some(location) = web_sys::window().map(|w| JsValue::from(w.location())) else { return Vec::new() };
    let list = Reflect::get(&location, &"ancestorOrigins".into()).unwrap_or(JsValue::UNDEFINED);
    let length = Reflect::get(&list, &"length".into()).ok().and_then(|l| l.as_f64()).unwrap_or(0.0);
    // A frame has a handful of ancestors; the bound only keeps a hostile value from looping long.
    let length = length.clamp(0.0, 64.0) as u32;
    (0..length)
        .map(|i| Reflect::get(&list, &i.into()).ok().and_then(|o| o.as_string()).unwrap_or_else(|| "null".into()))
        .collect()
}
