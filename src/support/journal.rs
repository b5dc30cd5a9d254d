//! The Rust side of the diagnostics journal (`journal.js` keeps it): what goes in, redacted
//! before it leaves Rust, and the file or the call summary that come out.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/support/journal.js")]
extern "C" {
    #[wasm_bindgen(js_name = journalEvent)]
    fn journal_event(text: &str);
    #[wasm_bindgen(js_name = journalSip)]
    fn journal_sip(outgoing: bool, text: &str);
    #[wasm_bindgen(js_name = journalStats)]
    fn journal_stats(call_id: &str, report: &JsValue);
    #[wasm_bindgen(js_name = downloadBundle)]
    fn download_bundle(header: &str) -> bool;
    #[wasm_bindgen(js_name = callSummary)]
    fn call_summary(call_id: &str) -> String;
}

/// Has the line's SIP messages and call statistics journaled (`runtime::trace`).
pub fn listen_to_the_line() {
    runtime::trace::install(runtime::trace::Hooks { sip, stats });
}

/// A SIP message the phone sent or received, with its secrets taken out first. Keep-alives
/// (a bare CRLF) say nothing and are not kept.
pub fn sip(outgoing: bool, frame: &[u8]) {
    match std::str::from_utf8(frame) {
        Ok(text) if text.trim().is_empty() => {}
        Ok(text) => journal_sip(outgoing, &sip::redact::redact(text)),
        Err(_) => journal_event(&format!("a binary frame of {} bytes {}", frame.len(), if outgoing { "sent" } else { "received" })),
    }
}

/// A line of the phone's event log.
pub fn event(text: &str) {
    journal_event(text);
}

/// A call's WebRTC statistics (its `getStats` report); the journal keeps one every few seconds.
pub fn stats(call_id: &str, report: &JsValue) {
    journal_stats(call_id, report);
}

/// Downloads the diagnostics file, `header` first; false when the browser would not.
pub fn download(header: &str) -> bool {
    download_bundle(header)
}

/// A few lines about the call with this Call-ID, for its Task.
pub fn summary(call_id: &str) -> String {
    call_summary(call_id)
}
