//! The calls on the line, and what the phone asks of each.
//!
//! The phone names its calls by [`CallHandle`]; the SIP core by Call-ID. The line's core
//! (`line_core::LineCore`) keeps the one link between the two; here the browser keeps what only
//! it can hold, each call's peer connection ([`CallAudio`]), by handle. A call ringing in is
//! known by Call-ID until the phone rings it ([`Line::ring`], which names it) or refuses it
//! ([`Line::refuse`]); a call we place has a handle from the start and its Call-ID once the
//! INVITE goes out.

use std::rc::Rc;

use sip::{Command, Uri};
use wasm_bindgen_futures::spawn_local;

use super::helpers::quality_between;
use super::DTMF_MS;
use super::{Inner, Line};
use crate::media::{CallMedia, MediaStats, Tone as MediaTone, Tones};
use crate::phone::{CallHandle, Event, Tone};

/// What the browser holds of one call: its audio, and the figures its upkeep reads.
pub(super) struct CallAudio {
    pub handle: CallHandle,
    pub media: Rc<CallMedia>,
    /// The previous audio figures, for per-second differences.
    pub last_stats: MediaStats,
    /// Since when ICE has been failed or disconnected (`performance.now()`), see `recovery`.
    pub ice_broken_since: Option<u64>,
    /// When it was last moved to a new connection or path (`performance.now()`).
    pub moved_at: Option<u64>,
}

impl Inner {
    pub(super) fn audio_mut(&mut self, handle: CallHandle) -> Option<&mut CallAudio> {
        self.audio.iter_mut().find(|a| a.handle == handle)
    }

    /// Call `handle` has its peer connection.
    pub(super) fn attach_media(&mut self, handle: CallHandle, media: Rc<CallMedia>) {
        self.release_media(handle);
        self.audio.push(CallAudio { handle, media, last_stats: MediaStats::default(), ice_broken_since: None, moved_at: None });
    }

    /// The line let go of call `handle`: its audio stops.
    pub(super) fn release_media(&mut self, handle: CallHandle) {
        self.audio.retain(|a| a.handle != handle);
    }
}

impl Line {
    /// The phone names the call ringing in on `sip` and lets it ring (180). A caller who gave
    /// up meanwhile is reported as ended under the new name.
    pub fn ring(&self, handle: CallHandle, sip: &str) {
        self.core(|core| core.ring(handle, sip));
    }

    /// Refuses the call ringing in on `sip` without ringing: 486 when `busy`, else 480 (away:
    /// the PBX may route it elsewhere).
    pub fn refuse(&self, sip: &str, busy: bool) {
        self.core(|core| core.refuse(sip, busy));
    }

    /// Answers call `handle` with a peer connection of its own.
    pub fn answer(&self, handle: CallHandle) {
        let Some(answering) = self.inner.borrow_mut().core.answer(handle) else { return };
        let this = self.clone();
        spawn_local(async move {
            let answered = match this.new_media().await {
                Ok(media) => match &answering.offer {
                    Some(offer) => media.answer(offer).await,
                    // A delayed offer: the 200 carries ours, the ACK the answer.
                    None => media.create_offer().await,
                }
                .map(|sdp| (media, sdp)),
                Err(e) => Err(e),
            };
            let still_ringing = this.inner.borrow().core.carries(handle);
            match answered {
                Ok((media, sdp)) if still_ringing => {
                    this.inner.borrow_mut().attach_media(handle, media);
                    this.command(Command::Answer { call: answering.call_id, sdp });
                }
                // The caller gave up while the answer was being made: nothing to do.
                Ok(_) => {}
                Err(e) => this.core(|core| core.answer_failed(handle, answering, e)),
            }
        });
    }

    /// Declines ringing call `handle` (486 when `busy`, else 603).
    pub fn decline(&self, handle: CallHandle, busy: bool) {
        self.core(|core| core.decline(handle, busy));
    }

