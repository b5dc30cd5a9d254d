//! The Open CTI boundary: the only module that knows `sforce.opencti` exists.
//!
//! [`load`] checks that the framing page is Salesforce's, loads its `opencti_min.js` and returns
//! an [`OpenCti`] whose methods are futures of `Result<T, OpenCtiError>`. Each call hands the
//! script a JavaScript promise's own `resolve` as its callback (see `bridge.js`), so no Rust
//! closure is created, leaked or left dangling per call, and a call whose callback never comes
//! times out. Listeners are [`Listener`] guards: dropping one releases its closure.

mod late;
mod origin;
mod page;
mod payloads;
mod types;

use std::fmt;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js_value::{from_js, to_js};
use crate::phone::value::Value;

pub use late::{LateAnswer, SaveLogError};
pub use origin::{check_framing, is_allowed_origin, Deployment, DeploymentError, DeploymentFile, LaunchError, LaunchParams, PbxNotAllowed};
pub use page::{ancestor_origins, read_deployment, DEPLOYMENT_ELEMENT_ID};
pub use types::*;

/// How long a method may wait for Salesforce's callback before it fails.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// How long the script may take to load.
const LOAD_TIMEOUT_MS: u32 = 15_000;

#[wasm_bindgen(module = "/src/opencti/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadScript)]
    fn load_script(target: &web_sys::Window, url: &str, timeout_ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = openCtiApi)]
    fn opencti_api(target: &web_sys::Window) -> JsValue;
    #[wasm_bindgen(js_name = invoke)]
    fn invoke(api: &JsValue, method: &str, args: &Object, timeout_ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = trampoline)]
    fn trampoline(slot: &Object) -> js_sys::Function;
    #[wasm_bindgen(js_name = text)]
    fn js_string(value: &JsValue) -> String;
}

/// Why an Open CTI call failed, in words an agent or admin can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenCtiError {
    /// The page was not opened by the org's Salesforce; nothing was loaded.
    Launch(LaunchError),
    /// `opencti_min.js` could not be loaded from the Lightning origin.
    ScriptUnavailable { url: String, reason: String },
    /// The script loaded but `sforce.opencti` (or one of its methods) is missing.
    NotAvailable { what: String },
    /// The request was refused before reaching Salesforce (e.g. a size out of range).
    InvalidArgument { method: &'static str, reason: String },
    /// The script threw.
    Threw { method: &'static str, message: String },
    /// No callback came in time.
    TimedOut { method: &'static str, after_ms: u32 },
    /// Salesforce answered `success: false`.
    Failed { method: &'static str, errors: Vec<ErrorDetail> },
    /// Salesforce answered something this version does not understand.
    Malformed { method: &'static str, detail: String },
}

impl fmt::Display for OpenCtiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenCtiError::Launch(e) => e.fmt(f),
            OpenCtiError::ScriptUnavailable { url, reason } => {
                write!(f, "Salesforce's Open CTI script could not be loaded from {url} ({reason}). Reload the page; if it persists, check the Call Center's adapter URL.")
            }
            OpenCtiError::NotAvailable { what } => write!(f, "Open CTI is not available in this page ({what} is missing)."),
            OpenCtiError::InvalidArgument { method, reason } => write!(f, "{method}: {reason}"),
            OpenCtiError::Threw { method, message } => write!(f, "Salesforce could not run {method}: {message}"),
            OpenCtiError::TimedOut { method, after_ms } => {
                write!(f, "Salesforce did not answer {method} within {} seconds.", after_ms / 1000)
            }
            OpenCtiError::Failed { method, errors } => {
                write!(f, "Salesforce refused {method}")?;
                for (i, e) in errors.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    f.write_str(if e.description.is_empty() { &e.code } else { &e.description })?;
                    if !e.details.is_empty() {
                        write!(f, " ({})", e.details)?;
                    }
                }
                Ok(())
            }
            OpenCtiError::Malformed { method, detail } => {
                write!(f, "Salesforce's answer to {method} was not understood: {detail}")
            }
        }
    }
}

impl std::error::Error for OpenCtiError {}

/// The address of the Lightning Open CTI script on `origin`.
pub fn script_url(origin: &str, api_version: &str) -> String {
    format!("{origin}/support/api/{api_version}/lightning/opencti_min.js")
}

/// Loads Open CTI from `origin` if it is one of `allowed_origins` (the deployment's org
/// origins); otherwise fails with [`LaunchError::ForeignOrigin`] and loads nothing.
pub async fn load(origin: &str, api_version: &str, allowed_origins: &[String]) -> Result<OpenCti, OpenCtiError> {
    let window = web_sys::window().ok_or_else(|| OpenCtiError::NotAvailable { what: "window".into() })?;
    load_in(&window, origin, api_version, allowed_origins).await
}

