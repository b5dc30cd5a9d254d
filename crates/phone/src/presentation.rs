//! What the agent sees and hears of the phone outside its panel: the utility-bar label and
//! icon, and the tones. All three follow from the state, so they are worked out once after
//! every change, and only what changed is sent.

use crate::clock::Time;
use crate::messages::Tone;
use crate::model::{Focus, Progress, Registration, Stage};
use crate::presence::Presence;
use crate::{Effect, Phone};

/// The label, icon and tone last sent to the glue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shown {
    label: String,
    icon: &'static str,
    tone: Option<Tone>,
}

impl Phone {
    /// What the agent is looking at first (see [`Focus`]).
    pub fn focus(&self) -> Focus<'_> {
        let calls = &self.calls;
        if let Some(ringing) = calls.iter().rev().find(|c| matches!(c.stage, Stage::Ringing | Stage::Answering)) {
            return Focus::Call(ringing);
        }
        if let Some(live) = calls.iter().find(|c| c.is_live()) {
            return Focus::Call(live);
        }
        if let Some(target) = &self.ready {
            return Focus::ReadyToCall(target);
        }
        if let Some(held) = calls.first() {
            return Focus::Call(held);
        }
        match &self.wrap_up {
            Some(wrap) => Focus::WrapUp(wrap),
            None => Focus::Idle,
        }
    }

    /// The utility-bar label: what an agent glancing at the bar needs.
    pub fn label(&self, now: Time) -> String {
        let others = self.calls.len().saturating_sub(1);
        match self.focus() {
            Focus::ReadyToCall(t) => {
                let who = t.record.as_ref().map_or(t.number.as_str(), |r| r.name.as_str());
                format!("Call {who}?")
            }
            Focus::Call(c) => {
                let text = match c.stage {
                    Stage::Dialing => format!("Calling {}", c.who()),
                    Stage::Ringing | Stage::Answering if others > 0 => {
                        format!("Call waiting: {}", c.who())
                    }
                    Stage::Ringing | Stage::Answering => format!("Incoming call: {}", c.who()),
                    Stage::Rejoining => format!("Rejoining {}", c.who()),
                    Stage::Talking => {
                        let s = c.talk_seconds(now);
                        let state = if c.held { "On hold" } else { "On call" };
                        format!("{state} {:02}:{:02} {}", s / 60, s % 60, c.who())
                    }
                };
                // The other calls (one on hold, say) are worth a glance too.
                match others {
                    n if n > 0 && !matches!(c.stage, Stage::Ringing | Stage::Answering) => {
                        format!("{text} (+{n})")
                    }
                    _ => text,
                }
            }
            Focus::WrapUp(_) => "Wrap-up".into(),
            Focus::Idle => self.idle_label(),
        }
    }

    fn idle_label(&self) -> String {
        match &self.registration {
            Registration::SignedOut if self.agent.is_some() && self.presence == Presence::Offline => "Phone: offline".into(),
            Registration::SignedOut => "Phone: signed out".into(),
            Registration::Connecting => "Phone: connecting".into(),
            Registration::Reconnecting(_) => "Phone: reconnecting".into(),
            Registration::Registered => match self.presence {
                Presence::Available => "Phone: ready".into(),
                other => format!("Phone: {}", other.word().to_lowercase()),
            },
            Registration::Failed(_) => "Phone: offline".into(),
        }
    }

    /// The utility-bar icon (SLDS utility icons): a problem with the line first, then a call
    /// being talked on, then the agent's presence.
    fn icon(&self) -> &'static str {
        match &self.registration {
            Registration::Reconnecting(_) | Registration::Failed(_) => "warning",
            _ if self.calls.iter().any(|c| c.stage == Stage::Talking) => "end_call",
            Registration::SignedOut if self.agent.is_none() => "call",
            _ => self.presence.icon(),
        }
    }

    /// What the speaker plays: the ring (softly when the agent is on another call), or the
    /// ringback while the live call's far end rings.
    fn tone(&self) -> Option<Tone> {
        let ringing = self.calls.iter().any(|c| c.stage == Stage::Ringing);
        let busy = self.calls.iter().any(|c| c.stage != Stage::Ringing);
        match (ringing, busy) {
            (true, true) => Some(Tone::CallWaiting),
            (true, false) => Some(Tone::Ringtone),
            _ => self.live_call().filter(|c| c.stage == Stage::Dialing && c.progress == Progress::Ringing).map(|_| Tone::Ringback),
        }
    }

    /// The label, icon and tone effects for what changed since they were last sent.
    pub fn presentation(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        let label = self.label(now);
        if label != self.shown.label {
            self.shown.label.clone_from(&label);
            effects.push(Effect::SetLabel(label));
        }
        let icon = self.icon();
        if icon != self.shown.icon {
            self.shown.icon = icon;
            effects.push(Effect::SetIcon(icon));
        }
        let tone = self.tone();
        if tone != self.shown.tone {
            self.shown.tone = tone;
            effects.push(Effect::PlayTone(tone));
        }
        effects
    }
}
