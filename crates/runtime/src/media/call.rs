//! One call's peer connection. Everything it hands the browser is released in `Drop`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RtcConfiguration, RtcIceGatheringState, RtcPeerConnection, RtcRtpSender,
    RtcRtpTransceiver, RtcRtpTransceiverDirection, RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
};

use super::ice::IceConfig;
use super::output::SpeakerLease;
use crate::phone::quality::Codec;
use super::sdp;
use super::{js_error, MediaError, Microphone, GATHERING_LIMIT_MS, TURN_GATHERING_LIMIT_MS};
use crate::phone::reasons::{MediaWarning, OfferRefusal, RelayProblem};

/// Tells the line about an audio-path problem that does not end the call, in words for the agent.
pub type ProblemReport = Rc<dyn Fn(MediaWarning)>;

/// Audio quality figures for one call, from `getStats`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MediaStats {
    /// Audio bytes received from the far end.
    pub bytes_received: f64,
    /// Audio packets received from the far end.
    pub packets_received: f64,
    /// Audio bytes sent to the far end.
    pub bytes_sent: f64,
    /// Packets the network lost on the way to us.
    pub packets_lost: f64,
    /// Inbound jitter in seconds.
    pub jitter: f64,
    /// Round-trip time in seconds: from RTCP (`remote-inbound-rtp`), else from the ICE checks.
    pub round_trip: Option<f64>,
    /// The codec the far end sends.
    pub codec: Codec,
}

/// The audio side of one call.
pub struct CallMedia {
    pc: RtcPeerConnection,
    sender: RtcRtpSender,
    /// This call's own `<audio>` element (from the pool), playing its far end.
    _speaker: SpeakerLease,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    ice: IceWatch,
    /// A hold or resume offer sent to the far end and not applied here yet: it takes effect
    /// with the far end's answer, so that a refusal leaves the call exactly as it was.
    pending_offer: RefCell<Option<RtcSessionDescriptionInit>>,
    /// The agent muted this call.
    muted: Cell<bool>,
    /// The agent put this call on hold: the microphone is not sent either (the held party
    /// must not hear the agent talk to another caller).
    held: Cell<bool>,
}

