//! The Yew app: starts the controller, then renders the phone from its snapshots.

mod controller;
mod views;

use yew::prelude::*;

use crate::phone::{Intent, Phone};
use controller::Controller;

/// Where the app is in its start-up.
enum Boot {
    Starting,
    Blocked(String),
    Running(Controller),
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let boot = use_state(|| Boot::Starting);
    let phone = use_state(|| None::<Phone>);
    {
        let (boot, phone) = (boot.clone(), phone.setter());
        use_effect_with((), move |_| {
            let on_change = Callback::from(move |p: Phone| phone.set(Some(p)));
            wasm_bindgen_futures::spawn_local(async move {
                match Controller::start(on_change).await {
                    Ok(c) => boot.set(Boot::Running(c)),
                    Err(reason) => boot.set(Boot::Blocked(reason)),
                }
            });
        });
    }
    match (&*boot, &*phone) {
        (Boot::Starting, _) | (Boot::Running(_), None) => html! { <views::Starting /> },
        (Boot::Blocked(reason), _) => html! { <views::Blocked reason={AttrValue::from(reason.clone())} /> },
        (Boot::Running(c), Some(p)) => {
            let c2 = c.clone();
            let on_intent = Callback::from(move |i: Intent| c2.intent(i));
            let dispositions = c.dispositions().into_iter().map(AttrValue::from).collect::<Vec<_>>();
            html! { <views::PhoneView phone={p.clone()} {dispositions} {on_intent} /> }
        }
    }
}
