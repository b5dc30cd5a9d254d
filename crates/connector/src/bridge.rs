//! What Salesforce knows of the phone's calls, and what the connector must tell it.
//!
//! Salesforce learns of a call two ways: from a method's return value (the SDK publishes the
//! matching event itself: acceptCall -> CALL_CONNECTED, dial -> CALL_STARTED, endCall -> HANGUP)
//! or from an event the connector publishes for what starts on the telephony side (a call rings
//! in, the far end answers or hangs up). The bridge keeps, per call, what Salesforce was told
//! ([`Bridge::told`]); methods record what their return value tells, and after every change of
//! the phone [`Bridge::changes`] compares the phone with what Salesforce was told and returns
//! only the rest. Pure: the phone's state in, publications out.

use std::collections::{BTreeMap, BTreeSet};

use phone::{Call, CallDirection, CallHandle, Phone, Stage};

/// A call's type as Salesforce names it (`Constants.CALL_TYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallType {
    /// A customer calling the contact center (it has a VoiceCall the telephony side created).
    Inbound,
    /// The agent calling out.
    Outbound,
    /// A colleague calling the agent (no VoiceCall of the telephony side).
    InternalCall,
    /// The third party of a consultation or transfer.
    AddParticipant,
}

impl CallType {
    pub fn as_str(self) -> &'static str {
        match self {
            CallType::Inbound => "Inbound",
            CallType::Outbound => "Outbound",
            CallType::InternalCall => "InternalCall",
            CallType::AddParticipant => "AddParticipant",
        }
    }
}

/// A call's state as Salesforce names it (`Constants.CALL_STATE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallState {
    /// Ringing in, or being placed.
    Ringing,
    /// Answered (by either side).
    Connected,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Ringing => "ringing",
            CallState::Connected => "connected",
        }
    }
}

/// One call as Salesforce sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SfCall {
    pub handle: CallHandle,
    /// Salesforce's `callId`: the SIP Call-ID the call was first known by (the VoiceCall's
    /// vendor call key), whatever dialog carries it after a reload.
    pub call_id: String,
    pub call_type: CallType,
    pub state: CallState,
    /// The other party's number as the phone shows it.
    pub number: String,
    /// Their name, when known.
    pub name: String,
    /// The VoiceCall the telephony side created (inbound calls).
    pub voice_call_id: Option<String>,
    pub held: bool,
    pub muted: bool,
    /// A consultation's initial call (`callId`).
    pub parent_call_id: Option<String>,
}

/// What became of an incoming call's VoiceCall (the VoiceCall service's answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoiceCallFate {
    /// The telephony side created it.
    Found(String),
    /// The PBX reported no such call: a colleague's (an internal call, no VoiceCall).
    Internal,
    /// It could not be had; the text is for the log (the agent is told through Salesforce).
    Failed(String),
}

/// Something the connector publishes (`publishEvent` / `publishError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Publication {
    /// A call rings in (CALL_STARTED).
    CallStarted(SfCall),
    /// An incoming call whose VoiceCall could not be had: Salesforce is told it cannot start
    /// (publishError CALL_STARTED); the connector turns the call away.
    CallCannotStart { call: SfCall, why: String },
    /// The far end answered our call (CALL_CONNECTED).
    CallConnected(SfCall),
    /// The consulted party answered (PARTICIPANT_CONNECTED).
    ParticipantConnected(SfCall),
    /// The consulted party's leg ended without the agent (PARTICIPANT_REMOVED).
    ParticipantRemoved(SfCall),
    /// A call ended without the agent (HANGUP).
    Hangup(SfCall),
    /// A call's hold changed without the agent (a far end that refused it): HOLD_TOGGLE.
    HoldChanged(SfCall),
}

