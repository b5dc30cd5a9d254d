//! `init`: the contact center's settings Salesforce sends, checked against what this page was
//! deployed to trust (the org's Id, the PBX and VoiceCall service origins); then the phone, the
//! line, the login channel and the clock start. Another org, or settings naming a PBX or service
//! this page does not trust: refused (logged), nothing starts.

use callcenter_settings::contact_center::ConnectorSettings;
use callcenter_settings::SettingsMap;
use js_sys::{Object, Reflect};
use phone::dialing::DialingRules;
use phone::{CallDirection, Phone, Stage};
use runtime::line::{Line, LineSettings};
use runtime::storage;
use wasm_bindgen::{JsCast, JsValue};

use crate::connector::{now, warn, Connector};

/// Why `init` refuses: the SDK reports it as INVALID_PARAMS.
fn refuse(why: String) -> JsValue {
    warn(&format!("not started: {why}"));
    let error = js_sys::Error::new(&why);
    let _ = Reflect::set(&error, &"type".into(), &"INVALID_PARAMS".into());
    error.into()
}

/// The contact center's items (`/section/item`) among the settings Salesforce sends.
fn settings_map(config: &JsValue) -> SettingsMap {
    let mut map = SettingsMap::new();
    let Some(object) = config.dyn_ref::<Object>() else { return map };
    for key in Object::keys(object).iter().filter_map(|k| k.as_string()) {
        if key.starts_with('/') {
            if let Some(value) = Reflect::get(object, &key.as_str().into()).ok().and_then(|v| v.as_string()) {
                map.insert(key, value);
            }
        }
    }
    map
}

impl Connector {
    pub(crate) fn start(&self, config: &JsValue) -> Result<(), JsValue> {
        if self.inner.borrow().settings.is_some() {
            return Ok(());
        }
        let deployment = runtime::deployment::read().map_err(|e| refuse(e.to_string()))?;
        let org = Reflect::get(config, &"organizationId".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        if !deployment.is_organization(&org) {
            return Err(refuse(format!("Salesforce set the connector up for org {org:?}, which is not the org it was deployed for")));
        }
        let read = ConnectorSettings::from_map(&settings_map(config)).map_err(|e| refuse(format!("the contact center's settings cannot be used: {e}")))?;
        for p in &read.problems {
            warn(&format!("{}: {} (the default is used)", p.key, p.message));
        }
        let settings = read.settings;
        deployment.check_pbx_urls(&settings.phone.pbx_urls).map_err(|e| refuse(e.to_string()))?;
        if !deployment.allows_voice_call_service(&settings.voice_call_service) {
            return Err(refuse(format!("the VoiceCall service {} is not one this connector was deployed to trust", settings.voice_call_service)));
        }
        let user_name = Reflect::get(config, &"userFullName".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let phone = new_phone(&settings);
        let line_settings = LineSettings::from_settings(&settings.phone);
        let weak = std::rc::Rc::downgrade(&self.inner);
        let line = Line::new(line_settings, move |event| {
            if let Some(inner) = weak.upgrade() {
                Connector { inner }.event(event);
            }
        });
        {
            let mut s = self.inner.borrow_mut();
            s.phone = phone;
            s.line = Some(line);
            s.deployment = Some(deployment);
            s.settings = Some(settings);
            s.user_name = user_name;
        }
        self.resume_interrupted_calls();
        crate::login::listen(self);
        self.tick();
        Ok(())
    }

    /// Takes back the calls a reload cut off (the phone rejoins them once the agent signs in
    /// again) and asks the VoiceCall service for the incoming ones' VoiceCalls, so that
    /// Salesforce can replay them (getActiveCalls).
    fn resume_interrupted_calls(&self) {
        let interrupted = storage::interrupted_calls();
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        let effects = self.inner.borrow_mut().phone.restore_logs(now(), Vec::new(), interrupted, seed);
        self.perform(effects);
        let incoming: Vec<_> = self
            .inner
            .borrow()
            .phone
            .calls()
            .iter()
            .filter(|c| c.stage() == Stage::Rejoining && c.direction() != CallDirection::Outbound)
            .map(|c| c.handle())
            .collect();
        for call in incoming {
            crate::lookup::start(self, call);
        }
    }
}

/// The phone with the contact center's dialing rules; a country without a numbering plan is
/// reported, and numbers then go to the PBX as written.
fn new_phone(settings: &ConnectorSettings) -> Phone {
    let s = &settings.phone;
    let rules = DialingRules::new(&s.dialing, &s.home_country, s.number_format);
    let mut phone = Phone::new(rules.clone().unwrap_or_else(|_| DialingRules::without_plan(&s.dialing, s.number_format)));
    phone.set_max_calls(s.max_calls);
    phone.set_follow_transfers(s.follow_transfer_requests);
    if let Err(unknown) = rules {
        warn(&words::unknown_country(&unknown));
    }
    phone
}
