//! What the code that carries out the phone's effects (call logs, credentials, audio outputs)
//! needs of the controller: somewhere to say what came of them. A trait of its own, so that
//! code does not import the controller, which imports it to perform its effects.

use crate::phone::Event;

/// Hears what came of an effect.
pub(super) trait Hears: Clone + 'static {
    /// What happened, for the phone.
    fn event(&self, event: Event);
    /// Salesforce told the agent's time zone: the next Tasks are dated in it.
    fn set_time_zone(&self, zone: String);
}
