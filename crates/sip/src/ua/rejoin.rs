//! Rejoining a call after the page reloaded (RFC 3891).
//!
//! A reload throws the user agent away, but not the far end's dialog: the customer is still on
//! the line, hearing silence. The app keeps a [`DialogRef`] of the confirmed call (it is not a
//! secret, but it is enough to take the call over, so it stays in this browser), and the new
//! page's user agent sends an INVITE with `Replaces` naming that dialog. A far end that supports
//! Replaces answers the new INVITE and hangs up the old dialog by itself.

use super::api::{CallId, DialogRef, Instant};
use super::dialog::CallState;
use super::invite::ExtraHeader;
use super::transfer::replaces_value;
use super::UserAgent;

impl DialogRef {
    /// The `Replaces` header value. Its to-tag is the tag of the side that receives it (the far
    /// end), its from-tag ours (RFC 3891 §3), as for an attended transfer.
    fn replaces(&self) -> String {
        replaces_value(&self.call_id, &self.remote_tag, &self.local_tag)
    }
}

impl UserAgent {
    /// The confirmed call `call` as a [`DialogRef`] (none for a call not yet established).
    pub fn dialog(&self, call: &str) -> Option<DialogRef> {
        let c = self.calls.iter().find(|c| c.id == call && c.state == CallState::Confirmed)?;
        Some(DialogRef {
            call_id: c.id.clone(),
            local_tag: c.local.tag()?.to_owned(),
            remote_tag: c.remote.tag()?.to_owned(),
            remote_target: c.remote_target.clone(),
        })
    }

    /// [`super::NewCall::Rejoin`].
    pub(super) fn rejoin(&mut self, now: Instant, dialog: DialogRef, sdp: String) -> CallId {
        let replaces = ExtraHeader { name: "Replaces", value: dialog.replaces() };
        self.send_invite(now, dialog.remote_target, sdp, vec![replaces])
    }
}
