//! The Yew app: starts the controller, then renders the phone from its snapshots.

mod a11y;
mod attention;
mod controller;
mod logs;
mod outputs;
mod owner;
mod pop;
mod recent;
mod shortcuts;
mod startup;
mod storage;
mod task_facts;
mod views;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::phone::{Intent, Phone};
use controller::{now_ms, Controller};
use owner::TabRole;

/// Where the app is in its start-up.
enum Boot {
    Starting,
    Blocked(startup::StartError),
    Running(Controller),
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let boot = use_state(|| Boot::Starting);
    let phone = use_state(|| None::<Phone>);
    let role = use_state(|| TabRole::Claiming);
    let now = use_state(now_ms);
    // Start-up runs again when the agent presses Retry after a failure that may pass.
    let attempt = use_state(|| 0u32);
    {
        let (boot, phone, role) = (boot.clone(), phone.setter(), role.setter());
        use_effect_with(*attempt, move |_| {
            let on_change = Callback::from(move |p: Phone| phone.set(Some(p)));
            let on_role = Callback::from(move |r: TabRole| role.set(r));
            wasm_bindgen_futures::spawn_local(async move {
                match Controller::start(on_change, on_role).await {
                    Ok(c) => boot.set(Boot::Running(c)),
                    Err(reason) => boot.set(Boot::Blocked(reason)),
                }
            });
        });
    }
    {
        // One timer for the whole app: the call timer on screen and in the utility label.
        let running = match &*boot {
            Boot::Running(c) => Some(c.clone()),
            _ => None,
        };
        let now = now.setter();
        use_effect_with(running, move |running| {
            let running = running.clone();
            let tick = Closure::<dyn FnMut()>::new(move || {
                now.set(now_ms());
                if let Some(c) = &running {
                    c.tick();
                }
            });
            let window = web_sys::window();
            let id = window.as_ref().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000).ok()
            });
            move || {
                if let (Some(w), Some(id)) = (window, id) {
                    w.clear_interval_with_handle(id);
                }
                drop(tick);
            }
        });
    }
    match (&*boot, &*phone) {
        (Boot::Starting, _) | (Boot::Running(_), None) => html! { <views::Starting /> },
        (Boot::Running(_), Some(_)) if *role == TabRole::Claiming => html! { <views::Starting /> },
        (Boot::Running(_), Some(_)) if matches!(*role, TabRole::Elsewhere(_)) => {
            let line = match &*role {
                TabRole::Elsewhere(line) => line.clone(),
                _ => None,
            };
            html! { <owner::Elsewhere {line} /> }
        }
        (Boot::Blocked(error), _) => {
            let (boot, attempt) = (boot.clone(), attempt.clone());
            let on_retry = Callback::from(move |()| {
                boot.set(Boot::Starting);
                attempt.set(*attempt + 1);
            });
            html! { <startup::StartFailed error={error.clone()} {on_retry} /> }
        }
        (Boot::Running(c), Some(p)) => {
            let c2 = c.clone();
            let on_intent = Callback::from(move |i: Intent| c2.intent(i));
            let dispositions = c.dispositions().into_iter().map(AttrValue::from).collect::<Vec<_>>();
            html! {
                <>
                    <startup::StartNotices notices={c.notices()} />
                    <attention::PermissionReason signed_out={p.agent_user().is_none()} />
                    <views::PhoneView phone={p.clone()} now_ms={*now} {dispositions} {on_intent} />
                </>
            }
        }
    }
}
