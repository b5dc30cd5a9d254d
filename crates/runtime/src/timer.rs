//! A browser `setTimeout` owned by Rust: dropping it cancels the timeout and frees its closure,
//! so code that re-arms timers all day (reconnects, SIP deadlines) leaks nothing.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A pending timeout.
pub struct Timeout {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `f` once after `delay_ms`; `None` when the page has no window.
    pub fn start(delay_ms: u64, f: impl FnMut() + 'static) -> Option<Timeout> {
        let callback = Closure::<dyn FnMut()>::new(f);
        let delay = i32::try_from(delay_ms).unwrap_or(i32::MAX);
        let handle = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), delay)
            .ok()?;
        Some(Timeout { handle, _callback: callback })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.handle);
        }
    }
}
