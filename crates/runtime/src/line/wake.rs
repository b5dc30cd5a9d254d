//! Signs from the browser that the PBX connection needs a look: the network came back or
//! changed, the tab is visible again, the page was resumed from the back/forward cache or a
//! freeze, or the computer woke from sleep (seen as a wall-clock jump between two ticks).
//!
//! Every listener and the tick belong to a [`Watch`] and are removed when it is dropped.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, VisibilityState};

use crate::timer::Timeout;

/// How often the sleep detector ticks.
const TICK_MS: u64 = 10_000;
/// A tick whose wall-clock gap exceeds the monotonic one by this much slept in between
/// (the monotonic clock stands still while the computer sleeps).
const CLOCK_DRIFT_MS: f64 = 5_000.0;
/// A gap this long means a sleep whatever the clocks say: a hidden tab's timers fire at most
/// about a minute late (Chromium's intensive throttling), never two.
const LONGEST_THROTTLED_GAP_MS: f64 = 120_000.0;

/// Why the connection should be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The browser is online again, or its network changed (another Wi-Fi, a VPN).
    NetworkChanged,
    /// The browser went offline.
    Offline,
    /// The tab is visible again (its timers may have been throttled while hidden).
    Visible,
    /// The page was frozen or kept in the back/forward cache, and runs again.
    Resumed,
    /// The computer slept.
    WokeUp,
}

type Listener = (EventTarget, &'static str, Closure<dyn FnMut()>);

/// The browser listeners and the sleep detector of one signed-in line.
pub struct Watch {
    listeners: Vec<Listener>,
    _tick: Rc<RefCell<Option<Timeout>>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        for (target, event, callback) in &self.listeners {
            let _ = target.remove_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        }
    }
}

/// Starts watching; `on_check` hears each sign.
pub fn watch(on_check: impl Fn(Check) + 'static) -> Watch {
    let on_check: Rc<dyn Fn(Check)> = Rc::new(on_check);
    let mut listeners = Vec::new();
    let window = web_sys::window();
    let document = window.as_ref().and_then(web_sys::Window::document);
    if let Some(window) = &window {
        let target: &EventTarget = window.as_ref();
        listen(&mut listeners, target, "online", &on_check, |_| Some(Check::NetworkChanged));
        listen(&mut listeners, target, "offline", &on_check, |_| Some(Check::Offline));
        listen(&mut listeners, target, "pageshow", &on_check, |_| Some(Check::Resumed));
        // The Network Information API (Chromium): the network under the browser changed.
        let connection = js_sys::Reflect::get(&window.navigator(), &"connection".into()).ok().and_then(|c| c.dyn_into::<EventTarget>().ok());
        if let Some(connection) = connection {
            listen(&mut listeners, &connection, "change", &on_check, |_| Some(Check::NetworkChanged));
        }
    }
    if let Some(document) = &document {
        let target: &EventTarget = document.as_ref();
        let visible = document.clone();
        listen(&mut listeners, target, "visibilitychange", &on_check, move |_| {
            (visible.visibility_state() == VisibilityState::Visible).then_some(Check::Visible)
        });
        listen(&mut listeners, target, "resume", &on_check, |_| Some(Check::Resumed));
    }
    let tick = Rc::new(RefCell::new(None));
    arm_tick(Rc::downgrade(&tick), clocks(), on_check);
    Watch { listeners, _tick: tick }
}

fn listen(listeners: &mut Vec<Listener>, target: &EventTarget, event: &'static str, on_check: &Rc<dyn Fn(Check)>, check: impl Fn(()) -> Option<Check> + 'static) {
    let on_check = on_check.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        if let Some(c) = check(()) {
            on_check(c);
        }
    });
    if target.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref()).is_ok() {
        listeners.push((target.clone(), event, callback));
    }
}

/// Wall-clock and monotonic milliseconds, now.
fn clocks() -> (f64, f64) {
    let monotonic = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    (js_sys::Date::now(), monotonic)
}

/// Whether the time between two ticks was spent asleep.
fn slept(before: (f64, f64), after: (f64, f64)) -> bool {
    let wall = after.0 - before.0;
    let monotonic = after.1 - before.1;
    wall - monotonic > CLOCK_DRIFT_MS || wall > LONGEST_THROTTLED_GAP_MS
}

fn arm_tick(slot: Weak<RefCell<Option<Timeout>>>, last: (f64, f64), on_check: Rc<dyn Fn(Check)>) {
    let Some(cell) = slot.upgrade() else { return };
    let next_slot = slot.clone();
    let timeout = Timeout::start(TICK_MS, move || {
        let now = clocks();
        if slept(last, now) {
            on_check(Check::WokeUp);
        }
        arm_tick(next_slot.clone(), now, on_check.clone());
    });
    *cell.borrow_mut() = timeout;
}

#[cfg(test)]
mod tests {
    use super::slept;

    #[test]
    fn a_sleep_is_a_wall_clock_jump_or_a_gap_no_throttling_explains() {
        assert!(!slept((0.0, 0.0), (10_000.0, 10_000.0)), "an on-time tick");
        assert!(!slept((0.0, 0.0), (65_000.0, 65_000.0)), "a hidden tab's throttled tick");
        assert!(slept((0.0, 0.0), (600_000.0, 10_000.0)), "the monotonic clock stood still");
        assert!(slept((0.0, 0.0), (300_000.0, 300_000.0)), "five minutes between ticks");
    }
}
