//! Rings are never missed: a call ringing while the page is hidden raises a browser
//! notification until it is answered or ends. The rest of what the agent sees is the phone's
//! own: the utility item's label and ringing icon (`Effect::SetLabel`/`SetIcon`, through Open
//! CTI), and the panel it opens (`Effect::ShowPanel`). The phone's frame has a document title,
//! but no browser shows a frame's title anywhere (the tab shows the Salesforce page's), so
//! marking it would show the agent nothing.
//!
//! Everything here goes through `Reflect`: a browser, or a frame, without the Notification
//! API, or with it denied, simply gets no notification; nothing throws.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::phone::{Phone, Stage};

use crate::words::t;

/// The ring being signalled, so it is signalled once and cleared when it stops.
#[derive(Default)]
pub struct Attention {
    /// The ringing call (its Call-ID, or its number before the SIP core gave it one).
    ringing: Option<String>,
    /// The notification shown for this ring, closed when the ring stops.
    notification: Option<Shown>,
}

/// A notification on screen and its click handler (released once it is closed).
struct Shown {
    notification: JsValue,
    _on_click: Closure<dyn FnMut()>,
}

impl Attention {
    /// Called with every new phone state.
    pub fn update(&mut self, phone: &Phone) {
        // A call waiting rings too: the agent may be on the other call with the page hidden.
        match phone.calls().iter().find(|c| c.stage() == Stage::Ringing) {
            Some(call) => {
                let id = call.call_id().map_or_else(|| call.number().to_owned(), str::to_owned);
                if self.ringing.as_deref() == Some(id.as_str()) {
                    return;
                }
                self.stop();
                self.ringing = Some(id);
                if document_hidden() {
                    let who = if call.display_name().is_empty() { call.number().to_owned() } else { format!("{} ({})", call.display_name(), call.number()) };
                    self.notification = notify(t::attention_incoming(), &who);
                }
            }
            _ => self.stop(),
        }
    }

    /// The ring stopped (answered, declined, gone): the notification goes.
    fn stop(&mut self) {
        self.ringing = None;
        if let Some(shown) = self.notification.take() {
            let n = &shown.notification;
            let _ = Reflect::set(n, &"onclick".into(), &JsValue::NULL);
            if let Ok(close) = Reflect::get(n, &"close".into()).and_then(|f| f.dyn_into::<Function>()) {
                let _ = close.call0(n);
            }
        }
    }
}

/// `Notification.permission`, or `None` where there is no Notification API.
pub fn permission() -> Option<String> {
    let ctor = notification_constructor()?;
    Reflect::get(&ctor, &"permission".into()).ok()?.as_string()
}

/// Asks for permission to notify, if the browser has not asked yet. Call it from the agent's
/// sign-in click (browsers ignore requests without one); whatever the answer, nothing fails.
pub fn ask_permission() {
    if permission().as_deref() != Some("default") {
        return;
    }
    let Some(ctor) = notification_constructor() else {
        return;
    };
    let Ok(request) = Reflect::get(&ctor, &"requestPermission".into()).and_then(|f| f.dyn_into::<Function>()) else {
        return;
    };
    let Ok(promise) = request.call0(&ctor).and_then(|p| p.dyn_into::<js_sys::Promise>()) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        // Denied or dismissed: rings are still shown in the panel and the utility bar.
        let _ = JsFuture::from(promise).await;
    });
}

fn notification_constructor() -> Option<Function> {
    let window = web_sys::window()?;
    Reflect::get(&window, &"Notification".into()).ok()?.dyn_into::<Function>().ok()
}

fn document_hidden() -> bool {
    let document = web_sys::window().and_then(|w| w.document());
    document.and_then(|d| Reflect::get(&d, &"hidden".into()).ok()).and_then(|h| h.as_bool()).unwrap_or(false)
}

/// Shows a notification when permitted; a click brings the agent to the phone's tab.
fn notify(title: &str, body: &str) -> Option<Shown> {
    if permission().as_deref() != Some("granted") {
        return None;
    }
    let ctor = notification_constructor()?;
    let options = Object::new();
    Reflect::set(&options, &"body".into(), &body.into()).ok()?;
    Reflect::set(&options, &"tag".into(), &"softphone-ring".into()).ok()?;
    Reflect::set(&options, &"requireInteraction".into(), &JsValue::TRUE).ok()?;
    let args = js_sys::Array::of2(&title.into(), &options);
    let notification = Reflect::construct(&ctor, &args).ok()?;
    let on_click = Closure::<dyn FnMut()>::new(|| {
        let Some(w) = web_sys::window() else { return };
        let _ = w.focus();
        // In Lightning the phone is a frame: focusing the top window brings its tab forward
        // (focus() is one of the few calls allowed across origins).
        if let Ok(Some(top)) = w.top() {
            let _ = top.focus();
        }
    });
    Reflect::set(&notification, &"onclick".into(), on_click.as_ref()).ok()?;
    Some(Shown { notification, _on_click: on_click })
}

#[derive(Properties, PartialEq)]
pub struct PermissionReasonProps {
    /// Whether to show it: before a sign-in, and all along when Salesforce signs the agent in
    /// (they never see a sign-in).
    pub show: bool,
}

/// One line saying why the browser is about to ask (or, in a frame, where to allow it), while
/// notifications are not allowed yet.
#[function_component(PermissionReason)]
pub fn permission_reason(props: &PermissionReasonProps) -> Html {
    let text = match permission().as_deref() {
        // What the agent reads before the browser asks (only while it has not asked).
        Some("default") => t::attention_permission_reason(),
        // In a frame Chromium never asks: it reports "denied" and uses the permission of the
        // page around the frame (the Salesforce site). So the agent is told where to allow it.
        Some("denied") if framed() => t::attention_framed_how_to(),
        _ => return html! {},
    };
    if !props.show {
        return html! {};
    }
    html! { <p class="weak notice" data-testid="notification-reason">{ text }</p> }
}

/// Whether the phone runs in a frame (in Lightning it always does).
fn framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.top() {
        Ok(Some(top)) => top != window,
        _ => true,
    }
}
