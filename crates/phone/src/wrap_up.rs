//! After-call work. The call's log is saved the moment it ends; wrap-up completes it with a
//! disposition and notes. What the agent chooses and types is kept here as they go (not only in
//! the form), so nothing ends a wrap-up without saving it: *Done*, the countdown from the
//! definition's `wrapUpSeconds` reaching zero, a new call ringing, or a number clicked or typed
//! (`logging` saves it then). One wrap-up at a time.

use crate::clock::Time;
use crate::log::CallRecord;

/// After a call: the log already saved, which the agent can complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrapUp {
    /// The outbox id of the log saved when the call ended.
    pub log_id: u32,
    /// The CRM id it was saved as, once known (wrap-up then updates it).
    pub saved_as: Option<String>,
    /// What was logged.
    pub record: CallRecord,
    /// What the agent has chosen and typed so far: saved whatever ends the wrap-up.
    pub draft: WrapUpDraft,
    /// When the wrap-up completes by itself (the definition's `wrapUpSeconds`), if it does.
    pub ends_at: Option<Time>,
}

/// The disposition and notes of a wrap-up in progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WrapUpDraft {
    /// One of the Call Center's dispositions, or empty (none chosen).
    pub disposition: String,
    /// The agent's notes.
    pub notes: String,
}

impl WrapUpDraft {
    /// Nothing chosen or typed.
    pub fn is_empty(&self) -> bool {
        self.disposition.is_empty() && self.notes.trim().is_empty()
    }
}

/// The wrap-up in progress, and how long one lasts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WrapUps {
    current: Option<WrapUp>,
    /// How long wrap-up lasts before it completes by itself (`None`: until the agent is done).
    limit_s: Option<u32>,
}

impl WrapUps {
    pub(crate) fn current(&self) -> Option<&WrapUp> {
        self.current.as_ref()
    }

    /// Wrap-up completes by itself this many seconds after the call (`None`: it waits for the
    /// agent).
    pub(crate) fn set_limit(&mut self, seconds: Option<u32>) {
        self.limit_s = seconds;
    }

    /// The wrap-up of the call just logged at `now` as `log_id` (an earlier one is done with).
    pub(crate) fn start(&mut self, now: Time, log_id: u32, record: CallRecord) {
        let ends_at = self.limit_s.map(|s| now + u64::from(s) * 1000);
        self.current = Some(WrapUp { log_id, saved_as: None, record, draft: WrapUpDraft::default(), ends_at });
    }

    /// The agent changed the disposition or the notes.
    pub(crate) fn edit(&mut self, draft: WrapUpDraft) {
        if let Some(wrap) = &mut self.current {
            wrap.draft = draft;
        }
    }

    /// Ends the wrap-up: what it was, for its log.
    pub(crate) fn take(&mut self) -> Option<WrapUp> {
        self.current.take()
    }

    /// Whether the countdown ran out at `now`.
    pub(crate) fn ran_out(&self, now: Time) -> bool {
        self.current.as_ref().and_then(|w| w.ends_at).is_some_and(|ends_at| now >= ends_at)
    }

    /// Salesforce saved (or had saved) log `log_id` as `record_id`, on the `sends`th saveLog:
    /// wrap-up updates that Task, saying which attempt created it.
    pub(crate) fn saved(&mut self, log_id: u32, record_id: &str, sends: Option<u32>) {
        if let Some(wrap) = self.current.as_mut().filter(|w| w.log_id == log_id) {
            wrap.saved_as = Some(record_id.to_owned());
            wrap.record.log_attempt = wrap.record.log_attempt.or(sends);
        }
    }
}
