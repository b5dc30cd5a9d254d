//! The phone's bulk: the call logs waiting for Salesforce (the outbox) and the recent calls
//! made of them. Both are shared with the snapshots the app publishes and copied only when
//! changed after one, so that a snapshot per change does not copy them.

use std::rc::Rc;

use crate::clock::Time;
use crate::log::CallRecord;
use crate::messages::Effect;
use crate::outbox::{Outbox, PendingLog, Work};
use crate::recent::{RecentCall, RECENT_KEPT};

/// The outbox and the recent calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Logs {
    outbox: Rc<Outbox>,
    /// The last calls, newest first.
    recent: Rc<Vec<RecentCall>>,
}

impl Logs {
    pub(crate) fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The outbox to change: copied first if a published snapshot still shares it.
    pub(crate) fn outbox_mut(&mut self) -> &mut Outbox {
        Rc::make_mut(&mut self.outbox)
    }

    /// The log `id` not confirmed yet.
    pub(crate) fn pending(&self, id: u32) -> Option<&PendingLog> {
        self.outbox.logs().iter().find(|l| l.id == id)
    }

    pub(crate) fn recent(&self) -> &[RecentCall] {
        &self.recent
    }

    /// The list this browser kept, at start-up.
    pub(crate) fn restore_recent(&mut self, mut recent: Vec<RecentCall>) {
        recent.truncate(RECENT_KEPT);
        self.recent = Rc::new(recent);
    }

    /// Puts a call log in the outbox at `now`: the effect that saves it. A first log is a new
    /// call for the recent list; an update (`existing_id`) is the same call.
    pub(crate) fn queue(&mut self, now: Time, record: CallRecord, existing_id: Option<String>) -> Effect {
        if existing_id.is_none() && !record.number.is_empty() {
            let recent = Rc::make_mut(&mut self.recent);
            recent.insert(0, RecentCall::of(&record));
            recent.truncate(RECENT_KEPT);
        }
        work_effect(self.outbox_mut().queue(record, existing_id, now))
    }

    /// The saves and lookups whose retry is due; the outbox is left shared when none is.
    pub(crate) fn due(&mut self, now: Time) -> Vec<Effect> {
        if !self.outbox.any_due(now) {
            return Vec::new();
        }
        self.outbox_mut().due(now).into_iter().map(work_effect).collect()
    }
}

/// The effect that does what the outbox asks.
pub(crate) fn work_effect(work: Work) -> Effect {
    match work {
        Work::Save { id, record, left_out, existing_id } => Effect::SaveLog { id, record: Box::new(record), left_out, existing_id },
        Work::Find { id, call_object } => Effect::FindLog { id, call_object },
    }
}
