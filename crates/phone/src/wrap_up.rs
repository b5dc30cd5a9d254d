//! After-call work. The call's log is saved the moment it ends; wrap-up completes it with a
//! disposition and notes. What the agent chooses and types is kept here as they go (not only in
//! the form), so nothing ends a wrap-up without saving it: *Done*, the countdown from the
//! definition's `wrapUpSeconds` reaching zero, a new call ringing, or a number clicked or typed.

use crate::clock::Time;
use crate::log::CallRecord;
use crate::model::{WrapUp, WrapUpDraft};
use crate::reasons::Notice;
use crate::{Effect, Phone};

impl Phone {
    /// Wrap-up completes by itself this many seconds after the call (`None`: it waits for the
    /// agent).
    pub fn set_wrap_up_limit(&mut self, seconds: Option<u32>) {
        self.wrap_up_limit_s = seconds;
    }

    /// The wrap-up of the call just logged as `log_id`.
    pub(super) fn new_wrap_up(&self, now: Time, log_id: u32, record: CallRecord) -> WrapUp {
        let ends_at = self.wrap_up_limit_s.map(|s| now + u64::from(s) * 1000);
        WrapUp { log_id, saved_as: None, record, draft: WrapUpDraft::default(), ends_at }
    }

    pub(super) fn edit_wrap_up(&mut self, disposition: String, notes: String) -> Vec<Effect> {
        if let Some(wrap) = &mut self.wrap_up {
            wrap.draft = WrapUpDraft { disposition, notes };
        }
        Vec::new()
    }

    /// Before the phone moves on from wrap-up to something else: what the agent chose and typed
    /// is saved on the call's log, and the agent told so.
    pub(super) fn leave_wrap_up(&mut self, now: Time) -> Vec<Effect> {
        let Some(wrap) = &self.wrap_up else {
            return Vec::new();
        };
        if wrap.draft.is_empty() {
            self.wrap_up = None;
            return Vec::new();
        }
        let WrapUpDraft { disposition, notes } = wrap.draft.clone();
        let effects = self.finish_wrap_up(now, disposition, notes);
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
        let Some(WrapUp { ends_at: Some(ends_at), draft, .. }) = &self.wrap_up else {
            return Vec::new();
        };
        if now < *ends_at {
            return Vec::new();
        }
        let WrapUpDraft { disposition, notes } = draft.clone();
        self.finish_wrap_up(now, disposition, notes)
    }
}
