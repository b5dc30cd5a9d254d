//! Provisional answers to our INVITEs (RFC 3261 §13.2.2.1): the early dialogs they create, the
//! far end's early media (an 18x with SDP: an announcement, its own ringback, an IVR greeting
//! before the answer, RFC 3960), and the PRACK of reliable ones (RFC 3262 §4), in RSeq order,
//! their retransmissions absorbed. A 2xx without SDP confirms its early dialog's answer.

use crate::header::CSeq;
use crate::message::{HeaderValue, Method, Response};

use super::api::{CallFailure, CallId, Event, Instant};
use super::dialog::{to_tag, Call, CallState};
use super::offer::sdp_body;
use super::transaction::Purpose;
use super::{requires, UserAgent};

/// Early dialogs kept per INVITE at most: a forking proxy rings a handful of phones; a far end
/// inventing To tags without end gets no more.
const EARLY_DIALOGS_MAX: usize = 16;

/// One early dialog of the INVITE under way: a far end that answered provisionally, named by its
/// To tag (a forking proxy makes several).
pub(super) struct EarlyDialog {
    tag: String,
    /// The RSeq of the last reliable provisional response PRACKed.
    rseq: Option<u32>,
    /// Its early answer: the first SDP it sent (RFC 6337 §3.1: it must not change).
    sdp: Option<String>,
}

/// What a provisional response tells the app.
enum News {
    Nothing,
    Ringing,
    EarlyMedia(String),
    /// The early answer changed within its early dialog.
    Changed,
}

impl Call {
    /// The early answer of the early dialog with To tag `tag`.
    pub(super) fn early_answer(&self, tag: &str) -> Option<String> {
        self.early.iter().find(|d| d.tag == tag).and_then(|d| d.sdp.clone())
    }

    /// The early dialog with To tag `tag`, new if need be (`None`: too many already).
    fn early_dialog(&mut self, tag: &str) -> Option<&mut EarlyDialog> {
        if !self.early.iter().any(|d| d.tag == tag) && self.early.len() < EARLY_DIALOGS_MAX {
            self.early.push(EarlyDialog { tag: tag.to_owned(), rseq: None, sdp: None });
        }
        self.early.iter_mut().find(|d| d.tag == tag)
    }
}

/// Whether `r` is a reliable provisional response that comes in order in `dialog` and must be
/// PRACKed: a repeat or one out of order is discarded, unprocessed (RFC 3262 §4).
fn in_order(dialog: &mut EarlyDialog, rseq: u32) -> bool {
    match dialog.rseq {
        Some(last) if rseq != last.wrapping_add(1) => false,
        _ => {
            dialog.rseq = Some(rseq);
            true
        }
    }
}

/// The RSeq of `r` when it is sent reliably (`Require: 100rel`) in a dialog (a To tag).
fn reliable_rseq(r: &Response, tag: &str) -> Option<u32> {
    let rseq = r.headers.get("RSeq").and_then(|v| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(v)))?;
    (requires(&r.headers, "100rel") && !tag.is_empty()).then_some(rseq)
}

impl UserAgent {
    /// A provisional response to our INVITE (`initial`) or re-INVITE of `call`.
    pub(super) fn on_provisional(&mut self, now: Instant, call: &str, initial: bool, r: &Response) {
        if r.status == 100 {
            return;
        }
        if initial && matches!(r.status, 180 | 183) {
            self.report_transfer(now, call, r.status, &r.reason);
        }
        let Some(c) = self.call_mut(call) else { return };
        if c.state == CallState::Cancelling {
            return; // our CANCEL is on its way
        }
        let tag = to_tag(r).unwrap_or_default();
        if initial {
            if c.state == CallState::Calling {
                c.state = CallState::Early;
            }
            if !tag.is_empty() {
                c.adopt_dialog(&tag, r);
            }
        }
        let Some(dialog) = c.early_dialog(&tag) else { return };
        if let Some(rseq) = reliable_rseq(r, &tag) {
            if !in_order(dialog, rseq) {
                return;
            }
            self.prack(now, call, rseq, r);
        }
        if initial {
            self.early_news(now, call, &tag, r);
        }
    }

    /// Acknowledges the reliable provisional response `r` (RFC 3262 §7.2: RAck is its RSeq
    /// and CSeq), in the early dialog it created.
    fn prack(&mut self, now: Instant, call: &str, rseq: u32, r: &Response) {
        let Some(cseq) = r.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()) else { return };
        let mut rack = rseq.to_value_string();
        rack.push(' ');
        cseq.write_value(&mut rack);
        if let Some(mut prack) = self.in_dialog_request(call, Method::Prack, None) {
            prack.headers.push("RAck", rack);
            self.send_request(now, prack, Purpose::Prack, Some(call.into()));
        }
    }

    /// Ringing or early media, as the provisional response `r` of early dialog `tag` says.
    fn early_news(&mut self, now: Instant, call: &str, tag: &str, r: &Response) {
        let Some(c) = self.call_mut(call) else { return };
        let news = match sdp_body(&r.headers, &r.body) {
            None if c.ringing_reported => News::Nothing,
            None => {
                c.ringing_reported = true;
                News::Ringing
            }
            Some(sdp) => match c.early_dialog(tag) {
                Some(dialog) if dialog.sdp.is_none() => {
                    dialog.sdp = Some(sdp.clone());
                    News::EarlyMedia(sdp)
                }
                Some(dialog) if dialog.sdp.as_ref() != Some(&sdp) => News::Changed,
                _ => News::Nothing,
            },
        };
        let call = CallId::from(call);
        match news {
            News::Nothing => {}
            News::Ringing => self.event(Event::Ringing { call }),
            News::EarlyMedia(sdp) => self.event(Event::EarlyMedia { call, sdp }),
            News::Changed => self.cancel(now, &call, CallFailure::EarlyAnswerChanged),
        }
    }

    /// Cancels our INVITE of `call` because of `failure`: the call ends so once the CANCEL is
    /// through (RFC 3261 §9.1).
    pub(super) fn cancel(&mut self, now: Instant, call: &str, failure: CallFailure) {
        let Some(c) = self.call_mut(call).filter(|c| matches!(c.state, CallState::Calling | CallState::Early)) else { return };
        c.state = CallState::Cancelling;
        c.cancelled_for = Some(failure);
        let cancel = super::flow::cancel_for(&c.invite);
        self.send_request(now, cancel, Purpose::Cancel, Some(call.into()));
    }
}
