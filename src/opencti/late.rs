//! saveLog answers that come after our timeout. A create Salesforce was slow to confirm (a
//! trigger, a flow) may still have made the Task: its late answer must count, or the phone would
//! create the Task a second time.

use super::*;

/// The answer to a call that timed out, should it still come (it may never).
pub struct LateAnswer {
    promise: js_sys::Promise,
}

/// Why saveLog failed, with the late answer to wait for when it timed out.
pub struct SaveLogError {
    /// What went wrong.
    pub error: OpenCtiError,
    /// Set when no callback came in time: the save may still land.
    pub late: Option<LateAnswer>,
}

impl From<OpenCtiError> for SaveLogError {
    fn from(error: OpenCtiError) -> Self {
        SaveLogError { error, late: None }
    }
}

impl LateAnswer {
    pub(super) fn new(promise: js_sys::Promise) -> Self {
        LateAnswer { promise }
    }

    /// Waits for the late saveLog answer: the Task's Id, or why it failed after all.
    pub async fn record_id(self) -> Result<String, OpenCtiError> {
        const METHOD: &str = "saveLog";
        let response = JsFuture::from(self.promise)
            .await
            .map_err(|e| OpenCtiError::Threw { method: METHOD, message: js_message(&e) })?;
        saved_record_id(&response_value(METHOD, &response)?)
    }
}

impl OpenCti {
    /// Creates the Task, or updates it when `log.id` is set; returns its Id. When the answer does
    /// not come in time, the error carries the [`LateAnswer`] to wait for.
    pub async fn save_log_or_late(&self, log: &CallLog) -> Result<String, SaveLogError> {
        const METHOD: &str = "saveLog";
        let value = self.call_or_late(METHOD, object(&[("value", to_js(&log.to_value()))])).await?;
        Ok(saved_record_id(&value)?)
    }
}