impl CallMedia {
    /// A peer connection sending the microphone, with the Call Center's ICE servers.
    /// `report` hears audio-path problems found later (no relay address, ICE failed).
    pub fn new(microphone: &Microphone, ice: &IceConfig, report: ProblemReport) -> Result<CallMedia, MediaError> {
        let failed = |e: JsValue| MediaError::PeerConnection { detail: js_error(&e) };
        let config = RtcConfiguration::new();
        config.set_ice_servers(&super::ice::browser_servers(&ice.servers));
        // Set by name: the typed setter needs one more web-sys feature for one string.
        let _ = js_sys::Reflect::set(&config, &"iceTransportPolicy".into(), &ice.policy.as_str().into());
        let pc = RtcPeerConnection::new_with_configuration(&config).map_err(failed)?;
        let ice = IceWatch::new(&pc, ice, report);

        // The call gets its own copy of the microphone's track: muting it, or switching
        // microphones, never touches the next call's audio.
        let track = web_sys::MediaStreamTrack::clone(&microphone.track()?);
        let sender = pc.add_track_0(&track, microphone.stream());

        let speaker = SpeakerLease::take().ok_or_else(|| MediaError::PeerConnection { detail: "the page cannot play audio".into() })?;
        let on_track = {
            let audio = speaker.element().clone();
            Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
                if let Ok(stream) = event.streams().get(0).dyn_into::<web_sys::MediaStream>() {
                    audio.set_src_object(Some(&stream));
                }
            })
        };
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        Ok(CallMedia { pc, sender, _speaker: speaker, _on_track: on_track, ice, pending_offer: RefCell::new(None), muted: Cell::new(false), held: Cell::new(false) })
    }

    /// The Call Center's codec order, applied before the first offer or answer.
    pub fn prefer_codecs(&self, order: &[callcenter_settings::AudioCodec]) {
        super::codecs::prefer(&self.pc, order);
    }

    /// An SDP offer with the candidates gathered within the limit.
    pub async fn create_offer(&self) -> Result<String, MediaError> {
        let offer = JsFuture::from(self.pc.create_offer()).await.map_err(pc_error)?;
        let offer: RtcSessionDescriptionInit = offer.unchecked_into();
        JsFuture::from(self.pc.set_local_description(&offer)).await.map_err(pc_error)?;
        self.local_sdp().await
    }

    /// Applies the far end's answer to our offer (first the offer itself, for a hold or resume).
    pub async fn accept_answer(&self, sdp: &str) -> Result<(), MediaError> {
        let pending = self.pending_offer.borrow_mut().take();
        if let Some(offer) = pending {
            JsFuture::from(self.pc.set_local_description(&offer)).await.map_err(pc_error)?;
        }
        self.set_far_description(RtcSdpType::Answer, sdp).await
    }

    /// Applies the far end's early answer (an 18x with SDP): its announcement plays until the
    /// final answer ([`CallMedia::accept_answer`]) replaces it.
    pub async fn accept_early_answer(&self, sdp: &str) -> Result<(), MediaError> {
        self.set_far_description(RtcSdpType::Pranswer, sdp).await
    }

    /// Answers the far end's offer (a new call, or its re-INVITE or UPDATE). An offer the
    /// browser cannot take leaves the connection as it was (rolled back) and says why.
    pub async fn answer(&self, offer: &str) -> Result<String, MediaError> {
        self.set_far_description(RtcSdpType::Offer, offer).await?;
        let answer = match JsFuture::from(self.pc.create_answer()).await {
            Ok(answer) => answer,
            Err(e) => return Err(self.rolled_back(pc_error(e)).await),
        };
        let sdp = js_sys::Reflect::get(&answer, &"sdp".into()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        if sdp::audio_rejected(&sdp) {
            return Err(self.rolled_back(MediaError::Offer(OfferRefusal::MediaFormat)).await);
        }
        let answer: RtcSessionDescriptionInit = answer.unchecked_into();
        JsFuture::from(self.pc.set_local_description(&answer)).await.map_err(pc_error)?;
        self.local_sdp().await
    }

    /// Undoes an offer applied but not answered, so that the call goes on as it was; `error`
    /// is what made it necessary.
    async fn rolled_back(&self, error: MediaError) -> MediaError {
        let rollback = RtcSessionDescriptionInit::new(RtcSdpType::Rollback);
        if let Err(e) = JsFuture::from(self.pc.set_remote_description(&rollback)).await {
            web_sys::console::warn_1(&format!("Could not roll back a refused offer: {}", js_error(&e)).into());
        }
        error
    }

    /// Applies the far end's description; a refusal says why in the agent's terms (the
    /// browser's own words go to the console).
    async fn set_far_description(&self, kind: RtcSdpType, sdp: &str) -> Result<(), MediaError> {
        self.set_remote(kind, sdp).await.map_err(|e| {
            web_sys::console::warn_1(&["The browser refused the far end's SDP: ", &words::media_problem(&e)].concat().into());
            MediaError::Offer(sdp::problem_with(sdp))
        })
    }

    /// A new offer putting the call on hold (sendonly) or taking it off (sendrecv). It is
    /// applied here only with the far end's answer ([`CallMedia::accept_answer`]): until then
    /// the call sounds as before, which is what the customer hears too. The ICE session goes on,
    /// so the offer carries no new candidates.
    pub async fn reoffer(&self, hold: bool) -> Result<String, MediaError> {
        // The agent's voice stops (or comes back) at once, whatever the far end answers.
        self.held.set(hold);
        self.send_microphone();
        self.set_directions(hold);
        let offer = JsFuture::from(self.pc.create_offer()).await.map_err(pc_error)?;
        let sdp = js_sys::Reflect::get(&offer, &"sdp".into()).ok().and_then(|s| s.as_string());
        let sdp = sdp.ok_or_else(|| MediaError::PeerConnection { detail: "the browser made an offer without SDP".into() })?;
        *self.pending_offer.borrow_mut() = Some(offer.unchecked_into());
        Ok(sdp)
    }

    fn set_directions(&self, hold: bool) {
        let direction = if hold { RtcRtpTransceiverDirection::Sendonly } else { RtcRtpTransceiverDirection::Sendrecv };
        for t in self.pc.get_transceivers().iter() {
            if let Ok(t) = t.dyn_into::<RtcRtpTransceiver>() {
                t.set_direction(direction);
            }
        }
    }

    /// Forgets a hold or resume offer the far end refused: nothing of it was applied, so the
    /// call goes on as it was; the directions are set back for the next offer.
    pub fn withdraw_reoffer(&self, hold_asked: bool) {
        self.pending_offer.borrow_mut().take();
        self.held.set(!hold_asked);
        self.send_microphone();
        self.set_directions(!hold_asked);
    }

    /// A new offer for the call as it is (same directions): for the re-INVITE that moves the
    /// call to a new PBX connection. `ice_restart` asks for new ICE credentials and candidates,
    /// for when the network path failed or changed.
    pub async fn renew_offer(&self, ice_restart: bool) -> Result<String, MediaError> {
        let options = web_sys::RtcOfferOptions::new();
        options.set_ice_restart(ice_restart);
        let offer = JsFuture::from(self.pc.create_offer_with_rtc_offer_options(&options)).await.map_err(pc_error)?;
        let offer: RtcSessionDescriptionInit = offer.unchecked_into();
        JsFuture::from(self.pc.set_local_description(&offer)).await.map_err(pc_error)?;
        self.local_sdp().await
    }

    /// ICE lost the far end: failed, or disconnected (which may still recover by itself).
    pub fn ice_broken(&self) -> bool {
        matches!(self.pc.ice_connection_state(), web_sys::RtcIceConnectionState::Failed | web_sys::RtcIceConnectionState::Disconnected)
    }

    /// Sends another microphone from now on, keeping the call's mute state.
    pub async fn use_microphone(&self, microphone: &Microphone) -> Result<(), MediaError> {
        let track = web_sys::MediaStreamTrack::clone(&microphone.track()?);
        let old = self.sender.track();
        track.set_enabled(old.as_ref().is_none_or(web_sys::MediaStreamTrack::enabled));
        JsFuture::from(self.sender.replace_track(Some(&track))).await.map_err(pc_error)?;
        if let Some(old) = old {
            old.stop();
        }
        Ok(())
    }

    /// Mutes or unmutes what we send. The microphone stays open for the next call.
    pub fn set_muted(&self, muted: bool) {
        self.muted.set(muted);
        self.send_microphone();
    }

    /// Stops sending the microphone on this call without asking the far end anything: the far
    /// end transferred it and our voice goes to the call it asked for.
    pub fn stop_sending(&self) {
        self.held.set(true);
        self.send_microphone();
    }

    /// Sends the microphone unless the call is muted or on hold.
    fn send_microphone(&self) {
        if let Some(track) = self.sender.track() {
            track.set_enabled(!self.muted.get() && !self.held.get());
        }
    }

    /// Sends DTMF in the media (RFC 4733). `false` when the far end did not offer
    /// telephone-event: the caller then sends SIP INFO instead.
    pub fn send_dtmf(&self, digits: &str) -> bool {
        let valid = !digits.is_empty() && digits.chars().all(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D'));
        let Some(dtmf) = self.sender.dtmf().filter(|_| valid) else { return false };
        // web-sys lacks `canInsertDTMF`; read it so `insertDTMF` is only called when it cannot throw.
        let can_insert = js_sys::Reflect::get(&dtmf, &"canInsertDTMF".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        if can_insert {
            // Digits still queued stay queued: insertDTMF replaces the buffer, and an agent (or
            // Salesforce's sendDigits) may key the next digit before the last one has played.
            dtmf.insert_dtmf(&(dtmf.tone_buffer() + digits));
        }
        can_insert
    }

    /// Current audio figures, and the browser's whole `getStats` report they come from (for the
    /// diagnostics journal).
    pub async fn stats(&self) -> (MediaStats, JsValue) {
        let mut stats = MediaStats::default();
        let Ok(report) = JsFuture::from(self.pc.get_stats()).await else { return (stats, JsValue::UNDEFINED) };
        let Ok(Some(entries)) = js_sys::try_iter(&report) else { return (stats, report) };
        let (mut codec_id, mut codecs, mut rtcp_rtt, mut ice_rtt) = (None, Vec::new(), None, None);
        for entry in entries.flatten() {
            let value = js_sys::Reflect::get(&entry, &1.into()).unwrap_or(JsValue::UNDEFINED);
            let get = |name: &str| js_sys::Reflect::get(&value, &name.into()).unwrap_or(JsValue::UNDEFINED);
            let field = |name: &str| get(name).as_f64().unwrap_or(0.0);
            let kind = get("type").as_string().unwrap_or_default();
            match kind.as_str() {
                "inbound-rtp" => {
                    stats.bytes_received += field("bytesReceived");
                    stats.packets_received += field("packetsReceived");
                    stats.packets_lost += field("packetsLost");
                    stats.jitter = stats.jitter.max(field("jitter"));
                    codec_id = get("codecId").as_string();
                }
                "outbound-rtp" => stats.bytes_sent += field("bytesSent"),
                "codec" => codecs.push((get("id").as_string(), get("mimeType").as_string().unwrap_or_default())),
                "remote-inbound-rtp" => rtcp_rtt = get("roundTripTime").as_f64().or(rtcp_rtt),
                "candidate-pair" if get("nominated").as_bool() == Some(true) => ice_rtt = get("currentRoundTripTime").as_f64().or(ice_rtt),
                _ => {}
            }
        }
        stats.round_trip = rtcp_rtt.or(ice_rtt);
        stats.codec = codecs.iter().find(|(id, _)| id.is_some() && *id == codec_id).map_or(Codec::Unknown, |(_, mime)| Codec::from_mime(mime));
        (stats, report)
    }

    async fn set_remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), MediaError> {
        let description = RtcSessionDescriptionInit::new(kind);
        description.set_sdp(sdp);
        JsFuture::from(self.pc.set_remote_description(&description)).await.map_err(pc_error)?;
        Ok(())
    }

    /// These credentials may still start a call at `now_ms` (a spare offer can outlive them).
    pub fn fresh(&self, now_ms: f64) -> bool {
        self.ice.good_until_ms.is_none_or(|until| until > now_ms)
    }

    /// Our local description once gathering completed or the limit passed. When TURN is
    /// configured but gave no relay address the agent is told; with the relay policy the
    /// call cannot have audio, so it fails here with that sentence.
    async fn local_sdp(&self) -> Result<String, MediaError> {
        let limit = if self.ice.expects_relay { TURN_GATHERING_LIMIT_MS } else { GATHERING_LIMIT_MS };
        gathered(&self.pc, limit, self.ice.expects_relay).await;
        let sdp = self
            .pc
            .local_description()
            .map(|d| d.sdp())
            .ok_or_else(|| MediaError::PeerConnection { detail: "no local description".into() })?;
        if self.ice.expects_relay && !sdp.contains(" typ relay") {
            let why = self.ice.no_relay();
            if self.ice.relay_only {
                return Err(MediaError::NoRelay(why));
            }
            (self.ice.report)(MediaWarning::NoRelay(why));
        }
        Ok(sdp)
    }
}

impl Drop for CallMedia {
    fn drop(&mut self) {
        self.pc.set_ontrack(None);
        self.ice.detach(&self.pc);
        if let Some(track) = self.sender.track() {
            track.stop();
        }
        self.pc.close();
        // `_speaker` goes back to the pool, silenced, as the fields drop.
    }
}

fn pc_error(e: JsValue) -> MediaError {
    MediaError::PeerConnection { detail: js_error(&e) }
}

/// Waits until ICE gathering completes or `limit_ms` passed, whichever is first; with
/// `until_relay`, also stops at the first relay candidate (the one a relay-only call needs).
/// The closures live on this future's stack and are released when it returns.
async fn gathered(pc: &RtcPeerConnection, limit_ms: i32, until_relay: bool) {
    if pc.ice_gathering_state() == RtcIceGatheringState::Complete {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let mut resolve_slot = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
    let Some(resolve) = resolve_slot else { return };
    let on_change = {
        let (pc, resolve) = (pc.clone(), resolve.clone());
        Closure::<dyn FnMut()>::new(move || {
            if pc.ice_gathering_state() == RtcIceGatheringState::Complete {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    };
    let on_candidate = {
        let resolve = resolve.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let candidate = js_sys::Reflect::get(&event, &"candidate".into())
                .and_then(|c| js_sys::Reflect::get(&c, &"candidate".into()))
                .ok()
                .and_then(|c| c.as_string())
                .unwrap_or_default();
            if candidate.contains(" typ relay") {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    };
    let on_timeout = Closure::<dyn FnMut()>::new(move || {
        let _ = resolve.call0(&JsValue::NULL);
    });
    pc.set_onicegatheringstatechange(Some(on_change.as_ref().unchecked_ref()));
    if until_relay {
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
    }
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.as_ref().unchecked_ref(), limit_ms)
        .ok();
    let _ = JsFuture::from(promise).await;
    pc.set_onicegatheringstatechange(None);
    pc.set_onicecandidate(None);
    if let Some(handle) = timer {
        window.clear_timeout_with_handle(handle);
    }
}

/// Watches a call's ICE for the agent: TURN errors (wrong credentials, unreachable server)
/// and a connection that failed, reported once each as a sentence.
struct IceWatch {
    expects_relay: bool,
    relay_only: bool,
    good_until_ms: Option<f64>,
    report: ProblemReport,
    /// The last TURN error the browser gave, e.g. "401 Unauthorized".
    turn_error: Rc<RefCell<Option<String>>>,
    _on_candidate_error: Closure<dyn FnMut(JsValue)>,
    _on_state: Closure<dyn FnMut()>,
}

impl IceWatch {
    fn new(pc: &RtcPeerConnection, ice: &IceConfig, report: ProblemReport) -> IceWatch {
        let turn_error = Rc::new(RefCell::new(None));
        let on_candidate_error = {
            let turn_error = turn_error.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let field = |name: &str| js_sys::Reflect::get(&event, &name.into()).unwrap_or(JsValue::UNDEFINED);
                let url = field("url").as_string().unwrap_or_default();
                // Only TURN's answers matter here; STUN and host errors are routine.
                if url.starts_with("turn") {
                    // A STUN error code (300-699, 701 and up for the browser's own): whole.
                    let code = field("errorCode").as_f64().unwrap_or(0.0) as u16;
                    let text = field("errorText").as_string().unwrap_or_default();
                    let answer = format!("{url} answered {code} {text}");
                    *turn_error.borrow_mut() = Some(answer.trim_end().trim_end_matches('.').to_owned());
                }
            })
        };
        let _ = js_sys::Reflect::set(pc, &"onicecandidateerror".into(), on_candidate_error.as_ref());
        let on_state = {
            let (pc, report, turn_error, told) = (pc.clone(), report.clone(), turn_error.clone(), Cell::new(false));
            Closure::<dyn FnMut()>::new(move || {
                let state = js_sys::Reflect::get(&pc, &"iceConnectionState".into()).ok().and_then(|s| s.as_string());
                if state.as_deref() == Some("failed") && !told.replace(true) {
                    report(MediaWarning::NoAudioPath { turn: turn_error.borrow().clone() });
                }
            })
        };
        pc.set_oniceconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        IceWatch {
            expects_relay: ice.expects_relay(),
            relay_only: ice.policy == callcenter_settings::IceTransportPolicy::Relay,
            good_until_ms: ice.good_until_ms,
            report,
            turn_error,
            _on_candidate_error: on_candidate_error,
            _on_state: on_state,
        }
    }

    /// Why the call has no relay candidate: what the TURN server answered, if it refused.
    fn no_relay(&self) -> RelayProblem {
        RelayProblem::Refused { turn: self.turn_error.borrow().clone() }
    }

    fn detach(&self, pc: &RtcPeerConnection) {
        pc.set_oniceconnectionstatechange(None);
        let _ = js_sys::Reflect::set(pc, &"onicecandidateerror".into(), &JsValue::NULL);
    }
}
