//! The calls on the line: the one link between the phone's call handles and the SIP core's
//! Call-IDs. A call ringing in is an [`Offer`] (known by Call-ID) until the phone names it or
//! refuses it; a call we place has a handle from the start and its Call-ID once the SIP core
//! names it.

use phone::{CallHandle, EndReason};
use sip::CallId;

/// One call the line carries.
pub(crate) struct LineCall {
    pub handle: CallHandle,
    /// Its SIP Call-ID, once the INVITE went out or came in.
    pub call_id: Option<CallId>,
    /// A call ringing in, until the agent answers it.
    pub ringing: Option<Ringing>,
    /// A hold (`true`) or resume asked of the far end, until it answers the re-INVITE.
    pub hold_change: Option<bool>,
}

/// What a call ringing in brought, until the agent answers.
pub(crate) struct Ringing {
    /// The caller's offer, or none (a delayed offer: our answer carries our offer).
    pub offer: Option<String>,
}

/// A call ringing in that the phone has not named yet.
pub(crate) struct Offer {
    pub call_id: CallId,
    /// The caller's SDP offer, if its INVITE had one.
    pub sdp: Option<String>,
    /// The caller gave up before the phone named the call: told to the phone when it does.
    pub ended: Option<EndReason>,
}

/// Offers kept at most: the phone answers each at once, so more means it never will.
const OFFERS_KEPT: usize = 8;

#[derive(Default)]
pub(crate) struct CallTable {
    calls: Vec<LineCall>,
    offers: Vec<Offer>,
}

impl CallTable {
    pub fn get(&self, handle: CallHandle) -> Option<&LineCall> {
        self.calls.iter().find(|c| c.handle == handle)
    }

    pub fn get_mut(&mut self, handle: CallHandle) -> Option<&mut LineCall> {
        self.calls.iter_mut().find(|c| c.handle == handle)
    }

    pub fn by_call_id(&self, call_id: &str) -> Option<&LineCall> {
        self.calls.iter().find(|c| c.call_id.as_deref() == Some(call_id))
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    pub fn add(&mut self, call: LineCall) {
        self.calls.push(call);
    }

    pub fn remove(&mut self, handle: CallHandle) -> Option<LineCall> {
        let at = self.calls.iter().position(|c| c.handle == handle)?;
        Some(self.calls.remove(at))
    }

    pub fn keep_offer(&mut self, offer: Offer) {
        if self.offers.len() >= OFFERS_KEPT {
            self.offers.remove(0);
        }
        self.offers.push(offer);
    }

    pub fn offer_mut(&mut self, call_id: &str) -> Option<&mut Offer> {
        self.offers.iter_mut().find(|o| o.call_id == call_id)
    }

    pub fn take_offer(&mut self, call_id: &str) -> Option<Offer> {
        let at = self.offers.iter().position(|o| o.call_id == call_id)?;
        Some(self.offers.remove(at))
    }

    /// Signed out: no call is the line's any more.
    pub fn clear(&mut self) {
        self.calls.clear();
        self.offers.clear();
    }
}