/// [`load`] into the page of `target`, a window of this origin: the app's own window, or in the
/// shim's browser tests the frame that Lightning's stand-in frames (the script runs only there).
pub async fn load_in(
    target: &web_sys::Window,
    origin: &str,
    api_version: &str,
    allowed_origins: &[String],
) -> Result<OpenCti, OpenCtiError> {
    if !is_allowed_origin(origin, allowed_origins) {
        return Err(OpenCtiError::Launch(LaunchError::ForeignOrigin(origin.to_owned())));
    }
    // The version lands in a URL path: accept only "NN.0"-like text.
    if api_version.is_empty() || !api_version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(OpenCtiError::InvalidArgument { method: "load", reason: format!("bad API version \"{api_version}\"") });
    }
    let url = script_url(origin, api_version);
    if !is_object(&opencti_api(target)) {
        JsFuture::from(load_script(target, &url, LOAD_TIMEOUT_MS))
            .await
            .map_err(|e| OpenCtiError::ScriptUnavailable { url: url.clone(), reason: js_message(&e) })?;
    }
    let api = opencti_api(target);
    if !is_object(&api) {
        return Err(OpenCtiError::NotAvailable { what: "sforce.opencti".into() });
    }
    Ok(OpenCti { api, timeout_ms: DEFAULT_TIMEOUT_MS })
}

/// A listener registered with Open CTI. Salesforce has no way to unregister one, so the
/// script keeps a small trampoline; dropping this guard empties it and frees the Rust closure.
pub struct Listener {
    slot: Object,
    _closure: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Best effort: the slot is our own plain object, so this cannot fail in practice.
        let _ = Reflect::delete_property(&self.slot, &"f".into());
    }
}

/// `sforce.opencti`, loaded and checked.
pub struct OpenCti {
    api: JsValue,
    timeout_ms: u32,
}

impl OpenCti {
    /// The same API with another callback timeout (tests use short ones).
    pub fn with_timeout(self, timeout_ms: u32) -> OpenCti {
        OpenCti { timeout_ms, ..self }
    }

    /// Lets the agent's clicks on phone numbers reach [`OpenCti::on_click_to_dial`].
    pub async fn enable_click_to_dial(&self) -> Result<(), OpenCtiError> {
        self.call_unit("enableClickToDial", Object::new()).await
    }

    /// Turns phone numbers back into plain text.
    pub async fn disable_click_to_dial(&self) -> Result<(), OpenCtiError> {
        self.call_unit("disableClickToDial", Object::new()).await
    }

    /// Calls `on_click` for every number the agent clicks. Payloads that are not objects are
    /// reported as errors to the same function rather than dropped silently.
    pub fn on_click_to_dial(
        &self,
        on_click: impl FnMut(Result<ClickToDial, OpenCtiError>) + 'static,
    ) -> Result<Listener, OpenCtiError> {
        self.listen("onClickToDial", ClickToDial::from_value, on_click)
    }

    /// Calls `on_change` whenever the agent navigates in Lightning.
    pub fn on_navigation_change(
        &self,
        on_change: impl FnMut(Result<AppViewInfo, OpenCtiError>) + 'static,
    ) -> Result<Listener, OpenCtiError> {
        self.listen("onNavigationChange", AppViewInfo::from_value, on_change)
    }

    /// Opens a record, a list, a search, a new-record dialog, a flow or a URL.
    pub async fn screen_pop(&self, pop: &ScreenPop) -> Result<(), OpenCtiError> {
        const METHOD: &str = "screenPop";
        let (key, params, defaults) = match pop {
            ScreenPop::Url { url } => ("URL", object(&[("url", url.into())]), None),
            ScreenPop::SObject { record_id } => ("SOBJECT", object(&[("recordId", record_id.into())]), None),
            ScreenPop::ObjectHome { scope } => ("OBJECTHOME", object(&[("scope", scope.into())]), None),
            ScreenPop::List { list_view_id, scope } => {
                ("LIST", object(&[("listViewId", list_view_id.into()), ("scope", scope.into())]), None)
            }
            ScreenPop::Search { search_string } => {
                if search_string.trim().chars().count() < 3 {
                    return Err(OpenCtiError::InvalidArgument {
                        method: METHOD,
                        reason: "a search needs at least 3 characters".into(),
                    });
                }
                ("SEARCH", object(&[("searchString", search_string.into())]), None)
            }
            ScreenPop::NewRecordModal { entity_name, default_field_values } => (
                "NEW_RECORD_MODAL",
                object(&[("entityName", entity_name.into())]),
                Some(to_js(&payloads::field_values(default_field_values))),
            ),
            ScreenPop::Flow { flow_dev_name, flow_args } => (
                "FLOW",
                object(&[
                    ("flowDevName", flow_dev_name.into()),
                    ("flowArgs", to_js(&Value::Array(flow_args.iter().map(FlowArg::to_value).collect()))),
                ]),
                None,
            ),
        };
        let mut fields = vec![("type", self.enum_value("SCREENPOP_TYPE", key)?), ("params", params.into())];
        if let Some(defaults) = defaults {
            fields.push(("defaultFieldValues", defaults));
        }
        self.call_unit(METHOD, object(&fields)).await
    }

