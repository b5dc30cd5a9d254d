//! The outbox's behaviour: each call becomes exactly one Task whatever Salesforce does.

use super::*;
use crate::log::{CallDirection, RecordRef};
use crate::tests::{at, crm};

fn call(call_id: &str) -> CallRecord {
    CallRecord {
        direction: CallDirection::Outbound,
        number: "+1 415 555 0100".into(),
        record: Some(RecordRef { id: "001A".into(), name: "Analytical Engines".into(), object_type: "Account".into(), person_contact_id: None }),
        about: None,
        outcome: None,
        started_at: at(1_000),
        duration_s: 42,
        call_id: Some(call_id.into()),
        screen_pop: None,
        log_attempt: None,
        disposition: String::new(),
        notes: String::new(),
        transferred_to: None,
        quality: None,
        link: None,
        cut_off: false,
    }
}

fn creates(work: &[Work]) -> usize {
    work.iter().filter(|w| matches!(w, Work::Save { existing_id: None, .. })).count()
}

fn queued(outbox: &mut Outbox, call_id: &str) -> u32 {
    match outbox.queue(call(call_id), None, at(0)) {
        Work::Save { id, .. } => id,
        other => panic!("expected a save, got {other:?}"),
    }
}

#[test]
fn backoff_doubles_from_two_seconds_up_to_five_minutes() {
    let schedule: Vec<u64> = (0..10).map(backoff_ms).collect();
    assert_eq!(schedule, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    assert_eq!(backoff_ms(u32::MAX), MAX_RETRY_MS);
}

#[test]
fn a_failed_save_is_retried_by_itself_after_a_jittered_backoff() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    outbox.failed(id, crm("Salesforce is down"), at(10_000));
    let Stage::Waiting { due } = outbox.logs()[0].stage.clone() else { panic!("waiting") };
    // First retry: 2 s, less up to half of it.
    assert!((at(11_000)..=at(12_000)).contains(&due), "due at {due:?}");
    assert!(outbox.due(at(due.unix_millis() - 1)).is_empty(), "not before its time");
    assert_eq!(creates(&outbox.due(due)), 1);
    outbox.failed(id, crm("still down"), at(20_000));
    let Stage::Waiting { due } = outbox.logs()[0].stage.clone() else { panic!("waiting") };
    assert!((at(22_000)..=at(24_000)).contains(&due), "second retry after 2-4 s, due at {due:?}");
}

#[test]
fn jitter_spreads_phones_that_failed_at_the_same_moment() {
    let dues: Vec<u64> = (1..=8)
        .map(|seed| {
            let mut outbox = Outbox::default();
            outbox.seed(seed * 7_919);
            let id = queued(&mut outbox, "c1");
            for _ in 0..4 {
                outbox.failed(id, crm("down"), at(0));
            }
            match outbox.logs()[0].stage {
                Stage::Waiting { due } => due.unix_millis(),
                _ => 0,
            }
        })
        .collect();
    let mut distinct = dues.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 6, "retries should not all fall on the same moment: {dues:?}");
    assert!(dues.iter().all(|d| (8_000..=16_000).contains(d)), "fourth retry within 8-16 s: {dues:?}");
}

#[test]
fn a_late_callback_after_a_timeout_counts_and_nothing_is_created_again() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(10_000));
    assert!(outbox.due(at(20_000)).is_empty(), "waits for the late answer");
    assert_eq!(outbox.saved(id, "00T1".into(), at(25_000)), None);
    assert!(outbox.logs().is_empty(), "the late answer settles it");
    assert!(outbox.set_package(Package::Missing, at(60_000)).is_empty());
    assert!(outbox.due(at(600_000)).is_empty(), "never created a second time");
}

#[test]
fn with_the_package_an_unknown_outcome_is_looked_up_by_call_id_and_the_task_found_is_kept() {
    let mut outbox = Outbox::default();
    outbox.set_package(Package::Installed, at(0));
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(10_000));
    assert!(outbox.due(at(LATE_WINDOW_MS - 1)).is_empty(), "the late answer has its chance first");
    assert_eq!(outbox.due(at(LATE_WINDOW_MS)), vec![Work::Find { id, call_object: "c1".into() }]);
    assert_eq!(outbox.found(id, Some("00T7".into()), at(LATE_WINDOW_MS + 5)), None);
    assert!(outbox.logs().is_empty(), "found: no second Task");
}

