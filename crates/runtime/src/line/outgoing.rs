//! Calls the phone places: a number dialled, a call rejoined after a reload, the number a far
//! end's REFER names; and the spare offer made ahead so that a click sends the INVITE at once.

use std::rc::Rc;

use sip::{CallId, DialogRef, NewCall, Uri};
use wasm_bindgen_futures::spawn_local;

use super::helpers::{mark, now};
use super::Line;
use crate::media::{CallMedia, MediaError};
use crate::phone::reasons::MediaWarning;
use crate::phone::{CallFailure, CallHandle, Event};

/// Where an outgoing call goes.
enum OutgoingCall {
    /// A number at the PBX.
    Dial(Uri),
    /// The far end of a dialog an earlier page had, whose place this call takes.
    Rejoin(Box<DialogRef>),
    /// The target of the REFER the far end of this call sent.
    Referred(CallId),
}



impl Line {
    /// Places call `handle` to `dial` (digits, `+`, `*`, `#`) at the PBX's domain, with the
    /// spare offer when one is ready (the usual case), else with a fresh one.
    pub fn dial(&self, handle: CallHandle, dial: &str) {
        mark("softphone:dial");
        self.start_call(handle, OutgoingCall::Dial(self.pbx_uri(dial)));
    }

    /// Rejoins, as call `handle`, the far end of dialog `sip` that an earlier page of this
    /// phone was on (INVITE with Replaces): a call like any other for the rest of the line.
    pub fn rejoin(&self, handle: CallHandle, dialog: DialogRef) {
        self.start_call(handle, OutgoingCall::Rejoin(Box::new(dialog)));
    }

    /// Follows the far end's transfer request on call `old`: calls its target as call `new`.
    pub fn follow_transfer(&self, old: CallHandle, new: CallHandle) {
        let Some(sip) = self.core(|core| core.follow_transfer(old, new)) else { return };
        // The party who transferred us no longer hears the agent, who now talks to the new call.
        if let Some(media) = self.media_of(old) {
            media.stop_sending();
        }
        self.start_call(new, OutgoingCall::Referred(sip));
    }

    /// The SIP dialog of established call `handle`, to record against a reload.
    pub fn dialog(&self, handle: CallHandle) -> Option<DialogRef> {
        let inner = self.inner.borrow();
        let sip = inner.core.call_id(handle)?;
        inner.ua.as_ref()?.dialog(sip)
    }

    fn start_call(&self, handle: CallHandle, target: OutgoingCall) {
        // Taken in its own statement: the borrow must end before `place_call` borrows again.
        // A spare whose fetched TURN credentials expired is dropped: its relay may be gone.
        let spare = {
            let mut inner = self.inner.borrow_mut();
            inner.core.place(handle);
            inner.spare.take().filter(|(media, _)| media.fresh(now() as f64))
        };
        if let Some((media, sdp)) = spare {
            self.place_call(handle, target, media, sdp);
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let offered = match this.new_media().await {
                Ok(media) => media.create_offer().await.map(|sdp| (media, sdp)),
                Err(e) => Err(e),
            };
            match offered {
                Ok((media, sdp)) => this.place_call(handle, target, media, sdp),
                Err(e) => this.core(|core| core.place_failed(handle, CallFailure::Media(e))),
            }
        });
    }

    fn place_call(&self, handle: CallHandle, target: OutgoingCall, media: Rc<CallMedia>, sdp: String) {
        {
            let mut inner = self.inner.borrow_mut();
            // Hung up while the offer was being made: the INVITE never goes.
            if !inner.core.carries(handle) {
                return;
            }
            inner.attach_media(handle, media);
        }
        let call = match target {
            OutgoingCall::Dial(target) => NewCall::Dial { target, sdp },
            OutgoingCall::Rejoin(dialog) => NewCall::Rejoin { dialog, sdp },
            OutgoingCall::Referred(call) => NewCall::Referred { call, sdp },
        };
        let sent = self.try_place(handle, call);
        mark("softphone:invite-sent");
        if let Err(e) = sent {
            self.core(|core| core.place_failed(handle, CallFailure::Command(e)));
        }
    }

    /// Prepares the next call's peer connection and offer while the agent is idle.
    pub(super) fn prepare_spare(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            // Only while idle: a consultation or a second call is rarer than the first, and a
            // peer connection waiting through every call costs memory.
            let busy = !inner.core.is_idle();
            if inner.spare.is_some() || inner.preparing || busy || inner.microphone.is_none() {
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
            let spare = spare
                .map_err(|e| {
                    if let MediaError::NoRelay(why) = e {
                        this.report_later(Event::MediaWarning(MediaWarning::NoRelay(why)))
                    }
                })
                .ok();
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
