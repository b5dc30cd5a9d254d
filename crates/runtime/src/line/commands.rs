//! The line's commands to the SIP core, and what it does when one cannot be carried out.

use sip::{Command, CommandError, NewCall};

use super::helpers::sip_now;
use super::Line;
use crate::phone::CallHandle;

impl Line {
    /// Gives the user agent `command`, then performs its outputs (`drive`). A command the user
    /// agent refuses sent nothing: the line's core decides what the phone hears of it.
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
        if let Err(error) = result {
            self.core(|core| core.command_refused(transfer_of.as_deref(), error));
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
                inner.core.placed(handle, id.clone());
            }
            placed
        };
        self.drive(None);
        placed.map(drop)
    }
}
