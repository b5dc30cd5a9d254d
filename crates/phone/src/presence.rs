//! The agent's availability, chosen by the agent: Available takes calls; Busy answers new calls
//! with 486 Busy Here (each logged as a missed call); Away does not take calls either but says
//! so with 480 Temporarily Unavailable, so that the PBX can route them elsewhere; Offline leaves
//! the PBX (unregisters) while the agent stays signed in here, and Available registers again.


/// What the agent lets the phone do with calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Presence {
    /// Calls ring.
    #[default]
    Available,
    /// Calls are refused as busy.
    Busy,
    /// Calls are refused as unavailable.
    Away,
    /// Not registered at the PBX.
    Offline,
}

impl Presence {
    /// Every presence, in the order offered to the agent.
    pub const ALL: [Presence; 4] = [Presence::Available, Presence::Busy, Presence::Away, Presence::Offline];
}

#[cfg(test)]
#[path = "presence_tests.rs"]
mod tests;
