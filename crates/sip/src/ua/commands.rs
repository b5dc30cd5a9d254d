//! The app's commands, each handed to the part of the user agent that carries it out.

use crate::message::HeaderValue;
use crate::message::Method;

use super::api::{Command, CommandError, EndReason, Instant};
use super::transaction::Purpose;
use super::UserAgent;

impl UserAgent {
    pub(super) fn on_command(&mut self, now: Instant, command: Command) -> Result<(), CommandError> {
        match command {
            Command::Register(credentials) => self.register(now, credentials, None),
            Command::RegisterAs { user, credentials } => self.register(now, credentials, Some(user)),
            Command::Unregister => self.unregister(now),
            Command::Ring { call } => return self.ring(now, &call),
            Command::Answer { call, sdp } => return self.answer(now, &call, sdp),
            Command::Decline { call, busy } => return self.reject_incoming(&call, if busy { 486 } else { 603 }, EndReason::Local),
            Command::Unavailable { call } => return self.reject_incoming(&call, 480, EndReason::Local),
            Command::HangUp { call } => return self.hang_up(now, &call),
            Command::Reinvite { call, sdp } => return self.reinvite(now, &call, sdp),
            Command::AnswerReinvite { call, sdp } => return self.answer_offer(now, &call, sdp),
            Command::RefuseOffer { call, refusal } => return self.refuse_offer(&call, refusal),
            Command::SendDtmf { call, digit, duration_ms } => return self.send_dtmf(now, &call, digit, duration_ms),
            Command::Transfer { call, target } => return self.transfer(now, &call, &target),
            Command::TransferAttended { call, replacing } => return self.transfer_attended(now, &call, &replacing),
            Command::DeclineTransfer { call } => return self.decline_transfer(now, &call),
            Command::CheckFlow { reregister } => self.check_flow(now, reregister),
        }
        Ok(())
    }

    /// [`Command::SendDtmf`]: one digit as SIP INFO (`application/dtmf-relay`).
    fn send_dtmf(&mut self, now: Instant, call: &str, digit: char, duration_ms: u32) -> Result<(), CommandError> {
        if !matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D') {
            return Err(CommandError::NotADigit);
        }
        let mut body = String::from("Signal=");
        body.push(digit);
        body.push_str("\r\nDuration=");
        duration_ms.write_value(&mut body);
        body.push_str("\r\n");
        let req = self.in_dialog_request(call, Method::Info, Some(("application/dtmf-relay", body))).ok_or(CommandError::UnknownCall)?;
        self.send_request(now, req, Purpose::Info, Some(call.into()));
        Ok(())
    }
}
