//! What the agent sees and hears of the phone outside its panel, as typed values: the utility
//! item's label and icon, and the tones. The phone works them out (`presentation`); the app words
//! the label and the CRM edge picks its icon.

/// The utility item's label: what an agent glancing at the bar needs.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// Nothing going on: where the line stands.
    Idle(Idle),
    /// A number is ready to call (`who`: its record's name, else the number).
    ReadyToCall { who: String },
    /// Calling out, with `others` calls besides (on hold, say).
    Calling { who: String, others: usize },
    /// A call rings in; `waiting` when the agent is on another call (call waiting).
    Ringing { who: String, waiting: bool },
    /// A call the page reload cut off is being rejoined.
    Rejoining { who: String, others: usize },
    /// Talking (or on hold, `held`) for `talk_s` seconds.
    Talking { who: String, held: bool, talk_s: u64, others: usize },
    /// After a call.
    WrapUp,
}

/// Where the line stands when no call is going on.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    SignedOut,
    /// Signed in here but not at the PBX (the agent chose Offline, or the PBX refused).
    Offline,
    Connecting,
    Reconnecting,
    /// Registered and Available.
    Ready,
    /// Registered, refusing calls as busy.
    Busy,
    /// Registered, refusing calls as away.
    Away,
}

/// The utility item's icon: a problem with the line first, then a call being talked on, then
/// the agent's presence.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// A phone: signed out, or available.
    Phone,
    Busy,
    Away,
    Offline,
    /// The line is in trouble (reconnecting, refused).
    Warning,
    /// A call is being talked on.
    OnCall,
    /// A call rings (or is being answered).
    IncomingCall,
}

/// A tone the glue plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// An incoming call rings.
    Ringtone,
    /// The far end is ringing.
    Ringback,
    /// A second call rings during a call: a soft beep that does not drown the conversation.
    CallWaiting,
}

/// The label, icon and tone last sent to the glue (nothing sent yet: `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shown {
    pub(crate) label: Option<Label>,
    pub(crate) icon: Option<Icon>,
    pub(crate) tone: Option<Tone>,
}
