//! The phone's effects in the connector: the line does the PBX's, the VoiceCall service is asked
//! for each incoming call's VoiceCall (Salesforce shows the call, pops its record and logs it as
//! a VoiceCall), and what Omni-Channel owns (the panel, the label, presence, wrap-up) is left to
//! it. No Open CTI here.

use phone::{Effect, Event};
use runtime::line::Line;
use runtime::storage;

use crate::connector::{now, Connector};

pub fn perform(connector: &Connector, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            // Omni-Channel draws the panel and keeps the agent's status.
            Effect::ShowPanel(_) | Effect::SetLabel(_) | Effect::SetIcon(_) | Effect::RememberPresence(_) => {}
            Effect::UseSpeaker(_) | Effect::UseRinger(_) | Effect::RememberOutputs(_) => {}
            // Salesforce shows the call (and pops its record) once it has its VoiceCall.
            Effect::ScreenPop { call, .. } => crate::lookup::start(connector, call),
            // The call is recorded as a VoiceCall by Salesforce (created by the VoiceCall service
            // for a call ringing in, by Salesforce for one the agent places): the phone's log
            // needs no Task, so it is settled here, keyed by the call's Call-ID.
            Effect::SaveLog { id, record, existing_id, .. } => {
                let record_id = existing_id.or(record.call_id).unwrap_or_default();
                connector.event_later(Event::LogSaved { id, record_id });
            }
            Effect::FindLog { id, .. } => connector.event_later(Event::LogFound { id, record_id: None }),
            Effect::UseMicrophone(id) => with_line(connector, |l| l.use_microphone(id)),
            Effect::PlayTone(tone) => with_line(connector, |l| l.play(tone)),
            Effect::Rejoin { call, dialog } => with_line(connector, |l| l.rejoin(call, dialog)),
            line_effect => with_line(connector, |l| l.perform(line_effect)),
        }
    }
}

/// Runs `f` on the line without holding the connector's state.
fn with_line(connector: &Connector, f: impl FnOnce(&Line)) {
    let line = connector.inner.borrow().line.clone();
    if let Some(line) = line {
        f(&line);
    }
}

/// Keeps the calls in progress (and their SIP dialogs) in this origin's storage, so that a
/// reload can rejoin them.
pub fn persist(connector: &Connector) {
    let mut s = connector.inner.borrow_mut();
    let line = s.line.clone();
    if let Some(calls) = s.phone.calls_to_store(now(), |call| line.as_ref().and_then(|l| l.dialog(call))) {
        storage::store_calls(&calls);
    }
}
