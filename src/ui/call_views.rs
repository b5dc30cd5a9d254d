//! The calls on screen: one card each, the one that needs the agent first (a call ringing in,
//! then the live call, then calls on hold). Each card names its call by handle in the intents
//! it sends, so a click always reaches the call it was made on.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::a11y;
use super::context::{use_intents, use_now, Snapshot};
use super::shortcuts::Shortcut;
use crate::phone::{Call, CallHandle, Intent, Progress, Registration, Stage, Time};
use crate::words::{self, t};

#[derive(Properties, PartialEq)]
pub struct CallsProps {
    pub snapshot: Snapshot,
}

/// Every call, in the order the agent needs them.
#[function_component(Calls)]
pub fn calls(props: &CallsProps) -> Html {
    let phone = &*props.snapshot.0;
    let calls = phone.calls();
    let rank = |c: &Call| match c.stage() {
        Stage::Ringing | Stage::Answering => 0,
        _ if c.is_live() => 1,
        _ => 2,
    };
    // Ringing calls first, then the live one, then those on hold, each group in the phone's
    // order: taken rank by rank (a handful of calls) rather than sorted, which costs a sort's code.
    let ordered = (0..3).flat_map(|r| calls.iter().filter(move |c| rank(c) == r));
    let room = calls.len() < phone.max_calls();
    let registered = phone.registration() == &Registration::Registered;
    // One element around the cards: Yew moves keyed cards reliably only within a parent of
    // their own (among the phone's other conditional children it failed to insert one).
    html! {
        <div class="calls">{ for ordered.map(|call| {
            let others = calls.len() - 1;
            let another_live = calls.iter().any(|o| o.handle() != call.handle() && o.is_live());
            match call.stage() {
                Stage::Ringing | Stage::Answering => html! { <IncomingCard key={call.handle().number()} call={call.clone()} waiting={others > 0} /> },
                Stage::Rejoining => html! { <RejoinCard key={call.handle().number()} who={call.who().to_owned()} handle={call.handle()} signed_in={registered} /> },
                Stage::Dialing | Stage::Talking => html! {
                    <CallCard key={call.handle().number()} call={call.clone()} {another_live} can_consult={room && registered} />
                },
            }
        }) }</div>
    }
}

#[derive(Properties, PartialEq)]
pub struct IncomingProps {
    pub call: Call,
    /// The agent is on another call: this one is a call waiting.
    pub waiting: bool,
}

