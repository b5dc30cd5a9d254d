//! The speaker and ringer pickers, and the glue that lists the browser's outputs for the phone
//! and plays where the phone says.

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::words::t;

use super::hears::Hears;
use super::storage;
use crate::media;
use crate::phone::outputs::{AudioOutput, OutputRole, Outputs};
use crate::phone::{Effect, Event as PhoneEvent, Intent};

/// Lists the outputs now and whenever a device comes or goes, and hears the browser refuse one.
pub(super) fn watch(controller: &impl Hears) {
    let c = controller.clone();
    media::on_output_failure(std::rc::Rc::new(move |role, device, gone| c.event(PhoneEvent::OutputFailed { role, device, gone })));
    let c = controller.clone();
    media::watch_devices(move || find(c.clone()));
    find(controller.clone());
}

/// Tells the phone which outputs the browser offers, when it says (it hides them until the agent
/// allowed a microphone, and where outputs cannot be chosen).
pub(super) fn find(controller: impl Hears) {
    spawn_local(async move {
        if let Some(found) = media::audio_outputs().await {
            let found = found.into_iter().map(|(id, label)| AudioOutput { id, label }).collect();
            controller.event(PhoneEvent::OutputsFound(found));
        }
    });
}

/// Carries out the phone's output effects (others are left alone).
pub(super) fn perform(effect: Effect) {
    match effect {
        Effect::UseSpeaker(device) => media::use_speaker(device),
        Effect::UseRinger(device) if media::can_choose(OutputRole::Ringer) => media::use_ringer(device),
        Effect::RememberOutputs(choices) => storage::store_outputs(&choices),
        _ => {}
    }
}

#[derive(Properties, PartialEq)]
pub struct OutputPickersProps {
    pub outputs: Outputs,
}

/// Where calls play (the speaker) and where the phone rings (the ringer); switching the speaker
/// moves a call in progress at once. Hidden where the browser cannot choose outputs.
#[function_component(OutputPickers)]
pub fn output_pickers(props: &OutputPickersProps) -> Html {
    let send = super::context::use_intents();
    let ringer_choosable = use_memo((), |_| media::can_choose(OutputRole::Ringer));
    if props.outputs.found().is_empty() {
        return Html::default();
    }
    let picker = |role: OutputRole, id: &'static str, label: &'static str, make: fn(Option<String>) -> Intent| {
        let onchange = send.reform(move |e: Event| {
            let id = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            make((!id.is_empty()).then_some(id))
        });
        let in_use = props.outputs.in_use(role);
        html! {
            <div class={classes!("field", id)}>
                <label for={id}>{ label }</label>
                <select {id} {onchange}>
                    <option value="" selected={in_use.is_none()}>{ t::view_browser_default() }</option>
                    { for props.outputs.found().iter().map(|o| html! {
                        <option value={o.id.clone()} selected={in_use == Some(o.id.as_str())}>{ o.label.clone() }</option>
                    }) }
                </select>
            </div>
        }
    };
    html! {
        <>
            { picker(OutputRole::Speaker, "speaker", t::view_speaker(), Intent::ChooseSpeaker) }
            if *ringer_choosable {
                { picker(OutputRole::Ringer, "ringer", t::view_ringer(), Intent::ChooseRinger) }
            }
        </>
    }
}
