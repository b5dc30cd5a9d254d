//! The softphone's views: Yew function components that show the phone state and turn clicks into
//! intents. They hold no business logic; `phone::Phone` decides, `ui::controller` performs.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::a11y::{self, Announcer};
use super::recent::RecentCalls;
use super::shortcuts::{use_shortcuts, Shortcut};
use crate::phone::presence::Presence;
use crate::phone::{AudioInput, Call, CallState, Credentials, DialTarget, Intent, PendingLog, Phone, Registration, Secret, WrapUp};

/// Sends an intent to the controller.
pub type Send = Callback<Intent>;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub registration: Registration,
    pub user: Option<AttrValue>,
    pub presence: Presence,
    pub on_intent: Send,
}

/// Title, registration badge and sign-out.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let (class, text) = match (&props.registration, props.presence) {
        (Registration::SignedOut, Presence::Offline) if props.user.is_some() => ("badge", "Offline"),
        (Registration::SignedOut, _) => ("badge", "Signed out"),
        (Registration::Connecting, _) => ("badge busy", "Connecting"),
        (Registration::Reconnecting(_), _) => ("badge busy", "Reconnecting"),
        (Registration::Registered, Presence::Available) => ("badge ok", "Ready"),
        (Registration::Registered, other) => ("badge busy", other.word()),
        (Registration::Failed(_), _) => ("badge bad", "Offline"),
    };
    let sign_out = props.on_intent.reform(|_| Intent::SignOut);
    let on_presence = props.on_intent.reform(|e: Event| {
        let chosen = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        Intent::SetPresence(Presence::ALL.into_iter().find(|p| p.word() == chosen).unwrap_or_default())
    });
    html! {
        <header class="header">
            <h1 class="title">{ "Phone" }</h1>
            <span class={class} role="status" aria-live="polite">
                { text }
                if let Some(user) = &props.user { { " · " }{ user.clone() } }
            </span>
            if props.user.is_some() {
                <select id="presence" aria-label="Presence" onchange={on_presence}>
                    { for Presence::ALL.into_iter().map(|p| html! {
                        <option value={p.word()} selected={p == props.presence}>{ p.word() }</option>
                    }) }
                </select>
                <button onclick={sign_out}>{ "Sign out" }</button>
            }
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    pub on_intent: Send,
}

