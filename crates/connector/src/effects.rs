//! The phone's effects in the connector: the line does the PBX's, the VoiceCall service is asked
//! for each incoming call's VoiceCall (Salesforce shows the call, pops its record and logs it as
//! a VoiceCall), and what Omni-Channel owns (the panel, the label, presence, wrap-up) is left to
//! it. No Open CTI here.

use phone::{CallFailure, Effect, Event};
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
            Effect::Rejoin { call, call_id } => match storage::interrupted_dialog(&call_id) {
                Some(dialog) => with_line(connector, |l| l.rejoin(call, dialog)),
                None => connector.event_later(Event::CallFailed { call, reason: CallFailure::DialogNotKept }),
            },
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
    let due = (s.calls_stored || s.phone.calls_in_progress().next().is_some()) && !s.phone.is_rejoining();
    if !due {
        return;
    }
    let carried: Vec<storage::Carried<'_>> =
        s.phone.calls_in_progress().map(|call| storage::Carried { call, dialog: s.line.as_ref().and_then(|l| l.dialog(call.handle())) }).collect();
    storage::store_calls(&carried, now());
    let carrying = !carried.is_empty();
    s.calls_stored = carrying;
}