/// Who is calling, with answer and decline (and, for a call waiting, busy).
#[function_component(IncomingCard)]
pub fn incoming_card(props: &IncomingProps) -> Html {
    let send = use_intents();
    let call = &props.call;
    let handle = call.handle();
    let answer = use_node_ref();
    a11y::use_focus_when_shown(answer.clone());
    let title = if props.waiting { t::call_waiting() } else { t::call_incoming() };
    let title_id = format!("incoming-title-{}", handle.number());
    let answering = call.stage() == Stage::Answering;
    html! {
        <section class="card" aria-labelledby={title_id.clone()} data-testid="incoming-call" data-call={handle.number().to_string()}>
            <h2 id={title_id}>{ title }</h2>
            <div class="number" data-testid="caller">{ call.who().to_owned() }</div>
            if call.who() != call.number() { <div class="weak">{ call.number().to_owned() }</div> }
            if let Some(r) = &call.record() { <div class="weak" data-testid="caller-record">{ r.object_type.clone() }{ " · " }{ r.name.clone() }</div> }
            if props.waiting { <div class="weak">{ t::call_answering_holds() }</div> }
            <div class="actions">
                <button class="brand" ref={answer} disabled={answering} onclick={send.reform(move |_| Intent::Answer(handle))}
                    title={Shortcut::Answer.title(t::call_answer())} aria-keyshortcuts={Shortcut::Answer.keys()}>
                    { if answering { t::call_answering() } else { t::call_answer() } }</button>
                <button class="destructive" disabled={answering} onclick={send.reform(move |_| Intent::Decline { call: handle, busy: false })}>{ t::call_decline() }</button>
                if props.waiting {
                    <button disabled={answering} onclick={send.reform(move |_| Intent::Decline { call: handle, busy: true })}
                        title={t::call_busy_title()}>{ t::call_busy() }</button>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CallCardProps {
    pub call: Call,
    /// Another call is live: resuming this one swaps them.
    pub another_live: bool,
    /// There is room to consult a colleague before transferring.
    pub can_consult: bool,
}

/// A call being placed or in progress: timer, mute, hold, keypad, transfer, hang up; for a
/// consultation, complete or cancel the transfer.
#[function_component(CallCard)]
pub fn call_card(props: &CallCardProps) -> Html {
    let send = use_intents();
    let call = &props.call;
    let handle = call.handle();
    let connected = call.stage() == Stage::Talking;
    let status = match (connected, call.held(), call.progress()) {
        (true, true, _) => t::call_on_hold(),
        (true, false, _) => t::call_connected(),
        (false, _, Progress::EarlyMedia) => t::call_early_media(),
        (false, _, Progress::Ringing) => t::call_ringing(),
        (false, _, Progress::Calling) => t::call_calling(),
    };
    let (muted, held) = (call.muted(), call.held());
    let title = match (&call.consultation(), connected) {
        (Some(c), _) => t::call_consultation_about(&c.about_who),
        (None, true) => t::call_on_call().into(),
        (None, false) => t::call_calling_title().into(),
    };
    let resume = if props.another_live { t::call_swap() } else { t::call_resume() };
    let live = connected && !held;
    let title_id = format!("call-title-{}", handle.number());
    html! {
        <section class="card" aria-labelledby={title_id.clone()} data-testid="call" data-call={handle.number().to_string()} data-held={held.to_string()}>
            <h2 id={title_id}>{ title }</h2>
            <div class="number" data-testid="call-who">{ call.who().to_owned() }</div>
            <div class="weak" role="timer" data-testid="call-status">
                { status }
                if connected { { " · " }<Timer since={call.answered_at().unwrap_or_default()} /> }
            </div>
            // From the moment the call connects, its connection and quality lines keep their
            // place (blank until the first figures, a second or so later). Appearing, they would
            // push the buttons down, and a press that spans that moment (mouse down on Hang up,
            // up on the line that took its place) would do nothing.
            if connected {
                { reserved_line(call.audio_status().map(words::audio_status), Some("status"), "call-quality") }
                { reserved_line(a11y::quality_words(call), None, "call-mos") }
            }
            if let Some(extension) = call.extension().as_ref().filter(|_| !connected) {
                <div class="weak" data-testid="call-extension">{ t::call_extension_later(&extension.digits()) }</div>
            }
            if let Some(by) = &call.referred_by() {
                <div class="weak">{ t::call_referred_by(by) }</div>
            }
            // Hang up sits with the call's main controls, above the transfer form and keypad, so it
            // stays in sight in the utility panel's 460 px.
            <div class="actions">
                if live {
                    <button aria-pressed={muted.to_string()} onclick={send.reform(move |_| Intent::SetMuted { call: handle, muted: !muted })}
                        title={Shortcut::Mute.title(t::call_mute_title())} aria-keyshortcuts={Shortcut::Mute.keys()}>
                        { if muted { t::call_unmute() } else { t::call_mute() } }</button>
                }
                if connected {
                    <button aria-pressed={held.to_string()} onclick={send.reform(move |_| Intent::SetHeld { call: handle, held: !held })}
                        title={Shortcut::Hold.title(t::call_hold_title())} aria-keyshortcuts={Shortcut::Hold.keys()}>
                        { if held { resume } else { t::call_hold() } }</button>
                }
                if call.consultation().is_none() {
                    <button class="destructive" onclick={send.reform(move |_| Intent::HangUp(handle))}
                        title={Shortcut::HangUp.title(t::call_hang_up())} aria-keyshortcuts={Shortcut::HangUp.keys()}>{ t::call_hang_up() }</button>
                }
            </div>
            if call.consultation().is_some() {
                <div class="actions">
                    <button class="brand" disabled={!connected || call.transfer().is_some()} onclick={send.reform(move |_| Intent::CompleteTransfer(handle))}
                        title={t::call_complete_transfer_title()}>{ t::call_complete_transfer() }</button>
                    <button class="destructive" onclick={send.reform(move |_| Intent::CancelConsult(handle))}
                        title={t::call_cancel_consultation_title()}>{ t::call_cancel_consultation() }</button>
                </div>
            }
            if live && call.consultation().is_none() {
                <TransferForm {handle} transfer_to={call.transfer().map(|t| AttrValue::from(t.to().to_owned()))} can_consult={props.can_consult} />
                <Keypad {handle} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimerProps {
    /// When the call was answered.
    pub since: Time,
}

/// Talk time, mm:ss: re-rendered alone with each tick of the clock.
#[function_component(Timer)]
pub fn timer(props: &TimerProps) -> Html {
    let seconds = use_now().seconds_since(props.since);
    html! { <span data-testid="call-timer">{ words::clock(seconds) }</span> }
}

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    /// When wrap-up completes by itself.
    pub ends_at: Time,
}

/// The wrap-up countdown, re-rendered alone with each tick of the clock.
#[function_component(Countdown)]
pub fn countdown(props: &CountdownProps) -> Html {
    let left = props.ends_at.millis_since(use_now()).div_ceil(1000);
    html! {
        <div class="weak" role="timer" data-testid="wrap-up-countdown">{ t::view_countdown(&words::minutes_seconds(left)) }</div>
    }
}

#[derive(Properties, PartialEq)]
pub struct RejoinCardProps {
    /// Who the call was with.
    pub who: AttrValue,
    pub handle: CallHandle,
    /// The line is registered (else the agent must sign in first).
    pub signed_in: bool,
}

/// A call the page reload cut off, being rejoined.
#[function_component(RejoinCard)]
pub fn rejoin_card(props: &RejoinCardProps) -> Html {
    let send = use_intents();
    let handle = props.handle;
    html! {
        <section class="card" aria-labelledby="rejoin-title" data-testid="rejoin">
            <h2 id="rejoin-title">{ t::call_rejoin_title() }</h2>
            <div class="number" data-testid="call-who">{ props.who.clone() }</div>
            <div class="weak" role="status" data-testid="call-status">
                { if props.signed_in { t::call_rejoin_reconnecting() } else { t::call_rejoin_sign_in() } }
            </div>
            <div class="actions">
                <button class="destructive" onclick={send.reform(move |_| Intent::HangUp(handle))}>{ t::call_hang_up() }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TransferFormProps {
    pub handle: CallHandle,
    /// The number a transfer is under way to.
    pub transfer_to: Option<AttrValue>,
    /// Consulting first is possible (room for one more call).
    pub can_consult: bool,
}

/// Transfer: a button that opens a number field, then "Transfer call" (blind) or "Consult
/// first" (call them, the customer on hold, and transfer once they agree). Whether the form is
/// open is the view's own state; the transfer itself is the controller's.
#[function_component(TransferForm)]
pub fn transfer_form(props: &TransferFormProps) -> Html {
    let send = use_intents();
    let open = use_state(|| false);
    let number = use_node_ref();
    let handle = props.handle;
    if let Some(to) = &props.transfer_to {
        return html! { <p class="weak" role="status" data-testid="transferring">{ t::call_transferring(to) }</p> };
    }
    if !*open {
        let open = open.clone();
        return html! { <div class="actions"><button onclick={Callback::from(move |_| open.set(true))}>{ t::call_transfer() }</button></div> };
    }
    let typed = {
        let number = number.clone();
        move || number.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
    };
    let onsubmit = {
        let (typed, open, send) = (typed.clone(), open.clone(), send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            open.set(false);
            send.emit(Intent::Transfer { call: handle, number: typed() });
        })
    };
    let consult = {
        let (open, send) = (open.clone(), send.clone());
        Callback::from(move |_| {
            open.set(false);
            send.emit(Intent::Consult { call: handle, number: typed() });
        })
    };
    let cancel = Callback::from(move |_| open.set(false));
    html! {
        <form class="transfer" {onsubmit}>
            <div class="field">
                <label for="transfer-number">{ t::call_transfer_to() }</label>
                <input id="transfer-number" ref={number} type="tel" inputmode="tel" autocomplete="off" autofocus=true />
            </div>
            <div class="actions">
                <button type="submit">{ t::call_transfer_call() }</button>
                if props.can_consult { <button type="button" onclick={consult}>{ t::call_consult_first() }</button> }
                <button type="button" onclick={cancel}>{ t::call_cancel() }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct KeypadProps {
    pub handle: CallHandle,
}

/// DTMF keys, for menus and PINs on the far end.
#[function_component(Keypad)]
pub fn keypad(props: &KeypadProps) -> Html {
    const KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
    let send = use_intents();
    let handle = props.handle;
    html! {
        <div class="keypad" role="group" aria-label={t::call_keypad()}>
            { for KEYS.iter().map(|&k| html! {
                <button aria-label={t::call_digit(&k)} onclick={send.reform(move |_| Intent::SendDigit { call: handle, digit: k })}>{ k }</button>
            }) }
        </div>
    }
}

/// One line of a call card: `text`, or until there is some, a blank line of the same height that
/// assistive technology skips.
fn reserved_line(text: Option<String>, role: Option<&'static str>, test_id: &'static str) -> Html {
    match text {
        Some(text) => html! { <div class="weak" role={role} data-testid={test_id}>{ text }</div> },
        None => html! { <div class="weak" aria-hidden="true">{ "\u{a0}" }</div> },
    }
}
