//! Each SDK method Salesforce calls, checked against the phone and turned into the agent's
//! intents. A method for a call Salesforce does not know, or in a state where it means nothing,
//! is refused with the library's error type before the phone is touched. Pure.

use std::fmt;

use phone::presence::Presence;
use phone::{CallHandle, Intent, Phone, Registration, Stage};

use crate::bridge::{Bridge, CallType};

/// Why a method is refused. The SDK reads the error's `type` (`Constants.ERROR_TYPE`) for some
/// methods (hold and resume: INVALID_PARTICIPANT; dial and addParticipant: INVALID_DESTINATION)
/// and reports its own per-method error for the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No call Salesforce knows by this `callId`.
    UnknownCall(String),
    /// The call is not in a state where the method means something.
    WrongState { call_id: String, wanted: &'static str },
    /// Not a number the phone can dial.
    InvalidDestination(String),
    /// The phone is not registered with the PBX.
    NotConnected,
    /// Nothing to act on (no call being talked on).
    NoActiveCall,
    /// The PBX setup cannot do it (recording, a conference).
    NotSupported(&'static str),
    /// An agent status the SDK does not define.
    InvalidStatus(String),
}

impl Refusal {
    /// The library's error type for it.
    pub fn error_type(&self) -> &'static str {
        match self {
            Refusal::UnknownCall(_) | Refusal::WrongState { .. } | Refusal::NoActiveCall => "INVALID_PARTICIPANT",
            Refusal::InvalidDestination(_) => "INVALID_DESTINATION",
            Refusal::InvalidStatus(_) => "INVALID_AGENT_STATUS",
            Refusal::NotConnected | Refusal::NotSupported(_) => "GENERIC_ERROR",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownCall(id) => write!(f, "no call {id}"),
            Refusal::WrongState { call_id, wanted } => write!(f, "call {call_id} is not {wanted}"),
            Refusal::InvalidDestination(why) => write!(f, "not a number to dial: {why}"),
            Refusal::NotConnected => f.write_str("the phone is not connected to the PBX"),
            Refusal::NoActiveCall => f.write_str("no call is being talked on"),
            Refusal::NotSupported(what) => write!(f, "{what} is not supported"),
            Refusal::InvalidStatus(s) => write!(f, "{s} is not an agent status"),
        }
    }
}

/// The call Salesforce names `call_id`, with its stage in the phone.
fn known(phone: &Phone, bridge: &Bridge, call_id: &str) -> Result<(CallHandle, Stage), Refusal> {
    let sf = bridge.by_call_id(call_id).ok_or_else(|| Refusal::UnknownCall(call_id.to_owned()))?;
    let call = phone.call(sf.handle).ok_or_else(|| Refusal::UnknownCall(call_id.to_owned()))?;
    Ok((call.handle(), call.stage()))
}

fn in_stage(phone: &Phone, bridge: &Bridge, call_id: &str, stages: &[Stage], wanted: &'static str) -> Result<CallHandle, Refusal> {
    let (handle, stage) = known(phone, bridge, call_id)?;
    if stages.contains(&stage) {
        Ok(handle)
    } else {
        Err(Refusal::WrongState { call_id: call_id.to_owned(), wanted })
    }
}

/// acceptCall: a ringing call.
pub fn accept(phone: &Phone, bridge: &Bridge, call_id: &str) -> Result<Intent, Refusal> {
    in_stage(phone, bridge, call_id, &[Stage::Ringing], "ringing").map(Intent::Answer)
}

/// declineCall: a ringing call, refused with 603 Decline.
pub fn decline(phone: &Phone, bridge: &Bridge, call_id: &str) -> Result<Intent, Refusal> {
    in_stage(phone, bridge, call_id, &[Stage::Ringing], "ringing").map(|call| Intent::Decline { call, busy: false })
}

