//! The calls on the line, and what the phone asks of each.
//!
//! The phone names its calls by [`CallHandle`]; the SIP core by Call-ID. The line keeps the
//! one link between the two ([`LineCall`]), with what only the browser holds: the call's
//! peer connection. A call ringing in is an [`Offer`] (known by Call-ID) until the phone
//! rings it ([`Line::ring`], which names it) or refuses it ([`Line::refuse`]); a call we place
//! has a handle from the start and learns its Call-ID when the INVITE goes out.

use std::rc::Rc;

use sip::{CallId, Command, Uri};
use wasm_bindgen_futures::spawn_local;

use super::helpers::{quality_between, refusal};
use super::DTMF_MS;
use super::{Inner, Line};
use crate::media::{CallMedia, MediaError, MediaStats, Tone as MediaTone, Tones};
use crate::phone::reasons::TransferFailure;
use crate::phone::{CallFailure, CallHandle, EndReason, Event, Tone};

/// One call the line carries.
pub(super) struct LineCall {
    pub handle: CallHandle,
    /// Its SIP Call-ID, once the INVITE went out or came in.
    pub sip: Option<CallId>,
    /// Its audio (a call ringing in has none until answered).
    pub media: Option<Rc<CallMedia>>,
    /// A call ringing in, until the agent answers it.
    pub ringing: Option<Ringing>,
    /// A hold (`true`) or resume asked of the far end, until it answers the re-INVITE.
    pub hold_change: Option<bool>,
    /// The previous audio figures, for per-second differences.
    pub last_stats: MediaStats,
    /// Since when ICE has been failed or disconnected (`performance.now()`), see `recovery`.
    pub ice_broken_since: Option<u64>,
    /// When it was last moved to a new connection or path (`performance.now()`).
    pub moved_at: Option<u64>,
}

impl LineCall {
    pub(super) fn new(handle: CallHandle, sip: Option<CallId>) -> LineCall {
        LineCall {
            handle,
            sip,
            media: None,
            ringing: None,
            hold_change: None,
            last_stats: MediaStats::default(),
            ice_broken_since: None,
            moved_at: None,
        }
    }
}

/// What a call ringing in brought, until the agent answers.
pub(super) struct Ringing {
    /// The caller's offer, or none (a delayed offer: our answer carries our offer).
    pub offer: Option<String>,
}

/// A call ringing in that the phone has not named yet.
pub(super) struct Offer {
    pub sip: CallId,
    /// The caller's SDP offer, if its INVITE had one.
    pub sdp: Option<String>,
    /// The caller gave up before the phone named the call: told to the phone when it does.
    pub ended: Option<EndReason>,
}

/// Offers kept at most: the phone answers each at once, so more means it never will.
const OFFERS_KEPT: usize = 8;

impl Inner {
    pub(super) fn call(&self, handle: CallHandle) -> Option<&LineCall> {
        self.calls.iter().find(|c| c.handle == handle)
    }

    pub(super) fn call_mut(&mut self, handle: CallHandle) -> Option<&mut LineCall> {
        self.calls.iter_mut().find(|c| c.handle == handle)
    }

    /// The call on SIP dialog `sip`.
    pub(super) fn by_sip(&mut self, sip: &str) -> Option<&mut LineCall> {
        self.calls.iter_mut().find(|c| c.sip.as_deref() == Some(sip))
    }

    /// The Call-ID of call `handle`, once it has one.
    pub(super) fn sip_of(&self, handle: CallHandle) -> Option<CallId> {
        self.call(handle)?.sip.clone()
    }

    /// Lets go of call `handle` (its audio stops): it is over for the line.
    pub(super) fn forget(&mut self, handle: CallHandle) -> Option<LineCall> {
        let at = self.calls.iter().position(|c| c.handle == handle)?;
        Some(self.calls.remove(at))
    }

    pub(super) fn keep_offer(&mut self, offer: Offer) {
        if self.offers.len() >= OFFERS_KEPT {
            self.offers.remove(0);
        }
        self.offers.push(offer);
    }

    pub(super) fn take_offer(&mut self, sip: &str) -> Option<Offer> {
        let at = self.offers.iter().position(|o| o.sip == sip)?;
        Some(self.offers.remove(at))
    }
}

impl Line {
    /// The phone names the call ringing in on `sip` and lets it ring (180). A caller who gave
    /// up meanwhile is reported as ended under the new name.
    pub fn ring(&self, handle: CallHandle, sip: &str) {
        let offer = self.inner.borrow_mut().take_offer(sip);
        let Some(offer) = offer else {
            return self.report_later(Event::CallEnded { call: handle, reason: EndReason::Missed });
        };
        if let Some(reason) = offer.ended {
            return self.report_later(Event::CallEnded { call: handle, reason });
        }
        let mut call = LineCall::new(handle, Some(offer.sip.clone()));
        call.ringing = Some(Ringing { offer: offer.sdp });
        self.inner.borrow_mut().calls.push(call);
        self.command(Command::Ring { call: offer.sip });
    }

    /// Refuses the call ringing in on `sip` without ringing: 486 when `busy`, else 480 (away:
    /// the PBX may route it elsewhere).
    pub fn refuse(&self, sip: &str, busy: bool) {
        let offer = self.inner.borrow_mut().take_offer(sip);
        if offer.is_some_and(|o| o.ended.is_none()) {
            let call = sip::CallId::from(sip);
            self.command(if busy { Command::Decline { call, busy } } else { Command::Unavailable { call } });
        }
    }