#[test]
fn with_the_package_a_create_that_never_landed_is_made_once_after_the_lookup() {
    let mut outbox = Outbox::default();
    outbox.set_package(Package::Installed, at(0));
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(10_000));
    outbox.due(at(LATE_WINDOW_MS));
    let again = outbox.found(id, None, at(LATE_WINDOW_MS + 5));
    assert!(matches!(again, Some(Work::Save { existing_id: None, .. })), "created again: {again:?}");
    assert_eq!(outbox.found(id, None, at(LATE_WINDOW_MS + 6)), None, "a repeated answer creates nothing more");
}

#[test]
fn a_lookup_that_fails_is_asked_again_later_never_turned_into_a_create() {
    let mut outbox = Outbox::default();
    outbox.set_package(Package::Installed, at(0));
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(0));
    outbox.due(at(LATE_WINDOW_MS));
    outbox.lookup_failed(id, crm("runApex timed out"), at(LATE_WINDOW_MS));
    let next = outbox.due(at(LATE_WINDOW_MS + 2_000));
    assert_eq!(next, vec![Work::Find { id, call_object: "c1".into() }]);
}

#[test]
fn without_the_package_an_unknown_outcome_waits_for_the_late_answer_then_creates_again() {
    let mut outbox = Outbox::default();
    outbox.set_package(Package::Missing, at(0));
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(10_000));
    assert!(outbox.retry_now(at(11_000)).is_empty(), "Retry does not risk a duplicate while the answer may come");
    assert!(outbox.due(at(LATE_WINDOW_MS - 1)).is_empty());
    assert_eq!(creates(&outbox.due(at(LATE_WINDOW_MS))), 1, "nothing lost: created again after the bound");
}

#[test]
fn while_the_package_is_not_known_yet_an_unknown_outcome_waits() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(0));
    assert!(outbox.due(at(LATE_WINDOW_MS * 3)).is_empty());
    assert_eq!(outbox.set_package(Package::Installed, at(LATE_WINDOW_MS * 3)), vec![Work::Find { id, call_object: "c1".into() }]);
}

#[test]
fn manual_retry_sends_failed_logs_at_once() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    outbox.failed(id, crm("down"), at(0));
    assert_eq!(creates(&outbox.retry_now(at(1))), 1);
    assert!(outbox.retry_now(at(2)).is_empty(), "not twice while on its way");
}

#[test]
fn a_wrap_up_change_while_the_outcome_is_unknown_updates_the_task_found() {
    let mut outbox = Outbox::default();
    outbox.set_package(Package::Installed, at(0));
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(0));
    let mut wrapped = call("c1");
    wrapped.disposition = "Resolved".into();
    assert_eq!(outbox.update(id, wrapped, at(1_000)), None, "no second create while the first may land");
    outbox.due(at(LATE_WINDOW_MS));
    let update = outbox.found(id, Some("00T7".into()), at(LATE_WINDOW_MS));
    match update {
        Some(Work::Save { existing_id, record, .. }) => {
            assert_eq!((existing_id.as_deref(), record.disposition.as_str()), (Some("00T7"), "Resolved"));
        }
        other => panic!("expected an update, got {other:?}"),
    }
}

#[test]
fn a_late_callback_for_a_create_whose_record_changed_since_sends_the_change_as_an_update() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    outbox.timed_out(id, crm("no answer"), at(0));
    let mut wrapped = call("c1");
    wrapped.notes = "Call back Monday".into();
    outbox.update(id, wrapped, at(1_000));
    match outbox.saved(id, "00T1".into(), at(2_000)) {
        Some(Work::Save { existing_id, record, .. }) => {
            assert_eq!((existing_id.as_deref(), record.notes.as_str()), (Some("00T1"), "Call back Monday"))
        }
        other => panic!("expected an update, got {other:?}"),
    }
}

