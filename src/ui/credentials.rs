//! The org's credentials service through Open CTI: `SoftphoneCredentials.mint` (runApex, no
//! parameter: it mints for the user signed in to Salesforce), its answer read into the phone's
//! events, and where signing in with Salesforce stands (in `words`' sentences).
//!
//! The answer holds passwords: it is read field by field into `Secret`s and never logged, not
//! even when it cannot be read (the reason names the field, never its value).

use std::rc::Rc;

use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::hears::Hears;
use crate::opencti::{ApexCall, OpenCti, OpenCtiError};
use crate::phone::reasons::CrmProblem;
use crate::phone::{Event, Intent, Minted, OrgGrant, OrgRefusal, OrgSignIn, Secret};

/// The org package's Apex class and method (README, "Signing in with Salesforce").
const APEX_CLASS: &str = "SoftphoneCredentials";
const MINT: &str = "mint";
/// The package's other class: when neither answers, the package is not there for this user.
const PROBE_CLASS: &str = "SoftphoneCallLog";
const PROBE_METHOD: &str = "findTaskByCallObject";

/// Asks the org for the signed-in user's credentials and tells the phone what came of it.
pub fn fetch(cti: Rc<OpenCti>, phone: impl Hears) {
    spawn_local(async move {
        let asked = ApexCall { apex_class: APEX_CLASS.into(), method_name: MINT.into(), method_params: String::new() };
        let event = match cti.run_apex(&asked).await {
            Ok(answer) => read_answer(&answer),
            Err(OpenCtiError::Failed { .. }) if !package_answers(&cti).await => Event::CredentialsRefused(OrgRefusal::NoPackage),
            Err(e) => Event::CredentialsUnavailable(super::salesforce::problem(&e)),
        };
        phone.event(event);
    });
}

/// runApex refused the credentials class: an unknown class (no package, or no access to it)
/// when the package's other class is refused too, else a failure that may pass.
async fn package_answers(cti: &OpenCti) -> bool {
    let probe = ApexCall { apex_class: PROBE_CLASS.into(), method_name: PROBE_METHOD.into(), method_params: "callObject=".into() };
    cti.run_apex(&probe).await.is_ok()
}

/// The Apex answer (`JSON.serialize` of a map) as the phone's event.
fn read_answer(answer: &str) -> Event {
    match parse_answer(answer) {
        Ok(Ok(grant)) => Event::CredentialsGranted(grant),
        Ok(Err(refusal)) => Event::CredentialsRefused(refusal),
        Err(what) => Event::CredentialsUnavailable(CrmProblem::Unreadable { asked: format!("{APEX_CLASS}.{MINT}"), detail: format!("no usable {what}") }),
    }
}

/// The grant, or the org's reason for none; `Err` names what could not be read.
fn parse_answer(answer: &str) -> Result<Result<OrgGrant, OrgRefusal>, &'static str> {
    let value = JSON::parse(answer).map_err(|_| "JSON")?;
    if let Some(error) = text(&value, "error") {
        return match error.as_str() {
            "no-extension" => Ok(Err(OrgRefusal::NoExtension)),
            "bad-extension" => Ok(Err(OrgRefusal::BadExtension)),
            "not-configured" => Ok(Err(OrgRefusal::NotConfigured)),
            _ => Err("error"),
        };
    }
    let extension = text(&value, "extension").ok_or("extension")?;
    let ttl = field(&value, "ttl").as_f64().filter(|t| t.is_finite() && *t >= 1.0).ok_or("ttl")?;
    let sip = minted(&field(&value, "sip")).ok_or("sip credential")?;
    let turn = match field(&value, "turn") {
        v if v.is_undefined() || v.is_null() => None,
        v => Some(minted(&v).ok_or("TURN credential")?),
    };
    // At most a day, as the Apex class allows.
    Ok(Ok(OrgGrant { extension, ttl_s: ttl.min(86_400.0) as u32, sip, turn }))
}

fn minted(value: &JsValue) -> Option<Minted> {
    let username = text(value, "username")?;
    let password = text(value, "password")?;
    Some(Minted { username, password: Secret::new(password) })
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn text(value: &JsValue, name: &str) -> Option<String> {
    field(value, name).as_string().filter(|s| !s.is_empty())
}

/// Where signing in with Salesforce stands (one sentence, when there is something to say), and a
/// way to ask again after a refusal or a sign-out.
pub fn org_status(state: &OrgSignIn, user: Option<&str>, send: &Callback<Intent>) -> Html {
    let signed_in = user.is_some();
    let again = !signed_in && matches!(state, OrgSignIn::Refused(_) | OrgSignIn::SignedOut);
    let problem = matches!(state, OrgSignIn::Refused(_) | OrgSignIn::Asking { pbx_refused: Some(_), .. });
    html! {
        <>
            if let Some(text) = crate::words::org_sign_in(state, signed_in, user.unwrap_or_default()) {
                <div class={if problem { "alert" } else { "alert notice" }} role={if problem { "alert" } else { "status" }} data-testid="org-sign-in">{ text }</div>
            }
            if again {
                <div class="actions"><button class="brand" onclick={send.reform(|_| Intent::SignInWithOrg)}>{ crate::words::t::org_sign_in() }</button></div>
            }
        </>
    }
}
