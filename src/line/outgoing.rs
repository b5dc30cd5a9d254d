//! Calls the agent places: a number dialled, or a call rejoined after a reload; and the spare
//! offer made ahead so that a click sends the INVITE at once.

use std::rc::Rc;

use sip::{Command, DialogRef, Uri};
use wasm_bindgen_futures::spawn_local;

use super::helpers::{mark, now};
use super::Line;
use crate::media::{CallMedia, MediaError};
use crate::phone::Event;

/// Where an outgoing call goes.
enum OutgoingCall {
    /// A number at the PBX.
    Dial(Uri),
    /// The far end of a dialog an earlier page had, whose place this call takes.
    Rejoin(Box<DialogRef>),
}

impl Line {
    /// Calls `dial` (digits, `+`, `*`, `#`) at the PBX's domain, with the spare offer when one
    /// is ready (the usual case), else with a fresh one.
    pub fn dial(&self, dial: &str) {
        mark("softphone:dial");
        self.start_call(OutgoingCall::Dial(self.pbx_uri(dial)));
    }

    /// Rejoins the far end of a call an earlier page of this phone was on (INVITE with
    /// Replaces): a call like any other for the rest of the line, announced as it starts.
    pub fn rejoin(&self, dialog: DialogRef) {
        self.start_call(OutgoingCall::Rejoin(Box::new(dialog)));
    }

    /// The SIP dialog of the established call `call_id`, to record against a reload.
    pub fn dialog(&self, call_id: &str) -> Option<DialogRef> {
        self.inner.borrow().ua.as_ref()?.dialog(call_id)
    }

    fn start_call(&self, target: OutgoingCall) {
        // Taken in its own statement: the borrow must end before `place_call` borrows again.
        // A spare whose fetched TURN credentials expired is dropped: its relay may be gone.
        let spare = self.inner.borrow_mut().spare.take().filter(|(media, _)| media.fresh(now() as f64));
        if let Some((media, sdp)) = spare {
            self.place_call(target, media, sdp);
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let media = match this.new_media().await {
                Ok(m) => m,
                Err(e) => return this.report_later(Event::CallFailed(e.to_string())),
            };
            match media.create_offer().await {
                Ok(sdp) => this.place_call(target, media, sdp),
                Err(e) => this.report_later(Event::CallFailed(e.to_string())),
            }
        });
    }

    fn place_call(&self, target: OutgoingCall, media: Rc<CallMedia>, sdp: String) {
        // Attached before the INVITE goes out; `CallCreated` names it with the Call-ID.
        self.inner.borrow_mut().media = Some((String::new(), media));
        let command = match target {
            OutgoingCall::Dial(target) => Command::Call { target, sdp },
            OutgoingCall::Rejoin(dialog) => Command::Rejoin { dialog, sdp },
        };
        // `drive` hands the INVITE to the WebSocket before it returns.
        self.command(command);
        mark("softphone:invite-sent");
    }

    /// Prepares the next call's peer connection and offer while the agent is idle.
    pub(super) fn prepare_spare(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if inner.spare.is_some() || inner.preparing || inner.media.is_some() || inner.microphone.is_none() {
                return;
            }
            inner.preparing = true;
        }
        let this = self.clone();
        let generation = self.inner.borrow().microphone_generation;
        spawn_local(async move {
            let spare = match this.new_media().await {
                Ok(media) => media.create_offer().await.map(|sdp| (media, sdp)),
                Err(e) => Err(e),
            };
            // Without a relay under the relay policy no call can have audio: say so now, not at the first call.
            let spare = spare.map_err(|e| if let MediaError::NoAudioPath(why) = e { this.report_later(Event::MediaWarning(why)) }).ok();
            let again = {
                let mut inner = this.inner.borrow_mut();
                inner.preparing = false;
                let current = inner.microphone_generation == generation;
                if inner.ua.is_some() && current {
                    inner.spare = spare;
                }
                !current
            };
            // The microphone changed meanwhile: prepare one that sends the new microphone.
            if again {
                this.prepare_spare();
            }
        });
    }
}
