//! The controller's effects the line carries out, for either front end.

use super::Line;
use crate::phone::Effect;

impl Line {
    /// Carries out one of the controller's PBX effects (connect, dial, answer, hold, transfer...);
    /// any other effect is the front end's and is ignored here.
    pub fn perform(&self, effect: Effect) {
        match effect {
            Effect::Connect(credentials) => self.connect(&credentials),
            Effect::Renew(credentials) => self.renew(&credentials),
            Effect::UseTurn { credential, ttl_s } => self.use_turn(&credential, ttl_s),
            Effect::Disconnect => self.disconnect(),
            Effect::Dial { call, dial } => self.dial(call, &dial),
            Effect::Ring { call, call_id } => self.ring(call, &call_id),
            Effect::Refuse { call_id, busy } => self.refuse(&call_id, busy),
            Effect::Answer { call } => self.answer(call),
            Effect::Decline { call, busy } => self.decline(call, busy),
            Effect::HangUp { call } => self.hang_up(call),
            Effect::SetMuted { call, muted } => self.set_muted(call, muted),
            Effect::SetHeld { call, held } => self.set_held(call, held),
            Effect::SendDigit { call, digit } => self.send_digit(call, digit),
            Effect::Transfer { call, dial } => self.transfer(call, &dial),
            Effect::TransferAttended { call, with } => self.transfer_attended(call, with),
            Effect::FollowTransfer { call, new } => self.follow_transfer(call, new),
            Effect::DeclineTransfer { call } => self.decline_transfer(call),
            Effect::MeasureQuality { call } => self.measure_quality(call),
            _ => {}
        }
    }
}