/// What Salesforce was told, call by call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bridge {
    told: BTreeMap<CallHandle, SfCall>,
    fates: BTreeMap<CallHandle, VoiceCallFate>,
    /// Incoming calls Salesforce was told cannot start (once each).
    refused: BTreeSet<CallHandle>,
    /// Calls a method is ending (a transfer under way): their end is the method's to tell.
    leaving: BTreeSet<CallHandle>,
}

impl Bridge {
    /// The calls as Salesforce should see them now. An incoming call whose VoiceCall is not
    /// known yet (or could not be had) is not among them.
    pub fn view(&self, phone: &Phone) -> Vec<SfCall> {
        phone.calls().iter().filter(|c| !self.leaving.contains(&c.handle())).filter_map(|call| self.sf_call(phone, call)).collect()
    }

    /// What Salesforce was told of `handle`.
    pub fn told(&self, handle: CallHandle) -> Option<&SfCall> {
        self.told.get(&handle)
    }

    /// The call Salesforce names `call_id`.
    pub fn by_call_id(&self, call_id: &str) -> Option<&SfCall> {
        self.told.values().find(|c| c.call_id == call_id)
    }

    /// Every call Salesforce was told of.
    pub fn told_calls(&self) -> impl Iterator<Item = &SfCall> {
        self.told.values()
    }

    /// A method's return value tells Salesforce of this call (a dial, a consultation).
    pub fn tell(&mut self, call: SfCall) {
        self.told.insert(call.handle, call);
    }