    /// Ends call `handle`: CANCEL, BYE or decline as its state requires. A call whose INVITE
    /// has not gone out yet never sends it.
    pub fn hang_up(&self, handle: CallHandle) {
        self.core(|core| core.hang_up(handle));
    }

    /// Mutes or unmutes our audio on call `handle`.
    pub fn set_muted(&self, handle: CallHandle, muted: bool) {
        if let Some(media) = self.media_of(handle) {
            media.set_muted(muted);
        }
    }

    /// Holds or resumes call `handle` with a re-INVITE; it takes effect with the far end's answer.
    pub fn set_held(&self, handle: CallHandle, held: bool) {
        let call_id = self.inner.borrow_mut().core.hold(handle, held);
        let Some((sip, media)) = call_id.zip(self.media_of(handle)) else { return };
        let this = self.clone();
        spawn_local(async move {
            match media.reoffer(held).await {
                Ok(sdp) => this.command(Command::Reinvite { call: sip, sdp }),
                Err(e) => web_sys::console::warn_1(&["The call could not be put on hold or resumed: ", &words::media_problem(&e)].concat().into()),
            }
        });
    }

    /// Sends a keypad digit on call `handle`: in the media when the far end takes
    /// telephone-event, else by INFO.
    pub fn send_digit(&self, handle: CallHandle, digit: char) {
        let in_media = self.media_of(handle).is_some_and(|m| m.send_dtmf(&digit.to_string()));
        let sip = self.inner.borrow().core.call_id(handle).cloned();
        if let (false, Some(sip)) = (in_media, sip) {
            self.command(Command::SendDtmf { call: sip, digit, duration_ms: DTMF_MS });
        }
    }

    /// Asks the far end of call `handle` to call `dial` at the PBX's domain instead (blind
    /// transfer, REFER).
    pub fn transfer(&self, handle: CallHandle, dial: &str) {
        let target = self.pbx_uri(dial);
        self.core(|core| core.transfer(handle, target));
    }

    /// Attended transfer: the far end of call `handle` takes the place of our side of call
    /// `with` (REFER with Replaces).
    pub fn transfer_attended(&self, handle: CallHandle, with: CallHandle) {
        self.core(|core| core.transfer_attended(handle, with));
    }

    /// Refuses the far end's request to transfer call `handle` (603).
    pub fn decline_transfer(&self, handle: CallHandle) {
        self.core(|core| core.decline_transfer(handle));
    }

    /// Reads call `handle`'s audio figures and reports what changed since the last reading.
    pub fn measure_quality(&self, handle: CallHandle) {
        let Some(media) = self.media_of(handle) else {
            return;
        };
        self.watch_ice(handle, &media);
        let this = self.clone();
        spawn_local(async move {
            let (now, report) = media.stats().await;
            let before = {
                let mut inner = this.inner.borrow_mut();
                if let Some(call_id) = inner.core.call_id(handle) {
                    crate::trace::stats(call_id, &report);
                }
                let Some(audio) = inner.audio_mut(handle) else {
                    return;
                };
                std::mem::replace(&mut audio.last_stats, now)
            };
            this.report_later(Event::CallQuality { call: handle, quality: quality_between(&before, &now) });
        });
    }

    /// Plays a tone, or stops any.
    pub fn play(&self, tone: Option<Tone>) {
        let tone = tone.and_then(|t| {
            Tones::start(match t {
                Tone::Ringtone => MediaTone::Ringtone,
                Tone::Ringback => MediaTone::Ringback,
                Tone::CallWaiting => MediaTone::CallWaiting,
            })
        });
        self.inner.borrow_mut().tones = tone;
    }

    pub(super) fn media_of(&self, handle: CallHandle) -> Option<Rc<CallMedia>> {
        self.inner.borrow().audio.iter().find(|a| a.handle == handle).map(|a| a.media.clone())
    }

    /// `dial` at the PBX's domain. The dialling rules already refused anything that could inject
    /// into a URI.
    pub(super) fn pbx_uri(&self, dial: &str) -> Uri {
        Uri::sip(dial, &self.inner.borrow().settings.sip_domain)
    }
}
