//! The call-log outbox: every call log waits here until Salesforce has confirmed it, and each
//! call ends up as exactly one Task whenever Salesforce lets us know what happened.
//!
//! Pure and time-driven like the rest of `phone`: the glue reports what Salesforce answered and
//! asks [`Outbox::due`] every second what to send; the outbox is persisted by the glue after each
//! change (it holds no secret) and [`Outbox::restore`]d at start.
//!
//! Why each rule:
//! - A create that got no answer in time may still land (a slow trigger or flow). Creating it
//!   again at once would make a duplicate, so the log waits up to [`LATE_WINDOW_MS`] for the late
//!   answer. After that, with the org package installed, it asks the package whether a Task with
//!   the call's Call-ID (`CallObject`) exists before creating one; without the package it creates
//!   again (a duplicate is then possible, a lost log is not).
//! - Transient failures are retried by themselves with exponential backoff and jitter, so a
//!   Salesforce outage is not met by every agent's phone at the same second.
//! - A permanent refusal (the related record cannot have activities, a restricted picklist) is
//!   retried once without WhoId/WhatId (and without the disposition when the picklist was refused),
//!   the record and disposition named in the description instead, so the call is still logged.
//!   Which refusal is which is the CRM edge's to tell (Salesforce's error codes): the outbox is
//!   told a typed [`Rejection`].

use crate::clock::Time;
use crate::log::CallRecord;
use crate::reasons::CrmProblem;

/// The first retry of a failed save comes after about this long.
pub const FIRST_RETRY_MS: u64 = 2_000;
/// Retries never wait longer than this.
pub const MAX_RETRY_MS: u64 = 300_000;
/// How long a create whose answer never came may still land before it is looked up or made again.
pub const LATE_WINDOW_MS: u64 = 30_000;

/// Whether the org has the package's Apex class `SoftphoneCallLog` (found once at start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Package {
    /// Not known yet: logs whose create may have landed wait.
    Unknown,
    /// `SoftphoneCallLog.findTaskByCallObject` answers.
    Installed,
    /// No such class: unknown outcomes are resolved by waiting, then creating again.
    Missing,
}

/// What Salesforce refused for good in a saveLog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// WhoId or WhatId: a record that cannot have activities, deleted, or not visible.
    RelatedRecord,
    /// The disposition is not a value of the org's restricted CallDisposition picklist.
    Disposition,
    /// A field of the org package's the org does not have (a package version from before the
    /// fields) or the agent may not write: the log's facts go in the description instead.
    PackageFields,
}

/// Where a pending log is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// To be sent (or looked up) once `due` has come.
    Waiting {
        due: Time,
    },
    /// A saveLog is on its way since `sent_at`.
    Saving {
        sent_at: Time,
    },
    /// The package is being asked whether an earlier create landed.
    LookingUp,
}

/// A call log not confirmed by Salesforce yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLog {
    /// Outbox id, unique for this page's lifetime (new ones are given on restore).
    pub id: u32,
    /// What the Task must say.
    pub record: CallRecord,
    /// The Task to update, once Salesforce has given its Id.
    pub existing_id: Option<String>,
    /// The last problem, for the agent (a log stored by an older version kept it as text).
    pub error: Option<CrmProblem>,
    /// Failed attempts so far (for the backoff).
    pub attempts: u32,
    /// saveLogs sent so far; a create carries its number (`log_attempt`), so the Task says which
    /// attempt made it.
    pub sends: u32,
    /// What happens next.
    pub stage: Stage,
    /// An earlier create got no answer: a Task may exist for this call already.
    pub maybe_created: bool,
    /// The record changed while a save was on its way: save again (as an update) after it.
    pub resend: bool,
    /// Salesforce refused the related record: saved without WhoId/WhatId.
    pub unlinked: bool,
    /// Salesforce refused the disposition: saved without it.
    pub no_disposition: bool,
}

impl PendingLog {
    /// Waiting for its retry and the retry is due at `now`.
    fn is_due(&self, now: Time) -> bool {
        matches!(self.stage, Stage::Waiting { due } if due <= now)
    }

    /// Waiting for a late answer or for the package's lookup (not failed).
    pub fn awaiting_confirmation(&self) -> bool {
        self.maybe_created && self.existing_id.is_none()
    }

    /// What the next save leaves out of the Task because Salesforce refused it.
    pub fn left_out(&self) -> LeftOut {
        LeftOut { record: self.unlinked && (self.record.record.is_some() || self.record.about.is_some()), disposition: self.no_disposition && self.record.has_disposition() }
    }
}

/// What a save leaves out of the Task because Salesforce refused it for good: the Task names it
/// in its description instead, so the call is still logged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// The record the call was about (WhoId/WhatId).
    pub record: bool,
    /// The disposition.
    pub disposition: bool,
}

