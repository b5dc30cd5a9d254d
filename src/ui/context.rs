//! What every view reaches without props being threaded through it: the agent's intents and the
//! clock. The clock ticks once a second and re-renders only the views that show time (call
//! timers, the wrap-up countdown, "3 min ago"), not the whole phone.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::phone::{Intent, Phone, Time};

/// The phone's clock: `Date.now()`, a non-negative integer of Unix milliseconds well inside u64.
pub fn now() -> Time {
    Time::from_unix_millis(js_sys::Date::now().max(0.0) as u64)
}

/// Sends the agent's intents to the controller.
#[derive(Clone, PartialEq)]
pub struct Intents(pub Callback<Intent>);

/// The intents callback (one that drops them outside a provider, e.g. in a test render).
#[hook]
pub fn use_intents() -> Callback<Intent> {
    use_context::<Intents>().map(|i| i.0).unwrap_or_else(|| Callback::from(|_| ()))
}

/// One snapshot of the phone, shared by every view that shows it; a new one after each change.
#[derive(Clone)]
pub struct Snapshot(pub Rc<Phone>);

impl PartialEq for Snapshot {
    /// Snapshots are never changed in place: the same one is the same state.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The time, renewed once a second.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Clock(pub Time);

/// Now, as of the last tick: views that show time re-render with each one.
#[hook]
pub fn use_now() -> Time {
    use_context::<Clock>().map_or_else(now, |c| c.0)
}

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    /// Also called every second (the controller's own tick).
    pub on_tick: Callback<()>,
    pub children: Html,
}

/// Provides the [`Clock`] below it, from one interval for the whole app.
#[function_component(ClockProvider)]
pub fn clock_provider(props: &ClockProps) -> Html {
    let clock = use_state(now);
    {
        let (clock, on_tick) = (clock.setter(), props.on_tick.clone());
        use_effect_with(on_tick, move |on_tick| {
            let on_tick = on_tick.clone();
            let tick = Closure::<dyn FnMut()>::new(move || {
                clock.set(now());
                on_tick.emit(());
            });
            let window = web_sys::window();
            let id = window.as_ref().and_then(|w| w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000).ok());
            move || {
                if let (Some(w), Some(id)) = (window, id) {
                    w.clear_interval_with_handle(id);
                }
                drop(tick);
            }
        });
    }
    html! { <ContextProvider<Clock> context={Clock(*clock)}>{ props.children.clone() }</ContextProvider<Clock>> }
}