    /// Searches Salesforce for `search.search_params` and pops what the softphone layout says.
    pub async fn search_and_screen_pop(&self, search: &Search) -> Result<SearchResult, OpenCtiError> {
        const METHOD: &str = "searchAndScreenPop";
        let args = object(&[
            ("searchParams", search.search_params.as_str().into()),
            ("queryParams", search.query_params.as_str().into()),
            ("defaultFieldValues", to_js(&payloads::field_values(&search.default_field_values))),
            ("callType", self.enum_value("CALL_TYPE", search.call_type.enum_key())?),
            ("deferred", search.deferred.into()),
        ]);
        let value = self.call(METHOD, args).await?;
        search_result(METHOD, &value)
    }

    /// Creates the Task, or updates it when `log.id` is set; returns its Id.
    pub async fn save_log(&self, log: &CallLog) -> Result<String, OpenCtiError> {
        const METHOD: &str = "saveLog";
        let value = self.call(METHOD, object(&[("value", to_js(&log.to_value()))])).await?;
        saved_record_id(&value)
    }

    /// What the agent is looking at.
    pub async fn get_app_view_info(&self) -> Result<AppViewInfo, OpenCtiError> {
        self.call_read("getAppViewInfo", Object::new(), AppViewInfo::from_value).await
    }

    /// Opens or closes the utility panel that holds the phone.
    pub async fn set_softphone_panel_visibility(&self, visible: bool) -> Result<(), OpenCtiError> {
        self.call_unit("setSoftphonePanelVisibility", object(&[("visible", visible.into())])).await
    }

    /// Whether the utility panel is open.
    pub async fn is_softphone_panel_visible(&self) -> Result<bool, OpenCtiError> {
        const METHOD: &str = "isSoftphonePanelVisible";
        let value = self.call(METHOD, Object::new()).await?;
        Reflect::get(&value, &"visible".into())
            .ok()
            .and_then(|v| v.as_bool())
            .ok_or_else(|| malformed(METHOD, "no 'visible' flag", &value))
    }

    /// Sets the panel height, 240 to 2560 pixels.
    pub async fn set_softphone_panel_height(&self, px: u32) -> Result<(), OpenCtiError> {
        let args = object(&[("heightPX", in_range("setSoftphonePanelHeight", px, 240, 2560)?.into())]);
        self.call_unit("setSoftphonePanelHeight", args).await
    }

    /// Sets the panel width, 200 to 1920 pixels.
    pub async fn set_softphone_panel_width(&self, px: u32) -> Result<(), OpenCtiError> {
        let args = object(&[("widthPX", in_range("setSoftphonePanelWidth", px, 200, 1920)?.into())]);
        self.call_unit("setSoftphonePanelWidth", args).await
    }

    /// Sets the utility-bar item's label (e.g. the call timer).
    pub async fn set_softphone_item_label(&self, label: &str) -> Result<(), OpenCtiError> {
        self.call_unit("setSoftphoneItemLabel", object(&[("label", label.into())])).await
    }

    /// Sets the open panel's header label.
    pub async fn set_softphone_panel_label(&self, label: &str) -> Result<(), OpenCtiError> {
        self.call_unit("setSoftphonePanelLabel", object(&[("label", label.into())])).await
    }

    /// Sets the utility-bar item's icon (an SLDS utility icon name such as `call`).
    pub async fn set_softphone_item_icon(&self, key: &str) -> Result<(), OpenCtiError> {
        self.call_unit("setSoftphoneItemIcon", object(&[("key", key.into())])).await
    }

