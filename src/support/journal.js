// The diagnostics journal: the last minutes of what the phone did (its events and console
// warnings), said to the PBX (SIP, redacted in Rust before it gets here: sip::redact) and
// measured (each call's WebRTC statistics); in memory only, bounded, gone with the page. Plain
// JavaScript: it only keeps and joins strings the browser already holds (a buffer in the wasm
// would cost download and grow its memory, which never shrinks).

export const WINDOW_MS = 15 * 60_000; // the last 15 minutes
export const LIMIT_CHARS = 1_000_000; // and never more than about 1 MB of text
const entries = []; // { at, kind: 'event' | 'warning' | 'sip-in' | 'sip-out' | 'stats', text }
let chars = 0;
const statsAt = new Map(); // Call-ID -> when its statistics were last kept

function push(kind, text) {
  const at = Date.now();
  entries.push({ at, kind, text });
  chars += text.length;
  while (entries.length && (chars > LIMIT_CHARS || at - entries[0].at > WINDOW_MS)) chars -= entries.shift().text.length;
}

// The phone's console warnings are events too (the console never holds a secret:
// credentials.test.mjs and console.test.mjs look).
for (const level of ['warn', 'error']) {
  const original = console[level];
  console[level] = (...args) => { push('warning', args.join(' ')); original.apply(console, args); };
}

export const journalEvent = (text) => push('event', text);
export const journalSip = (outgoing, text) => push(outgoing ? 'sip-out' : 'sip-in', text);

/** A call's getStats report, kept every 5 s as one line: the path, codec, packets, loss,
 * jitter, round trip and level support tells a network problem from a device one by. */
export function journalStats(callId, report) {
  const now = Date.now();
  if (now - (statsAt.get(callId) ?? 0) < 5000) return;
  statsAt.set(callId, now);
  if (statsAt.size > 50) statsAt.delete(statsAt.keys().next().value);
  const all = new Map();
  report.forEach((s) => all.set(s.id, s));
  const ms = (s) => (s == null ? '?' : `${Math.round(s * 1000)} ms`);
  const parts = [];
  for (const s of all.values()) {
    if (s.type === 'candidate-pair' && s.nominated) {
      const [local, remote] = [all.get(s.localCandidateId) ?? {}, all.get(s.remoteCandidateId) ?? {}];
      parts.push(`path ${s.state}: ${local.candidateType} ${local.protocol}${local.relayProtocol ? ` via TURN/${local.relayProtocol}` : ''} -> ${remote.candidateType}, round trip ${ms(s.currentRoundTripTime)}`);
    } else if (s.type === 'inbound-rtp') {
      parts.push(`in ${all.get(s.codecId)?.mimeType} ${s.packetsReceived} packets ${s.bytesReceived} B, lost ${s.packetsLost}, jitter ${ms(s.jitter)}, level ${s.audioLevel?.toFixed(3)}`);
    } else if (s.type === 'outbound-rtp') {
      parts.push(`out ${s.packetsSent} packets ${s.bytesSent} B`);
    } else if (s.type === 'remote-inbound-rtp') {
      parts.push(`far end: lost ${s.packetsLost}, round trip ${ms(s.roundTripTime)}`);
    }
  }
  push('stats', `${callId}: ${parts.join('; ')}`);
}

const clock = (at) => new Date(at).toISOString().slice(11, 23);
const browser = () => navigator.userAgent.match(/(?:Chrome|Firefox|Edg|Safari)\/[\d.]+/g)?.join(' ') ?? 'unknown';

/** The file support reads: `header` (the phone's state and settings, from Rust), the browser,
 * then the events, the statistics and the SIP messages, oldest first. */
export function bundleText(header) {
  const section = (title, kinds, line) => [`\n== ${title}`, ...entries.filter((e) => kinds.includes(e.kind)).map(line)];
  return [
    `# Softphone diagnostics, made ${new Date().toISOString()} (the last 15 minutes at most)`,
    `Browser: ${navigator.userAgent}`,
    header,
    ...section('Events', ['event', 'warning'], (e) => `${clock(e.at)} ${e.kind === 'warning' ? 'warning: ' : ''}${e.text}`),
    ...section('WebRTC statistics per call (every 5 s)', ['stats'], (e) => `${clock(e.at)} ${e.text}`),
    ...section('SIP messages (credentials, nonces and ICE passwords redacted)', ['sip-in', 'sip-out'], (e) => `${clock(e.at)} ${e.kind === 'sip-out' ? 'sent' : 'received'}\n${e.text.trimEnd()}\n`),
  ].join('\n');
}

/** Downloads the file (the agent's click starts it); false if the browser would not. */
export function downloadBundle(header) {
  try {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bundleText(header)], { type: 'text/plain' }));
    a.download = `softphone-diagnostics-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return true;
  } catch (_) {
    return false;
  }
}

/** A few lines about one call for its Task: its SIP exchange, its last statistics, and the
 * warnings while it lasted. */
export function callSummary(callId) {
  const sip = entries.filter((e) => e.kind.startsWith('sip') && e.text.includes(`Call-ID: ${callId}\r`));
  const flow = sip.map((e) => e.text.split('\r\n', 1)[0].replace(/ sip:\S+ SIP\/2\.0$|^SIP\/2\.0 /g, '')).join(', ');
  const stats = entries.filter((e) => e.kind === 'stats' && e.text.startsWith(`${callId}:`)).at(-1);
  const [from, to] = [sip[0]?.at ?? 0, (sip.at(-1)?.at ?? 0) + 2000];
  const problems = entries.filter((e) => e.kind === 'warning' && e.at >= from && e.at <= to).map((e) => e.text);
  return [
    `Diagnostics (softphone): Call-ID ${callId}; ${browser()}`,
    `SIP: ${flow || 'none kept'}`,
    `Audio: ${stats ? stats.text.slice(callId.length + 2) : 'no statistics kept'}`,
    `Problems: ${problems.join(' | ') || 'none'}`,
  ].join('\n');
}
