//! The controller's side of call logging: a log queued the moment a call ends, wrap-up that
//! completes it, and what Salesforce answered (the outbox keeps the logs until it confirms).

use crate::clock::Time;
use super::log::{CallDirection, CallRecord};
use super::messages::{Effect, Event};
use super::outbox::Work;
use super::Phone;
use crate::reasons::Notice;

impl Phone {
    /// What Salesforce answered to a call log, or whether the org package is there.
    pub(super) fn handle_log_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        match event {
            Event::LogSaved { id, record_id } => self.log_saved(now, id, record_id),
            Event::LogFailed { id, reason } => {
                self.notice = Some(Notice::LogNotSaved(reason.clone()));
                self.outbox_mut().failed(id, reason, now);
                Vec::new()
            }
            Event::LogTimedOut { id, reason } => {
                self.outbox_mut().timed_out(id, reason, now);
                Vec::new()
            }
            Event::LogRejected { id, reason, rejection } => {
                self.outbox_mut().rejected(id, reason, rejection, now).into_iter().map(work_effect).collect()
            }
            Event::LogFound { id, record_id } => {
                let sends = self.outbox.logs().iter().find(|l| l.id == id).map(|l| l.sends);
                // The Task landed after all: wrap-up updates that one.
                if let (Some(found), Some(wrap)) = (&record_id, &mut self.wrap_up) {
                    if wrap.log_id == id {
                        wrap.saved_as = Some(found.clone());
                        wrap.record.log_attempt = wrap.record.log_attempt.or(sends);
                    }
                }
                self.outbox_mut().found(id, record_id, now).into_iter().map(work_effect).collect()
            }
            Event::LogLookupFailed { id, reason } => {
                self.outbox_mut().lookup_failed(id, reason, now);
                Vec::new()
            }
            Event::PackageDetected(package) => self.outbox_mut().set_package(package, now).into_iter().map(work_effect).collect(),
            _ => Vec::new(),
        }
    }

    pub(super) fn log_manual_call(&mut self, now: Time, disposition: String, notes: String) -> Vec<Effect> {
        let Some(target) = self.ready.take() else {
            self.notice = Some(Notice::NoNumberToLog);
            return Vec::new();
        };
        let number = self.rules.canonical(&target.number);
        let record = CallRecord { disposition, notes, ..CallRecord::new(CallDirection::Outbound, number, target.record, now) };
        vec![self.queue_log(now, record, None)]
    }

    pub(super) fn finish_wrap_up(&mut self, now: Time, disposition: String, notes: String) -> Vec<Effect> {
        let Some(wrap) = self.wrap_up.take() else {
            return Vec::new();
        };
        let mut record = wrap.record;
        record.disposition = disposition;
        record.notes = notes;
        if let Some(saved) = wrap.saved_as {
            return vec![self.queue_log(now, record, Some(saved))];
        }
        // The first save has not been confirmed: change what it saves instead of saving twice.
        if self.outbox.logs().iter().any(|p| p.id == wrap.log_id) {
            return self.outbox_mut().update(wrap.log_id, record, now).into_iter().map(work_effect).collect();
        }
        vec![self.queue_log(now, record, None)]
    }

    pub(super) fn log_saved(&mut self, now: Time, id: u32, record_id: String) -> Vec<Effect> {
        let sends = self.outbox.logs().iter().find(|l| l.id == id).map(|l| l.sends);
        if let Some(wrap) = &mut self.wrap_up {
            if wrap.log_id == id {
                wrap.saved_as = Some(record_id.clone());
                // Wrap-up's update says which attempt created the Task.
                wrap.record.log_attempt = wrap.record.log_attempt.or(sends);
            }
        }
        self.outbox_mut().saved(id, record_id, now).into_iter().map(work_effect).collect()
    }

    /// Puts a call log in the outbox and asks the glue to save it.
    pub(super) fn queue_log(&mut self, now: Time, record: CallRecord, existing_id: Option<String>) -> Effect {
        // A first log is a new call for the recent list; updates are the same call.
        if existing_id.is_none() {
            self.remember_call(&record);
        }
        work_effect(self.outbox_mut().queue(record, existing_id, now))
    }
}

pub(super) fn work_effect(work: Work) -> Effect {
    match work {
        Work::Save { id, record, left_out, existing_id } => Effect::SaveLog { id, record: Box::new(record), left_out, existing_id },
        Work::Find { id, call_object } => Effect::FindLog { id, call_object },
    }
}