    /// Sets the open panel's header icon.
    pub async fn set_softphone_panel_icon(&self, key: &str) -> Result<(), OpenCtiError> {
        self.call_unit("setSoftphonePanelIcon", object(&[("key", key.into())])).await
    }

    /// The Call Center definition as a flat `"/section/item" -> value` map. A value that is
    /// not text is left out and reported, never a reason to reject the whole map.
    pub async fn get_call_center_settings(&self) -> Result<CallCenterSettings, OpenCtiError> {
        self.call_read("getCallCenterSettings", Object::new(), CallCenterSettings::from_value).await
    }

    /// The org's softphone layout.
    pub async fn get_softphone_layout(&self) -> Result<SoftphoneLayout, OpenCtiError> {
        self.call_read("getSoftphoneLayout", Object::new(), SoftphoneLayout::from_value).await
    }

    /// Refreshes the record the agent is looking at (e.g. after a Task was logged).
    pub async fn refresh_view(&self) -> Result<(), OpenCtiError> {
        self.call_unit("refreshView", Object::new()).await
    }

    /// Runs a static Apex method and returns its result (text: the org package's methods return
    /// text).
    pub async fn run_apex(&self, apex: &ApexCall) -> Result<String, OpenCtiError> {
        const METHOD: &str = "runApex";
        let args = object(&[
            ("apexClass", apex.apex_class.as_str().into()),
            ("methodName", apex.method_name.as_str().into()),
            // The guide's form for a method without parameters: an empty object.
            ("methodParams", if apex.method_params.is_empty() { Object::new().into() } else { apex.method_params.as_str().into() }),
        ]);
        let value = self.call(METHOD, args).await?;
        let result = Reflect::get(&value, &"runApex".into()).unwrap_or(JsValue::UNDEFINED);
        result.as_string().ok_or_else(|| malformed(METHOD, "the result is not text", &result))
    }

    /// Tells Lightning the phone has finished loading (it stops waiting for the standby URL).
    pub async fn notify_initialization_complete(&self) -> Result<(), OpenCtiError> {
        self.call_unit("notifyInitializationComplete", Object::new()).await
    }

    /// Calls `method` with `args` plus a callback and returns the response's `returnValue`.
    async fn call(&self, method: &'static str, args: Object) -> Result<JsValue, OpenCtiError> {
        self.call_or_late(method, args).await.map_err(|failure| failure.error)
    }

    /// [`OpenCti::call`], keeping a way to hear the answer that comes after the timeout.
    async fn call_or_late(&self, method: &'static str, args: Object) -> Result<JsValue, SaveLogError> {
        if !Reflect::get(&self.api, &method.into()).is_ok_and(|f| f.is_function()) {
            return Err(OpenCtiError::NotAvailable { what: format!("sforce.opencti.{method}") }.into());
        }
        let response = JsFuture::from(invoke(&self.api, method, &args, self.timeout_ms)).await.map_err(|e| {
            if Reflect::get(&e, &"softphoneTimeout".into()).is_ok_and(|t| t.is_truthy()) {
                let late = Reflect::get(&e, &"late".into()).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
                SaveLogError { error: OpenCtiError::TimedOut { method, after_ms: self.timeout_ms }, late: late.map(LateAnswer::new) }
            } else {
                OpenCtiError::Threw { method, message: js_message(&e) }.into()
            }
        })?;
        Ok(response_value(method, &response)?)
    }

    async fn call_unit(&self, method: &'static str, args: Object) -> Result<(), OpenCtiError> {
        self.call(method, args).await.map(|_| ())
    }

    /// [`OpenCti::call`], its answer read by `read` (`None`: not the documented shape).
    async fn call_read<T>(&self, method: &'static str, args: Object, read: fn(&Value) -> Option<T>) -> Result<T, OpenCtiError> {
        let value = self.call(method, args).await?;
        read(&from_js(&value)).ok_or_else(|| not_documented(method, &value))
    }