/// The sign-in form. The password goes straight into the controller's memory, nowhere else.
#[function_component(SignIn)]
pub fn sign_in(props: &SignInProps) -> Html {
    let user = use_node_ref();
    let password = use_node_ref();
    let display_name = use_node_ref();
    let onsubmit = {
        let (user, password, display_name) = (user.clone(), password.clone(), display_name.clone());
        let send = props.on_intent.clone();
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
            }));
        })
    };
    html! {
        <form class="card" {onsubmit} aria-labelledby="signin-title">
            <h2 id="signin-title">{ "Sign in to your phone line" }</h2>
            <div class="field">
                <label for="sip-user">{ "SIP user (extension)" }</label>
                <input id="sip-user" ref={user} autocomplete="username" inputmode="text" required=true />
            </div>
            <div class="field">
                <label for="sip-password">{ "Password" }</label>
                // Not "current-password" (invites the browser to save the PBX's credential, and sync it
                // to the agent's personal profile) nor "new-password" (invites it to generate and save
                // one): "off", and the ignore flags of the common password-manager extensions.
                <input id="sip-password" ref={password} type="password" autocomplete="off" data-lpignore="true" data-bwignore="true" data-form-type="other" required=true />
            </div>
            <div class="field">
                <label for="display-name">{ "Display name (shown to people you call)" }</label>
                <input id="display-name" ref={display_name} autocomplete="name" />
            </div>
            <div class="actions"><button class="brand" type="submit">{ "Sign in" }</button></div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct DialerProps {
    pub on_intent: Send,
}

/// A number field for calls not started from a record.
#[function_component(Dialer)]
pub fn dialer(props: &DialerProps) -> Html {
    let number = use_node_ref();
    let onsubmit = {
        let number = number.clone();
        let send = props.on_intent.clone();
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
                <label for="dial-number">{ "Number" }</label>
                <input id="dial-number" ref={number} type="tel" inputmode="tel" autocomplete="off" />
            </div>
            <div class="actions"><button type="submit">{ "Use number" }</button></div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReadyProps {
    pub target: DialTarget,
    pub registration: Registration,
    pub dispositions: Vec<AttrValue>,
    pub on_intent: Send,
}

/// A number picked by click-to-dial or typed: who it is, what will be dialled, and what to do.
#[function_component(ReadyToCall)]
pub fn ready_to_call(props: &ReadyProps) -> Html {
    let disposition = use_node_ref();
    use_none_selected(disposition.clone());
    let notes = use_node_ref();
    let target = &props.target;
    let dismiss = props.on_intent.reform(|_| Intent::Dismiss);
    let log_call = {
        let (disposition, notes) = (disposition.clone(), notes.clone());
        let send = props.on_intent.clone();
        Callback::from(move |_| {
            let disposition = disposition.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let notes = notes.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            send.emit(Intent::LogCall { disposition, notes });
        })
    };
    let dial_line = match &target.dial {
        Ok(dial) => html! { <div class="weak">{ "Dials " }{ dial.to_string() }</div> },
        Err(e) => html! { <div class="alert" role="alert">{ e.to_string() }</div> },
    };
    // Calling needs the PBX; say why the button is off instead of hiding it.
    let call_hint = match &props.registration {
        Registration::Registered => None,
        Registration::SignedOut => Some("Sign in to call."),
        Registration::Connecting | Registration::Reconnecting(_) => Some("Connecting to the PBX…"),
        Registration::Failed(_) => Some("The phone line is offline."),
    };
    html! {
        <section class="card" aria-labelledby="ready-title" data-testid="ready-to-call">
            <h2 id="ready-title">{ "Ready to call" }</h2>
            <div class="number" data-testid="ready-number">{ target.number.clone() }</div>
            if let Some(record) = &target.record {
                <div data-testid="ready-record">{ record.name.clone() }<span class="weak">{ " · " }{ record.object_type.clone() }</span></div>
            }
            { dial_line }
            if let Some(hint) = call_hint { <div class="weak">{ hint }</div> }
            <div class="field">
                <label for="disposition">{ "Disposition" }</label>
                <select id="disposition" ref={disposition}>
                    <option value="">{ "None" }</option>
                    { for props.dispositions.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="notes">{ "Notes" }</label>
                <textarea id="notes" ref={notes} rows="2" />
            </div>
            <div class="actions">
                <button class="brand" onclick={props.on_intent.reform(|_| Intent::Call)}
                    disabled={call_hint.is_some() || target.dial.is_err()}>{ "Call" }</button>
                <button onclick={log_call}>{ "Log call" }</button>
                <button onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct OutboxProps {
    pub pending: Vec<PendingLog>,
    pub on_intent: Send,
}

/// Call logs Salesforce has not confirmed yet: never silently dropped.
#[function_component(Outbox)]
pub fn outbox(props: &OutboxProps) -> Html {
    if props.pending.is_empty() {
        return html! {};
    }
    let retry = props.on_intent.reform(|_| Intent::RetryLogs);
    let failed = props.pending.iter().any(|p| p.error.is_some());
    html! {
        <section class="card" aria-labelledby="outbox-title">
            <h2 id="outbox-title">{ "Call logs not saved yet" }</h2>
            <ul class="outbox">
                { for props.pending.iter().map(|p| html! {
                    <li>{ p.record.subject() }
                        if let Some(e) = &p.error { <div class="weak">{ e.clone() }</div> }
                    </li>
                }) }
            </ul>
            if failed { <button onclick={retry}>{ "Retry saving" }</button> }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PhoneViewProps {
    pub phone: Phone,
    /// The time of this render (Unix ms), for the call timer.
    pub now_ms: u64,
    pub dispositions: Vec<AttrValue>,
    pub on_intent: Send,
}

/// The whole signed-in or signed-out phone.
#[function_component(PhoneView)]
pub fn phone_view(props: &PhoneViewProps) -> Html {
    let phone = &props.phone;
    let send = props.on_intent.clone();
    use_shortcuts(phone.call().clone(), send.clone());
    html! {
        <main class="phone">
            <Announcer call={phone.call().clone()} />
            <Header registration={phone.registration().clone()} user={phone.agent_user().map(|u| AttrValue::from(u.to_owned()))} presence={phone.presence()} on_intent={send.clone()} />
            if let Some(notice) = phone.notice() { <div class="alert" role="alert">{ notice.to_owned() }</div> }
            if let Registration::Failed(reason) = phone.registration() { <div class="alert" role="alert">{ reason.clone() }</div> }
            if phone.agent_user().is_none() { <SignIn on_intent={send.clone()} /> }
            if let Registration::Reconnecting(reason) = phone.registration() {
                <div class="alert" role="status">{ reason.clone() }{ " Reconnecting…" }</div>
            }
            { match phone.call() {
                CallState::Idle => html! {
                    <>
                        <Dialer on_intent={send.clone()} />
                        <RecentCalls recent={phone.recent().to_vec()} now_ms={props.now_ms} on_intent={send.clone()} />
                    </>
                },
                CallState::ReadyToCall(target) => html! {
                    <ReadyToCall target={target.clone()} registration={phone.registration().clone()}
                        dispositions={props.dispositions.clone()} on_intent={send.clone()} />
                },
                CallState::Dialing(call) => html! { <CallCard call={call.clone()} title="Calling" now_ms={props.now_ms} on_intent={send.clone()} /> },
                CallState::Incoming(call) => html! { <IncomingCard call={call.clone()} on_intent={send.clone()} /> },
                CallState::Connected(call) => html! { <CallCard call={call.clone()} title="On call" now_ms={props.now_ms} on_intent={send.clone()} /> },
                CallState::Rejoining(call) => html! {
                    <RejoinCard who={call.who().to_owned()} signed_in={phone.registration() == &Registration::Registered} on_intent={send.clone()} />
                },
                CallState::WrapUp(wrap) => html! { <WrapUpCard wrap={wrap.clone()} dispositions={props.dispositions.clone()} now_ms={props.now_ms} on_intent={send.clone()} /> },
            } }
            if let Some(extension) = phone.keyed_extension() {
                <div class="weak" data-testid="call-extension">{ format!("Extension {} is keyed in once the call is answered.", extension.digits()) }</div>
            }
            if phone.agent_user().is_some() && !phone.microphones().is_empty() {
                <MicrophonePicker inputs={phone.microphones().to_vec()} chosen={phone.microphone().map(|m| AttrValue::from(m.to_owned()))} on_intent={send.clone()} />
            }
            if phone.agent_user().is_some() { <super::outputs::OutputPickers outputs={phone.outputs().clone()} on_intent={send.clone()} /> }
            <Outbox pending={phone.outbox().to_vec()} on_intent={send} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct MicrophonePickerProps {
    pub inputs: Vec<AudioInput>,
    pub chosen: Option<AttrValue>,
    pub on_intent: Send,
}

/// Which microphone calls use; switching works mid-call too.
#[function_component(MicrophonePicker)]
pub fn microphone_picker(props: &MicrophonePickerProps) -> Html {
    let onchange = props.on_intent.reform(|e: Event| {
        let id = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        Intent::ChooseMicrophone((!id.is_empty()).then_some(id))
    });
    // A remembered microphone that is not plugged in now: the browser's default is in use.
    let chosen = props.chosen.as_deref().filter(|c| props.inputs.iter().any(|i| i.id == *c));
    html! {
        <div class="field microphone">
            <label for="microphone">{ "Microphone" }</label>
            <select id="microphone" {onchange}>
                <option value="" selected={chosen.is_none()}>{ "Browser default" }</option>
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
    html! { <main class="phone"><p class="weak" role="status">{ "Starting the phone…" }</p></main> }
}

#[derive(Properties, PartialEq)]
pub struct CallProps {
    pub call: Call,
    pub on_intent: Send,
}

/// Who is calling, with answer and decline.
#[function_component(IncomingCard)]
pub fn incoming_card(props: &CallProps) -> Html {
    let call = &props.call;
    let answer = use_node_ref();
    a11y::use_focus_when_shown(answer.clone());
    html! {
        <section class="card" aria-labelledby="incoming-title" data-testid="incoming-call">
            <h2 id="incoming-title">{ "Incoming call" }</h2>
            <div class="number" data-testid="caller">{ call.who().to_owned() }</div>
            if call.who() != call.number { <div class="weak">{ call.number.clone() }</div> }
            if let Some(r) = &call.record { <div class="weak" data-testid="caller-record">{ r.object_type.clone() }{ " · " }{ r.name.clone() }</div> }
            <div class="actions">
                <button class="brand" ref={answer} onclick={props.on_intent.reform(|_| Intent::Answer)}
                    title={Shortcut::Answer.title("Answer")} aria-keyshortcuts={Shortcut::Answer.keys()}>{ "Answer" }</button>
                <button class="destructive" onclick={props.on_intent.reform(|_| Intent::Decline)}>{ "Decline" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CallCardProps {
    pub call: Call,
    pub title: AttrValue,
    pub now_ms: u64,
    pub on_intent: Send,
}

/// A call being placed or in progress: timer, mute, hold, keypad, hang up.
#[function_component(CallCard)]
pub fn call_card(props: &CallCardProps) -> Html {
    let call = &props.call;
    let connected = call.answered_at_ms.is_some();
    let seconds = call.talk_seconds(props.now_ms);
    let status = match (connected, call.held, call.remote_ringing) {
        (true, true, _) => "On hold",
        (true, false, _) => "Connected",
        (false, _, true) => "Ringing…",
        (false, _, false) => "Calling…",
    };
    let (muted, held) = (call.muted, call.held);
    html! {
        <section class="card" aria-labelledby="call-title" data-testid="call">
            <h2 id="call-title">{ props.title.clone() }</h2>
            <div class="number" data-testid="call-who">{ call.who().to_owned() }</div>
            <div class="weak" role="timer" data-testid="call-status">
                { status }
                if connected { { " · " }{ format!("{:02}:{:02}", seconds / 60, seconds % 60) } }
            </div>
            if let Some(text) = call.audio_status() {
                <div class="weak" role="status" data-testid="call-quality">{ text }</div>
            }
            if let Some(text) = a11y::quality_words(call) {
                <div class="weak" data-testid="call-mos">{ text }</div>
            }
            // Hang up sits with the call's main controls, above the transfer form and keypad, so it
            // stays in sight in the utility panel's 460 px.
            <div class="actions">
                if connected {
                    <button aria-pressed={muted.to_string()} onclick={props.on_intent.reform(move |_| Intent::SetMuted(!muted))}
                        title={Shortcut::Mute.title("Mute or unmute")} aria-keyshortcuts={Shortcut::Mute.keys()}>
                        { if muted { "Unmute" } else { "Mute" } }</button>
                    <button aria-pressed={held.to_string()} onclick={props.on_intent.reform(move |_| Intent::SetHeld(!held))}
                        title={Shortcut::Hold.title("Hold or resume")} aria-keyshortcuts={Shortcut::Hold.keys()}>
                        { if held { "Resume" } else { "Hold" } }</button>
                }
                <button class="destructive" onclick={props.on_intent.reform(|_| Intent::HangUp)}
                    title={Shortcut::HangUp.title("Hang up")} aria-keyshortcuts={Shortcut::HangUp.keys()}>{ "Hang up" }</button>
            </div>
            if connected {
                <TransferForm transfer_to={call.transfer_to.clone().map(AttrValue::from)} on_intent={props.on_intent.clone()} />
                <Keypad on_intent={props.on_intent.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RejoinCardProps {
    /// Who the call was with.
    pub who: AttrValue,
    /// The line is registered (else the agent must sign in first).
    pub signed_in: bool,
    pub on_intent: Send,
}

/// A call the page reload cut off, being rejoined.
#[function_component(RejoinCard)]
pub fn rejoin_card(props: &RejoinCardProps) -> Html {
    html! {
        <section class="card" aria-labelledby="rejoin-title" data-testid="rejoin">
            <h2 id="rejoin-title">{ "Rejoining your call" }</h2>
            <div class="number" data-testid="call-who">{ props.who.clone() }</div>
            <div class="weak" role="status" data-testid="call-status">
                { if props.signed_in { "Reconnecting to the call the page reload cut off…" } else { "The page reloaded during this call: sign in to rejoin it." } }
            </div>
            <div class="actions">
                <button class="destructive" onclick={props.on_intent.reform(|_| Intent::HangUp)}>{ "Hang up" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TransferFormProps {
    /// The number a transfer is under way to.
    pub transfer_to: Option<AttrValue>,
    pub on_intent: Send,
}

/// Blind transfer: a button that opens a number field. Whether the form is open is the view's
/// own state; the transfer itself is the controller's.
#[function_component(TransferForm)]
pub fn transfer_form(props: &TransferFormProps) -> Html {
    let open = use_state(|| false);
    let number = use_node_ref();
    if let Some(to) = &props.transfer_to {
        return html! { <p class="weak" role="status" data-testid="transferring">{ "Transferring to " }{ to.clone() }{ "…" }</p> };
    }
    if !*open {
        let open = open.clone();
        return html! { <div class="actions"><button onclick={Callback::from(move |_| open.set(true))}>{ "Transfer" }</button></div> };
    }
    let onsubmit = {
        let (number, open, send) = (number.clone(), open.clone(), props.on_intent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = number.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            open.set(false);
            send.emit(Intent::Transfer(value));
        })
    };
    let cancel = Callback::from(move |_| open.set(false));
    html! {
        <form class="transfer" {onsubmit}>
            <div class="field">
                <label for="transfer-number">{ "Transfer to" }</label>
                <input id="transfer-number" ref={number} type="tel" inputmode="tel" autocomplete="off" autofocus=true />
            </div>
            <div class="actions">
                <button type="submit">{ "Transfer call" }</button>
                <button type="button" onclick={cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct KeypadProps {
    pub on_intent: Send,
}

/// DTMF keys, for menus and PINs on the far end.
#[function_component(Keypad)]
pub fn keypad(props: &KeypadProps) -> Html {
    const KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
    html! {
        <div class="keypad" role="group" aria-label="Keypad">
            { for KEYS.iter().map(|&k| html! {
                <button aria-label={format!("Digit {k}")} onclick={props.on_intent.reform(move |_| Intent::SendDigit(k))}>{ k }</button>
            }) }
        </div>
    }
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
    /// Now, for the countdown.
    pub now_ms: u64,
    pub on_intent: Send,
}

/// After a call: the log is already saved; disposition and notes complete it.
#[function_component(WrapUpCard)]
pub fn wrap_up_card(props: &WrapUpProps) -> Html {
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
        let (values, send) = (values.clone(), props.on_intent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (disposition, notes) = values();
            send.emit(Intent::FinishWrapUp { disposition, notes });
        })
    };
    let onchange = {
        let send = props.on_intent.clone();
        Callback::from(move |_: Event| {
            let (disposition, notes) = values();
            send.emit(Intent::EditWrapUp { disposition, notes });
        })
    };
    let oninput = onchange.reform(|e: InputEvent| Event::from(e));
    let record = &props.wrap.record;
    let left_s = props.wrap.ends_at_ms.map(|end| end.saturating_sub(props.now_ms).div_ceil(1000));
    html! {
        <form class="card" {onsubmit} aria-labelledby="wrap-title" data-testid="wrap-up">
            <h2 id="wrap-title">{ "Wrap-up" }</h2>
            <div class="weak">{ record.subject() }{ format!(" · {} s", record.duration_s) }</div>
            <div class="field">
                <label for="wrap-disposition">{ "Disposition" }</label>
                <select id="wrap-disposition" ref={disposition} {onchange}>
                    <option value="">{ "None" }</option>
                    { for props.dispositions.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="wrap-notes">{ "Notes" }</label>
                <textarea id="wrap-notes" ref={notes} rows="3" {oninput} />
            </div>
            if let Some(left) = left_s {
                <div class="weak" role="timer" data-testid="wrap-up-countdown">
                    { format!("Saved by itself in {}:{:02}", left / 60, left % 60) }</div>
            }
            <div class="actions"><button class="brand" type="submit">{ "Done" }</button></div>
        </form>
    }
}
