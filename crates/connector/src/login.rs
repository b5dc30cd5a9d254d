//! The login frame (the voice package's `SoftphoneLogin` page, `web/login.js`) and the connector
//! are pages of the same origin: the agent's SIP extension and password come over a
//! `BroadcastChannel` (never stored, never sent elsewhere), the connector answers how the
//! sign-in went, and tells Salesforce once the PBX accepted it (LOGIN_RESULT).

use js_sys::Reflect;
use phone::{Credentials, Intent, Registration, Secret};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::connector::{warn, Connector};
use crate::sdk;

/// The channel's name, shared with `web/login.js`.
pub const CHANNEL: &str = "softphone-connector-login";

/// Hears sign-ins from the login frame for as long as the page lives.
pub fn listen(connector: &Connector) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        warn("the login channel cannot open: the agent cannot sign in");
        return;
    };
    let weak = std::rc::Rc::downgrade(&connector.inner);
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(inner) = weak.upgrade() else { return };
        let field = |name: &str| Reflect::get(&e.data(), &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        if field("type") == "sign-in" {
            Connector { inner }.sign_in(field("user"), field("password"));
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both live as long as the page (the connector is never torn down).
    on_message.forget();
    std::mem::forget(channel);
}

/// Tells the login frame how the sign-in goes (`state`: signing-in, signed-in, failed).
pub fn tell_login_page(state: &str, text: &str) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else { return };
    let message = sdk::object(&[("type", "status".into()), ("state", state.into()), ("text", text.into())]);
    let _ = channel.post_message(&message);
    channel.close();
}

impl Connector {
    fn sign_in(&self, user: String, password: String) {
        let display_name = self.inner.borrow().user_name.clone();
        tell_login_page("signing-in", "Connecting to the phone system…");
        self.apply(vec![Intent::SignIn(Credentials { user, password: Secret::new(password), display_name, auth_user: None })]);
        if let Some(problem) = self.inner.borrow().phone.notice() {
            tell_login_page("failed", &words::notice(problem));
        }
    }

    /// After every event: the first registration tells Salesforce the agent is signed in; a
    /// refused one tells the login frame why.
    pub(crate) fn follow_sign_in(&self) {
        let (ready, registration, user) = {
            let s = self.inner.borrow();
            (s.ready, s.phone.registration().clone(), s.phone.agent_user().unwrap_or_default().to_owned())
        };
        match registration {
            Registration::Registered if !ready => {
                self.inner.borrow_mut().ready = true;
                tell_login_page("signed-in", "Signed in.");
                if let Err(e) = sdk::generic_result(true).and_then(|r| sdk::publish("LOGIN_RESULT", &r)) {
                    warn(&format!("could not tell Salesforce the agent signed in: {e:?}"));
                }
            }
            Registration::Failed(why) if !ready => tell_login_page("failed", &words::registration_failure(&why, &user)),
            _ => {}
        }
    }
}
