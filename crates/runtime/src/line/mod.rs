//! The phone line: the sans-IO SIP user agent (`crates/sip`) driven over the WebSocket
//! transport, with one peer connection per call. It performs the controller's PBX effects
//! and reports back `phone::Event`s. Nothing here knows Open CTI.
//!
//! What the SIP core reports is turned into the phone's events and the browser's operations by
//! the line's pure core (`crates/line-core`, which owns the calls' handle <-> Call-ID link);
//! this module keeps the browser's objects (each call's peer connection, the WebSocket, timers)
//! and carries the core's operations out (`actions`).
//!
//! Re-entrancy: the line never calls its owner while it holds its own state. Events are
//! queued and delivered from a fresh task (`spawn_local`), after the borrow is released.

mod actions;
mod calls;
mod commands;
mod helpers;
mod instance;
mod microphone;
mod outgoing;
mod perform;
mod recovery;
mod wake;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use line_core::LineCore;
use sip::{Command, Config, Input, Output, UserAgent};
use wasm_bindgen_futures::spawn_local;

use crate::media::{CallMedia, IceSource, MediaError, Microphone, Tones, TrackEnded};
use crate::phone::reasons::{MediaWarning, MicrophoneProblem};
use crate::phone::{Credentials, Event};

use crate::timer::Timeout;
use crate::transport::{Transport, TransportEvent};
use calls::CallAudio;
pub use helpers::mark;
use helpers::{now, open_microphone, sip_now, BrowserRandom};

/// What the line needs from the Call Center settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineSettings {
    /// PBX WebSocket URLs, failover order.
    pub pbx_urls: Vec<String>,
    /// SIP domain.
    pub sip_domain: String,
    /// STUN/TURN servers, their credentials and the ICE policy.
    pub ice: callcenter_settings::IceSettings,
    /// Registration lifetime, seconds.
    pub register_expires: u32,
    /// The codecs calls prefer, in order (`audioCodecs`); empty: the browser's order.
    pub audio_codecs: Vec<callcenter_settings::AudioCodec>,
}

impl LineSettings {
    /// What the line takes from the Call Center settings, the same for both front ends.
    pub fn from_settings(s: &callcenter_settings::SoftphoneSettings) -> LineSettings {
        LineSettings {
            pbx_urls: s.pbx_urls.clone(),
            sip_domain: s.sip_domain.clone(),
            ice: s.ice.clone(),
            register_expires: s.register_expires,
            audio_codecs: s.audio_codecs.clone(),
        }
    }
}

/// How long the keypad's DTMF tones last.
const DTMF_MS: u32 = 160;
/// How long signing out waits for the PBX to confirm the unregistration.
const UNREGISTER_WAIT_MS: u64 = 3_000;
/// CRLF keep-alives on the WebSocket while registered (RFC 5626 §4.4.1).
const KEEPALIVE_MS: u64 = 25_000;
/// RFC 4028's recommended session interval: a call whose far end vanished without a BYE is
/// cleared within half an hour instead of holding the agent's line forever.
const SESSION_EXPIRES_S: u32 = 1800;

/// A connection to the PBX for one signed-in agent. Dropping it closes everything.
#[derive(Clone)]
pub struct Line {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    settings: LineSettings,
    /// The ICE servers for the next call (fetches time-limited TURN credentials).
    ice: Rc<IceSource>,
    ua: Option<UserAgent>,
    transport: Option<Transport>,
    /// The user agent's next deadline.
    timer: Option<Timeout>,
    microphone: Option<Microphone>,
    /// The agent's choice of microphone (`None`: the browser's default).
    preferred_microphone: Option<String>,
    /// Counts microphone switches, so a spare offer built on the old microphone is discarded.
    microphone_generation: u32,
    /// The calls, their Call-IDs and the registration: the line's pure facts.
    core: LineCore,
    /// Each call's audio, by the phone's handle (a call has none until it is answered or its
    /// offer is made).
    audio: Vec<CallAudio>,
    /// A peer connection with its offer made ahead of the next outgoing call, so a click sends
    /// the INVITE at once instead of waiting for the offer and ICE gathering.
    spare: Option<(Rc<CallMedia>, String)>,
    /// A spare is being prepared.
    preparing: bool,
    tones: Option<Tones>,
    /// Hears the microphone go away (unplugged), to fall back to the default one.
    microphone_watch: Option<TrackEnded>,
    /// Signing out: waiting for the unregistration to finish before the connection goes.
    closing: Option<Timeout>,
    /// Network changes, sleep and resume: see `recovery`.
    recovery: recovery::Recovery,
    /// Hears the phone's events, which wait in `core` until the state is released.
    report: Rc<dyn Fn(Event)>,
}

