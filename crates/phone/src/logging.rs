//! The controller's side of call logging: a log queued the moment a call ends (`ending`),
//! wrap-up that completes it, a call made outside the softphone logged by hand, and what
//! Salesforce answered (the outbox keeps the logs until it confirms).

use crate::clock::Time;
use crate::log::{CallDirection, CallRecord};
use crate::logs::work_effect;
use crate::reasons::Notice;
use crate::wrap_up::WrapUpDraft;
use crate::{Effect, Event, Intent, Phone};

impl Phone {
    /// What the agent does about logs: a call logged by hand, wrap-up, a retry.
    pub(super) fn handle_log_intent(&mut self, now: Time, intent: Intent) -> Vec<Effect> {
        match intent {
            Intent::LogCall { disposition, notes } => self.log_manual_call(now, disposition, notes),
            Intent::FinishWrapUp { disposition, notes } => self.finish_wrap_up(now, WrapUpDraft { disposition, notes }),
            Intent::EditWrapUp { disposition, notes } => {
                self.wrap_up.edit(WrapUpDraft { disposition, notes });
                Vec::new()
            }
            Intent::RetryLogs => self.logs.outbox_mut().retry_now(now).into_iter().map(work_effect).collect(),
            _ => Vec::new(),
        }
    }

    /// What Salesforce answered to a call log, or whether the org package is there.
    pub(super) fn handle_log_event(&mut self, now: Time, event: Event) -> Vec<Effect> {
        let work = match event {
            Event::LogSaved { id, record_id } => {
                // Wrap-up's update says which attempt created the Task.
                let sends = self.logs.pending(id).map(|l| l.sends);
                self.wrap_up.saved(id, &record_id, sends);
                self.logs.outbox_mut().saved(id, record_id, now)
            }
            Event::LogFailed { id, reason } => {
                self.notice = Some(Notice::LogNotSaved(reason.clone()));
                self.logs.outbox_mut().failed(id, reason, now);
                None
            }
            Event::LogTimedOut { id, reason } => {
                self.logs.outbox_mut().timed_out(id, reason, now);
                None
            }
            Event::LogRejected { id, reason, rejection } => self.logs.outbox_mut().rejected(id, reason, rejection, now),
            Event::LogFound { id, record_id } => {
                // The Task landed after all: wrap-up updates that one.
                if let Some(found) = &record_id {
                    let sends = self.logs.pending(id).map(|l| l.sends);
                    self.wrap_up.saved(id, found, sends);
                }
                self.logs.outbox_mut().found(id, record_id, now)
            }
            Event::LogLookupFailed { id, reason } => {
                self.logs.outbox_mut().lookup_failed(id, reason, now);
                None
            }
            Event::PackageDetected(package) => return self.logs.outbox_mut().set_package(package, now).into_iter().map(work_effect).collect(),
            _ => None,
        };
        work.into_iter().map(work_effect).collect()
    }

    /// A call to the number that is ready, made outside the softphone (e.g. from a mobile).
    fn log_manual_call(&mut self, now: Time, disposition: String, notes: String) -> Vec<Effect> {
        let Some(target) = self.ready.take() else {
            self.notice = Some(Notice::NoNumberToLog);
            return Vec::new();
        };
        let number = self.rules.canonical(&target.number);
        let record = CallRecord { disposition, notes, ..CallRecord::new(CallDirection::Outbound, number, target.record, now) };
        vec![self.logs.queue(now, record, None)]
    }

    /// Completes wrap-up with what the agent chose and typed: the call's log is updated.
    fn finish_wrap_up(&mut self, now: Time, draft: WrapUpDraft) -> Vec<Effect> {
        let Some(wrap) = self.wrap_up.take() else {
            return Vec::new();
        };
        let mut record = wrap.record;
        record.disposition = draft.disposition;
        record.notes = draft.notes;
        if let Some(saved) = wrap.saved_as {
            return vec![self.logs.queue(now, record, Some(saved))];
        }
        // The first save has not been confirmed: change what it saves instead of saving twice.
        if self.logs.pending(wrap.log_id).is_some() {
            return self.logs.outbox_mut().update(wrap.log_id, record, now).into_iter().map(work_effect).collect();
        }
        vec![self.logs.queue(now, record, None)]
    }

    /// Before the phone moves on from wrap-up to something else: what the agent chose and typed
    /// is saved on the call's log, and the agent told so.
    pub(super) fn leave_wrap_up(&mut self, now: Time) -> Vec<Effect> {
        let draft = match self.wrap_up.current() {
            None => return Vec::new(),
            Some(wrap) if wrap.draft.is_empty() => {
                self.wrap_up.take();
                return Vec::new();
            }
            Some(wrap) => wrap.draft.clone(),
        };
        let effects = self.finish_wrap_up(now, draft);
        self.notice = Some(Notice::WrapUpSaved);
        effects
    }

    /// The page is going away (a reload, a closed tab) during wrap-up: what the agent chose and
    /// typed goes into the call's log now, which browser storage keeps for the next page.
    pub fn save_wrap_up_draft(&mut self, now: Time) -> Vec<Effect> {
        self.leave_wrap_up(now)
    }

    /// Every second of wrap-up: at the end of the countdown, wrap-up completes with what the
    /// agent chose and typed so far.
    pub(super) fn wrap_up_tick(&mut self, now: Time) -> Vec<Effect> {
        match self.wrap_up.current().filter(|_| self.wrap_up.ran_out(now)) {
            Some(wrap) => {
                let draft = wrap.draft.clone();
                self.finish_wrap_up(now, draft)
            }
            None => Vec::new(),
        }
    }
}