/// What the glue must do for a log.
// Short-lived and turned into an `Effect` at once: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    /// saveLog this record, updating `existing_id` when given, without what `left_out` says.
    Save { id: u32, record: CallRecord, left_out: LeftOut, existing_id: Option<String> },
    /// Ask the package for the Task whose CallObject is `call_object`.
    Find { id: u32, call_object: String },
}

/// The pending call logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbox {
    logs: Vec<PendingLog>,
    next_id: u32,
    package: Package,
    /// Salesforce refused the package's Task fields: logs carry their facts in the description.
    package_fields_refused: bool,
    /// xorshift state for the jitter; seeded by the glue so phones do not retry in step.
    rng: u64,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox { logs: Vec::new(), next_id: 1, package: Package::Unknown, package_fields_refused: false, rng: 0x9E37_79B9_7F4A_7C15 }
    }
}

impl Outbox {
    /// The logs not confirmed yet.
    pub fn logs(&self) -> &[PendingLog] {
        &self.logs
    }

    /// Whether the org package was found.
    pub fn package(&self) -> Package {
        self.package
    }

    /// Whether logs may use the package's Task fields: it is installed and they were not refused.
    pub fn package_fields(&self) -> bool {
        self.package == Package::Installed && !self.package_fields_refused
    }

    /// Seeds the jitter (any value; zero is replaced).
    pub fn seed(&mut self, seed: u64) {
        self.rng = if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed };
    }

    /// Records whether the package is installed, and sends what waited for it.
    pub fn set_package(&mut self, package: Package, now: Time) -> Vec<Work> {
        self.package = package;
        self.due(now)
    }

    /// A new log, sent at once.
    pub fn queue(&mut self, record: CallRecord, existing_id: Option<String>, now: Time) -> Work {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let mut log = PendingLog {
            id,
            record,
            existing_id,
            error: None,
            attempts: 0,
            sends: 0,
            stage: Stage::Waiting { due: now },
            maybe_created: false,
            resend: false,
            unlinked: false,
            no_disposition: false,
        };
        let work = send(&mut log, now);
        self.logs.push(log);
        work
    }

    /// The agent completed the log (wrap-up): the Task must say this. `None` when nothing is
    /// to be sent now (the change goes out once the earlier save is settled).
    pub fn update(&mut self, id: u32, record: CallRecord, now: Time) -> Option<Work> {
        let log = self.logs.iter_mut().find(|l| l.id == id)?;
        log.record = record;
        match log.stage {
            Stage::Waiting { .. } if !log.awaiting_confirmation() => Some(send(log, now)),
            _ => {
                log.resend = true;
                None
            }
        }
    }

    /// Salesforce saved the log as `record_id`, perhaps late (after we stopped waiting).
    pub fn saved(&mut self, id: u32, record_id: String, now: Time) -> Option<Work> {
        let index = self.logs.iter().position(|l| l.id == id)?;
        let log = self.logs.get_mut(index)?;
        // An update's answer while a later change waits, or a create whose content is stale.
        if log.resend {
            // The update says which attempt created the Task, as the create did.
            log.record.log_attempt = log.record.log_attempt.or(Some(log.sends));
            log.existing_id = Some(record_id);
            log.maybe_created = false;
            return Some(send(log, now));
        }
        self.logs.remove(index);
        None
    }

    /// Salesforce answered `success: false` for a reason that may pass.
    pub fn failed(&mut self, id: u32, reason: CrmProblem, now: Time) {
        let delay = self.next_delay(id);
        if let Some(log) = self.logs.iter_mut().find(|l| l.id == id) {
            log.attempts = log.attempts.saturating_add(1);
            log.error = Some(reason);
            log.stage = Stage::Waiting { due: now + delay };
        }
    }

    /// Salesforce refused part of the log for good: send it once more without that part.
    pub fn rejected(&mut self, id: u32, reason: CrmProblem, rejection: Rejection, now: Time) -> Option<Work> {
        if rejection == Rejection::PackageFields && !self.package_fields_refused {
            // From now on every log leaves the fields out (the glue reads `package_fields`).
            self.package_fields_refused = true;
            let log = self.logs.iter_mut().find(|l| l.id == id)?;
            log.error = Some(reason);
            return Some(send(log, now));
        }
        let log = self.logs.iter_mut().find(|l| l.id == id)?;
        let unlink = !log.unlinked && log.record.record.is_some();
        let drop_disposition = rejection == Rejection::Disposition && !log.no_disposition && log.record.has_disposition();
        if !unlink && !drop_disposition {
            // Nothing left to leave out: keep it and retry like any failure (the agent sees why).
            self.failed(id, reason, now);
            return None;
        }
        log.unlinked = true;
        log.no_disposition |= drop_disposition;
        log.error = Some(reason);
        Some(send(log, now))
    }

    /// No answer came in time. A create may still land: wait for it; an update is simply resent.
    pub fn timed_out(&mut self, id: u32, reason: CrmProblem, now: Time) {
        let Some(log) = self.logs.iter_mut().find(|l| l.id == id) else { return };
        if log.existing_id.is_some() {
            self.failed(id, reason, now);
            return;
        }
        let sent_at = match log.stage {
            Stage::Saving { sent_at } => sent_at,
            _ => now,
        };
        log.maybe_created = true;
        log.error = Some(reason);
        log.stage = Stage::Waiting { due: sent_at + LATE_WINDOW_MS };
    }

    /// The package's answer: the Task that exists for this call, or none.
    pub fn found(&mut self, id: u32, record_id: Option<String>, now: Time) -> Option<Work> {
        if !self.logs.iter().any(|l| l.id == id && l.stage == Stage::LookingUp) {
            return None;
        }
        match record_id {
            Some(record_id) => self.saved(id, record_id, now),
            None => {
                let log = self.logs.iter_mut().find(|l| l.id == id)?;
                log.maybe_created = false;
                Some(send(log, now))
            }
        }
    }

    /// The package could not be asked (a timeout, an error): ask again later.
    pub fn lookup_failed(&mut self, id: u32, reason: CrmProblem, now: Time) {
        let delay = self.next_delay(id);
        if let Some(log) = self.logs.iter_mut().find(|l| l.id == id) {
            log.attempts = log.attempts.saturating_add(1);
            log.error = Some(reason);
            log.stage = Stage::Waiting { due: now + delay };
        }
    }

    /// The agent asked to retry: everything waiting goes now, except creates that may still
    /// land without a package to ask (those keep waiting for the late answer).
    pub fn retry_now(&mut self, now: Time) -> Vec<Work> {
        let package = self.package;
        for log in &mut self.logs {
            let may_land = log.awaiting_confirmation() && package != Package::Installed;
            if let Stage::Waiting { due } = &mut log.stage {
                if !may_land {
                    *due = (*due).min(now);
                }
            }
        }
        self.due(now)
    }

    /// Whether [`Outbox::due`] has anything to do at `now` (read without changing anything,
    /// so the phone's every-second tick copies nothing a snapshot shares).
    pub fn any_due(&self, now: Time) -> bool {
        self.logs.iter().any(|log| log.is_due(now))
    }

    /// What is due at `now`.
    pub fn due(&mut self, now: Time) -> Vec<Work> {
        let package = self.package;
        let mut work = Vec::new();
        for log in &mut self.logs {
            if !log.is_due(now) {
                continue;
            }
            if !log.awaiting_confirmation() {
                work.push(send(log, now));
                continue;
            }
            match (package, log.record.call_id.clone()) {
                (Package::Installed, Some(call_object)) => {
                    log.stage = Stage::LookingUp;
                    work.push(Work::Find { id: log.id, call_object });
                }
                // Not known yet whether the package is there: wait for the answer.
                (Package::Unknown, Some(_)) => {}
                // No package (or no Call-ID to look for): the late answer had its chance.
                _ => {
                    log.maybe_created = false;
                    work.push(send(log, now));
                }
            }
        }
        work
    }

    /// Takes back the logs a previous page stored. A create that was on its way when the page
    /// went away may have landed: it is treated like one that timed out then.
    pub fn restore(&mut self, stored: Vec<PendingLog>) {
        for mut log in stored {
            log.id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            log.stage = match log.stage {
                Stage::Saving { sent_at } if log.existing_id.is_none() => {
                    log.maybe_created = true;
                    Stage::Waiting { due: sent_at + LATE_WINDOW_MS }
                }
                Stage::Saving { .. } | Stage::LookingUp => Stage::Waiting { due: Time::default() },
                waiting @ Stage::Waiting { .. } => waiting,
            };
            self.logs.push(log);
        }
    }

    /// The wait before the next retry of log `id`: doubling from [`FIRST_RETRY_MS`] up to
    /// [`MAX_RETRY_MS`], then a random part of it taken off (between none and half).
    fn next_delay(&mut self, id: u32) -> u64 {
        let attempts = self.logs.iter().find(|l| l.id == id).map_or(0, |l| l.attempts);
        let full = backoff_ms(attempts);
        // xorshift64: plenty for spreading retries.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        full - self.rng % (full / 2 + 1)
    }
}

/// The wait before retry number `attempts + 1`, before jitter.
pub fn backoff_ms(attempts: u32) -> u64 {
    FIRST_RETRY_MS.saturating_mul(1u64 << attempts.min(20)).min(MAX_RETRY_MS)
}

fn send(log: &mut PendingLog, now: Time) -> Work {
    log.stage = Stage::Saving { sent_at: now };
    log.resend = false;
    log.sends = log.sends.saturating_add(1);
    let mut record = log.record.clone();
    // Stamped at send time: the Task a create makes names the attempt that made it. An update
    // keeps what the record says (the create's attempt, once known).
    if log.existing_id.is_none() {
        record.log_attempt = Some(log.sends);
    }
    Work::Save { id: log.id, record, left_out: log.left_out(), existing_id: log.existing_id.clone() }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
