//! The agent's words for what the phone and the line report as typed values: notices, why a
//! call or a registration failed, the utility item's label, the call's Task (subject,
//! disposition, description). The phone speaks no language; this is the one place that turns
//! its values into sentences, for every front end.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

use sip::message::reason_phrase;

use phone::dialing::{DialError, DialPlan};
use phone::numbering::{self, UnknownCountry};
use phone::outputs::OutputRole;
use phone::presence::Presence;
use phone::quality::{Grade, QualitySummary};
use phone::reasons::{
    CallFailure, CommandError, ConnectionProblem, CrmProblem, EndReason, MediaProblem, MediaWarning, MicrophoneProblem, OfferRefusal, RegistrationFailure, RejoinFailure,
    RelayProblem, SignInProblem, SipCallFailure, TransferFailure,
};
use phone::{AudioStatus, CallLink, CallOutcome, CallRecord, Idle, Label, LeftOut, LocalTime, Notice, OrgRefusal, OrgSignIn};

/// A notice for the agent.
pub fn notice(notice: &Notice) -> String {
    match notice {
        Notice::SignIn(problem) => sign_in(*problem).into(),
        Notice::Dial(e) => dial_error(e),
        Notice::NotRegistered => "The phone line is not connected; sign in first.".into(),
        Notice::NoRoom { max_calls: 1 } => "Finish the current call before calling another number.".into(),
        Notice::NoRoom { max_calls } => format!("You have {max_calls} calls, as many as this phone takes: end one before calling another number."),
        Notice::AnswerRingingFirst { who } => format!("Answer or decline the call from {who} first."),
        Notice::NotAnsweredYet { who } => format!("Your call with {who} is not answered yet: hang it up first."),
        Notice::NoNumberToLog => "Pick a number before logging a call.".into(),
        Notice::HoldRefused { held: true, status } => format!("The call could not be put on hold ({status}): the other side can still hear you."),
        Notice::HoldRefused { held: false, status } => format!("The call could not be taken off hold ({status}): try Resume again."),
        Notice::AnsweredElsewhere => "Answered elsewhere (another of your devices, or a colleague in the queue).".into(),
        Notice::CallFailed(failure) => call_failure(failure),
        Notice::ConsultationEnded { with, on_hold } => format!("The consultation with {with} ended. {on_hold} is on hold: choose Resume to go back."),
        Notice::TransferFailed(failure) => transfer_failure(*failure),
        Notice::TransferNotFollowed { by, to } => {
            format!("{by} asked to transfer you to {to}; the phone did not follow (not allowed here, or no room for another call).")
        }
        Notice::CutOffByReload { who } => format!("Your call with {who} was cut off when the page reloaded."),
        Notice::LostInReload { who, why } => format!("Your call with {who} was lost when the page reloaded: {}", rejoin_failure(why)),
        Notice::CallsBeforeOffline => "Finish the call before going offline.".into(),
        Notice::WrapUpSaved => "Your wrap-up notes were saved with the last call.".into(),
        Notice::LogNotSaved(problem) => format!("The call log was not saved: {} It is kept and will be saved again by itself.", crm_problem(problem)),
        Notice::OutputGone { roles, device } => format!("{} was disconnected: {}.", output_named(device.as_deref()), output_fallback(roles)),
        Notice::OutputRefused { role, device } => format!("{} could not be used: {}.", output_named(device.as_deref()), output_fallback(&[*role])),
        Notice::Microphone(problem) => microphone_problem(problem),
        Notice::Media(warning) => media_warning(warning),
        Notice::UnknownCountry(unknown) => unknown_country(unknown),
        Notice::DiagnosticsNotSaved => "The browser would not save the diagnostics file.".into(),
        _ => "Something needs your attention.".into(),
    }
}

fn sign_in(problem: SignInProblem) -> &'static str {
    match problem {
        SignInProblem::NoUser => "Enter your SIP user (your extension, e.g. 1001).",
        SignInProblem::BadUser => "A SIP user may contain only letters, digits, '.', '_', '-' and '+'.",
        SignInProblem::NoPassword => "Enter your SIP password.",
        _ => "Check your SIP user and password.",
    }
}

