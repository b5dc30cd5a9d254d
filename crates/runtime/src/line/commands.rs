//! The line's commands to the SIP core, and what it does when one cannot be carried out.

use sip::{Command, CommandError, NewCall};

use super::helpers::sip_now;
use super::Line;
use crate::phone::reasons::TransferFailure;
use crate::phone::{CallHandle, Event};

impl Line {
    /// Gives the user agent `command`, then performs its outputs (`drive`). A command the user
    /// agent refuses sent nothing: a failed transfer is reported to the phone, anything else
    /// (a click that raced the end of its call) is logged.
    pub(super) fn command(&self, command: Command) {
        // Told to the phone or logged by `try_command`: nothing more to do here.
        let _ = self.try_command(command);
    }

    /// [`Line::command`], telling the caller whether the user agent took it.
    pub(super) fn try_command(&self, command: Command) -> Result<(), CommandError> {
        let transfer_of = match &command {
            Command::Transfer { call, .. } | Command::TransferAttended { call, .. } => Some(call.clone()),
            _ => None,
        };
        let result = {
            let mut inner = self.inner.borrow_mut();
            let Some(ua) = inner.ua.as_mut() else {
                return Err(CommandError::UnknownCall);
            };
            ua.command(sip_now(), command)
        };
        self.drive(None);
        let Err(error) = result else { return result };
        let transferred = transfer_of.and_then(|sip| self.inner.borrow_mut().by_sip(&sip).map(|c| c.handle));
        match transferred {
            Some(call) => self.report_later(Event::TransferFailed { call, reason: TransferFailure { status: refused_status(error) } }),
            None => web_sys::console::warn_1(&format!("A phone command was not carried out: {error:?}.").into()),
        }
        result
    }

    /// Starts the phone's outgoing call `handle` at the user agent, then performs its outputs
    /// (`drive` hands the INVITE to the WebSocket before it returns). The Call-ID the user agent
    /// names the call with is linked to the handle here, before any of the call's news is read.
    pub(super) fn try_place(&self, handle: CallHandle, call: NewCall) -> Result<(), CommandError> {
        let placed = {
            let mut inner = self.inner.borrow_mut();
            let placed = match inner.ua.as_mut() {
                Some(ua) => ua.place_call(sip_now(), call),
                None => Err(CommandError::UnknownCall),
            };
            if let Ok(id) = &placed {
                if let Some(c) = inner.call_mut(handle) {
                    c.sip = Some(id.clone());
                }
                inner.pending.push(Event::OutgoingCallStarted { call: handle, call_id: id.to_string() });
            }
            placed
        };
        self.drive(None);
        placed.map(drop)
    }
}

/// The SIP status that would have said the same (the words for transfers go by status).
fn refused_status(error: CommandError) -> u16 {
    match error {
        CommandError::TransferPending => 491,
        CommandError::UnknownCall | CommandError::WrongState | CommandError::NothingPending | CommandError::NotADigit => 481,
    }
}
