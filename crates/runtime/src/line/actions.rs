//! The line core's operations (`line_core::LineAction`), carried out with the browser's
//! objects: the calls' peer connections, the user agent, the transport. What the media work
//! gives back goes to the core again, which decides what the phone is told.

use std::rc::Rc;

use line_core::{FarSdp, LineAction, Warning};
use sip::CallId;
use wasm_bindgen_futures::spawn_local;

use super::helpers::dropped;
use super::Line;
use crate::media::{CallMedia, MediaError};
use crate::phone::CallHandle;

impl Line {
    /// Carries out what the core asks, in order, each outside any borrow of the line.
    pub(super) fn perform_actions(&self) {
        loop {
            let action = self.inner.borrow_mut().core.poll_action();
            let Some(action) = action else { return };
            self.carry_out(action);
        }
    }

    fn carry_out(&self, action: LineAction) {
        match action {
            LineAction::Sip(command) => self.command(command),
            LineAction::ApplyFarSdp { call, sdp, kind } => self.apply_far_sdp(call, sdp, kind),
            LineAction::AnswerReoffer { call, call_id, offer } => self.answer_reoffer(call_id, self.media_of(call), offer),
            LineAction::WithdrawReoffer { call, held } => {
                if let Some(media) = self.media_of(call) {
                    media.withdraw_reoffer(held);
                }
            }
            LineAction::ReleaseMedia { call } => self.inner.borrow_mut().release_media(call),
            LineAction::PrepareSpare => self.prepare_spare(),
            LineAction::MoveCall { call } => self.move_call(call),
            LineAction::RegistrarAccepted => {
                if let Some(transport) = self.inner.borrow().transport.as_ref() {
                    transport.accepted();
                }
            }
            LineAction::TryAnotherRegistrar { failure, retry_after_s } => self.registrar_refused(failure, retry_after_s),
            LineAction::Reconnect => self.flow_failed(),
            LineAction::Close => self.closed(),
            LineAction::Warn(warning) => web_sys::console::warn_1(&console_line(&warning).into()),
        }
    }

    /// Gives call `call`'s peer connection the far end's description of its audio (early
    /// media, the answer in its 2xx, in its ACK, or to our re-INVITE); the core hears how it
    /// went.
    fn apply_far_sdp(&self, call: CallHandle, sdp: String, kind: FarSdp) {
        let media = self.media_of(call);
        let line = self.clone();
        spawn_local(async move {
            let applied = match (&media, kind) {
                (None, _) => Ok(()),
                (Some(m), FarSdp::Early) => m.accept_early_answer(&sdp).await,
                (Some(m), FarSdp::Answer | FarSdp::AckAnswer | FarSdp::Reanswer) => m.accept_answer(&sdp).await,
            };
            line.core(|core| match applied {
                Ok(()) => core.far_sdp_applied(call, kind),
                Err(problem) => core.far_sdp_refused(call, kind, problem),
            });
        });
    }

    /// Answers the far end's re-INVITE or UPDATE on dialog `call_id`: its offer, or, when it
    /// made none, ours. The core hears the answer or why the browser refused.
    fn answer_reoffer(&self, call_id: CallId, media: Option<Rc<CallMedia>>, offer: Option<String>) {
        let line = self.clone();
        spawn_local(async move {
            let made = match (&media, &offer) {
                (Some(m), Some(offer)) => m.answer(offer).await,
                (Some(m), None) => m.renew_offer(false).await,
                (None, _) => Err(MediaError::Offer(sip::OfferRefusal::Other)),
            };
            line.core(|core| match made {
                Ok(sdp) => core.reoffer_answered(call_id, sdp),
                Err(problem) => core.reoffer_refused(call_id, problem),
            });
        });
    }
}

/// The console's line for a warning of the core's.
fn console_line(warning: &Warning) -> String {
    match warning {
        Warning::Dropped(reason) => dropped(reason),
        Warning::ChangeRefused { status } => format!("The PBX refused to change the call ({status})."),
        Warning::CommandRefused(error) => format!("A phone command was not carried out: {error:?}."),
        Warning::ReanswerRefused(problem) => ["The far end's answer was refused: ", &words::media_problem(problem)].concat(),
    }
}
