// The diagnostics journal: the last minutes of what the phone did (its events, and whatever it
// warned about on the console), said to the PBX (SIP messages, already redacted by the Rust side:
// sip::redact) and measured (each call's WebRTC statistics), and the file support gets from it.
// In memory only, bounded by time and by size, gone with the page: nothing is persisted.
// Plain JavaScript because it only keeps and joins strings the browser already holds (a ring
// buffer in the wasm would cost download and grow the wasm memory, which never shrinks).

/** Entries older than this are dropped: "the last N minutes" of the bundle. */
export const WINDOW_MS = 15 * 60_000;
/** And never more text than this (about 1 MB), whatever the minutes hold. */
export const LIMIT_CHARS = 1_000_000;
/** A call's statistics are kept every this often (they are measured every second). */
const STATS_EVERY_MS = 5_000;

const entries = []; // { at, kind: 'event' | 'warning' | 'sip-in' | 'sip-out' | 'stats', text }
let chars = 0;
const statsAt = new Map(); // Call-ID -> when its statistics were last kept

function push(kind, text) {
  const at = Date.now();
  entries.push({ at, kind, text });
  chars += text.length;
  while (entries.length > 0 && (chars > LIMIT_CHARS || at - entries[0].at > WINDOW_MS)) chars -= entries.shift().text.length;
}

// The phone's warnings and errors are journal lines too (the console never holds a secret:
// credentials.test.mjs and console.test.mjs look).
for (const [level, kind] of [['warn', 'warning'], ['error', 'warning']]) {
  const original = console[level];
  console[level] = (...args) => {
    push(kind, args.map(String).join(' '));
    original.apply(console, args);
  };
}

export function journalEvent(text) { push('event', text); }
export function journalSip(outgoing, text) { push(outgoing ? 'sip-out' : 'sip-in', text); }

/** A call's getStats report, kept every few seconds as one line: what support needs to tell a
 * network problem from a device one (path, codec, packets, loss, jitter, round trip, levels). */
export function journalStats(callId, report) {
  const now = Date.now();
  if (now - (statsAt.get(callId) ?? 0) < STATS_EVERY_MS) return;
  statsAt.set(callId, now);
  if (statsAt.size > 50) statsAt.delete(statsAt.keys().next().value);
  push('stats', `${callId}: ${describe(report)}`);
}

function describe(report) {
  const all = new Map();
  report.forEach((s) => all.set(s.id, s));
  const parts = [];
  const ms = (seconds) => (typeof seconds === 'number' ? `${Math.round(seconds * 1000)} ms` : '?');
  for (const s of all.values()) {
    if (s.type === 'inbound-rtp') {
      parts.push(`in ${all.get(s.codecId)?.mimeType ?? '?'} ${s.packetsReceived} packets ${s.bytesReceived} B, lost ${s.packetsLost}, jitter ${ms(s.jitter)}, level ${s.audioLevel?.toFixed(3) ?? '?'}`);
    } else if (s.type === 'outbound-rtp') {
      parts.push(`out ${s.packetsSent} packets ${s.bytesSent} B`);
    } else if (s.type === 'remote-inbound-rtp') {
      parts.push(`far end: lost ${s.packetsLost}, round trip ${ms(s.roundTripTime)}`);
    } else if (s.type === 'candidate-pair' && s.nominated) {
      const local = all.get(s.localCandidateId) ?? {};
      const remote = all.get(s.remoteCandidateId) ?? {};
      parts.push(`path ${s.state}: ${local.candidateType ?? '?'} ${local.protocol ?? ''}${local.relayProtocol ? ` via TURN/${local.relayProtocol}` : ''} -> ${remote.candidateType ?? '?'}, round trip ${ms(s.currentRoundTripTime)}`);
    }
  }
  return parts.join('; ') || 'no audio statistics';
}

const clock = (at) => new Date(at).toISOString().slice(11, 23);

/** The journal as the file support reads: `header` (the phone's own lines: versions, settings
 * with secrets redacted), then the events, the statistics and the SIP messages, oldest first. */
export function bundleText(header) {
  const since = entries.length ? new Date(entries[0].at).toISOString() : 'now';
  const section = (title, kinds, format) => [`== ${title}`, ...entries.filter((e) => kinds.includes(e.kind)).map(format), ''];
  return [
    '# Softphone diagnostics',
    `Made ${new Date().toISOString()}; journal since ${since} (the last ${WINDOW_MS / 60_000} minutes at most, kept in memory only)`,
    `Browser: ${navigator.userAgent}`,
    ...brands(),
    header,
    '',
    ...section('Events', ['event', 'warning'], (e) => `${clock(e.at)} ${e.kind === 'warning' ? 'warning: ' : ''}${e.text}`),
    ...section('WebRTC statistics per call (every 5 s)', ['stats'], (e) => `${clock(e.at)} ${e.text}`),
    ...section('SIP messages (credentials, nonces and ICE passwords redacted)', ['sip-in', 'sip-out'], (e) => `${clock(e.at)} ${e.kind === 'sip-out' ? 'sent' : 'received'}\n${e.text.trimEnd()}\n`),
  ].join('\n');
}

function brands() {
  const list = navigator.userAgentData?.brands;
  return list ? [`Browser brands: ${list.map((b) => `${b.brand} ${b.version}`).join(', ')}; platform ${navigator.userAgentData.platform}`] : [];
}

/** Downloads the bundle as a text file (the agent's click starts it). */
export function downloadBundle(header) {
  try {
    const url = URL.createObjectURL(new Blob([bundleText(header)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `softphone-diagnostics-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return true;
  } catch (e) {
    console.warn(`The diagnostics file could not be made: ${e}`);
    return false;
  }
}

/** A few lines about one call for its Task: how its SIP went, its last statistics, and the
 * warnings while it lasted. */
export function callSummary(callId) {
  const sip = entries.filter((e) => e.kind.startsWith('sip') && (e.text.includes(`Call-ID: ${callId}\r`) || e.text.includes(`i: ${callId}\r`)));
  const flow = sip.map((e) => e.text.split('\r\n', 1)[0].replace(/ sip:\S+ SIP\/2\.0$/, '').replace(/^SIP\/2\.0 /, '')).join(', ');
  const stats = entries.filter((e) => e.kind === 'stats' && e.text.startsWith(`${callId}:`)).at(-1);
  const from = sip[0]?.at ?? Infinity;
  const to = sip.at(-1)?.at ?? -Infinity;
  const problems = entries.filter((e) => e.kind === 'warning' && e.at >= from && e.at <= to + 2_000).map((e) => e.text);
  return [
    `Diagnostics (softphone): Call-ID ${callId}; ${navigator.userAgent.match(/(?:Chrome|Firefox|Edg|Safari)\/[\d.]+/g)?.join(' ') ?? 'browser unknown'}`,
    `SIP: ${flow || 'none kept'}`,
    `Audio: ${stats ? stats.text.slice(callId.length + 2) : 'no statistics kept'}`,
    `Problems: ${problems.length ? problems.join(' | ') : 'none'}`,
  ].join('\n');
}
