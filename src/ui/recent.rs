//! The recent calls card: the last calls of this browser, each with a button to call back.

use yew::prelude::*;

use super::a11y::recent_summary;
use super::context::{use_intents, use_now};
use crate::phone::recent::RecentCall;
use crate::phone::Intent;
use crate::words::t;

#[derive(Properties, PartialEq)]
pub struct RecentProps {
    pub recent: Vec<RecentCall>,
}

/// The last calls, newest first: who, when, missed or not, and a button to call back.
#[function_component(RecentCalls)]
pub fn recent_calls(props: &RecentProps) -> Html {
    let (send, now) = (use_intents(), use_now());
    if props.recent.is_empty() {
        return html! {};
    }
    html! {
        <section class="card" aria-labelledby="recent-title" data-testid="recent">
            <h2 id="recent-title">{ t::view_recent_title() }</h2>
            <ul class="recent">
                { for props.recent.iter().enumerate().map(|(i, call)| html! {
                    <li class={classes!(call.missed.then_some("missed"))}>
                        <span class="who">{ call.who().to_owned() }</span>
                        <span class="weak">{ recent_summary(call, now) }</span>
                        <button aria-label={t::view_call_back(&call.who())} onclick={send.reform(move |_| Intent::CallBack(i))}>{ t::view_call() }</button>
                    </li>
                }) }
            </ul>
        </section>
    }
}