/// Why a number cannot be dialled, as advice.
pub fn dial_error(error: &DialError) -> String {
    match error {
        DialError::Empty => "Enter a number to call.".into(),
        DialError::InvalidCharacter(c) => format!("\"{c}\" can't be part of a phone number; use digits, +, * or #."),
        DialError::MisplacedPlus => "A \"+\" may only stand at the start of the number.".into(),
        DialError::TooLong => "That number is too long to be a phone number.".into(),
        DialError::TooShort => "That number is too short: a digit may be missing.".into(),
        DialError::ExtensionNotPossible => "An extension can't be keyed in here; use the number without it.".into(),
    }
}

/// What will be dialled, e.g. "914155550100, then extension 123".
pub fn dial_plan(plan: &DialPlan) -> String {
    match &plan.extension {
        Some(extension) => format!("{}, then extension {extension}", plan.dial),
        None => plan.dial.clone(),
    }
}

/// The admin's notice for a home country without a numbering plan.
pub fn unknown_country(unknown: &UnknownCountry) -> String {
    let known: Vec<&str> = numbering::known_countries().collect();
    format!(
        "Numbers with a + are passed to the PBX as written: the Call Center's home country \"{}\" is not one this softphone knows ({}). Ask your Salesforce admin to check homeCountry.",
        unknown.code,
        known.join(", ")
    )
}

/// `486 Busy Here`: the status with its standard reason phrase.
fn status_text(status: u16) -> String {
    let phrase = reason_phrase(status);
    if phrase.is_empty() {
        status.to_string()
    } else {
        format!("{status} {phrase}")
    }
}

/// Why a call failed.
pub fn call_failure(failure: &CallFailure) -> String {
    match failure {
        CallFailure::Sip(failure) => sip_call_failure(*failure),
        CallFailure::Media(problem) => media_problem(problem),
        CallFailure::Command(error) => command_refused(*error).into(),
        CallFailure::TransferFromGone => "The call to transfer to ended first.".into(),
        CallFailure::DialogNotKept => "the call's connection details were not kept.".into(),
        CallFailure::NotRejoinedInTime => "you did not sign in again within two minutes.".into(),
        CallFailure::Worded(text) => text.clone(),
        _ => "The call failed.".into(),
    }
}

fn sip_call_failure(failure: SipCallFailure) -> String {
    match failure {
        SipCallFailure::Refused { status: status @ (404 | 604) } => format!("The number does not exist or is not registered ({})", status_text(status)),
        SipCallFailure::Refused { status: status @ (401 | 403 | 407) } => format!("The PBX refused the call ({}): check your sign-in", status_text(status)),
        SipCallFailure::Refused { status } => format!("The call failed: {}", status_text(status)),
        SipCallFailure::Lost { status } => format!("The call was lost ({})", status_text(status)),
        SipCallFailure::NoResponse => "The PBX did not answer the call (timeout)".into(),
        SipCallFailure::ConnectionLost => "The connection to the PBX was lost while the call was being set up".into(),
        SipCallFailure::NotAcknowledged => "The caller's side never confirmed the call's setup".into(),
        SipCallFailure::RefreshUnanswered => "The PBX stopped answering during the call (session refresh timed out)".into(),
        SipCallFailure::SessionExpired => "The far end stopped refreshing the call (session timer expired)".into(),
        SipCallFailure::MissingAnswer => "The other side took the call without saying how to send its audio, so it was hung up".into(),
        SipCallFailure::EarlyAnswerChanged => {
            "The other side changed its audio setup before answering, which is not allowed, so the call was cancelled".into()
        }
    }
}

/// Why a command to the line was not carried out (a click that raced the call's end, say).
fn command_refused(error: CommandError) -> &'static str {
    match error {
        CommandError::UnknownCall => "that call is over",
        CommandError::WrongState => "the call is not in a state for that",
        CommandError::NothingPending => "nothing is waiting for that answer",
        CommandError::NotADigit => "not a keypad digit",
        CommandError::TransferPending => "a transfer of this call is already under way",
    }
}

fn rejoin_failure(why: &RejoinFailure) -> String {
    match why {
        RejoinFailure::Failed(failure) => call_failure(failure),
        _ => "the other side did not take the call back.".into(),
    }
}