/// endCall: the agent leaves the call. A ringing call is declined; the initial call of a
/// consultation whose third party answered is handed to that party (the agent leaves, the two
/// go on talking: an attended transfer); anything else is hung up.
pub fn end(phone: &Phone, bridge: &Bridge, call_id: &str) -> Result<Intent, Refusal> {
    let (handle, stage) = known(phone, bridge, call_id)?;
    if stage == Stage::Ringing {
        return Ok(Intent::Decline { call: handle, busy: false });
    }
    let consulted = phone.calls().iter().find(|c| c.stage() == Stage::Talking && c.consultation().is_some_and(|k| k.about == handle));
    Ok(match consulted {
        Some(consult) if stage == Stage::Talking => Intent::CompleteTransfer(consult.handle()),
        _ => Intent::HangUp(handle),
    })
}

/// mute / unmute: the call being talked on (SDK 3.x names none; 4.x names it).
pub fn mute(phone: &Phone, bridge: &Bridge, call_id: Option<&str>, muted: bool) -> Result<Intent, Refusal> {
    let call = match call_id {
        Some(id) => in_stage(phone, bridge, id, &[Stage::Talking], "connected")?,
        None => phone.calls().iter().find(|c| c.stage() == Stage::Talking && !c.held()).map(|c| c.handle()).ok_or(Refusal::NoActiveCall)?,
    };
    Ok(Intent::SetMuted { call, muted })
}

/// hold / resume: a connected call.
pub fn hold(phone: &Phone, bridge: &Bridge, call_id: &str, held: bool) -> Result<Intent, Refusal> {
    in_stage(phone, bridge, call_id, &[Stage::Talking], "connected").map(|call| Intent::SetHeld { call, held })
}

/// swap: the held call is taken off hold, which holds the other.
pub fn swap(phone: &Phone, bridge: &Bridge, to_hold: &str, to_resume: &str) -> Result<Intent, Refusal> {
    in_stage(phone, bridge, to_hold, &[Stage::Talking], "connected")?;
    in_stage(phone, bridge, to_resume, &[Stage::Talking], "connected").map(|call| Intent::SetHeld { call, held: false })
}

/// dial: the number Salesforce names, as the agent would type it.
pub fn dial(phone: &Phone, number: &str) -> Result<Vec<Intent>, Refusal> {
    if *phone.registration() != Registration::Registered {
        return Err(Refusal::NotConnected);
    }
    if number.trim().is_empty() {
        return Err(Refusal::InvalidDestination("no number".into()));
    }
    Ok(vec![Intent::EnterNumber(number.to_owned()), Intent::Call])
}

/// sendDigits: each key to the call being talked on.
pub fn digits(phone: &Phone, digits: &str) -> Result<Vec<Intent>, Refusal> {
    let call = phone.calls().iter().find(|c| c.stage() == Stage::Talking && !c.held()).map(|c| c.handle()).ok_or(Refusal::NoActiveCall)?;
    Ok(digits.chars().filter(|c| !c.is_whitespace()).map(|digit| Intent::SendDigit { call, digit }).collect())
}

/// addParticipant: a blind transfer of the call, or a consultation about it.
pub fn add_participant(phone: &Phone, bridge: &Bridge, call_id: &str, number: &str, blind: bool) -> Result<Intent, Refusal> {
    let call = in_stage(phone, bridge, call_id, &[Stage::Talking], "connected")?;
    if bridge.by_call_id(call_id).is_some_and(|c| c.call_type == CallType::AddParticipant) {
        return Err(Refusal::WrongState { call_id: call_id.to_owned(), wanted: "a call with a customer" });
    }
    if number.trim().is_empty() {
        return Err(Refusal::InvalidDestination("no number".into()));
    }
    let number = number.to_owned();
    Ok(if blind { Intent::Transfer { call, number } } else { Intent::Consult { call, number } })
}

