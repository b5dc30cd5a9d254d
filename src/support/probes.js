// The pre-flight check's probes: what the browser can find out about the agent's set-up, as
// plain facts for the Rust side to judge (support/preflight.rs words them). Each resolves, never
// rejects, within its time limit, and releases what it opened.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a SIP WebSocket to `url` and closes it: { opened, ms } or { opened: false, code, ms }
 * (code 0: no answer within `limitMs`). A TLS failure and a PBX that is down both close with
 * 1006 and no reason: the browser tells a page no more. */
export function probeWebSocket(url, limitMs) {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let ws;
    const timer = setTimeout(() => { done({ opened: false, code: 0, ms: ms() }); }, limitMs);
    const done = (result) => {
      clearTimeout(timer);
      if (ws) { ws.onopen = ws.onclose = ws.onerror = null; try { ws.close(); } catch (_) { /* closed */ } }
      resolve(result);
    };
    try { ws = new WebSocket(url, 'sip'); } catch (e) { done({ opened: false, code: -1, ms: ms() }); return; }
    ws.onopen = () => done({ opened: true, ms: ms() });
    ws.onclose = (e) => done({ opened: false, code: e.code, ms: ms() });
  });
}

/** Whether anything accepts a TCP connection at host:port, without TLS: Chromium's TURN client
 * connects over plain TCP for a `turn:...?transport=tcp` server (WebRTC is exempt from the mixed
 * content rules that forbid a page other plain connections). Nothing listening: the connection
 * is refused at once and Chromium reports error 701 "Failed to establish connection". Something
 * listening (a TLS port that will never speak TURN): no error within `limitMs`. Resolves
 * 'refused', 'open', or 'unknown' (no WebRTC). */
export async function probePort(hostPort, limitMs) {
  if (typeof RTCPeerConnection !== 'function') return 'unknown';
  const pc = new RTCPeerConnection({ iceServers: [{ urls: `turn:${hostPort}?transport=tcp`, username: 'preflight', credential: 'preflight' }], iceTransportPolicy: 'relay' });
  let refused = false;
  pc.onicecandidateerror = (e) => { if (e.errorCode === 701 && /establish connection/i.test(e.errorText || '')) refused = true; };
  try {
    pc.createDataChannel('preflight');
    await pc.setLocalDescription(await pc.createOffer());
    const deadline = performance.now() + limitMs;
    while (!refused && performance.now() < deadline) await wait(50);
  } catch (_) {
    return 'unknown';
  } finally {
    pc.close();
  }
  return refused ? 'refused' : 'open';
}

/** Gathers candidates through `servers` (RTCIceServer objects) with the relay policy: { relay:
 * true, ms } when a relay address came, else { relay: false, errors: [{ url, code, text }] }. */
export async function probeTurn(servers, limitMs) {
  const started = performance.now();
  let pc;
  try {
    pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
  } catch (e) {
    return { relay: false, errors: [{ url: '', code: 0, text: String(e.message || e) }] };
  }
  const errors = [];
  let relay = false;
  pc.onicecandidate = (e) => { if (e.candidate && / typ relay/.test(e.candidate.candidate)) relay = true; };
  pc.onicecandidateerror = (e) => errors.push({ url: e.url || '', code: e.errorCode || 0, text: e.errorText || '' });
  try {
    pc.createDataChannel('preflight');
    await pc.setLocalDescription(await pc.createOffer());
    const deadline = started + limitMs;
    while (!relay && pc.iceGatheringState !== 'complete' && performance.now() < deadline) await wait(50);
  } catch (e) {
    errors.push({ url: '', code: 0, text: String(e.message || e) });
  } finally {
    pc.close();
  }
  return { relay, ms: Math.round(performance.now() - started), errors };
}

/** The microphone's loudest moment over `ms` (RMS of 20 ms windows, 0 to 1): { level } or
 * { error: 'NotFoundError' | 'NotAllowedError' | ..., message }. `deviceId` null: the default. */
export async function micLevel(deviceId, ms) {
  let stream;
  let context;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
    context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let level = 0;
    for (let t = 0; t < ms; t += 50) {
      await wait(50);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      level = Math.max(level, Math.sqrt(sum / samples.length));
    }
    return { level };
  } catch (e) {
    return { error: e.name || 'Error', message: String(e.message || e) };
  } finally {
    stream?.getTracks().forEach((t) => t.stop());
    context?.close();
  }
}

/** Plays a two-tone chime for about a second on output `sinkId` ('' the default): true when it
 * played (false: no such output, or audio not allowed). */
export async function playTestSound(sinkId) {
  let context;
  try {
    context = new AudioContext();
    if (sinkId && typeof context.setSinkId === 'function') await context.setSinkId(sinkId);
    if (context.state === 'suspended') await context.resume();
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

/** Resolves after `ms`. */
export function pause(ms) {
  return wait(ms);
}