/// Why registering `user` failed.
pub fn registration_failure(failure: &RegistrationFailure, user: &str) -> String {
    match failure {
        RegistrationFailure::Refused { status: status @ (401 | 403 | 407) } => format!("The PBX rejected the password for {user} ({status})"),
        RegistrationFailure::Refused { status: 404 } => format!("The PBX does not know the user {user} (404)"),
        RegistrationFailure::Refused { status: 423 } => format!("The PBX wants a longer registration than it accepts ({})", status_text(423)),
        RegistrationFailure::Refused { status } if *status >= 500 => {
            format!("The PBX could not register {user} right now ({}); try again in a moment", status_text(*status))
        }
        RegistrationFailure::Refused { status } => format!("The PBX refused to register {user} ({})", status_text(*status)),
        RegistrationFailure::ForeignRealm { realm, .. } => format!(
            "The PBX asked for the password of realm \"{}\" instead of the SIP domain {}, so the password was not used. Ask your admin to check the PBX and the SIP domain.",
            realm.offered, realm.expected
        ),
        RegistrationFailure::NoResponse => "The PBX did not answer the registration (timeout)".into(),
    }
}

/// Why the phone is connecting again, and when it tries next.
pub fn reconnecting(problem: &ConnectionProblem, retry_in_s: Option<u64>, user: &str) -> String {
    let why = match problem {
        ConnectionProblem::RegistrarRefused(failure) => return format!("{} Trying again.", registration_failure(failure, user)),
        ConnectionProblem::Closed { url, code: 1000 } => format!("The PBX at {url} closed the connection."),
        ConnectionProblem::Closed { url, code: 1006 } => format!("The PBX at {url} cannot be reached."),
        ConnectionProblem::Closed { url, code } => format!("The connection to {url} closed (code {code})."),
        ConnectionProblem::NotOpened { url, detail } => format!("Could not open {url}: {detail}"),
        ConnectionProblem::Unresponsive => "The PBX stopped answering on this connection.".into(),
        _ => "The connection to the PBX dropped.".into(),
    };
    match retry_in_s {
        Some(secs) => format!("The connection to the PBX was lost ({why}); trying again in {secs} s."),
        None => format!("The connection to the PBX was lost ({why}); trying again."),
    }
}

/// Why a transfer did not happen, from the status the transfer target (or the far end) gave.
pub fn transfer_failure(failure: TransferFailure) -> String {
    let status = failure.status;
    let why = match status {
        486 | 600 => "the number is busy",
        603 => "it was declined",
        404 | 604 => "the number does not exist or is not registered",
        408 | 480 | 487 => "nobody answered",
        405 | 501 => "the other party's phone cannot transfer calls",
        481 | 491 => "the call changed while transferring",
        _ => "it was refused",
    };
    format!("The transfer failed: {why} ({status}). The call is still yours.")
}

/// Why the browser could not give a call audio.
pub fn media_problem(problem: &MediaProblem) -> String {
    match problem {
        MediaProblem::MicrophoneBlocked { detail } => format!(
            "The microphone is blocked ({detail}). Allow it for this phone in the browser's site settings (the lock icon in the address bar), then reload."
        ),
        MediaProblem::PeerConnection { detail } => format!("The call's audio could not be set up: {detail}"),
        MediaProblem::NoRelay(problem) => relay_problem(problem),
        MediaProblem::Offer(OfferRefusal::Transport) => {
            "The other side offered unencrypted audio, which a browser phone cannot play: the PBX needs its WebRTC edge (DTLS-SRTP) for this call.".into()
        }
        MediaProblem::Offer(OfferRefusal::MediaFormat) => {
            "The other side offered no audio format this phone can play (it takes Opus, G.711 or G.722): the PBX's codecs need checking.".into()
        }
        MediaProblem::Offer(OfferRefusal::Other) => "The other side's call setup could not be used for audio: the browser refused it.".into(),
        _ => "The call's audio could not be set up.".into(),
    }
}

