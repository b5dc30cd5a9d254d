//! What the line's core asks of the browser: media operations on a call's peer connection,
//! commands for the SIP core, and the line's own upkeep (the connection, the spare offer).

use phone::reasons::{MediaProblem, RegistrationFailure};
use phone::CallHandle;
use sip::{CallId, Command, CommandError, DropReason};

/// One operation for the browser runtime, in the order the core decided them. Not
/// `#[non_exhaustive]`: the runtime matches every one, so a new operation fails its build until
/// it is carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineAction {
    /// Give the SIP core this command.
    Sip(Command),
    /// Give call `call`'s peer connection the far end's description of its audio; tell the
    /// core how it went ([`crate::LineCore::far_sdp_applied`] or
    /// [`crate::LineCore::far_sdp_refused`]).
    ApplyFarSdp { call: CallHandle, sdp: String, kind: FarSdp },
    /// Answer the far end's re-INVITE or UPDATE on call `call` (SIP dialog `call_id`): its
    /// offer, or ours when it made none; then [`crate::LineCore::reoffer_answered`] or
    /// [`crate::LineCore::reoffer_refused`].
    AnswerReoffer { call: CallHandle, call_id: CallId, offer: Option<String> },
    /// The far end refused to put call `call` on hold (`held`) or to resume it: its peer
    /// connection goes back to how it was.
    WithdrawReoffer { call: CallHandle, held: bool },
    /// The line let go of call `call`: its audio stops.
    ReleaseMedia { call: CallHandle },
    /// No call needs the line: make the next call's offer ahead while idle.
    PrepareSpare,
    /// The connection was replaced while call `call` was up: re-INVITE it with a fresh offer
    /// so that the far end reaches us on the new one.
    MoveCall { call: CallHandle },
    /// The PBX accepted the registration: the connection is good (its backoff starts over).
    RegistrarAccepted,
    /// The PBX cannot register us for now: try the next PBX, or this one again after its
    /// Retry-After (seconds).
    TryAnotherRegistrar { failure: RegistrationFailure, retry_after_s: Option<u32> },
    /// The connection stopped answering keep-alives: drop it and connect again.
    Reconnect,
    /// The unregistration is done: the connection can close.
    Close,
    /// Something for the browser's console only; the agent needs to know nothing.
    Warn(Warning),
}

/// Which description of the far end's the browser is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FarSdp {
    /// An 18x's: a provisional answer (`pranswer`), early media.
    Early,
    /// The 2xx's answer to our INVITE.
    Answer,
    /// The ACK's answer to the offer in our 2xx (a delayed offer).
    AckAnswer,
    /// The answer to our re-INVITE (hold, resume, a move). One the browser refuses is only
    /// warned about: the call goes on.
    Reanswer,
}

/// What is worth a console line for support, and nothing more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// A frame from the PBX was dropped.
    Dropped(DropReason),
    /// The PBX refused our re-INVITE with this status, and it was no hold or resume.
    ChangeRefused { status: u16 },
    /// The SIP core refused a command (a click that raced the end of its call).
    CommandRefused(CommandError),
    /// The browser refused the far end's answer to our re-INVITE; the call goes on as it was.
    ReanswerRefused(MediaProblem),
}
