//! The measured facts of a call on its Task: what became of it (answered, missed...), the screen
//! pop's outcome and latency, the saveLog attempt that saved the log, how it sounded and the Call
//! Center it was made in. With the org package they go in its custom Activity fields (the pop's
//! and the attempts, which `callcenter report` reads, and the ones its reports and dashboard
//! chart); without it, as plain lines at the end of the description (how it sounded is there
//! anyway), since Salesforce refuses a whole Task that names a field the org does not have.
//! Either way they ride on the call's own saveLog: no extra Salesforce call.

use crate::opencti::CallLog;
use crate::phone::pop_measure::PopMeasure;
use crate::phone::{CallOutcome, CallRecord};
use crate::words;

/// The largest value a Number(8,0) field holds.
const LATENCY_MAX_MS: u64 = 99_999_999;
/// The largest value a Number(4,0) field holds.
const ATTEMPTS_MAX: u32 = 9_999;
/// The largest value a Number(6,0) field holds.
const MS_MAX: u32 = 999_999;

/// `log` with the call's facts added in the form the org takes: `package_fields` when the
/// package is installed and Salesforce has not refused its fields. While the package is not known
/// yet the description form is used: plain text never makes Salesforce refuse the Task.
pub fn with_facts(mut log: CallLog, record: &CallRecord, package_fields: bool, call_center: &str) -> CallLog {
    if package_fields {
        log.package.pop_outcome = record.screen_pop.map(|pop| pop.outcome.as_str());
        log.package.pop_latency_ms = record.screen_pop.and_then(|pop| pop.latency_ms).map(|ms| clamp_u32(ms.min(LATENCY_MAX_MS)));
        log.package.log_attempts = record.log_attempt.map(|n| n.min(ATTEMPTS_MAX));
        log.package.outcome = record.outcome.as_ref().map(words::task_outcome);
        if let Some(q) = &record.quality {
            log.package.mos = Some(f64::from(q.mos_tenths) / 10.0);
            log.package.jitter_ms = Some(q.jitter_ms.min(MS_MAX));
            log.package.loss_percent = Some(f64::from(q.loss_permille.min(1000)) / 10.0);
            log.package.round_trip_ms = q.round_trip_ms.map(|ms| ms.min(MS_MAX));
        }
        log.package.call_center = Some(call_center.to_owned()).filter(|c| !c.is_empty());
        return log;
    }
    let lines = description_lines(record);
    if !lines.is_empty() {
        let mut description = log.description.take().unwrap_or_default();
        for line in lines {
            if !description.is_empty() {
                description.push('\n');
            }
            description.push_str(&line);
        }
        log.description = Some(description);
    }
    log
}

/// `Outcome: <outcome>` for a call nobody answered, `Screen pop: <outcome> in <N> ms` (or without a
/// time when Salesforce never answered), and `Saved on attempt <N>` when the first saveLog did
/// not save the Task.
fn description_lines(record: &CallRecord) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(outcome) = record.outcome.as_ref().filter(|o| **o != CallOutcome::Answered) {
        lines.push(format!("Outcome: {}", words::task_outcome(outcome)));
    }
    if let Some(pop) = record.screen_pop {
        lines.push(pop_line(pop));
    }
    if let Some(n) = record.log_attempt.filter(|n| *n > 1) {
        lines.push(format!("Saved on attempt {n}"));
    }
    lines
}

fn pop_line(pop: PopMeasure) -> String {
    match pop.latency_ms {
        Some(ms) => format!("Screen pop: {} in {ms} ms", pop.outcome.as_str()),
        None => format!("Screen pop: {}", pop.outcome.as_str()),
    }
}