/// Why audio cannot be relayed (TURN).
pub fn relay_problem(problem: &RelayProblem) -> String {
    match problem {
        RelayProblem::NoOrgCredential => {
            "Salesforce has not given the phone a TURN credential (sign in with Salesforce), so audio cannot be relayed.".into()
        }
        RelayProblem::CredentialsUnavailable { detail } => {
            format!("The TURN server's credentials could not be fetched ({detail}), so audio cannot be relayed.")
        }
        RelayProblem::Refused { turn: Some(e) } => {
            format!("The TURN server refused to relay the call's audio: {e}. Ask your admin to check the TURN user and password.")
        }
        RelayProblem::Refused { turn: None } => {
            "The TURN server gave no relay address for the call's audio (no answer from it). Ask your admin to check the TURN server.".into()
        }
        _ => "Audio cannot be relayed.".into(),
    }
}

/// Something about a call's audio; the call goes on.
pub fn media_warning(warning: &MediaWarning) -> String {
    match warning {
        MediaWarning::NoRelay(problem) => relay_problem(problem),
        MediaWarning::NoAudioPath { turn } => {
            let turn = turn.as_ref().map(|e| format!(" (the TURN server {e})")).unwrap_or_default();
            format!("No audio path to the other side: the network blocked it{turn}. Ask your admin about the TURN server.")
        }
        MediaWarning::ChangeRefused(problem) => {
            format!("The other side tried to change the call and could not: {} The call goes on as before.", media_problem(problem))
        }
        _ => "The call's audio has a problem.".into(),
    }
}

fn microphone_problem(problem: &MicrophoneProblem) -> String {
    match problem {
        MicrophoneProblem::Gone => "Your microphone was disconnected: the phone now uses the browser's default microphone.".into(),
        MicrophoneProblem::Unavailable(problem) => media_problem(problem),
        _ => "The microphone could not be used.".into(),
    }
}

/// "The audio output “Headset”", or "An audio output" when the browser named none.
fn output_named(label: Option<&str>) -> String {
    match label {
        Some(label) => format!("The audio output “{label}”"),
        None => "An audio output".into(),
    }
}

fn output_fallback(roles: &[OutputRole]) -> &'static str {
    match roles {
        [OutputRole::Speaker] => "calls now play on the browser's default output",
        [OutputRole::Ringer] => "the phone now rings on the browser's default output",
        _ => "calls now play and ring on the browser's default output",
    }
}

/// What the CRM answered when it did not do what was asked.
pub fn crm_problem(problem: &CrmProblem) -> String {
    match problem {
        CrmProblem::NoAnswer { asked, after_s } => format!("Salesforce did not answer {asked} within {after_s} seconds."),
        CrmProblem::Refused { asked, detail } => format!("Salesforce refused {asked}: {detail}"),
        CrmProblem::Unreadable { asked, detail } => format!("Salesforce's answer to {asked} was not understood: {detail}"),
        CrmProblem::Other { detail } => detail.clone(),
        _ => "Salesforce did not do it.".into(),
    }
}

/// One sentence on where signing in with Salesforce stands, when the agent should know.
pub fn org_sign_in(state: &OrgSignIn, signed_in: bool, user: &str) -> Option<String> {
    match state {
        OrgSignIn::Asking { pbx_refused: Some(failure), .. } => Some(format!(
            "The phone system refused your sign-in from Salesforce ({}); trying once more with fresh credentials.",
            registration_failure(failure, user)
        )),
        OrgSignIn::Asking { .. } if !signed_in => Some("Signing you in with Salesforce…".into()),
        OrgSignIn::Waiting { reason, .. } => {
            let what = if signed_in { "to renew your sign-in" } else { "to sign you in" };
            Some(format!("Waiting for Salesforce {what} ({}); the phone asks again by itself, waiting longer each time.", crm_problem(reason)))
        }
        OrgSignIn::Refused(refusal) => Some(org_refusal(refusal).into()),
        _ => None,
    }
}