/// The SIP core's command for the phone's credentials: the org's authenticate as
/// `EXPIRES:EXTENSION` while registering the extension.
fn register_command(credentials: &Credentials) -> Command {
    let password = credentials.password.expose().to_owned();
    match &credentials.auth_user {
        Some(auth_user) => Command::RegisterAs { user: credentials.user.clone(), credentials: sip::Credentials { user: auth_user.clone(), password } },
        None => Command::Register(sip::Credentials { user: credentials.user.clone(), password }),
    }
}

impl Line {
    /// A line that is not connected yet; `report` hears every phone event.
    pub fn new(settings: LineSettings, report: impl Fn(Event) + 'static) -> Line {
        let inner = Inner {
            ice: Rc::new(IceSource::new(settings.ice.clone())),
            settings,
            ua: None,
            transport: None,
            timer: None,
            microphone: None,
            preferred_microphone: None,
            microphone_generation: 0,
            core: LineCore::new(),
            audio: Vec::new(),
            spare: None,
            preparing: false,
            tones: None,
            microphone_watch: None,
            closing: None,
            recovery: recovery::Recovery::default(),
            report: Rc::new(report),
        };
        Line { inner: Rc::new(RefCell::new(inner)) }
    }

    /// Signs in: opens the microphone (so a call later only builds its offer), connects to
    /// the PBX and registers.
    pub fn connect(&self, credentials: &Credentials) {
        let this = self.clone();
        let credentials = credentials.clone();
        spawn_local(async move {
            let preferred = this.inner.borrow().preferred_microphone.clone();
            match open_microphone(preferred.as_deref()).await {
                Ok(mic) => {
                    this.adopt_microphone(mic);
                    this.report_microphones().await;
                }
                // Without a microphone the agent can still register and see calls; say why calls fail.
                Err(e) => this.report_later(Event::MicrophoneProblem(MicrophoneProblem::Unavailable(e))),
            }
            this.start(&credentials);
        });
    }

    fn start(&self, credentials: &Credentials) {
        let weak = Rc::downgrade(&self.inner);
        {
            let mut inner = self.inner.borrow_mut();
            // Signed in again before the last unregistration finished: the new start replaces it.
            inner.closing = None;
            let config = Config {
                domain: inner.settings.sip_domain.clone(),
                display_name: credentials.display_name.clone(),
                register_expires: inner.settings.register_expires,
                instance_id: instance::instance_id(),
                user_agent: concat!("rust-opencti-softphone/", env!("CARGO_PKG_VERSION")).into(),
                keepalive_ms: KEEPALIVE_MS,
                session_expires: SESSION_EXPIRES_S,
            };
            let mut ua = UserAgent::new(config, Box::new(BrowserRandom));
            // Registering is always accepted: it goes out once a connection is up.
            let _ = ua.command(sip_now(), register_command(credentials));
            inner.ua = Some(ua);
            let urls = inner.settings.pbx_urls.clone();
            inner.transport = Some(Transport::connect(urls, move |event| {
                if let Some(inner) = weak.upgrade() {
                    Line { inner }.on_transport(event);
                }
            }));
        }
        self.watch_connection();
        self.drive(None);
    }

    /// Registers again at once with fresh credentials (the org's, renewed before they
    /// expire), on the connection there is; for another extension the user agent removes the
    /// old binding first. Without a user agent yet, it signs in.
    pub fn renew(&self, credentials: &Credentials) {
        let has_agent = self.inner.borrow().ua.is_some();
        if !has_agent {
            return self.connect(credentials);
        }
        self.command(register_command(credentials));
    }

    /// Relays calls through the definition's TURN URLs with this credential the org minted.
    pub fn use_turn(&self, credential: &crate::phone::Minted, ttl_s: u32) {
        self.inner.borrow().ice.use_org_credential(&credential.username, credential.password.expose(), ttl_s, now() as f64);
    }

    /// The ICE servers and policy a call starting now would use, as far as they are known
    /// without fetching TURN credentials (the first call, or the offer made ahead of it at
    /// sign-in, fetches them), for the pre-flight check.
    pub fn ice_known(&self) -> Option<crate::media::IceConfig> {
        self.inner.borrow().ice.known(now() as f64)
    }

