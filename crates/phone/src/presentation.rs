//! What the agent sees and hears of the phone outside its panel: the utility-bar label and
//! icon, and the tones ([`crate::shown`]). All three follow from the state, so they are worked
//! out once after every change, and only what changed is sent.

use crate::calls::{Progress, Stage};
use crate::clock::Time;
use crate::model::{Focus, Registration};
use crate::presence::Presence;
use crate::shown::{Icon, Idle, Label, Tone};
use crate::{Effect, Phone};

impl Phone {
    /// What the agent is looking at first (see [`Focus`]).
    pub fn focus(&self) -> Focus<'_> {
        let calls = self.calls.all();
        if let Some(ringing) = calls.iter().rev().find(|c| matches!(c.stage(), Stage::Ringing | Stage::Answering)) {
            return Focus::Call(ringing);
        }
        if let Some(live) = self.calls.live() {
            return Focus::Call(live);
        }
        if let Some(target) = &self.ready {
            return Focus::ReadyToCall(target);
        }
        if let Some(held) = calls.first() {
            return Focus::Call(held);
        }
        match self.wrap_up.current() {
            Some(wrap) => Focus::WrapUp(wrap),
            None => Focus::Idle,
        }
    }

    /// The utility-bar label: what an agent glancing at the bar needs.
    pub fn label(&self, now: Time) -> Label {
        let others = self.calls.len().saturating_sub(1);
        match self.focus() {
            Focus::ReadyToCall(t) => Label::ReadyToCall { who: t.record.as_ref().map_or(&t.number, |r| &r.name).clone() },
            Focus::Call(c) => {
                let who = c.who().to_owned();
                match c.stage() {
                    Stage::Dialing => Label::Calling { who, others },
                    Stage::Ringing | Stage::Answering => Label::Ringing { who, waiting: others > 0 },
                    Stage::Rejoining => Label::Rejoining { who, others },
                    Stage::Talking => Label::Talking { who, held: c.held(), talk_s: c.talk_seconds(now), others },
                }
            }
            Focus::WrapUp(_) => Label::WrapUp,
            Focus::Idle => Label::Idle(self.idle()),
        }
    }

    fn idle(&self) -> Idle {
        let presence = self.agent.presence();
        match self.agent.registration() {
            Registration::SignedOut if self.agent.is_signed_in() && presence == Presence::Offline => Idle::Offline,
            Registration::SignedOut => Idle::SignedOut,
            Registration::Connecting => Idle::Connecting,
            Registration::Reconnecting { .. } => Idle::Reconnecting,
            Registration::Registered => match presence {
                Presence::Available => Idle::Ready,
                Presence::Busy => Idle::Busy,
                Presence::Away => Idle::Away,
                Presence::Offline => Idle::Offline,
            },
            Registration::Failed(_) => Idle::Offline,
        }
    }

    /// The utility-bar icon: a call ringing first (with the label, what an agent coming back to
    /// a background tab sees of it), then a problem with the line, then a call being talked on,
    /// then the agent's presence.
    fn icon(&self) -> Icon {
        if self.calls.any_in(Stage::Ringing) || self.calls.any_in(Stage::Answering) {
            return Icon::IncomingCall;
        }
        match self.agent.registration() {
            Registration::Reconnecting { .. } | Registration::Failed(_) => Icon::Warning,
            _ if self.calls.any_in(Stage::Talking) => Icon::OnCall,
            Registration::SignedOut if !self.agent.is_signed_in() => Icon::Phone,
            _ => match self.agent.presence() {
                Presence::Available => Icon::Phone,
                Presence::Busy => Icon::Busy,
                Presence::Away => Icon::Away,
                Presence::Offline => Icon::Offline,
            },
        }
    }

    /// What the speaker plays: the ring (softly when the agent is on another call), or the
    /// ringback while the live call's far end rings.
    fn tone(&self) -> Option<Tone> {
        let ringing = self.calls.any_in(Stage::Ringing);
        let busy = self.calls.all().iter().any(|c| c.stage() != Stage::Ringing);
        match (ringing, busy) {
            (true, true) => Some(Tone::CallWaiting),
            (true, false) => Some(Tone::Ringtone),
            _ => self.calls.live().filter(|c| c.stage() == Stage::Dialing && c.progress() == Progress::Ringing).map(|_| Tone::Ringback),
        }
    }

    /// The label, icon and tone effects for what changed since they were last sent.
    pub fn presentation(&mut self, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        let label = self.label(now);
        if self.shown.label.as_ref() != Some(&label) {
            self.shown.label = Some(label.clone());
            effects.push(Effect::SetLabel(label));
        }
        let icon = self.icon();
        if self.shown.icon != Some(icon) {
            self.shown.icon = Some(icon);
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