/// Why Salesforce gives no credentials, and who can change that.
pub fn org_refusal(refusal: &OrgRefusal) -> &'static str {
    match refusal {
        OrgRefusal::NoPackage => "Salesforce can't sign you in: the softphone package is not installed, or its permission set is not assigned to you.",
        OrgRefusal::NoExtension => "Salesforce can't sign you in: your user has no phone extension yet (your admin sets Softphone Extension on your user).",
        OrgRefusal::BadExtension => "Salesforce can't sign you in: the phone extension on your user is not a valid SIP user (your admin can correct it).",
        OrgRefusal::NotConfigured => "Salesforce can't sign you in: your admin has not set up the softphone's secret yet.",
        OrgRefusal::PbxRefused(_) => {
            "The phone system refused your sign-in from Salesforce twice: its clock or its secret may differ from the org's (tell your admin)."
        }
        _ => "Salesforce can't sign you in.",
    }
}

/// The presence as the agent reads it.
pub fn presence(presence: Presence) -> &'static str {
    match presence {
        Presence::Available => "Available",
        Presence::Busy => "Busy",
        Presence::Away => "Away",
        Presence::Offline => "Offline",
    }
}

/// The utility item's label.
pub fn label(label: &Label) -> String {
    let with_others = |text: String, others: usize| if others > 0 { format!("{text} (+{others})") } else { text };
    match label {
        Label::Idle(idle) => idle_label(*idle).into(),
        Label::ReadyToCall { who } => format!("Call {who}?"),
        Label::Calling { who, others } => with_others(format!("Calling {who}"), *others),
        Label::Ringing { who, waiting: true } => format!("Call waiting: {who}"),
        Label::Ringing { who, waiting: false } => format!("Incoming call: {who}"),
        Label::Rejoining { who, others } => with_others(format!("Rejoining {who}"), *others),
        Label::Talking { who, held, talk_s, others } => {
            let state = if *held { "On hold" } else { "On call" };
            with_others(format!("{state} {:02}:{:02} {who}", talk_s / 60, talk_s % 60), *others)
        }
        Label::WrapUp => "Wrap-up".into(),
        _ => "Phone".into(),
    }
}

fn idle_label(idle: Idle) -> &'static str {
    match idle {
        Idle::SignedOut => "Phone: signed out",
        Idle::Offline => "Phone: offline",
        Idle::Connecting => "Phone: connecting",
        Idle::Reconnecting => "Phone: reconnecting",
        Idle::Ready => "Phone: ready",
        Idle::Busy => "Phone: busy",
        Idle::Away => "Phone: away",
        _ => "Phone",
    }
}

/// How the call sounds now.
pub fn audio_status(status: AudioStatus) -> String {
    match status {
        AudioStatus::Silent { seconds } => {
            format!("No audio from the other side for {seconds} s: check your connection, or ask whether they hear you.")
        }
        AudioStatus::Poor { loss_percent, jitter_ms } => format!("Poor connection: {loss_percent}% of the audio lost, {jitter_ms} ms jitter."),
        AudioStatus::Good => "Connection good".into(),
    }
}

/// A call-quality grade as a word.
pub fn grade(grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent => "excellent",
        Grade::Good => "good",
        Grade::Fair => "fair",
        Grade::Poor => "poor",
        Grade::Bad => "bad",
    }
}

/// A figure kept in tenths, with one decimal: 41 is "4.1".
pub fn tenths(value: u32) -> String {
    format!("{}.{}", value / 10, value % 10)
}

/// The Task's quality line, e.g. "Call quality: good (MOS 4.1; loss 0.3%, jitter 6 ms, round trip 42 ms)".
pub fn quality_line(summary: &QualitySummary) -> String {
    let round_trip = summary.round_trip_ms.map(|ms| format!(", round trip {ms} ms")).unwrap_or_default();
    format!(
        "Call quality: {} (MOS {}; loss {}%, jitter {} ms{round_trip})",
        grade(summary.grade),
        tenths(u32::from(summary.mos_tenths)),
        tenths(summary.loss_permille),
        summary.jitter_ms
    )
}

/// How a call ended, for the diagnostics file's event log (support reads it, with the SIP
/// messages beside it).
pub fn end_reason(reason: &EndReason) -> String {
    match reason {
        EndReason::LocalHangup => "hung up here".into(),
        EndReason::RemoteHangup => "the other side hung up".into(),
        EndReason::Missed => "missed".into(),
        EndReason::AnsweredElsewhere => "answered elsewhere".into(),
        EndReason::Declined => "declined here".into(),
        EndReason::Busy => "the other side was busy".into(),
        EndReason::RemoteDeclined => "the other side declined".into(),
        EndReason::NoAnswer => "no answer".into(),
        EndReason::Transferred => "transferred".into(),
        EndReason::Replaced => "replaced by another call".into(),
        EndReason::Failed(why) => format!("failed: {}", call_failure(why)),
        _ => "ended".into(),
    }
}

