//! The line's commands to the SIP core, and what it does when one cannot be carried out.

use sip::{Command, CommandError};

use super::helpers::{sip_now, transfer_failure};
use super::wording::command_refused;
use super::Line;
use crate::phone::Event;

impl Line {
    /// Gives the user agent `command`, then performs its outputs (`drive`). A command the user
    /// agent refuses sent nothing: a failed transfer is reported to the phone, anything else
    /// (a click that raced the end of its call) is logged.
    pub(super) fn command(&self, command: Command) {
        let transfer_of = match &command {
            Command::Transfer { call, .. } | Command::TransferAttended { call, .. } => Some(call.clone()),
            _ => None,
        };
        let result = {
            let mut inner = self.inner.borrow_mut();
            let Some(ua) = inner.ua.as_mut() else { return };
            ua.command(sip_now(), command)
        };
        self.drive(None);
        let Err(error) = result else { return };
        match transfer_of {
            Some(call_id) => self.report_later(Event::TransferFailed { call_id, reason: transfer_failure(refused_status(error)) }),
            None => web_sys::console::warn_1(&format!("A phone command was not carried out: {}.", command_refused(error)).into()),
        }
    }
}

/// The SIP status that would have said the same (the words for transfers go by status).
fn refused_status(error: CommandError) -> u16 {
    match error {
        CommandError::TransferPending => 491,
        CommandError::UnknownCall | CommandError::WrongState | CommandError::NothingPending | CommandError::NotADigit => 481,
    }
}