/// setAgentStatus: Omni-Channel's status, as the phone's presence. Online takes calls; After
/// Call Work is busy (a caller hears 486 and the PBX may try another agent); Offline
/// unregisters, so no call rings nowhere.
pub fn presence(agent_status: &str) -> Result<Presence, Refusal> {
    match agent_status {
        "Online" => Ok(Presence::Available),
        "AfterCallWork" => Ok(Presence::Busy),
        "Offline" => Ok(Presence::Offline),
        other => Err(Refusal::InvalidStatus(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::VoiceCallFate;
    use phone::dialing::DialingRules;
    use phone::{Credentials, Event, Secret};

    fn at(ms: u64) -> phone::Time {
        phone::Time::from_unix_millis(ms)
    }

    fn ringing() -> (Phone, Bridge, CallHandle) {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: "Ada".into(), auth_user: None }));
        phone.handle_event(at(0), Event::Registered);
        phone.handle_event(at(1_000), Event::IncomingCall { call_id: "in1@pbx".into(), number: "+14155550100".into(), display_name: String::new(), replaces: None });
        let handle = phone.calls()[0].handle();
        let mut bridge = Bridge::default();
        bridge.voice_call(handle, VoiceCallFate::Found("0LQ000000000001AAA".into()));
        bridge.changes(&phone);
        (phone, bridge, handle)
    }

    #[test]
    fn a_method_for_an_unknown_call_or_in_the_wrong_state_is_refused_with_the_librarys_error() {
        let (phone, bridge, call) = ringing();
        let before = phone.clone();
        assert_eq!(accept(&phone, &bridge, "in1@pbx"), Ok(Intent::Answer(call)));
        let unknown = hold(&phone, &bridge, "nobody@pbx", true).unwrap_err();
        assert_eq!((unknown.error_type(), unknown.to_string()), ("INVALID_PARTICIPANT", "no call nobody@pbx".to_owned()));
        let ringing = hold(&phone, &bridge, "in1@pbx", true).unwrap_err();
        assert_eq!(ringing, Refusal::WrongState { call_id: "in1@pbx".into(), wanted: "connected" });
        assert_eq!(mute(&phone, &bridge, None, true), Err(Refusal::NoActiveCall));
        assert_eq!(digits(&phone, "12"), Err(Refusal::NoActiveCall));
        assert_eq!(add_participant(&phone, &bridge, "in1@pbx", "1003", true).unwrap_err().error_type(), "INVALID_PARTICIPANT");
        assert_eq!(phone, before, "checks never touch the phone");
    }

    #[test]
    fn ending_a_ringing_call_declines_it_and_ending_the_customer_with_a_consultant_on_transfers_it() {
        let (mut phone, mut bridge, call) = ringing();
        assert_eq!(end(&phone, &bridge, "in1@pbx"), Ok(Intent::Decline { call, busy: false }));
        phone.handle_intent(at(2_000), Intent::Answer(call));
        phone.handle_event(at(2_100), Event::CallConnected { call });
        bridge.absorb(&phone);
        assert_eq!(end(&phone, &bridge, "in1@pbx"), Ok(Intent::HangUp(call)));
        phone.handle_intent(at(3_000), Intent::Consult { call, number: "1003".into() });
        let consult = phone.calls()[1].handle();
        phone.handle_event(at(3_010), Event::OutgoingCallStarted { call: consult, call_id: "cons@phone".into() });
        assert_eq!(end(&phone, &bridge, "in1@pbx"), Ok(Intent::HangUp(call)), "the consultant has not answered: the agent just leaves");
        phone.handle_event(at(4_000), Event::CallConnected { call: consult });
        assert_eq!(end(&phone, &bridge, "in1@pbx"), Ok(Intent::CompleteTransfer(consult)));
    }

    #[test]
    fn omni_statuses_map_to_presence_and_others_are_refused() {
        assert_eq!(presence("Online"), Ok(Presence::Available));
        assert_eq!(presence("Offline"), Ok(Presence::Offline));
        assert_eq!(presence("AfterCallWork"), Ok(Presence::Busy));
        assert_eq!(presence("Lunch").unwrap_err().error_type(), "INVALID_AGENT_STATUS");
    }

    #[test]
    fn dialling_needs_the_line() {
        let phone = Phone::new(DialingRules::default());
        assert_eq!(dial(&phone, "1002"), Err(Refusal::NotConnected));
    }
}
