//! The SDK's methods (3.x names; `web/sdk-3.js` hands them over), each returning a Promise of
//! the SDK's own result class, or rejecting with the library's error (the phone untouched).

use js_sys::{Promise, Reflect};
use phone::{Intent, Stage};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::bridge::{CallType, SfCall};
use crate::connector::{call_id_of, refused, Connector, LOGIN_FRAME_HEIGHT};
use crate::methods::{self, Refusal};
use crate::sdk;

type Result<T> = std::result::Result<T, JsValue>;

fn resolved(value: Result<JsValue>) -> Promise {
    match value {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

fn text_of(value: &JsValue, key: &str) -> String {
    Reflect::get(value, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

#[wasm_bindgen]
impl Connector {
    /// SETUP_CONNECTOR's settings: checked against what this page trusts (see `start`).
    pub fn init(&self, config: JsValue) -> Promise {
        resolved(self.start(&config).and_then(|()| sdk::init_result(LOGIN_FRAME_HEIGHT)))
    }

    #[wasm_bindgen(js_name = getActiveCalls)]
    pub fn get_active_calls(&self) -> Promise {
        let calls = {
            let mut s = self.inner.borrow_mut();
            let view = s.bridge.view(&s.phone);
            // Salesforce replays these (after a reload): it knows them from now on.
            for call in &view {
                s.bridge.tell(call.clone());
            }
            view
        };
        resolved(sdk::active_calls(&calls))
    }

    #[wasm_bindgen(js_name = acceptCall)]
    pub fn accept_call(&self, call: JsValue) -> Promise {
        let checked = methods::accept(&self.inner.borrow().phone, &self.inner.borrow().bridge, &call_id_of(&call));
        resolved(checked.map_err(|r| refused(&r)).and_then(|intent| self.answer_with(intent, &call_id_of(&call))))
    }

    #[wasm_bindgen(js_name = declineCall)]
    pub fn decline_call(&self, call: JsValue) -> Promise {
        let id = call_id_of(&call);
        let checked = methods::decline(&self.inner.borrow().phone, &self.inner.borrow().bridge, &id);
        resolved(checked.map_err(|r| refused(&r)).and_then(|intent| {
            let gone = self.apply(vec![intent]);
            sdk::call_result(gone.first().ok_or("the call did not end")?)
        }))
    }

    #[wasm_bindgen(js_name = endCall)]
    pub fn end_call(&self, call: JsValue) -> Promise {
        let this = self.clone();
        future_to_promise(async move { this.end(&call_id_of(&call)).await })
    }

    pub fn mute(&self, call: JsValue) -> Promise {
        self.set_muted(&call, true)
    }

    pub fn unmute(&self, call: JsValue) -> Promise {
        self.set_muted(&call, false)
    }

    pub fn hold(&self, call: JsValue) -> Promise {
        self.set_held(&call, true)
    }

    pub fn resume(&self, call: JsValue) -> Promise {
        self.set_held(&call, false)
    }

    pub fn swap(&self, to_hold: JsValue, to_resume: JsValue) -> Promise {
        let checked = methods::swap(&self.inner.borrow().phone, &self.inner.borrow().bridge, &call_id_of(&to_hold), &call_id_of(&to_resume));
        resolved(checked.map_err(|r| refused(&r)).and_then(|intent| {
            self.apply(vec![intent]);
            self.hold_result()
        }))
    }

    /// Salesforce names a contact (a clicked number, the dial pad).
    pub fn dial(&self, contact: JsValue) -> Promise {
        let this = self.clone();
        future_to_promise(async move { this.place(&text_of(&contact, "phoneNumber")).await })
    }

    #[wasm_bindgen(js_name = sendDigits)]
    pub fn send_digits(&self, digits: String) -> Promise {
        let checked = methods::digits(&self.inner.borrow().phone, &digits);
        resolved(checked.map_err(|r| refused(&r)).map(|intents| {
            self.apply(intents);
            JsValue::UNDEFINED
        }))
    }

    #[wasm_bindgen(js_name = addParticipant)]
    pub fn add_participant(&self, contact: JsValue, call: JsValue, is_blind_transfer: bool) -> Promise {
        let this = self.clone();
        future_to_promise(async move { this.participant(&call_id_of(&call), &text_of(&contact, "phoneNumber"), is_blind_transfer).await })
    }

    /// Omni-Channel's status for the agent (Online, Offline, AfterCallWork).
    #[wasm_bindgen(js_name = setAgentStatus)]
    pub fn set_agent_status(&self, agent_status: String) -> Promise {
        resolved(methods::presence(&agent_status).map_err(|r| refused(&r)).and_then(|presence| {
            self.apply(vec![Intent::SetPresence(presence)]);
            if self.inner.borrow().phone.presence() != presence {
                // The phone keeps a call going rather than go offline under it.
                return Err(refused(&Refusal::WrongState { call_id: String::new(), wanted: "without a call" }));
            }
            sdk::generic_result(true)
        }))
    }

    pub fn logout(&self) -> Promise {
        self.apply(vec![Intent::SignOut]);
        self.inner.borrow_mut().ready = false;
        resolved(sdk::logout_result(LOGIN_FRAME_HEIGHT))
    }

    /// After-conversation work ended in Omni-Channel: the phone's wrap-up is done too.
    #[wasm_bindgen(js_name = wrapUpCall)]
    pub fn wrap_up_call(&self) {
        if self.inner.borrow().phone.wrap_up().is_some() {
            self.apply(vec![Intent::FinishWrapUp { disposition: String::new(), notes: String::new() }]);
        }
    }

    #[wasm_bindgen(js_name = getAgentConfig)]
    pub fn get_agent_config(&self) -> Promise {
        resolved(sdk::agent_config())
    }

    #[wasm_bindgen(js_name = getCapabilities)]
    pub fn get_capabilities(&self) -> Promise {
        resolved(sdk::capabilities())
    }

    #[wasm_bindgen(js_name = getPhoneContacts)]
    pub fn get_phone_contacts(&self) -> Promise {
        resolved(sdk::no_contacts())
    }
}

impl Connector {
    fn answer_with(&self, intent: Intent, call_id: &str) -> Result<JsValue> {
        self.apply(vec![intent]);
        let told = self.inner.borrow().bridge.by_call_id(call_id).cloned();
        sdk::call_result(&told.ok_or("the call is gone")?)
    }

    fn set_muted(&self, call: &JsValue, muted: bool) -> Promise {
        let id = call_id_of(call);
        let id = (!id.is_empty()).then_some(id);
        let checked = methods::mute(&self.inner.borrow().phone, &self.inner.borrow().bridge, id.as_deref(), muted);
        resolved(checked.map_err(|r| refused(&r)).and_then(|intent| {
            self.apply(vec![intent]);
            sdk::mute_result(muted)
        }))
    }

    fn set_held(&self, call: &JsValue, held: bool) -> Promise {
        let checked = methods::hold(&self.inner.borrow().phone, &self.inner.borrow().bridge, &call_id_of(call), held);
        resolved(checked.map_err(|r| refused(&r)).and_then(|intent| {
            self.apply(vec![intent]);
            self.hold_result()
        }))
    }

    fn hold_result(&self) -> Result<JsValue> {
        let calls: Vec<SfCall> = self.inner.borrow().bridge.told_calls().cloned().collect();
        sdk::hold_result(calls.iter())
    }

    async fn end(&self, call_id: &str) -> Result<JsValue> {
        let intent = methods::end(&self.inner.borrow().phone, &self.inner.borrow().bridge, call_id).map_err(|r| refused(&r))?;
        let told = self.inner.borrow().bridge.by_call_id(call_id).cloned().ok_or("the call is gone")?;
        if let Intent::CompleteTransfer(consult) = intent {
            // The agent leaves; the customer and the consulted party talk on (REFER with
            // Replaces): the call is over for Salesforce once the transfer is done.
            let initial = told.handle;
            self.leaving(&[initial, consult], true);
            self.apply(vec![intent]);
            let done = self
                .wait(Box::new(move |phone| match phone.call(initial) {
                    None => Some(Ok(())),
                    Some(c) if c.transfer().is_none() => Some(Err(phone.notice().map_or_else(|| "the transfer failed".into(), words::notice))),
                    Some(_) => None,
                }))
                .await;
            self.leaving(&[initial, consult], done.is_ok());
            done?;
            return sdk::hangup_result(&[told], "ended");
        }
        let gone = self.apply(vec![intent]);
        sdk::hangup_result(if gone.is_empty() { std::slice::from_ref(&told) } else { &gone }, "ended")
    }

    /// Dials `number`; resolves once the INVITE has left (the call then has its Call-ID).
    async fn place(&self, number: &str) -> Result<JsValue> {
        let intents = methods::dial(&self.inner.borrow().phone, number).map_err(|r| refused(&r))?;
        let before: Vec<_> = self.inner.borrow().phone.calls().iter().map(|c| c.handle()).collect();
        self.apply(intents);
        let new_call = self.inner.borrow().phone.calls().iter().map(|c| c.handle()).find(|h| !before.contains(h));
        let Some(handle) = new_call else {
            // The phone refused the number (its notice says why) and keeps it ready: let it go.
            let why = self.inner.borrow().phone.notice().map_or_else(|| "not a number to call".into(), words::notice);
            self.apply(vec![Intent::Dismiss]);
            return Err(refused(&Refusal::InvalidDestination(why)));
        };
        self.started(handle).await
    }

    /// Waits for call `handle`'s INVITE to leave, and tells Salesforce of the call.
    async fn started(&self, handle: phone::CallHandle) -> Result<JsValue> {
        self.wait(Box::new(move |phone| match phone.call(handle) {
            None => Some(Err(phone.notice().map_or_else(|| "the call could not be placed".into(), words::notice))),
            Some(c) if c.call_id().is_some() => Some(Ok(())),
            Some(_) => None,
        }))
        .await?;
        let call = {
            let mut s = self.inner.borrow_mut();
            let call = s.bridge.view(&s.phone).into_iter().find(|c| c.handle == handle).ok_or("the call is gone")?;
            s.bridge.tell(call.clone());
            call
        };
        if call.call_type == CallType::AddParticipant {
            sdk::participant_result(&call, false)
        } else {
            sdk::call_result(&call)
        }
    }

    /// Marks calls a transfer is ending (`leaving`), or gives them back to the agent.
    fn leaving(&self, calls: &[phone::CallHandle], leaving: bool) {
        let mut s = self.inner.borrow_mut();
        let s = &mut *s;
        for call in calls {
            if leaving {
                s.bridge.leave(*call);
            } else {
                s.bridge.stay(&s.phone, *call);
            }
        }
    }

    async fn participant(&self, call_id: &str, number: &str, blind: bool) -> Result<JsValue> {
        let intent = methods::add_participant(&self.inner.borrow().phone, &self.inner.borrow().bridge, call_id, number, blind).map_err(|r| refused(&r))?;
        let told = self.inner.borrow().bridge.by_call_id(call_id).cloned().ok_or("the call is gone")?;
        let initial = told.handle;
        let before: Vec<_> = self.inner.borrow().phone.calls().iter().map(|c| c.handle()).collect();
        if blind {
            self.leaving(&[initial], true);
        }
        self.apply(vec![intent]);
        if !blind {
            let consult = self.inner.borrow().phone.calls().iter().map(|c| c.handle()).find(|h| !before.contains(h));
            let Some(consult) = consult else {
                let why = self.inner.borrow().phone.notice().map_or_else(|| "not a number to call".into(), words::notice);
                return Err(refused(&Refusal::InvalidDestination(why)));
            };
            return self.started(consult).await;
        }
        // Blind: done once the other party took the transfer (the call then ends); the SDK
        // then tells Salesforce the call is over.
        let done = self
            .wait(Box::new(move |phone| match phone.call(initial) {
                None => Some(Ok(())),
                Some(c) if c.transfer().is_none() && c.stage() == Stage::Talking => Some(Err(phone.notice().map_or_else(|| "the transfer failed".into(), words::notice))),
                Some(_) => None,
            }))
            .await;
        self.leaving(&[initial], done.is_ok());
        done?;
        self.inner.borrow_mut().bridge.forget(initial);
        let leg = SfCall { call_id: format!("{}-transfer", told.call_id), number: number.to_owned(), name: number.to_owned(), call_type: CallType::AddParticipant, ..told };
        sdk::participant_result(&leg, true)
    }
}
