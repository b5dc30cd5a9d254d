//! Asks the VoiceCall service (crates/voicecall, beside the PBX) for an incoming call's
//! VoiceCall, by its SIP Call-ID: the service created it through the Telephony Integration REST
//! API with a key no browser holds. Its lookup waits up to 10 s for a VoiceCall still being
//! created; the connector asks again while the call rings, so a slow Salesforce only delays the
//! call in Omni-Channel, and a VoiceCall that cannot be had is told as an error.

use js_sys::Reflect;
use phone::CallHandle;
use runtime::timer::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Request, RequestInit, RequestMode, Response};

use crate::bridge::VoiceCallFate;
use crate::connector::{warn, Connector};

/// Seconds each lookup waits at the service for a VoiceCall being created.
const WAIT_S: u32 = 10;
/// How long to wait before asking again after the service could not be reached.
const RETRY_MS: u64 = 1_000;

/// What one lookup said.
enum Answer {
    Fate(VoiceCallFate),
    /// Still being created (or the service was unreachable): ask again.
    Again,
}

/// Looks up the VoiceCall of incoming call `call` until there is an answer or the call is over.
pub fn start(connector: &Connector, call: CallHandle) {
    let (service, call_id) = {
        let s = connector.inner.borrow();
        let call_id = s.phone.call(call).and_then(|c| c.log_call_id()).map(str::to_owned);
        (s.settings.as_ref().map(|st| st.voice_call_service.clone()), call_id)
    };
    let (Some(service), Some(call_id)) = (service, call_id) else { return };
    let url = format!("{service}/v1/voice-calls/{}?wait={WAIT_S}", js_sys::encode_uri_component(&call_id));
    let connector = connector.clone();
    spawn_local(async move {
        loop {
            if connector.inner.borrow().phone.call(call).is_none() {
                return;
            }
            match ask(&url).await {
                Answer::Fate(fate) => return connector.voice_call_found(call, fate),
                Answer::Again => pause(RETRY_MS).await,
            }
        }
    });
}

async fn ask(url: &str) -> Answer {
    match fetch(url).await {
        Ok((404, _)) => Answer::Fate(VoiceCallFate::Internal),
        Ok((200, body)) => read(&body),
        Ok((status, _)) => {
            warn(&format!("the VoiceCall service answered {status}; asking again"));
            Answer::Again
        }
        Err(e) => {
            warn(&format!("the VoiceCall service cannot be reached ({e:?}); asking again"));
            Answer::Again
        }
    }
}

/// The service's answer: `{status: created, voiceCallId}`, `{status: creating}` or
/// `{status: failed, reason, httpStatus}`.
fn read(body: &JsValue) -> Answer {
    let field = |name: &str| Reflect::get(body, &name.into()).ok().and_then(|v| v.as_string());
    match field("status").as_deref() {
        Some("created") => match field("voiceCallId") {
            Some(id) if id.len() <= 18 && id.bytes().all(|b| b.is_ascii_alphanumeric()) => Answer::Fate(VoiceCallFate::Found(id)),
            _ => Answer::Fate(VoiceCallFate::Failed("the VoiceCall service named no valid VoiceCall Id".into())),
        },
        Some("failed") => Answer::Fate(VoiceCallFate::Failed(failure(field("reason").as_deref()))),
        _ => Answer::Again,
    }
}

/// Why the service could not create the VoiceCall, for the log and Salesforce's error.
fn failure(reason: Option<&str>) -> String {
    match reason {
        Some("refused") => "Salesforce refused the VoiceCall service's key (check the certificate in the contact center)",
        Some("rejected") => "Salesforce rejected the VoiceCall (see the VoiceCall service's log)",
        Some("unknown") => "Salesforce did not confirm the VoiceCall in time (it is reconciled when the call ends)",
        Some("unavailable") => "Salesforce was unavailable while the call rang (the VoiceCall is created when the call ends)",
        _ => "the VoiceCall could not be created",
    }
    .to_owned()
}

async fn fetch(url: &str) -> Result<(u16, JsValue), JsValue> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    let request = Request::new_with_str_and_init(url, &init)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
    let body = JsFuture::from(response.json()?).await.unwrap_or(JsValue::NULL);
    Ok((response.status(), body))
}

async fn pause(ms: u64) {
    let mut timeout = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        timeout = Timeout::start(ms, move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
    });
    let _ = JsFuture::from(promise).await;
    drop(timeout);
}

impl Connector {
    /// The VoiceCall service answered for `call`: Salesforce is told what it should know.
    pub(crate) fn voice_call_found(&self, call: CallHandle, fate: VoiceCallFate) {
        self.inner.borrow_mut().bridge.voice_call(call, fate);
        self.refresh();
    }
}
