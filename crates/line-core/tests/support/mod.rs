//! The translation's test harness: the line's core with the phone's handles made up, SIP events
//! written as the SIP core reports them, and what came out read back in order. Shared by the
//! test files (`mod support;`), each of which uses a part.
#![allow(dead_code, unused_imports)]

pub use line_core::{is_transient, Answering, FarSdp, LineAction, LineCore, Warning};
pub use phone::reasons::{ConnectionProblem, MediaProblem, MediaWarning, TransferFailure};
pub use phone::{CallFailure, CallHandle, EndReason, Event};
pub use sip::{CallId, Command, CommandError, EndReason as SipEnd, Event as SipEvent, OfferRefusal, RegistrationFailure, Uri};

/// The caller's offer, as a PBX would send it (the core never reads it: the browser does).
pub const CALLER_SDP: &str = "v=0\r\no=caller 1 1 IN IP4 192.0.2.10\r\nm=audio 4000 RTP/SAVPF 0\r\n";
/// The far end's answer to our offer.
pub const FAR_SDP: &str = "v=0\r\no=far 1 1 IN IP4 192.0.2.20\r\nm=audio 4002 RTP/SAVPF 0\r\n";
/// An announcement played before the answer (early media).
pub const ANNOUNCEMENT: &str = "v=0\r\no=far 1 1 IN IP4 192.0.2.20\r\nm=audio 4004 RTP/SAVPF 0\r\na=sendonly\r\n";

/// A call as the phone names it.
pub fn call(number: u32) -> CallHandle {
    CallHandle::made_up(number)
}

/// A SIP Call-ID.
pub fn id(call_id: &str) -> CallId {
    CallId::from(call_id)
}

/// The line's core, and what it said so far.
pub struct Line {
    pub core: LineCore,
}

impl Line {
    /// A line that has not registered yet.
    pub fn new() -> Line {
        Line { core: LineCore::new() }
    }

    /// A line the PBX registered (what that said is read already).
    pub fn registered() -> Line {
        let mut line = Line::new();
        line.sip(SipEvent::Registered { expires: 600 });
        line.take();
        line
    }

    /// A registered line with call `handle` ringing in on `call_id`, named by the phone.
    pub fn with_call_ringing_in(handle: CallHandle, call_id: &str, offer: Option<&str>) -> Line {
        let mut line = Line::registered();
        line.sip(incoming(call_id, offer));
        line.core.ring(handle, call_id);
        line.take();
        line
    }

    /// A registered line with call `handle` placed and its INVITE out as `call_id`.
    pub fn with_call_placed(handle: CallHandle, call_id: &str) -> Line {
        let mut line = Line::registered();
        line.placed(handle, call_id);
        line
    }

    /// The phone places call `handle` and its INVITE goes out as `call_id` (what that said is
    /// read already).
    pub fn placed(&mut self, handle: CallHandle, call_id: &str) {
        self.core.place(handle);
        self.core.placed(handle, id(call_id));
        self.take();
    }

    /// A registered line with call `handle` established on `call_id` (placed and answered).
    pub fn with_call_up(handle: CallHandle, call_id: &str) -> Line {
        let mut line = Line::with_call_placed(handle, call_id);
        line.sip(SipEvent::Answered { call: id(call_id), sdp: FAR_SDP.into() });
        line.core.far_sdp_applied(handle, FarSdp::Answer);
        line.take();
        line
    }

    /// The SIP core reports `event`.
    pub fn sip(&mut self, event: SipEvent) -> &mut Line {
        self.core.handle_sip(event);
        self
    }

    /// What the phone was told since the last look, in order.
    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.core.poll_event()).collect()
    }

    /// What the browser was asked to do since the last look, in order.
    pub fn actions(&mut self) -> Vec<LineAction> {
        std::iter::from_fn(|| self.core.poll_action()).collect()
    }

    /// Reads (and forgets) everything said so far.
    pub fn take(&mut self) {
        self.events();
        self.actions();
    }
}

/// A call ringing in on `call_id` from 1002, "Margaret Hamilton".
pub fn incoming(call_id: &str, offer: Option<&str>) -> SipEvent {
    SipEvent::IncomingCall { call: id(call_id), number: "1002".into(), display_name: "Margaret Hamilton".into(), sdp: offer.map(str::to_owned), replaces: None }
}

/// The phone's event for that call.
pub fn told_incoming(call_id: &str) -> Event {
    Event::IncomingCall { call_id: call_id.into(), number: "1002".into(), display_name: "Margaret Hamilton".into(), replaces: None }
}

/// A SIP command for the browser to give the SIP core.
pub fn sip(command: Command) -> LineAction {
    LineAction::Sip(command)
}
