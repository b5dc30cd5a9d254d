//! The audio devices the browser offers and what the agent chose, as data: microphones,
//! outputs, and the roles an output plays. The outputs' sub-state (`outputs`) acts on them.

/// A microphone the browser offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioInput {
    /// The browser's device id (stable for this origin, not a secret).
    pub id: String,
    /// What the browser calls it, e.g. "Headset (USB)".
    pub label: String,
}

/// An audio output the browser offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioOutput {
    /// The browser's device id (stable for this origin, not a secret).
    pub id: String,
    /// What the browser calls it, e.g. "Headset (USB)".
    pub label: String,
}

/// What an output plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputRole {
    /// The calls' far ends.
    Speaker,
    /// The tones: ring, ringback, call waiting.
    Ringer,
}

/// The agent's choices as this browser remembers them (device ids; `None`: the default output).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputChoices {
    pub speaker: Option<String>,
    pub ringer: Option<String>,
}
