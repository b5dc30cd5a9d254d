//! What the phone's own page says about where it was deployed: the deployment configuration
//! element and the browser's list of the pages around it. The rules live in `origin.rs`.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub use runtime::deployment::{read as read_deployment, DEPLOYMENT_ELEMENT_ID};

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
