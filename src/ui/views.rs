//! The softphone's views: Yew function components that show the phone state and turn clicks into
//! intents. They hold no business logic; `phone::Phone` decides, `ui::controller` performs.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::a11y::{self, Announcer};
use super::call_views::{Calls, Countdown};
use super::context::{use_intents, Snapshot};
use super::recent::RecentCalls;
use super::shortcuts::use_shortcuts;
use crate::words::{self, t};
use crate::phone::presence::Presence;
use crate::phone::{AudioInput, Credentials, DialTarget, Focus, Intent, PendingLog, Registration, Secret, WrapUp};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub registration: Registration,
    pub user: Option<AttrValue>,
    pub presence: Presence,
}

/// Title, registration badge and sign-out.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let send = use_intents();
    let (class, text) = match (&props.registration, props.presence) {
        (Registration::SignedOut, Presence::Offline) if props.user.is_some() => ("badge", t::view_offline()),
        (Registration::SignedOut, _) => ("badge", t::view_signed_out()),
        (Registration::Connecting, _) => ("badge busy", t::view_connecting()),
        (Registration::Reconnecting { .. }, _) => ("badge busy", t::view_reconnecting()),
        (Registration::Registered, Presence::Available) => ("badge ok", t::view_ready()),
        (Registration::Registered, other) => ("badge busy", words::presence(other)),
        (_, _) => ("badge bad", t::view_offline()),
    };
    let sign_out = send.reform(|_| Intent::SignOut);
    let on_presence = send.reform(|e: Event| {
        let chosen = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        Intent::SetPresence(Presence::ALL.into_iter().find(|p| words::presence(*p) == chosen).unwrap_or_default())
    });
    html! {
        <header class="header">
            <h1 class="title">{ t::view_title() }</h1>
            <span class={class} role="status" aria-live="polite">
                { text }
                if let Some(user) = &props.user { { " · " }{ user.clone() } }
            </span>
            if props.user.is_some() {
                <select id="presence" aria-label={t::view_presence()} onchange={on_presence}>
                    { for Presence::ALL.into_iter().map(|p| html! {
                        <option value={words::presence(p)} selected={p == props.presence}>{ words::presence(p) }</option>
                    }) }
                </select>
                <button onclick={sign_out}>{ t::view_sign_out() }</button>
            }
        </header>
    }
}

/// The sign-in form. The password goes straight into the controller's memory, nowhere else.
#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let send = use_intents();
    let user = use_node_ref();
    let password = use_node_ref();
    let display_name = use_node_ref();
    let onsubmit = {
        let (user, password, display_name) = (user.clone(), password.clone(), display_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let secret = Secret::new(value(&password));
            // Clear the field so the password does not linger in the DOM.
            if let Some(input) = password.cast::<HtmlInputElement>() {
                input.set_value("");
            }
            send.emit(Intent::SignIn(Credentials {
                user: value(&user).trim().to_owned(),
                password: secret,
                display_name: value(&display_name).trim().to_owned(),
                auth_user: None,
            }));
        })
    };
    html! {
        <form class="card" {onsubmit} aria-labelledby="signin-title">
            <h2 id="signin-title">{ t::view_sign_in_title() }</h2>
            <div class="field">
                <label for="sip-user">{ t::view_sip_user() }</label>
                <input id="sip-user" ref={user} autocomplete="username" inputmode="text" required=true />
            </div>
            <div class="field">
                <label for="sip-password">{ t::view_password() }</label>
                // Not "current-password" (invites the browser to save the PBX's credential, and sync it
                // to the agent's personal profile) nor "new-password" (invites it to generate and save
                // one): "off", and the ignore flags of the common password-manager extensions.
                <input id="sip-password" ref={password} type="password" autocomplete="off" data-lpignore="true" data-bwignore="true" data-form-type="other" required=true />
            </div>
            <div class="field">
                <label for="display-name">{ t::view_display_name() }</label>
                <input id="display-name" ref={display_name} autocomplete="name" />
            </div>
            <div class="actions"><button class="brand" type="submit">{ t::view_sign_in() }</button></div>
        </form>
    }
}