#[test]
fn a_refused_related_record_is_retried_once_without_it_and_named_in_the_description() {
    let mut outbox = Outbox::default();
    let id = queued(&mut outbox, "c1");
    let retry = outbox.rejected(id, crm("FIELD_INTEGRITY_EXCEPTION"), Rejection::RelatedRecord, at(5));
    let Some(Work::Save { left_out, .. }) = retry else { panic!("retried at once") };
    assert_eq!(left_out, LeftOut { record: true, disposition: false }, "the Task names the record instead");
    // Refused again: no more to leave out, so it waits for a retry like any failure.
    assert_eq!(outbox.rejected(id, crm("FIELD_INTEGRITY_EXCEPTION"), Rejection::RelatedRecord, at(6)), None);
    assert!(matches!(outbox.logs()[0].stage, Stage::Waiting { .. }));
}

#[test]
fn a_refused_disposition_is_left_out_and_written_in_the_description() {
    let mut outbox = Outbox::default();
    let mut record = call("c1");
    record.disposition = "Wrong number".into();
    record.notes = "Asked for Bob".into();
    let Work::Save { id, .. } = outbox.queue(record, None, at(0)) else { panic!("save") };
    let retry = outbox.rejected(id, crm("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"), Rejection::Disposition, at(5));
    let Some(Work::Save { record, left_out, .. }) = retry else { panic!("retried at once") };
    assert_eq!(left_out, LeftOut { record: true, disposition: true }, "the Task names both instead");
    assert_eq!((record.disposition.as_str(), record.notes.as_str()), ("Wrong number", "Asked for Bob"), "the log itself keeps them");
}

#[test]
fn replay_after_a_restart_sends_what_waited_and_treats_a_create_on_its_way_as_unknown() {
    let mut before = Outbox::default();
    let failed = queued(&mut before, "c1");
    before.failed(failed, crm("down"), at(0));
    queued(&mut before, "c2"); // on its way when the page went away
    let stored: Vec<PendingLog> = before.logs().iter().map(|log| PendingLog::from_value(&log.to_value()).expect("read back")).collect();

    let mut after = Outbox::default();
    after.restore(stored);
    after.set_package(Package::Installed, at(0));
    let first = after.due(at(5_000));
    assert_eq!(creates(&first), 1, "the failed log is sent again: {first:?}");
    let looked_up = after.due(at(LATE_WINDOW_MS));
    assert!(matches!(looked_up.as_slice(), [Work::Find { call_object, .. }] if call_object == "c2"), "{looked_up:?}");
}

#[test]
fn replay_of_an_update_on_its_way_simply_sends_it_again() {
    let mut before = Outbox::default();
    before.queue(call("c1"), Some("00T1".into()), at(0));
    let mut after = Outbox::default();
    after.restore(before.logs().to_vec());
    assert!(matches!(after.due(at(1)).as_slice(), [Work::Save { existing_id: Some(_), .. }]));
}

#[test]
fn after_a_restart_the_phone_logs_the_call_the_page_went_away_during_and_replays_the_rest() {
    use crate::dialing::DialingRules;
    use crate::{Effect, Phone};
    let mut before = Outbox::default();
    let failed = queued(&mut before, "c1");
    before.failed(failed, crm("down"), at(0));
    let mut phone = Phone::new(DialingRules::default());
    // A call whose dialog the page did not keep cannot be rejoined: it is logged at once.
    let c2 = call("c2");
    let interrupted = crate::CallSnapshot {
        direction: c2.direction,
        who: c2.number.clone(),
        number: c2.number,
        stage: crate::CallStage::Talking,
        record: c2.record,
        about: None,
        call_id: c2.call_id,
        started_at: c2.started_at,
        answered_at: Some(at(1_000)),
        screen_pop: None,
        taken_at: at(43_000),
        held: false,
        dialog: None,
    };
    let effects = phone.restore_logs(at(100_000), before.logs().to_vec(), vec![interrupted], 7);
    let saved: Vec<Option<&str>> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveLog { record, existing_id: None, .. } => Some(record.call_id.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(saved, [Some("c2"), Some("c1")]);
    assert_eq!(phone.outbox().len(), 2, "both kept until Salesforce confirms");
}
