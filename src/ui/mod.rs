//! The Yew app: starts the controller, then renders the phone from its snapshots.

mod a11y;
mod attention;
mod calendar;
mod call_views;
mod context;
mod controller;
mod credentials;
mod hears;
mod help;
mod logs;
mod outputs;
mod owner;
mod pop;
mod recent;
mod salesforce;
mod shortcuts;
mod startup;
use runtime::storage;
mod task_facts;
mod views;

use std::rc::Rc;

use yew::prelude::*;

use crate::phone::{Intent, Phone};
use context::{ClockProvider, Intents, Snapshot};
use controller::Controller;
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
    let phone = use_state(|| None::<Rc<Phone>>);
    let role = use_state(|| TabRole::Claiming);
    // Start-up runs again when the agent presses Retry after a failure that may pass.
    let attempt = use_state(|| 0u32);
    {
        let (boot, phone, role) = (boot.clone(), phone.setter(), role.setter());
        use_effect_with(*attempt, move |_| {
            let on_change = Callback::from(move |p: Rc<Phone>| phone.set(Some(p)));
            let on_role = Callback::from(move |r: TabRole| role.set(r));
            wasm_bindgen_futures::spawn_local(async move {
                match Controller::start(on_change, on_role).await {
                    Ok(c) => boot.set(Boot::Running(c)),
                    Err(reason) => boot.set(Boot::Blocked(reason)),
                }
            });
        });
    }
    let running = match &*boot {
        Boot::Running(c) => Some(c.clone()),
        _ => None,
    };
    // One timer for the whole app: the controller's tick (label timer, retries, heartbeat) and
    // the clock of the views that show time.
    let on_tick = use_memo(running.clone(), |running| {
        let running = running.clone();
        Callback::from(move |()| {
            if let Some(c) = &running {
                c.tick();
            }
        })
    });
    let intents = use_memo(running, |running| {
        let running = running.clone();
        Intents(Callback::from(move |i: Intent| {
            if let Some(c) = &running {
                c.intent(i);
            }
        }))
    });
    let content = match (&*boot, &*phone) {
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
            let dispositions = c.dispositions().into_iter().map(AttrValue::from).collect::<Vec<_>>();
            html! {
                <ContextProvider<Intents> context={(*intents).clone()}>
                <ContextProvider<Controller> context={c.clone()}>
                    <startup::StartNotices notices={c.notices()} />
                    <attention::PermissionReason show={p.agent_user().is_none() || *p.org_sign_in() != crate::phone::OrgSignIn::Off} />
                    <views::PhoneView snapshot={Snapshot(p.clone())} {dispositions} zone={c.time_zone().map(AttrValue::from)} />
                </ContextProvider<Controller>>
                </ContextProvider<Intents>>
            }
        }
    };
    html! { <ClockProvider on_tick={(*on_tick).clone()}>{ content }</ClockProvider> }
}
