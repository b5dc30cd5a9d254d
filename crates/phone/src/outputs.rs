//! The agent's audio outputs: the speaker the calls play through (a headset) and the ringer the
//! tones sound on (e.g. the laptop's speakers, heard with the headset off), chosen apart.
//!
//! The agent's choice is kept apart from the device in use: a chosen headset that is unplugged
//! leaves the phone on the browser's default output (and the agent is told), and the phone goes
//! back to the headset when it is plugged in again, as the agent chose it. A choice remembered
//! from an earlier visit takes effect once the browser lists that device.

pub use crate::devices::{AudioOutput, OutputChoices, OutputRole};
use crate::messages::Effect;
use crate::reasons::Notice;

/// One role's output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Output {
    /// What the agent chose (`None`: the browser's default).
    chosen: Option<String>,
    /// What plays now: the choice while the browser lists it, else the default (`None`).
    in_use: Option<String>,
}

/// The outputs the browser offers and what the agent chose for each role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outputs {
    found: Vec<AudioOutput>,
    speaker: Output,
    ringer: Output,
}

impl Outputs {
    /// The outputs to choose from (the browser's default is not one of them: it is `None`).
    pub fn found(&self) -> &[AudioOutput] {
        &self.found
    }

    /// The device playing `role` now (`None`: the browser's default).
    pub fn in_use(&self, role: OutputRole) -> Option<&str> {
        self.output(role).in_use.as_deref()
    }

    /// The agent's choice for `role`, which may be unplugged now.
    pub fn chosen(&self, role: OutputRole) -> Option<&str> {
        self.output(role).chosen.as_deref()
    }

    fn output(&self, role: OutputRole) -> &Output {
        match role {
            OutputRole::Speaker => &self.speaker,
            OutputRole::Ringer => &self.ringer,
        }
    }

    fn output_mut(&mut self, role: OutputRole) -> &mut Output {
        match role {
            OutputRole::Speaker => &mut self.speaker,
            OutputRole::Ringer => &mut self.ringer,
        }
    }

    fn label(&self, id: &str) -> Option<&str> {
        self.found.iter().find(|o| o.id == id).map(|o| o.label.as_str())
    }

    fn lists(&self, id: &str) -> bool {
        self.found.iter().any(|o| o.id == id)
    }

    fn choices(&self) -> OutputChoices {
        OutputChoices { speaker: self.speaker.chosen.clone(), ringer: self.ringer.chosen.clone() }
    }
}

/// Plays `role` on `device` from now on.
fn use_effect(role: OutputRole, device: Option<String>) -> Effect {
    match role {
        OutputRole::Speaker => Effect::UseSpeaker(device),
        OutputRole::Ringer => Effect::UseRinger(device),
    }
}

/// What a change of outputs does: the effects, and what the agent should be told.
pub(crate) struct Changed {
    pub effects: Vec<Effect>,
    pub notice: Option<Notice>,
}

/// An output that went away from `role`, by its label when the browser gave one.
struct Gone {
    role: OutputRole,
    label: Option<String>,
}

impl Outputs {
    /// The choices this browser remembered, at start-up: in use once the browser lists them.
    pub(crate) fn restore(&mut self, choices: OutputChoices) {
        self.speaker.chosen = choices.speaker;
        self.ringer.chosen = choices.ringer;
    }

    /// The agent chose `device` for `role` (`None`: the browser's default).
    pub(crate) fn choose(&mut self, role: OutputRole, device: Option<String>) -> Vec<Effect> {
        let in_use = device.clone().filter(|id| self.lists(id));
        let output = self.output_mut(role);
        if output.chosen == device && output.in_use == in_use {
            return Vec::new();
        }
        output.chosen = device;
        let mut effects = Vec::new();
        if output.in_use != in_use {
            output.in_use.clone_from(&in_use);
            effects.push(use_effect(role, in_use));
        }
        effects.push(Effect::RememberOutputs(self.choices()));
        effects
    }

    /// The browser listed its outputs (at start, and whenever a device comes or goes): a chosen
    /// output that went away falls back to the default, one that came back is used again.
    pub(crate) fn listed(&mut self, found: Vec<AudioOutput>) -> Changed {
        let before = std::mem::replace(&mut self.found, found);
        let mut effects = Vec::new();
        let mut gone = Vec::new();
        for role in [OutputRole::Speaker, OutputRole::Ringer] {
            let target = self.output(role).chosen.clone().filter(|id| self.lists(id));
            let output = self.output_mut(role);
            if output.in_use == target {
                continue;
            }
            if let Some(old) = output.in_use.take().filter(|_| target.is_none()) {
                let label = before.iter().find(|o| o.id == old).map(|o| o.label.clone());
                gone.push(Gone { role, label });
            }
            output.in_use.clone_from(&target);
            effects.push(use_effect(role, target));
        }
        Changed { effects, notice: (!gone.is_empty()).then(|| gone_notice(&gone)) }
    }

    /// The browser refused to play `role` on `device` (`gone`: it has no such device now): the
    /// default output plays instead, and the agent is told. Late answers about a device no
    /// longer in use change nothing.
    pub(crate) fn failed(&mut self, role: OutputRole, device: &str, gone: bool) -> Changed {
        if self.in_use(role) != Some(device) {
            return Changed { effects: Vec::new(), notice: None };
        }
        let label = self.label(device).map(str::to_owned);
        self.output_mut(role).in_use = None;
        let notice = if gone { gone_notice(&[Gone { role, label }]) } else { Notice::OutputRefused { role, device: label } };
        Changed { effects: vec![use_effect(role, None)], notice: Some(notice) }
    }
}

/// The outputs that went away, as the agent is told: one device for both roles (the usual
/// headset) is named once; several devices are named none.
fn gone_notice(gone: &[Gone]) -> Notice {
    let roles = gone.iter().map(|g| g.role).collect();
    let mut labels: Vec<&str> = gone.iter().filter_map(|g| g.label.as_deref()).collect();
    labels.dedup();
    let device = match labels.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    };
    Notice::OutputGone { roles, device }
}