    fn listen<T: 'static>(
        &self,
        method: &'static str,
        read: fn(&Value) -> Option<T>,
        mut handler: impl FnMut(Result<T, OpenCtiError>) + 'static,
    ) -> Result<Listener, OpenCtiError> {
        let register = Reflect::get(&self.api, &method.into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| OpenCtiError::NotAvailable { what: format!("sforce.opencti.{method}") })?;
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |payload: JsValue| {
            handler(read(&from_js(&payload)).ok_or_else(|| not_documented(method, &payload)))
        });
        let slot = Object::new();
        Reflect::set(&slot, &"f".into(), closure.as_ref())
            .map_err(|e| OpenCtiError::Threw { method, message: js_message(&e) })?;
        let args = object(&[("listener", trampoline(&slot).into())]);
        register
            .call1(&self.api, &args)
            .map_err(|e| OpenCtiError::Threw { method, message: js_message(&e) })?;
        Ok(Listener { slot, _closure: closure })
    }

    /// `sforce.opencti[group][key]`, the value the script expects for an enum.
    fn enum_value(&self, group: &str, key: &str) -> Result<JsValue, OpenCtiError> {
        Reflect::get(&self.api, &group.into())
            .and_then(|g| Reflect::get(&g, &key.into()))
            .ok()
            .filter(|v| !v.is_undefined())
            .ok_or_else(|| OpenCtiError::NotAvailable { what: format!("sforce.opencti.{group}.{key}") })
    }
}

/// A response's `returnValue`, or why there is none.
fn response_value(method: &'static str, response: &JsValue) -> Result<JsValue, OpenCtiError> {
    if !is_object(response) {
        return Err(malformed(method, "the response is not an object", response));
    }
    match Reflect::get(response, &"success".into()).ok().and_then(|s| s.as_bool()) {
        Some(true) => Ok(Reflect::get(response, &"returnValue".into()).unwrap_or(JsValue::NULL)),
        Some(false) => Err(OpenCtiError::Failed { method, errors: error_details(response) }),
        None => Err(malformed(method, "no 'success' flag", response)),
    }
}

/// saveLog's `returnValue`: Lightning gives `{ recordId }`; a bare Id is accepted too.
fn saved_record_id(value: &JsValue) -> Result<String, OpenCtiError> {
    value
        .as_string()
        .or_else(|| Reflect::get(value, &"recordId".into()).ok().and_then(|v| v.as_string()))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| malformed("saveLog", "no record Id", value))
}

fn search_result(method: &'static str, value: &JsValue) -> Result<SearchResult, OpenCtiError> {
    if value.is_null() || value.is_undefined() {
        return Ok(SearchResult::default());
    }
    if !is_object(value) {
        return Err(malformed(method, "the result is not a map of records", value));
    }
    let mut result = SearchResult::default();
    for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
        let entry = Array::from(&entry);
        if entry.get(0).as_string().as_deref() == Some("SCREEN_POP_DATA") {
            result.has_screen_pop_data = true;
            continue;
        }
        let found = SearchMatch::from_value(&from_js(&entry.get(1))).ok_or_else(|| not_documented(method, value))?;
        result.matches.push(found);
    }
    Ok(result)
}

/// Reads `errors: [{ code, description, details }]` leniently: odd entries become text.
fn error_details(response: &JsValue) -> Vec<ErrorDetail> {
    let errors = Reflect::get(response, &"errors".into()).unwrap_or(JsValue::NULL);
    if !Array::is_array(&errors) {
        return vec![ErrorDetail { description: "no error details given".into(), ..ErrorDetail::default() }];
    }
    Array::from(&errors)
        .iter()
        .map(|e| {
            let text = |name: &str| Reflect::get(&e, &name.into()).map(|v| js_text(&v)).unwrap_or_default();
            if is_object(&e) {
                ErrorDetail { code: text("code"), description: text("description"), details: text("details") }
            } else {
                ErrorDetail { description: js_text(&e), ..ErrorDetail::default() }
            }
        })
        .collect()
}

fn in_range(method: &'static str, px: u32, min: u32, max: u32) -> Result<u32, OpenCtiError> {
    if (min..=max).contains(&px) {
        Ok(px)
    } else {
        Err(OpenCtiError::InvalidArgument { method, reason: format!("{px} px is outside {min}-{max} px") })
    }
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (name, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &(*name).into(), value);
    }
    o
}

/// An answer that is not the object the Open CTI Developer Guide documents for `method`.
fn not_documented(method: &'static str, value: &JsValue) -> OpenCtiError {
    malformed(method, "not the fields and types Salesforce documents", value)
}

fn malformed(method: &'static str, what: &str, value: &JsValue) -> OpenCtiError {
    OpenCtiError::Malformed { method, detail: format!("{what} (got {})", js_type(value)) }
}

fn is_object(v: &JsValue) -> bool {
    v.is_object() && !v.is_null()
}

fn js_type(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

fn js_text(v: &JsValue) -> String {
    if v.is_undefined() || v.is_null() {
        String::new()
    } else {
        v.as_string().unwrap_or_else(|| js_string(v))
    }
}

fn js_message(e: &JsValue) -> String {
    Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| js_text(e))
}