    /// Answers call `handle` with a peer connection of its own.
    pub fn answer(&self, handle: CallHandle) {
        let taken = {
            let mut inner = self.inner.borrow_mut();
            inner.call_mut(handle).and_then(|c| Some((c.sip.clone()?, c.ringing.take()?)))
        };
        let Some((sip, ringing)) = taken else { return };
        let this = self.clone();
        spawn_local(async move {
            let answered = match this.new_media().await {
                Ok(media) => match &ringing.offer {
                    Some(offer) => media.answer(offer).await,
                    // A delayed offer: the 200 carries ours, the ACK the answer.
                    None => media.create_offer().await,
                }
                .map(|sdp| (media, sdp)),
                Err(e) => Err(e),
            };
            let still_ringing = this.inner.borrow().call(handle).is_some();
            match answered {
                Ok((media, sdp)) if still_ringing => {
                    if let Some(c) = this.inner.borrow_mut().call_mut(handle) {
                        c.media = Some(media);
                    }
                    this.command(Command::Answer { call: sip, sdp });
                }
                // The caller gave up while the answer was being made: nothing to do.
                Ok(_) => {}
                Err(e) => {
                    this.inner.borrow_mut().forget(handle);
                    this.command(match refusal(&e) {
                        // The caller's offer: 488 with a Warning saying why.
                        Some(refusal) => Command::RefuseOffer { call: sip, refusal },
                        None => Command::Decline { call: sip, busy: false },
                    });
                    this.report_later(Event::CallEnded { call: handle, reason: EndReason::Failed(CallFailure::Media(e)) });
                }
            }
        });
    }

    /// Declines ringing call `handle` (486 when `busy`, else 603).
    pub fn decline(&self, handle: CallHandle, busy: bool) {
        let gone = self.inner.borrow_mut().forget(handle);
        if let Some(sip) = gone.and_then(|c| c.sip) {
            self.command(Command::Decline { call: sip, busy });
        }
    }

    /// Ends call `handle`: CANCEL, BYE or decline as its state requires. A call whose INVITE
    /// has not gone out yet never sends it.
    pub fn hang_up(&self, handle: CallHandle) {
        let gone = self.inner.borrow_mut().forget(handle);
        if let Some(sip) = gone.and_then(|c| c.sip) {
            self.command(Command::HangUp { call: sip });
        }
        self.after_call();
    }

    /// Ends call `handle` because its audio cannot be set up (the far end's answer, early or
    /// final, is one the browser refuses): hung up, and the phone told why.
    pub(super) fn fail_call(&self, handle: CallHandle, error: &MediaError) {
        self.hang_up(handle);
        self.report_later(Event::CallEnded { call: handle, reason: EndReason::Failed(CallFailure::Media(error.clone())) });
    }

    /// Mutes or unmutes our audio on call `handle`.
    pub fn set_muted(&self, handle: CallHandle, muted: bool) {
        if let Some(media) = self.media_of(handle) {
            media.set_muted(muted);
        }
    }

    /// Holds or resumes call `handle` with a re-INVITE; it takes effect with the far end's answer.
    pub fn set_held(&self, handle: CallHandle, held: bool) {
        let found = {
            let mut inner = self.inner.borrow_mut();
            inner.call_mut(handle).and_then(|c| {
                c.hold_change = Some(held);
                Some((c.sip.clone()?, c.media.clone()?))
            })
        };
        let Some((sip, media)) = found else { return };
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
        let sip = self.inner.borrow().sip_of(handle);
        if let (false, Some(sip)) = (in_media, sip) {
            self.command(Command::SendDtmf { call: sip, digit, duration_ms: DTMF_MS });
        }
    }

    /// Asks the far end of call `handle` to call `dial` at the PBX's domain instead (blind
    /// transfer, REFER).
    pub fn transfer(&self, handle: CallHandle, dial: &str) {
        let target = self.pbx_uri(dial);
        // Taken in its own statement: the borrow must end before the command borrows again.
        let sip = self.inner.borrow().sip_of(handle);
        match sip {
            Some(sip) => self.command(Command::Transfer { call: sip, target }),
            None => self.transfer_refused(handle),
        }
    }

    /// Attended transfer: the far end of call `handle` takes the place of our side of call
    /// `with` (REFER with Replaces).
    pub fn transfer_attended(&self, handle: CallHandle, with: CallHandle) {
        let ids = {
            let inner = self.inner.borrow();
            inner.sip_of(handle).zip(inner.sip_of(with))
        };
        match ids {
            Some((call, replacing)) => self.command(Command::TransferAttended { call, replacing }),
            None => self.transfer_refused(handle),
        }
    }

    fn transfer_refused(&self, handle: CallHandle) {
        self.report_later(Event::TransferFailed { call: handle, reason: TransferFailure { status: 481 } });
    }

    /// Refuses the far end's request to transfer call `handle` (603).
    pub fn decline_transfer(&self, handle: CallHandle) {
        let sip = self.inner.borrow().sip_of(handle);
        if let Some(sip) = sip {
            self.command(Command::DeclineTransfer { call: sip });
        }
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
                let Some(c) = inner.call_mut(handle) else {
                    return;
                };
                if let Some(call_id) = &c.sip {
                    crate::trace::stats(call_id, &report);
                }
                std::mem::replace(&mut c.last_stats, now)
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
        self.inner.borrow().call(handle)?.media.clone()
    }

    /// `dial` at the PBX's domain. The dialling rules already refused anything that could inject
    /// into a URI.
    pub(super) fn pbx_uri(&self, dial: &str) -> Uri {
        Uri::sip(dial, &self.inner.borrow().settings.sip_domain)
    }

    /// A call is over for the line: get the next call's offer ready.
    pub(super) fn after_call(&self) {
        self.prepare_spare();
    }
}
