// An independent far end for the call tests: JsSIP 3.13.8 (bundled with esbuild at test time)
// in its own page, registered to the same Kamailio. The test drives it through window.peer.
import JsSIP from 'jssip';

const events = [];
let ua = null;
let session = null;
// Answer without telephone-event, like a far end that only takes DTMF by SIP INFO.
let noTelephoneEvent = false;
// Refuse an INVITE with Replaces (486), like a far end that cannot take a call back.
let refuseRejoin = false;
// Refuse re-INVITEs (488), like a far end that cannot change the session (hold, resume).
let refuseReinvites = false;

/** `sdp` without the telephone-event payload types. */
function withoutTelephoneEvent(sdp) {
  const pts = [...sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\/\d+/gm)].map((m) => m[1]);
  return sdp
    .split('\r\n')
    .filter((l) => !pts.some((pt) => l.startsWith(`a=rtpmap:${pt} `) || l.startsWith(`a=fmtp:${pt} `)))
    .map((l) => (l.startsWith('m=audio ') ? l.split(' ').filter((f, i) => i < 3 || !pts.includes(f)).join(' ') : l))
    .join('\r\n');
}
const note = (type, detail = {}) => events.push({ type, at: Date.now(), ...detail });

// When the last INVITE reached this page (performance.now()), for JsSIP's own INVITE received ->
// new session time: JsSIP reads its WebSocket's messages through `onmessage`.
let inviteAt = null;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  set onmessage(handler) {
    super.onmessage = (e) => {
      if (typeof e.data === 'string' && e.data.startsWith('INVITE ')) inviteAt = performance.now();
      handler(e);
    };
  }
  get onmessage() { return super.onmessage; }
};

/** Records what happens on `s`; `adopt`: it becomes the session the test drives. */
function watch(s, adopt = true) {
  if (adopt) session = s;
  s.on('progress', () => note('progress'));
  s.on('accepted', () => note('accepted'));
  s.on('confirmed', () => note('confirmed'));
  s.on('ended', (e) => note('ended', { originator: e.originator, cause: e.cause }));
  s.on('failed', (e) => note('failed', { originator: e.originator, cause: e.cause, status: e.message && e.message.status_code }));
  s.on('hold', (e) => note('hold', { originator: e.originator }));
  s.on('unhold', (e) => note('unhold', { originator: e.originator }));
  s.on('newDTMF', (e) => note('dtmf', { originator: e.originator, tone: e.dtmf.tone }));
  // Asked to call someone else (blind transfer): do it, as a customer's phone would.
  s.on('refer', (e) => {
    note('refer', { target: e.request.refer_to.uri.user });
    // The new call becomes the one the test drives once it is up; a failed one never does.
    e.accept((next) => { watch(next, false); next.on('confirmed', () => { session = next; }); }, { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
  });
  // Our call is taken over by a new INVITE naming it in Replaces (the agent's page reloaded
  // and rejoins): take it, as a phone that supports RFC 3891 does; JsSIP hangs the old one up.
  s.on('replaces', (e) => {
    note('replaces', { callId: e.request.call_id, replacing: e.request.replaces && e.request.replaces.call_id });
    if (refuseRejoin) return e.reject();
    e.accept((next) => { next.rejoining = true; });
  });
  s.on('reinvite', (e) => {
    note('reinvite', { sdp: e.request.body, contact: e.request.getHeader('Contact') });
    if (refuseReinvites) e.reject({ status_code: 488, reason_phrase: 'Not Acceptable Here' });
  });
  s.on('sdp', (e) => { if (e.originator === 'local' && noTelephoneEvent) e.sdp = withoutTelephoneEvent(e.sdp); });
  s.on('peerconnection', (e) => playRemote(e.peerconnection));
  // A call we place has its peer connection before `watch` sees it (JsSIP makes it in call()).
  if (s.connection) playRemote(s.connection);
}

/** Plays what the far end sends, as a phone would: Chromium measures the audio energy of what
 * it plays out, so a call whose audio is not played would seem silent to `energy()`. */
function playRemote(pc) {
  pc.addEventListener('track', (t) => {
    const audio = new Audio();
    audio.srcObject = t.streams[0];
    audio.play().catch(() => {});
  });
}

window.peer = {
  events,
  register(user, password, url) {
    const socket = new JsSIP.WebSocketInterface(url);
    ua = new JsSIP.UA({
      sockets: [socket], uri: `sip:${user}@127.0.0.1`, password, display_name: `Peer ${user}`,
      register: true, session_timers: false, connection_recovery_min_interval: 1, connection_recovery_max_interval: 2,
    });
    ua.on('registered', () => note('registered'));
    ua.on('registrationFailed', (e) => note('registrationFailed', { cause: e.cause }));
    ua.on('newRTCSession', (e) => {
      if (e.originator === 'remote' && e.session.rejoining) {
        note('rejoined', { callId: e.request.call_id });
        watch(e.session);
        setTimeout(() => e.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } }), 0);
      } else if (e.originator === 'remote') {
        const ms = inviteAt === null ? null : performance.now() - inviteAt;
        note('incoming', { from: e.request.from.uri.user, display: e.request.from.display_name, callId: e.request.call_id, ms });
        watch(e.session);
      }
    });
    ua.start();
  },
  /** Calls `target`; `extraHeaders` such as a P-Asserted-Identity make it a caller from outside
   * (as a PSTN gateway presents one). */
  call(target, { extraHeaders = [] } = {}) {
    const started = performance.now();
    const s = ua.call(target, { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] }, extraHeaders });
    // JsSIP's own click -> INVITE time: from call() to the INVITE handed to the socket.
    s.on('sending', () => note('sending', { ms: performance.now() - started }));
    watch(s);
  },
  answer({ withoutTelephoneEvent = false } = {}) {
    noTelephoneEvent = withoutTelephoneEvent;
    session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
  },
  hangup() { session.terminate(); },
  /** Asks the other side to call `target` instead (REFER), as a phone's transfer button does. */
  refer(target) {
    const subscriber = session.refer(target);
    subscriber.on('accepted', () => note('referAccepted'));
    subscriber.on('failed', (e) => note('referFailed', { status: e && e.status_line && e.status_line.status_code }));
  },
  setRefuseRejoin(on) { refuseRejoin = on; },
  setRefuseReinvites(on) { refuseReinvites = on; },
  /** Stops (or resumes) sending audio, as a far end whose network or microphone died would. */
  async setSending(on) {
    const sender = session.connection.getSenders().find((s) => s.track?.kind === 'audio' || s.__track);
    if (!sender) return;
    if (!on) { sender.__track = sender.track; await sender.replaceTrack(null); } else { await sender.replaceTrack(sender.__track); }
  },
  /** What the far end hears: the total energy of the audio it received so far. */
  async energy() {
    if (!session || !session.connection) return 0;
    let energy = 0;
    (await session.connection.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += s.totalAudioEnergy || 0;
    });
    return energy;
  },
  async bytes() {
    if (!session || !session.connection) return { received: 0, sent: 0 };
    const stats = await session.connection.getStats();
    let received = 0, sent = 0;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
    });
    return { received, sent };
  },
  stop() { if (ua) ua.stop(); },
};