/// A Task's subject, e.g. "Outbound call 2026-11-24 02:02 UTC-08:00 +1 415 555 0100": the call's
/// start (`started`) on the agent's calendar, naming its zone.
pub fn task_subject(record: &CallRecord, started: &LocalTime) -> String {
    format!("{} call {} {} {} {}", record.direction.as_str(), started.date, started.time, zone(started.offset_min), record.number)
}

/// "UTC", or "UTC-08:00", "UTC+05:30": a zone by its offset, as a Task subject names it.
fn zone(offset_min: i32) -> String {
    if offset_min == 0 {
        return "UTC".into();
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let minutes = offset_min.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// What became of a call by itself, as its Task's outcome (the org package's
/// `Softphone_Outcome__c`, Text(20), which its reports filter on: "Answered"; else an
/// "Outcome:" line of the description). Why a call failed is the description's first line.
pub fn task_outcome(outcome: &CallOutcome) -> &'static str {
    match outcome {
        CallOutcome::Answered => "Answered",
        CallOutcome::Missed => "Missed",
        CallOutcome::MissedBusy => "Missed (busy)",
        CallOutcome::MissedAgentBusy => "Missed (agent busy)",
        CallOutcome::MissedAway => "Missed (away)",
        CallOutcome::Declined => "Declined",
        CallOutcome::Busy => "Busy",
        CallOutcome::RemoteDeclined => "Declined by callee",
        CallOutcome::NoAnswer => "No answer",
        CallOutcome::Cancelled => "Cancelled",
        CallOutcome::Failed(_) => "Failed",
        _ => "Not answered",
    }
}

/// A Task's disposition: the one the agent chose, if any.
pub fn task_disposition(record: &CallRecord) -> Option<String> {
    (!record.disposition.is_empty()).then(|| record.disposition.clone())
}

/// A Task's description: what Salesforce refused on an earlier try (the record, the
/// disposition), the transfer or consultation, the agent's notes, how the call sounded, and
/// whether a page reload cut it off.
pub fn task_description(record: &CallRecord, left_out: LeftOut) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(CallOutcome::Failed(why)) = &record.outcome {
        lines.push(format!("Failed: {}", call_failure(why)));
    }
    if left_out.record {
        for r in record.record.iter().chain(&record.about) {
            lines.push(format!("About {} ({} {}).", r.name, r.object_type, r.id));
        }
    }
    if let Some(disposition) = task_disposition(record).filter(|_| left_out.disposition) {
        lines.push(format!("Disposition: {disposition}."));
    }
    lines.extend(link_line(record));
    if !record.notes.is_empty() {
        lines.push(record.notes.clone());
    }
    if record.cut_off {
        lines.push("The page was reloaded or closed during this call.".into());
    }
    if let Some(quality) = &record.quality {
        lines.push(quality_line(quality));
    }
    lines.join("\n")
}

/// What the Task says of the call's transfer or consultation.
fn link_line(record: &CallRecord) -> Option<String> {
    let to = record.transferred_to.as_deref();
    Some(match (&record.link, to) {
        (Some(CallLink::ConsultedFirst), Some(to)) => format!("Transferred to {to} after a consultation."),
        (Some(CallLink::TransferAsked), Some(to)) => format!("The other party asked to be transferred to {to}; the phone called {to}."),
        (Some(CallLink::Consultation { about, handed_over: true }), _) => {
            format!("Consultation about the call with {about}, which was then transferred to this number.")
        }
        (Some(CallLink::Consultation { about, handed_over: false }), _) => format!("Consultation about the call with {about}."),
        (Some(CallLink::AskedBy { by }), _) => format!("Called because the other party of the call with {by} asked to be transferred here."),
        (_, Some(to)) => format!("Transferred to {to}."),
        (_, None) => return None,
    })
}

#[cfg(test)]
mod tests;