    /// A method changed the phone: its return value tells Salesforce the calls it knows as they
    /// are now, and that the ones gone are over. Returns those.
    pub fn absorb(&mut self, phone: &Phone) -> Vec<SfCall> {
        let now: BTreeMap<CallHandle, SfCall> = self.view(phone).into_iter().map(|c| (c.handle, c)).collect();
        let (kept, gone): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut self.told).into_iter().partition(|(h, _)| now.contains_key(h));
        self.told = kept.into_keys().filter_map(|h| now.get(&h).map(|c| (h, c.clone()))).collect();
        gone.into_values().collect()
    }

    /// A method's return value tells Salesforce this call is over (it may end a moment later,
    /// as a transfer completes): nothing more is published for it.
    pub fn forget(&mut self, handle: CallHandle) -> Option<SfCall> {
        self.told.remove(&handle)
    }

    /// A method is ending this call (its transfer completes later): when it ends, the method's
    /// return value tells Salesforce, not a publication.
    pub fn leave(&mut self, handle: CallHandle) {
        self.leaving.insert(handle);
    }

    /// The method's transfer failed: the call is the agent's again, as Salesforce still sees it.
    pub fn stay(&mut self, phone: &Phone, handle: CallHandle) {
        self.leaving.remove(&handle);
        if let Some(call) = phone.call(handle).and_then(|c| self.sf_call(phone, c)) {
            self.told.insert(handle, call);
        }
    }

    /// The VoiceCall service answered for an incoming call.
    pub fn voice_call(&mut self, handle: CallHandle, fate: VoiceCallFate) {
        self.fates.insert(handle, fate);
    }

    /// Whether the VoiceCall service has answered for `handle`.
    pub fn fate(&self, handle: CallHandle) -> Option<&VoiceCallFate> {
        self.fates.get(&handle)
    }

    /// What Salesforce must be told after the phone changed: only what no method told it.
    pub fn changes(&mut self, phone: &Phone) -> Vec<Publication> {
        let mut out = Vec::new();
        for call in phone.calls() {
            if let Some(VoiceCallFate::Failed(why)) = self.fates.get(&call.handle()) {
                if self.refused.insert(call.handle()) {
                    if let Some(sf) = incoming_call(call) {
                        out.push(Publication::CallCannotStart { call: sf, why: why.clone() });
                    }
                }
            }
        }
        let now: BTreeMap<CallHandle, SfCall> = self.view(phone).into_iter().map(|c| (c.handle, c)).collect();
        for (handle, current) in &now {
            match self.told.get(handle) {
                None if is_new_incoming(current) => out.push(Publication::CallStarted(current.clone())),
                None => {}
                Some(before) => out.extend(progress(before, current)),
            }
        }
        for (handle, before) in &self.told {
            if !now.contains_key(handle) && !self.leaving.contains(handle) {
                out.push(match before.call_type {
                    CallType::AddParticipant => Publication::ParticipantRemoved(before.clone()),
                    _ => Publication::Hangup(before.clone()),
                });
            }
        }
        let told = std::mem::take(&mut self.told);
        self.told = now.into_iter().filter(|(h, c)| told.contains_key(h) || is_new_incoming(c)).collect();
        self.fates.retain(|h, _| phone.call(*h).is_some());
        self.refused.retain(|h| phone.call(*h).is_some());
        self.leaving.retain(|h| phone.call(*h).is_some());
        out
    }

    /// The call as Salesforce sees it, if it should see it at all.
    fn sf_call(&self, phone: &Phone, call: &Call) -> Option<SfCall> {
        let call_id = call.log_call_id()?.to_owned();
        let incoming = matches!(call.direction(), CallDirection::Inbound | CallDirection::Internal) && call.consultation().is_none() && call.referred_by().is_none();
        let outbound_stage = call.stage() == Stage::Dialing;
        let (call_type, voice_call_id) = if call.consultation().is_some() {
            (CallType::AddParticipant, None)
        } else if incoming && !outbound_stage {
            match (self.fates.get(&call.handle()), self.told.get(&call.handle())) {
                (Some(VoiceCallFate::Found(id)), _) => (CallType::Inbound, Some(id.clone())),
                (Some(VoiceCallFate::Internal), _) => (CallType::InternalCall, None),
                (Some(VoiceCallFate::Failed(_)), _) => return None,
                // Dialled (an extension's call comes back as "internal"): as Salesforce was told.
                (None, Some(told)) => (told.call_type, told.voice_call_id.clone()),
                // Not known to Salesforce until the VoiceCall service answered (also a call a
                // reload interrupted: looked up again before it is replayed).
                (None, None) => return None,
            }
        } else {
            (CallType::Outbound, None)
        };
        let parent_call_id = call.consultation().and_then(|k| phone.call(k.about)).and_then(|c| c.log_call_id()).map(str::to_owned);
        Some(SfCall {
            handle: call.handle(),
            call_id,
            call_type,
            state: match call.stage() {
                Stage::Ringing | Stage::Dialing => CallState::Ringing,
                Stage::Answering | Stage::Talking | Stage::Rejoining => CallState::Connected,
            },
            number: call.number().to_owned(),
            name: call.who().to_owned(),
            voice_call_id,
            held: call.held(),
            muted: call.muted(),
            parent_call_id,
        })
    }
}

fn is_new_incoming(call: &SfCall) -> bool {
    call.state == CallState::Ringing && matches!(call.call_type, CallType::Inbound | CallType::InternalCall)
}

/// An incoming call as Salesforce would see it.
fn incoming_call(call: &Call) -> Option<SfCall> {
    Some(SfCall {
        handle: call.handle(),
        call_id: call.log_call_id()?.to_owned(),
        call_type: CallType::Inbound,
        state: CallState::Ringing,
        number: call.number().to_owned(),
        name: call.who().to_owned(),
        voice_call_id: None,
        held: false,
        muted: false,
        parent_call_id: None,
    })
}

/// What changed on a call Salesforce knows, without a method.
fn progress(before: &SfCall, now: &SfCall) -> Option<Publication> {
    if before.state == CallState::Ringing && now.state == CallState::Connected {
        return Some(match now.call_type {
            CallType::AddParticipant => Publication::ParticipantConnected(now.clone()),
            _ => Publication::CallConnected(now.clone()),
        });
    }
    (before.held != now.held).then(|| Publication::HoldChanged(now.clone()))
}
