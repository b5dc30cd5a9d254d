//! Our reliable ringing (RFC 3262 §3): a caller that requires `100rel` gets our 180 with an
//! RSeq, sent again until its PRACK arrives; a PRACK for anything else is answered 481.

use crate::header::syntax::parse_u32;
use crate::header::CSeq;
use crate::message::{Method, Request};

use super::api::{CallFailure, CommandError, EndReason, Instant};
use super::dialog::{Resend, UnprackedResponse};
use super::incoming::dialog_response;
use super::timers::Timer;
use super::{requires, UserAgent};

/// The first RSeq of a call is random in 1..2^31 (RFC 3262 §3), leaving room to count up.
const RSEQ_FIRST_MAX: u64 = (1 << 31) - 1;

/// An `RAck` header: which reliable provisional response a PRACK acknowledges (RFC 3262
/// §7.2): its RSeq, then the CSeq of the request it answered.
struct RAck {
    rseq: u32,
    cseq: CSeq,
}

impl RAck {
    fn parse(value: &str) -> Option<RAck> {
        let (rseq, cseq) = value.trim().split_once([' ', '\t'])?;
        Some(RAck { rseq: parse_u32(rseq)?, cseq: CSeq::parse(cseq).ok()? })
    }
}

impl UserAgent {
    /// [`super::Command::Ring`]: 180 Ringing, reliably when the caller requires it.
    pub(super) fn ring(&mut self, now: Instant, call: &str) -> Result<(), CommandError> {
        let contact = self.contact(None);
        let first_rseq = 1 + self.random.next_u64() % RSEQ_FIRST_MAX;
        let c = self.incoming_call(call)?;
        if c.unpracked.is_some() {
            // One unacknowledged at a time (RFC 3262 §3): it is being sent again meanwhile.
            return Ok(());
        }
        let mut r = dialog_response(c, 180, contact);
        if !requires(&c.invite.headers, "100rel") {
            self.transmit(r.to_bytes());
            return Ok(());
        }
        c.rseq = if c.rseq == 0 { u32::try_from(first_rseq).unwrap_or(1) } else { c.rseq.wrapping_add(1) };
        r.headers.push("Require", "100rel");
        r.headers.push("RSeq", c.rseq);
        let bytes = r.to_bytes();
        let resend = Resend::new(bytes.clone(), now);
        let due = resend.due(now);
        c.unpracked = Some(UnprackedResponse { resend, rseq: c.rseq });
        self.timers.set(Timer::PrackWait(call.into()), due);
        self.transmit(bytes);
        Ok(())
    }

    /// A PRACK: 200 when it names the reliable provisional response we sent for this call's
    /// INVITE (again for a repeat), else 481 (RFC 3262 §3).
    pub(super) fn on_prack(&mut self, req: &Request, call_id: &str) {
        let rack = req.headers.get("RAck").and_then(RAck::parse);
        let Some(c) = self.call_mut(call_id) else { return self.respond(req, 481) };
        let invite_seq = c.invite.headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map(|s| s.seq);
        let ours = rack.filter(|r| c.rseq != 0 && r.rseq == c.rseq && Some(r.cseq.seq) == invite_seq && r.cseq.method == Method::Invite);
        let Some(rack) = ours else { return self.respond(req, 481) };
        if c.unpracked.as_ref().is_some_and(|u| u.rseq == rack.rseq) {
            c.unpracked = None;
            self.timers.clear(&Timer::PrackWait(call_id.into()));
        }
        self.respond(req, 200);
    }

    /// No PRACK yet for our reliable ringing: send it again, or, after 64*T1, refuse the call
    /// with a 5xx (RFC 3262 §3).
    pub(super) fn on_prack_wait(&mut self, now: Instant, call: &str) {
        let Some(c) = self.calls.iter_mut().find(|c| c.id == call) else { return };
        let Some(unpracked) = c.unpracked.as_mut() else { return };
        if !unpracked.resend.again(now) {
            c.unpracked = None;
            // Only a call still ringing here waits for the PRACK: refusing it cannot fail.
            let _ = self.reject_incoming(call, 504, EndReason::Failed(CallFailure::NotAcknowledged));
            return;
        }
        let bytes = unpracked.resend.bytes.clone();
        self.timers.set(Timer::PrackWait(call.into()), unpracked.resend.due(now));
        self.transmit(bytes);
    }
}