/// A number field for calls not started from a record.
#[function_component(Dialer)]
pub fn dialer() -> Html {
    let send = use_intents();
    let number = use_node_ref();
    let onsubmit = {
        let number = number.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = number.cast::<HtmlInputElement>() {
                send.emit(Intent::EnterNumber(input.value()));
            }
        })
    };
    html! {
        <form class="card" {onsubmit}>
            <div class="field">
                <label for="dial-number">{ t::view_number() }</label>
                <input id="dial-number" ref={number} type="tel" inputmode="tel" autocomplete="off" />
            </div>
            <div class="actions"><button type="submit">{ t::view_use_number() }</button></div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReadyProps {
    pub target: DialTarget,
    pub registration: Registration,
    pub dispositions: Vec<AttrValue>,
}

/// A number picked by click-to-dial or typed: who it is, what will be dialled, and what to do.
#[function_component(ReadyToCall)]
pub fn ready_to_call(props: &ReadyProps) -> Html {
    let send = use_intents();
    let disposition = use_node_ref();
    use_none_selected(disposition.clone());
    let notes = use_node_ref();
    let target = &props.target;
    let dismiss = send.reform(|_| Intent::Dismiss);
    let log_call = {
        let (disposition, notes, send) = (disposition.clone(), notes.clone(), send.clone());
        Callback::from(move |_| {
            let disposition = disposition.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let notes = notes.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            send.emit(Intent::LogCall { disposition, notes });
        })
    };
    let dial_line = match &target.dial {
        Ok(dial) => html! { <div class="weak">{ t::view_dials(&words::dial_plan(dial)) }</div> },
        Err(e) => html! { <div class="alert" role="alert">{ words::dial_error(e) }</div> },
    };
    // Calling needs the PBX; say why the button is off instead of hiding it.
    let call_hint = match &props.registration {
        Registration::Registered => None,
        Registration::SignedOut => Some(t::view_call_hint_signed_out()),
        Registration::Connecting | Registration::Reconnecting { .. } => Some(t::view_call_hint_connecting()),
        _ => Some(t::view_call_hint_offline()),
    };
    html! {
        <section class="card" aria-labelledby="ready-title" data-testid="ready-to-call">
            <h2 id="ready-title">{ t::view_ready_title() }</h2>
            <div class="number" data-testid="ready-number">{ target.number.clone() }</div>
            if let Some(record) = &target.record {
                <div data-testid="ready-record">{ record.name.clone() }<span class="weak">{ " · " }{ record.object_type.clone() }</span></div>
            }
            { dial_line }
            if let Some(hint) = call_hint { <div class="weak">{ hint }</div> }
            <div class="field">
                <label for="disposition">{ t::view_disposition() }</label>
                <select id="disposition" ref={disposition}>
                    <option value="">{ t::view_none() }</option>
                    { for props.dispositions.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="notes">{ t::view_notes() }</label>
                <textarea id="notes" ref={notes} rows="2" />
            </div>
            <div class="actions">
                <button class="brand" onclick={send.reform(|_| Intent::Call)}
                    disabled={call_hint.is_some() || target.dial.is_err()}>{ t::view_call() }</button>
                <button onclick={log_call}>{ t::view_log_call() }</button>
                <button onclick={dismiss}>{ t::view_dismiss() }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct OutboxProps {
    pub pending: Vec<PendingLog>,
    /// The agent's time zone as Salesforce keeps it (`None`: the browser's).
    pub zone: Option<AttrValue>,
}

/// Call logs Salesforce has not confirmed yet: never silently dropped.
#[function_component(Outbox)]
pub fn outbox(props: &OutboxProps) -> Html {
    let send = use_intents();
    if props.pending.is_empty() {
        return html! {};
    }
    let retry = send.reform(|_| Intent::RetryLogs);
    let failed = props.pending.iter().any(|p| p.error.is_some());
    html! {
        <section class="card" aria-labelledby="outbox-title">
            <h2 id="outbox-title">{ t::view_outbox_title() }</h2>
            <ul class="outbox">
                { for props.pending.iter().map(|p| html! {
                    <li>{ super::calendar::subject(&p.record, props.zone.as_deref()) }
                        if let Some(e) = &p.error { <div class="weak">{ words::crm_problem(e) }</div> }
                    </li>
                }) }
            </ul>
            if failed { <button onclick={retry}>{ t::view_retry_saving() }</button> }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PhoneViewProps {
    pub snapshot: Snapshot,
    pub dispositions: Vec<AttrValue>,
    /// The agent's time zone as Salesforce keeps it (`None`: the browser's).
    pub zone: Option<AttrValue>,
}

/// The whole signed-in or signed-out phone.
#[function_component(PhoneView)]
pub fn phone_view(props: &PhoneViewProps) -> Html {
    let phone = &*props.snapshot.0;
    let focused = match phone.focus() {
        Focus::Call(c) => Some(c.clone()),
        _ => None,
    };
    use_shortcuts(focused);
    let send = use_intents();
    let help = super::help::use_help(phone);
    let idle = phone.calls().is_empty() && phone.ready().is_none() && phone.wrap_up().is_none();
    let user = phone.agent_user().unwrap_or_default();
    html! {
        <main class="phone">
            <Announcer said={a11y::announcement(phone.focus(), phone.calls().len())} />
            <Header registration={phone.registration().clone()} user={phone.agent_user().map(|u| AttrValue::from(u.to_owned()))} presence={phone.presence()} />
            if let Some(notice) = phone.notice() { <div class="alert" role="alert">{ words::notice(notice) }</div> }
            if let Registration::Failed(reason) = phone.registration() { <div class="alert" role="alert">{ words::registration_failure(reason, user) }</div> }
            { super::credentials::org_status(phone.org_sign_in(), phone.agent_user(), &send) }
            if phone.offers_password_form() { <SignIn /> }
            if let Registration::Reconnecting { problem, retry_in_s } = phone.registration() {
                <div class="alert" role="status">{ t::view_reconnecting_after(&words::reconnecting(problem, *retry_in_s, user)) }</div>
            }
            if idle {
                <Dialer />
                <RecentCalls recent={phone.recent().to_vec()} />
            }
            if let Some(target) = phone.ready() {
                <ReadyToCall target={target.clone()} registration={phone.registration().clone()} dispositions={props.dispositions.clone()} />
            }
            <Calls snapshot={props.snapshot.clone()} />
            if let Some(wrap) = phone.wrap_up() {
                <WrapUpCard wrap={wrap.clone()} dispositions={props.dispositions.clone()} subject={super::calendar::subject(&wrap.record, props.zone.as_deref())} />
            }
            if phone.agent_user().is_some() && !phone.microphones().is_empty() {
                <MicrophonePicker inputs={phone.microphones().to_vec()} chosen={phone.microphone().map(|m| AttrValue::from(m.to_owned()))} />
            }
            if phone.agent_user().is_some() { <super::outputs::OutputPickers outputs={phone.outputs().clone()} /> }
            <Outbox pending={phone.outbox().to_vec()} zone={props.zone.clone()} />
            { help }
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct MicrophonePickerProps {
    pub inputs: Vec<AudioInput>,
    pub chosen: Option<AttrValue>,
}

/// Which microphone calls use; switching works mid-call too.
#[function_component(MicrophonePicker)]
pub fn microphone_picker(props: &MicrophonePickerProps) -> Html {
    let send = use_intents();
    let onchange = send.reform(|e: Event| {
        let id = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        Intent::ChooseMicrophone((!id.is_empty()).then_some(id))
    });
    // A remembered microphone that is not plugged in now: the browser's default is in use.
    let chosen = props.chosen.as_deref().filter(|c| props.inputs.iter().any(|i| i.id == *c));
    html! {
        <div class="field microphone">
            <label for="microphone">{ t::view_microphone() }</label>
            <select id="microphone" {onchange}>
                <option value="" selected={chosen.is_none()}>{ t::view_browser_default() }</option>
                { for props.inputs.iter().map(|i| html! {
                    <option value={i.id.clone()} selected={chosen == Some(i.id.as_str())}>{ i.label.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// Shown while Open CTI loads.
#[function_component(Starting)]
pub fn starting() -> Html {
    html! { <main class="phone"><p class="weak" role="status">{ t::view_starting() }</p></main> }
}

/// A disposition list opens on "None": a log says only what the agent chose. (As Yew builds the
/// options, the browser would otherwise keep the last one selected.)
#[hook]
fn use_none_selected(select: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(select) = select.cast::<HtmlSelectElement>() {
            select.set_selected_index(0);
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct WrapUpProps {
    pub wrap: WrapUp,
    pub dispositions: Vec<AttrValue>,
    /// The Task's subject, on the agent's calendar.
    pub subject: AttrValue,
}

/// After a call: the log is already saved; disposition and notes complete it.
#[function_component(WrapUpCard)]
pub fn wrap_up_card(props: &WrapUpProps) -> Html {
    let send = use_intents();
    let disposition = use_node_ref();
    use_none_selected(disposition.clone());
    let notes = use_node_ref();
    // The form's values, read when they change (kept by the phone, so that whatever ends the
    // wrap-up saves them) and when the agent is done.
    let values = {
        let (disposition, notes) = (disposition.clone(), notes.clone());
        move || {
            let disposition = disposition.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let notes = notes.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            (disposition, notes)
        }
    };
    let onsubmit = {
        let (values, send) = (values.clone(), send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (disposition, notes) = values();
            send.emit(Intent::FinishWrapUp { disposition, notes });
        })
    };
    let onchange = {
        Callback::from(move |_: Event| {
            let (disposition, notes) = values();
            send.emit(Intent::EditWrapUp { disposition, notes });
        })
    };
    let oninput = onchange.reform(|e: InputEvent| Event::from(e));
    let record = &props.wrap.record;
    // The call's diagnostics summary, added to the notes where the agent sees it (and can edit it).
    let add_diagnostics = record.call_id.clone().map(|call_id| {
        let (notes, onchange) = (notes.clone(), onchange.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(field) = notes.cast::<HtmlTextAreaElement>() {
                let mut text = field.value();
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&crate::support::journal::summary(&call_id));
                field.set_value(&text);
                // As if typed: the phone keeps the notes (whatever ends the wrap-up saves them).
                onchange.emit(Event::from(e));
            }
        })
    });
    html! {
        <form class="card" {onsubmit} aria-labelledby="wrap-title" data-testid="wrap-up">
            <h2 id="wrap-title">{ t::view_wrap_up_title() }</h2>
            <div class="weak">{ t::view_wrap_up_duration(&props.subject, &record.duration_s) }</div>
            <div class="field">
                <label for="wrap-disposition">{ t::view_disposition() }</label>
                <select id="wrap-disposition" ref={disposition} {onchange}>
                    <option value="">{ t::view_none() }</option>
                    { for props.dispositions.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="wrap-notes">{ t::view_notes() }</label>
                <textarea id="wrap-notes" ref={notes} rows="3" {oninput} />
            </div>
            if let Some(ends_at) = props.wrap.ends_at { <Countdown {ends_at} /> }
            <div class="actions">
                <button class="brand" type="submit">{ t::view_done() }</button>
                if let Some(add) = add_diagnostics { <button type="button" onclick={add}>{ t::view_add_diagnostics() }</button> }
            </div>
        </form>
    }
}