    /// Unregisters and closes the connection and the microphone.
    pub fn disconnect(&self) {
        self.command(Command::Unregister);
        self.stop_watching();
        let weak = Rc::downgrade(&self.inner);
        let mut inner = self.inner.borrow_mut();
        inner.core.sign_out();
        inner.audio.clear();
        inner.spare = None;
        inner.tones = None;
        inner.microphone_watch = None;
        if let Some(mic) = inner.microphone.take() {
            mic.close();
        }
        // The PBX challenges the unregistration too: the connection stays until it is done
        // (`Unregistered`), or a few seconds at most, so that no contact is left behind.
        inner.closing = Timeout::start(UNREGISTER_WAIT_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Line { inner }.closed();
            }
        });
    }

    /// The unregistration is done or given up on: the connection goes.
    fn closed(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.closing.take().is_some() {
            inner.timer = None;
            inner.transport = None;
            inner.ua = None;
        }
    }

    /// A call's peer connection. A TURN problem is told to the agent: the call goes on with the
    /// other candidates, unless the relay policy leaves it without any.
    async fn new_media(&self) -> Result<Rc<CallMedia>, MediaError> {
        let source = self.inner.borrow().ice.clone();
        let ice = source.config(now() as f64).await;
        if let Some(problem) = &ice.problem {
            if ice.policy == callcenter_settings::IceTransportPolicy::Relay {
                return Err(MediaError::NoRelay(problem.clone()));
            }
            self.report_later(Event::MediaWarning(MediaWarning::NoRelay(problem.clone())));
        }
        let weak = Rc::downgrade(&self.inner);
        let report = Rc::new(move |why: MediaWarning| {
            if let Some(inner) = weak.upgrade() {
                Line { inner }.report_later(Event::MediaWarning(why));
            }
        });
        let inner = self.inner.borrow();
        let mic = inner.microphone.as_ref().ok_or_else(|| MediaError::MicrophoneBlocked { detail: "no microphone is open".into() })?;
        let media = CallMedia::new(mic, &ice, report)?;
        media.prefer_codecs(&inner.settings.audio_codecs);
        Ok(Rc::new(media))
    }

    fn on_transport(&self, event: TransportEvent) {
        match event {
            TransportEvent::Up { .. } => self.drive(Some(Input::TransportUp)),
            TransportEvent::Received(frame) => {
                crate::trace::sip(false, &frame);
                let mut inner = self.inner.borrow_mut();
                if let Some(ua) = inner.ua.as_mut() {
                    ua.handle_input(sip_now(), Input::Frame(&frame));
                }
                drop(inner);
                self.drive(None);
            }
            TransportEvent::Down { reason, retry_in_ms } => {
                self.drive(Some(Input::TransportDown));
                self.core(|core| core.connection_down(reason, Some(retry_in_ms.div_ceil(1000))));
            }
        }
    }

    /// Feeds `input` (if any) to the user agent, performs its outputs (its events go to the
    /// line's core), re-arms its timer, then carries out what the core asks.
    fn drive(&self, input: Option<Input<'_>>) {
        {
            let mut inner = self.inner.borrow_mut();
            let Inner { ua, transport, core, .. } = &mut *inner;
            let Some(ua) = ua.as_mut() else { return };
            if let Some(input) = input {
                ua.handle_input(sip_now(), input);
            }
            while let Some(output) = ua.poll_output() {
                match output {
                    Output::Transmit(frame) => {
                        crate::trace::sip(true, &frame);
                        if let Some(t) = transport.as_ref() {
                            if let Err(e) = t.send(&frame) {
                                web_sys::console::warn_1(&e.to_string().into());
                            }
                        }
                    }
                    Output::Event(event) => {
                        if matches!(event, sip::Event::IncomingCall { .. }) {
                            mark("softphone:invite-received");
                        }
                        core.handle_sip(event);
                    }
                }
            }
            let deadline = ua.poll_timeout();
            inner.timer = deadline.and_then(|at| self.arm(at));
        }
        self.settle();
    }

    /// Gives the line's core one of the phone's or the browser's news, then carries out what
    /// it asks and reports what it tells.
    fn core<R>(&self, news: impl FnOnce(&mut LineCore) -> R) -> R {
        let result = news(&mut self.inner.borrow_mut().core);
        self.settle();
        result
    }

    /// Carries out the core's operations, then delivers the events.
    fn settle(&self) {
        self.perform_actions();
        self.flush();
    }

    /// A timeout that feeds [`Input::Timeout`] at `at`.
    fn arm(&self, at: sip::Instant) -> Option<Timeout> {
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&self.inner);
        Timeout::start(sip_now().millis_until(at), move || {
            if let Some(inner) = weak.upgrade() {
                let line = Line { inner };
                line.inner.borrow_mut().timer = None;
                line.drive(Some(Input::Timeout));
            }
        })
    }

    /// Tells the phone `event` (after what the line's core told before it).
    fn report_later(&self, event: Event) {
        self.inner.borrow_mut().core.report(event);
        self.flush();
    }

    /// Delivers queued events from a fresh task, outside any borrow.
    fn flush(&self) {
        let (events, report) = {
            let mut inner = self.inner.borrow_mut();
            (inner.core.take_events(), inner.report.clone())
        };
        if events.is_empty() {
            return;
        }
        spawn_local(async move {
            for e in events {
                report(e);
            }
        });
    }
}
