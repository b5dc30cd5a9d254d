//! Start-up outcomes the agent sees: why the phone did not start (and whether trying again can
//! help), and what did start but needs someone's attention (the Call Center definition has bad
//! items, click-to-dial is off). The controller reports them typed; these views word them.

use callcenter_settings::{ReadSettings, SettingProblem, SettingsError, SoftphoneSettings};
use yew::prelude::*;

use crate::words::t;

use crate::opencti::{CallCenterSettings, DeploymentError, LaunchError, OpenCtiError, PbxNotAllowed};

/// Why the phone did not start.
#[derive(Clone, Debug, PartialEq)]
pub enum StartError {
    /// Not opened by Salesforce, opened by a foreign origin, or an adapter URL asking for an
    /// Open CTI version that does not exist: trying again cannot help.
    Launch(LaunchError),
    /// Open CTI did not load or did not answer (the script timed out, getCallCenterSettings
    /// failed): often a slow or interrupted page load, so trying again can help.
    OpenCti(OpenCtiError),
    /// The Call Center definition leaves the phone without a PBX or a SIP domain.
    Settings(SettingsError),
    /// The page carries no usable deployment configuration (which org and PBXs to trust).
    Deployment(DeploymentError),
    /// The definition names a PBX this deployment does not trust.
    PbxNotAllowed(PbxNotAllowed),
}

impl StartError {
    /// Whether running start-up again may succeed without anyone changing anything.
    pub fn can_retry(&self) -> bool {
        match self {
            StartError::Launch(_) | StartError::Settings(_) | StartError::Deployment(_) | StartError::PbxNotAllowed(_) => false,
            StartError::OpenCti(OpenCtiError::Launch(_) | OpenCtiError::InvalidArgument { .. }) => false,
            StartError::OpenCti(_) => true,
        }
    }
}

impl From<OpenCtiError> for StartError {
    fn from(e: OpenCtiError) -> StartError {
        match e {
            OpenCtiError::Launch(launch) => StartError::Launch(launch),
            other => StartError::OpenCti(other),
        }
    }
}

/// The settings the phone runs with. Values that were not text are problems like the others,
/// listed first.
pub fn read_settings(fetched: CallCenterSettings) -> Result<ReadSettings, StartError> {
    let CallCenterSettings { map, problems: mut all } = fetched;
    match SoftphoneSettings::from_map(&map) {
        Ok(mut read) => {
            all.append(&mut read.problems);
            read.problems = all;
            Ok(read)
        }
        Err(mut e) => {
            all.append(&mut e.problems);
            e.problems = all;
            Err(StartError::Settings(e))
        }
    }
}

/// The phone started, but someone should know this.
#[derive(Clone, Debug, PartialEq)]
pub enum StartNotice {
    /// Items of the Call Center definition were ignored or replaced by their defaults.
    SettingsProblems(Vec<SettingProblem>),
    /// Salesforce did not enable click-to-dial: numbers on records are not clickable.
    ClickToDialOff(OpenCtiError),
}

#[derive(Properties, PartialEq)]
pub struct StartFailedProps {
    pub error: StartError,
    /// Runs start-up again; offered only when that can help.
    pub on_retry: Callback<()>,
}

/// Shown instead of the phone when it did not start.
#[function_component(StartFailed)]
pub fn start_failed(props: &StartFailedProps) -> Html {
    let (title, detail) = match &props.error {
        StartError::Launch(e) => (t::start_cannot_start(), e.to_string()),
        StartError::OpenCti(e) => (t::start_no_salesforce(), e.to_string()),
        StartError::Settings(e) => (t::start_not_set_up(), t::start_fix_definition(e)),
        StartError::Deployment(e) => (t::start_cannot_start(), e.to_string()),
        StartError::PbxNotAllowed(e) => (t::start_pbx_not_allowed(), e.to_string()),
    };
    let retry = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <main class="phone">
            <div class="card blocked" role="alert" data-testid="blocked">
                <h2>{ title }</h2>
                <p class="pre-line">{ detail }</p>
                if props.error.can_retry() {
                    <div class="actions"><button class="brand" onclick={retry}>{ t::start_retry() }</button></div>
                }
            </div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct StartNoticesProps {
    pub notices: Vec<StartNotice>,
}

/// The start-up notices, each dismissible for this session.
#[function_component(StartNotices)]
pub fn start_notices(props: &StartNoticesProps) -> Html {
    let dismissed = use_state(Vec::<usize>::new);
    let shown = props.notices.iter().enumerate().filter(|(i, _)| !dismissed.contains(i));
    html! {
        <>
            { for shown.map(|(i, notice)| {
                let dismissed = dismissed.clone();
                let dismiss = Callback::from(move |_: MouseEvent| {
                    let mut now = (*dismissed).clone();
                    now.push(i);
                    dismissed.set(now);
                });
                html! {
                    <div class="alert notice" role="status" data-testid="start-notice">
                        { notice_text(notice) }
                        <button class="dismiss" aria-label={t::view_dismiss()} onclick={dismiss}>{ "×" }</button>
                    </div>
                }
            }) }
        </>
    }
}

fn notice_text(notice: &StartNotice) -> Html {
    match notice {
        StartNotice::SettingsProblems(problems) => html! {
            <>
                { t::start_definition_problems() }
                <ul class="problems">
                    { for problems.iter().map(|p| html! { <li><code>{ p.key.clone() }</code>{ ": " }{ p.message.clone() }</li> }) }
                </ul>
            </>
        },
        StartNotice::ClickToDialOff(e) => html! {
            <>{ t::start_click_to_dial_off() }{ " " }
              <span class="weak">{ format!("({e})") }</span></>
        },
    }
}
