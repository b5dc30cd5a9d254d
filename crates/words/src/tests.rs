//! The words for each typed value, as an agent reads them.

use super::*;
use phone::{CallDirection, RecordRef, Time};

fn record() -> CallRecord {
    // 2026-11-29 10:02 UTC
    CallRecord::new(CallDirection::Inbound, "+1 415 555 0100".into(), None, Time::from_unix_millis(1_795_946_520_000))
}

#[test]
fn failures_are_worded_with_the_status_the_pbx_gave() {
    assert_eq!(registration_failure(&RegistrationFailure::Refused { status: 401 }, "1005"), "The PBX rejected the password for 1005 (401)");
    let not_found = CallFailure::Sip(SipCallFailure::Refused { status: 404 });
    assert_eq!(call_failure(&not_found), "The number does not exist or is not registered (404 Not Found)");
    assert_eq!(call_failure(&CallFailure::Sip(SipCallFailure::Refused { status: 499 })), "The call failed: 499");
    assert_eq!(
        registration_failure(&RegistrationFailure::Refused { status: 503 }, "1001"),
        "The PBX could not register 1001 right now (503 Service Unavailable); try again in a moment"
    );
    let failed = CallRecord { outcome: Some(CallOutcome::Failed(not_found)), ..record() };
    assert_eq!(task_description(&failed, LeftOut::default()), "Failed: The number does not exist or is not registered (404 Not Found)");
    assert_eq!(task_outcome(&CallOutcome::Failed(CallFailure::Worded("No route".into()))), "Failed");
}

#[test]
fn dialling_errors_read_as_advice() {
    assert_eq!(dial_error(&DialError::InvalidCharacter('@')), "\"@\" can't be part of a phone number; use digits, +, * or #.");
    assert_eq!(dial_error(&DialError::TooShort), "That number is too short: a digit may be missing.");
    let plan = DialPlan { dial: "914155550100".into(), extension: Some("123".into()) };
    assert_eq!(dial_plan(&plan), "914155550100, then extension 123");
    let notice = unknown_country(&UnknownCountry { code: "BR".into() });
    assert!(notice.contains("\"BR\"") && notice.contains("GB"), "{notice}");
}

#[test]
fn a_lost_connection_says_why_and_when_it_tries_again() {
    let closed = ConnectionProblem::Closed { url: "ws://127.0.0.1:8080".into(), code: 1006 };
    assert_eq!(
        reconnecting(&closed, Some(2), "1001"),
        "The connection to the PBX was lost (The PBX at ws://127.0.0.1:8080 cannot be reached.); trying again in 2 s."
    );
    let busy = ConnectionProblem::RegistrarRefused(RegistrationFailure::Refused { status: 503 });
    assert!(reconnecting(&busy, None, "1001").ends_with("try again in a moment Trying again."));
}

#[test]
fn the_label_tells_an_agent_glancing_at_the_bar_what_goes_on() {
    assert_eq!(label(&Label::ReadyToCall { who: "Ada Lovelace".into() }), "Call Ada Lovelace?");
    assert_eq!(label(&Label::Talking { who: "Ada".into(), held: true, talk_s: 65, others: 1 }), "On hold 01:05 Ada (+1)");
    assert_eq!(label(&Label::Ringing { who: "Bob".into(), waiting: true }), "Call waiting: Bob");
    assert_eq!(label(&Label::Idle(Idle::Busy)), "Phone: busy");
}

#[test]
fn outputs_that_went_away_are_named_once() {
    let gone = Notice::OutputGone { roles: vec![OutputRole::Speaker, OutputRole::Ringer], device: Some("Headset (USB)".into()) };
    assert_eq!(notice(&gone), "The audio output “Headset (USB)” was disconnected: calls now play and ring on the browser's default output.");
    let refused = Notice::OutputRefused { role: OutputRole::Ringer, device: None };
    assert_eq!(notice(&refused), "An audio output could not be used: the phone now rings on the browser's default output.");
}

#[test]
fn the_subject_gives_the_start_on_the_agents_calendar_and_names_its_zone() {
    let utc = LocalTime::utc(record().started_at);
    assert_eq!(task_subject(&record(), &utc), "Inbound call 2026-11-29 10:02 UTC +1 415 555 0100");
    // The evening before in California: the day an agent there lives.
    let pacific = LocalTime { date: "2026-11-29".into(), time: "02:02".into(), offset_min: -480 };
    assert_eq!(task_subject(&record(), &pacific), "Inbound call 2026-11-29 02:02 UTC-08:00 +1 415 555 0100");
    let india = LocalTime { date: "2026-11-29".into(), time: "15:32".into(), offset_min: 330 };
    assert!(task_subject(&record(), &india).contains("15:32 UTC+05:30"));
}

#[test]
fn outcome_values_fit_the_package_field() {
    let all = [
        CallOutcome::Answered,
        CallOutcome::Missed,
        CallOutcome::MissedBusy,
        CallOutcome::MissedAgentBusy,
        CallOutcome::MissedAway,
        CallOutcome::Declined,
        CallOutcome::Busy,
        CallOutcome::RemoteDeclined,
        CallOutcome::NoAnswer,
        CallOutcome::Cancelled,
        CallOutcome::Failed(CallFailure::NotRejoinedInTime),
    ];
    assert!(all.iter().all(|o| task_outcome(o).len() <= 20), "Softphone_Outcome__c is Text(20)");
}

#[test]
fn the_task_says_the_transfer_then_the_notes_then_how_the_call_sounded() {
    let quality = QualitySummary { grade: Grade::Poor, mos_tenths: 36, loss_permille: 80, jitter_ms: 30, round_trip_ms: Some(150) };
    let consult = CallRecord {
        transferred_to: Some("1002".into()),
        link: Some(CallLink::ConsultedFirst),
        notes: "Sent the quote.".into(),
        quality: Some(quality),
        ..record()
    };
    assert_eq!(
        task_description(&consult, LeftOut::default()),
        "Transferred to 1002 after a consultation.\nSent the quote.\nCall quality: poor (MOS 3.6; loss 8.0%, jitter 30 ms, round trip 150 ms)"
    );
    let without_rtt = QualitySummary { round_trip_ms: None, ..quality };
    assert_eq!(quality_line(&without_rtt), "Call quality: poor (MOS 3.6; loss 8.0%, jitter 30 ms)");
    let handed = CallRecord { link: Some(CallLink::Consultation { about: "Ada Lovelace".into(), handed_over: true }), ..record() };
    assert_eq!(task_description(&handed, LeftOut::default()), "Consultation about the call with Ada Lovelace, which was then transferred to this number.");
}

#[test]
fn what_salesforce_refused_is_named_in_the_description_instead() {
    let account = RecordRef { id: "001A".into(), name: "Analytical Engines".into(), object_type: "Account".into(), person_contact_id: None };
    let log = CallRecord { record: Some(account), disposition: "Wrong number".into(), notes: "Asked for Bob".into(), ..record() };
    assert_eq!(
        task_description(&log, LeftOut { record: true, disposition: true }),
        "About Analytical Engines (Account 001A).\nDisposition: Wrong number.\nAsked for Bob"
    );
    let cut_off = CallRecord { cut_off: true, outcome: Some(CallOutcome::Missed), ..record() };
    assert_eq!(task_description(&cut_off, LeftOut::default()), "The page was reloaded or closed during this call.");
    assert_eq!(task_disposition(&cut_off), None, "the outcome is not the agent's disposition");
}
