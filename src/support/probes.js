// The pre-flight check's probes: what the browser can find out about the agent's set-up, as
// plain facts for support/preflight.rs to judge and word. Each resolves (never rejects) within
// its limit and releases what it opened.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const pause = wait;

/** Gathers ICE through `servers` with the relay policy, `extra` first on the connection:
 * { relay: ms or null, errors: [{ url, code }] }, within `limitMs`. */
async function gather(servers, limitMs, extra = () => {}) {
  const started = performance.now();
  const out = { relay: null, errors: [] };
  let pc;
  try {
    pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    pc.onicecandidate = (e) => { if (/ typ relay/.test(e.candidate?.candidate)) out.relay ??= Math.round(performance.now() - started); };
    pc.onicecandidateerror = (e) => out.errors.push({ url: e.url || '', code: e.errorCode || 0, text: e.errorText || '' });
    extra(pc);
    pc.createDataChannel('check');
    await pc.setLocalDescription(await pc.createOffer());
    while (out.relay === null && pc.iceGatheringState !== 'complete' && performance.now() - started < limitMs) await wait(50);
  } catch (_) {
    out.broken = true; // no WebRTC here: nothing learnt
  }
  pc?.close();
  return out;
}

/** Opens a SIP WebSocket to `url` and closes it: { opened, ms, code } (code 0: no answer). A
 * TLS failure and a PBX that is down close alike (1006, no reason): for wss, `port` then says
 * whether anything accepts TCP there. Chromium's TURN client connects over plain TCP for a
 * `turn:...?transport=tcp` server (WebRTC is exempt from mixed content): where nothing listens
 * it is refused at once, error 701 "Failed to establish connection"; a listening TLS port gives
 * no error. */
async function socket(url) {
  const started = performance.now();
  const result = await new Promise((resolve) => {
    let ws;
    const done = (r) => { clearTimeout(timer); if (ws) { ws.onopen = ws.onclose = null; ws.close(); } resolve(r); };
    const timer = setTimeout(() => done({ opened: false, code: 0 }), 5000);
    try { ws = new WebSocket(url, 'sip'); } catch (_) { done({ opened: false, code: -1 }); return; }
    ws.onopen = () => done({ opened: true });
    ws.onclose = (e) => done({ opened: false, code: e.code });
  });
  result.ms = Math.round(performance.now() - started);
  const target = /^wss:\/\/([^/?#]+)/.exec(url)?.[1];
  if (!result.opened && result.code && target) {
    const hostPort = /:\d+$/.test(target) ? target : `${target}:443`;
    const probe = await gather([{ urls: `turn:${hostPort}?transport=tcp`, username: 'check', credential: 'check' }], 1500);
    const refused = probe.errors.some((e) => e.code === 701 && /establish connection/i.test(e.text));
    result.port = probe.broken ? 'unknown' : refused ? 'refused' : 'open';
  }
  return result;
}

/** The microphone's loudest moment over 1.5 s (RMS of the samples, 0 to 1): { level } or
 * { error: 'NotFoundError' | 'NotAllowedError' | ... }. `deviceId` null: the default. */
async function microphone(deviceId) {
  let stream, context;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
    context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let level = 0;
    for (let t = 0; t < 1500; t += 50) {
      await wait(50);
      analyser.getFloatTimeDomainData(samples);
      level = Math.max(level, Math.sqrt(samples.reduce((sum, v) => sum + v * v, 0) / samples.length));
    }
    return { level };
  } catch (e) {
    return { error: e.name || 'Error' };
  } finally {
    stream?.getTracks().forEach((t) => t.stop());
    context?.close();
  }
}

/** Every automatic probe in turn: each PBX URL's WebSocket, a relay address through `servers`
 * (null: no TURN configured), the microphone. */
export async function runChecks(urls, servers, deviceId) {
  const pbx = [];
  for (const url of urls) pbx.push(await socket(url));
  return { pbx, turn: servers ? await gather(servers, 5000) : null, microphone: await microphone(deviceId) };
}

/** A chime of about a second on output `sinkId` ('' the default): false if it could not play. */
export async function playTestSound(sinkId) {
  let context;
  try {
    context = new AudioContext();
    if (sinkId) await context.setSinkId(sinkId);
    await context.resume();
    for (const [freq, at] of [[660, 0], [880, 0.35], [660, 0.7]]) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = freq;
      gain.gain.value = 0.2;
      tone.connect(gain).connect(context.destination);
      tone.start(context.currentTime + at);
      tone.stop(context.currentTime + at + 0.3);
    }
    await wait(1100);
    return true;
  } catch (_) {
    return false;
  } finally {
    context?.close();
  }
}