fn clamp_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opencti::PackageFields;
    use crate::phone::pop_measure::PopOutcome;
    use crate::phone::quality::{Grade, QualitySummary};
    use crate::phone::CallDirection;
    use crate::phone::value::Value;

    fn record(screen_pop: Option<PopMeasure>, log_attempt: Option<u32>) -> CallRecord {
        CallRecord {
            direction: CallDirection::Inbound,
            number: "+1 757 555 0142".into(),
            record: None,
            about: None,
            outcome: Some(CallOutcome::Answered),
            started_at: crate::phone::Time::from_unix_millis(1_795_946_520_000),
            duration_s: 12,
            call_id: Some("abc@pbx".into()),
            screen_pop,
            log_attempt,
            disposition: String::new(),
            notes: String::new(),
            transferred_to: None,
            quality: None,
            link: None,
            cut_off: false,
        }
    }

    fn log(description: Option<&str>) -> CallLog {
        CallLog {
            entity_api_name: "Task",
            id: None,
            subject: "Inbound call".into(),
            who_id: None,
            what_id: None,
            call_type: "Inbound",
            call_duration_in_seconds: 12,
            call_object: Some("abc@pbx".into()),
            call_disposition: None,
            description: description.map(str::to_owned),
            status: "Completed",
            activity_date: "2026-11-29".into(),
            task_subtype: None,
            package: PackageFields::default(),
        }
    }

    fn sent(log: &CallLog) -> Value {
        log.to_value()
    }

    const ONE_MATCH: PopMeasure = PopMeasure { outcome: PopOutcome::OneMatch, latency_ms: Some(37) };

    #[test]
    fn with_the_package_the_facts_go_in_its_fields_and_the_description_is_untouched() {
        let task = sent(&with_facts(log(Some("Called back.")), &record(Some(ONE_MATCH), Some(3)), true, "RustSoftphone"));
        assert_eq!(task.get("Softphone_Pop_Outcome__c").as_str(), Some("one-match"));
        assert_eq!(task.get("Softphone_Pop_Latency_Ms__c").u32(), Some(37));
        assert_eq!(task.get("Softphone_Log_Attempts__c").u32(), Some(3));
        assert_eq!(task.get("Description").as_str(), Some("Called back."));
    }

    #[test]
    fn with_the_package_a_call_without_a_pop_leaves_the_pop_fields_empty() {
        let task = sent(&with_facts(log(None), &record(None, Some(1)), true, "RustSoftphone"));
        assert!(task.get("Softphone_Pop_Outcome__c").is_null());
        assert!(task.get("Softphone_Pop_Latency_Ms__c").is_null());
        assert_eq!(task.get("Softphone_Log_Attempts__c").u32(), Some(1));
        let timed_out = PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None };
        let task = sent(&with_facts(log(None), &record(Some(timed_out), Some(1)), true, "RustSoftphone"));
        assert_eq!(task.get("Softphone_Pop_Outcome__c").as_str(), Some("timed-out"));
        assert!(task.get("Softphone_Pop_Latency_Ms__c").is_null(), "no answer, no latency");
    }

    #[test]
    fn without_the_package_no_custom_field_is_sent_and_the_facts_end_the_description() {
        let task = sent(&with_facts(log(Some("Called back.")), &record(Some(ONE_MATCH), Some(2)), false, "RustSoftphone"));
        let names: Vec<&str> = task.members().expect("an object").iter().map(|m| m.name.as_str()).filter(|k| k.ends_with("__c")).collect();
        assert!(names.is_empty(), "{names:?}");
        assert_eq!(task.get("Description").as_str(), Some("Called back.\nScreen pop: one-match in 37 ms\nSaved on attempt 2"));
    }

    #[test]
    fn without_the_package_a_first_try_and_a_timeout_say_only_what_happened() {
        let timed_out = PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None };
        let task = sent(&with_facts(log(None), &record(Some(timed_out), Some(1)), false, "RustSoftphone"));
        assert_eq!(task.get("Description").as_str(), Some("Screen pop: timed-out"));
        // An outbound call saved at once has nothing to add.
        let task = sent(&with_facts(log(None), &record(None, Some(1)), false, "RustSoftphone"));
        assert!(task.get("Description").is_null());
    }

    fn sounded() -> QualitySummary {
        QualitySummary { grade: Grade::Good, mos_tenths: 41, loss_permille: 3, jitter_ms: 6, round_trip_ms: Some(42) }
    }

    #[test]
    fn with_the_package_outcome_quality_and_call_center_are_numbers_and_words_reports_can_use() {
        let mut r = record(Some(ONE_MATCH), Some(1));
        r.quality = Some(sounded());
        let task = sent(&with_facts(log(None), &r, true, "RustSoftphone"));
        assert_eq!(task.get("Softphone_Outcome__c").as_str(), Some("Answered"));
        assert_eq!(task.get("Softphone_MOS__c").number(), Some(4.1));
        assert_eq!(task.get("Softphone_Jitter_Ms__c").u32(), Some(6));
        assert_eq!(task.get("Softphone_Loss_Percent__c").number(), Some(0.3));
        assert_eq!(task.get("Softphone_Round_Trip_Ms__c").u32(), Some(42));
        assert_eq!(task.get("Softphone_Call_Center__c").as_str(), Some("RustSoftphone"));
        assert!(task.get("CallDisposition").is_null(), "the outcome is not the agent's disposition");
    }

    #[test]
    fn without_the_package_a_call_nobody_answered_says_so_in_the_description() {
        let mut r = record(None, Some(1));
        r.outcome = Some(CallOutcome::MissedAway);
        let task = sent(&with_facts(log(None), &r, false, "RustSoftphone"));
        assert_eq!(task.get("Description").as_str(), Some("Outcome: Missed (away)"));
        assert!(task.get("CallDisposition").is_null());
        // An answered call says nothing more than it did.
        let task = sent(&with_facts(log(None), &record(None, Some(1)), false, "RustSoftphone"));
        assert!(task.get("Description").is_null());
    }

    #[test]
    fn the_fields_sent_are_the_ones_a_refusal_is_recognised_by() {
        let mut r = record(Some(ONE_MATCH), Some(1));
        r.quality = Some(sounded());
        let task = sent(&with_facts(log(None), &r, true, "RustSoftphone"));
        let mut names: Vec<&str> = task.members().expect("an object").iter().map(|m| m.name.as_str()).filter(|k| k.ends_with("__c")).collect();
        let mut known = super::super::salesforce::PACKAGE_FIELDS.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(names, known);
    }

    #[test]
    fn figures_beyond_the_fields_precision_are_capped() {
        let slow = PopMeasure { outcome: PopOutcome::NoMatch, latency_ms: Some(10_u64.pow(12)) };
        let task = sent(&with_facts(log(None), &record(Some(slow), Some(20_000)), true, "RustSoftphone"));
        assert_eq!(task.get("Softphone_Pop_Latency_Ms__c").u32(), Some(99_999_999));
        assert_eq!(task.get("Softphone_Log_Attempts__c").u32(), Some(9_999));
    }
}
