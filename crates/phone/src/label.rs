//! The utility-bar label: what an agent glancing at the bar needs.

use crate::model::{CallState, Registration};
use crate::presence::Presence;
use crate::{Effect, Phone};

impl Phone {
    /// The utility-bar label: what an agent glancing at the bar needs.
    pub fn label(&self, now_ms: u64) -> String {
        match (&self.call, &self.registration) {
            (CallState::ReadyToCall(t), _) => {
                let who = t.record.as_ref().map_or(t.number.as_str(), |r| r.name.as_str());
                format!("Call {who}?")
            }
            (CallState::Dialing(c), _) => format!("Calling {}", c.who()),
            (CallState::Incoming(c), _) => format!("Incoming call: {}", c.who()),
            (CallState::Rejoining(c), _) => format!("Rejoining {}", c.who()),
            (CallState::Connected(c), _) => {
                let s = c.talk_seconds(now_ms);
                let state = if c.held { "On hold" } else { "On call" };
                format!("{state} {:02}:{:02} {}", s / 60, s % 60, c.who())
            }
            (CallState::WrapUp(_), _) => "Wrap-up".into(),
            (CallState::Idle, Registration::SignedOut) if self.agent.is_some() && self.presence == Presence::Offline => "Phone: offline".into(),
            (CallState::Idle, Registration::SignedOut) => "Phone: signed out".into(),
            (CallState::Idle, Registration::Connecting) => "Phone: connecting".into(),
            (CallState::Idle, Registration::Reconnecting(_)) => "Phone: reconnecting".into(),
            (CallState::Idle, Registration::Registered) => match self.presence {
                Presence::Available => "Phone: ready".into(),
                other => format!("Phone: {}", other.word().to_lowercase()),
            },
            (CallState::Idle, Registration::Failed(_)) => "Phone: offline".into(),
        }
    }

    pub(super) fn label_effect(&self, now_ms: u64) -> Effect {
        Effect::SetLabel(self.label(now_ms))
    }
}
