// How a real call sounded, on the call card and on its Task: the phone's MOS estimate (ITU-T
// G.107 E-model) with the figures it came from, checked against the browser's own statistics
// and against the E-model worked out here from the figures on the Task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, keepPeerConnections } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, openPhone, signInAs, callButton } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
let world;
before(async () => { world = await startCallWorld({ initScript: keepPeerConnections }); });
after(async () => world?.stop());

/** G.107's MOS for the figures: R = 93.2 - Id(one-way delay) - Ie,eff(loss), Opus taken as
 * Ie 0, Bpl 30 and 26.5 ms of codec delay (the phone's documented assumptions). */
function eModel({ loss, jitter, roundTrip }) {
  const d = roundTrip / 2 + 2 * jitter + 26.5;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ie = (95 * loss) / (loss + 30);
  const r = Math.min(100, Math.max(0, 93.2 - id - ie));
  return { r, mos: Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6) };
}

/** In the far end's page: each audio frame it sends leaves up to `maxMs` late, in whatever order
 * that makes (an encoded-frame transform on its sender), as over a congested network. */
function delayFrames(maxMs) {
  const Original = window.RTCPeerConnection;
  const worker = new Worker(URL.createObjectURL(new Blob([`
    onrtctransform = (e) => {
      const writer = e.transformer.writable.getWriter();
      e.transformer.readable.pipeTo(new WritableStream({
        write(frame) { setTimeout(() => writer.write(frame), Math.random() * ${maxMs}); },
      }));
    };`], { type: 'text/javascript' })));
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    const addTrack = pc.addTrack.bind(pc);
    pc.addTrack = (...a) => {
      const sender = addTrack(...a);
      sender.transform = new RTCRtpScriptTransform(worker, {});
      return sender;
    };
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
}

/** What the browser itself measures on the phone's call: jitter and round trip (ms), packets
 * lost and received so far, and the codec. */
const browserStats = (frame) => frame.evaluate(async () => {
  let jitter = 0, roundTrip = null, lost = 0, received = 0, codec = '';
  const stats = await window.__callPc().getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      ({ jitter, packetsLost: lost, packetsReceived: received } = s);
      codec = stats.get(s.codecId)?.mimeType;
    }
    if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) roundTrip ??= s.currentRoundTripTime;
    if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) roundTrip = s.roundTripTime;
  });
  return { jitter: jitter * 1000, roundTrip: roundTrip === null ? null : roundTrip * 1000, lost, received, codec };
});

const QUALITY_LINE = /^Call quality: (excellent|good|fair|poor|bad) \(MOS (\d\.\d); loss (\d+\.\d)%, jitter (\d+) ms, round trip (\d+) ms\)$/m;

/** Agent 1001 calls Margaret (the JsSIP far end 1002, `impair`ed first), talks for 6 s and hangs
 * up; returns what the card said, the Task's figures and the browser's own readings. */
async function callAndRead(impair) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const margaret = await openPeer(world.browser.context, world.peerServer, '1002');
  if (impair) await margaret.page.evaluate(impair.fn, impair.arg);
  const page = await world.browser.context.newPage();
  try {
    const phone = await openPhone(page);
    await signInAs(phone, '1001');
    const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
    await page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
    await callButton(phone).click();
    await eventually('the INVITE to reach the peer', () => margaret.has('incoming'));
    await margaret.answer();
    await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    // The browser's own view of the same seconds, read as the phone does.
    const samples = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 500));
      samples.push(await browserStats(frame()));
    }
    const card = await phone.locator('[data-testid=call-mos]').textContent();
    await phone.locator('button', { hasText: 'Hang up' }).click();
    const task = await eventually('the Task', async () =>
      (await (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json()).find((t) => t.WhoId === MARGARET));
    const jitters = samples.map((s) => s.jitter);
    const mean = jitters.reduce((a, b) => a + b, 0) / jitters.length;
    console.log(`# ${task.Description}; the browser's jitter ${Math.min(...jitters).toFixed(1)}-${Math.max(...jitters).toFixed(1)} ms (mean ${mean.toFixed(1)}), last reading ${JSON.stringify(samples.at(-1))}`);
    return { card, description: task.Description, samples };
  } finally {
    await page.close();
    await margaret.close();
  }
}

/** The Task's line matches the card, the browser's figures and G.107; returns its figures. */
function checkQuality({ card, description, samples }) {
  const onCard = card.match(/^Call quality: (excellent|good|fair|poor|bad) \(MOS (\d\.\d)\)$/);
  assert.ok(onCard, `the card says it in words with the MOS: "${card}"`);
  const line = description.match(QUALITY_LINE);
  assert.ok(line, `one plain line with the figures: "${description}"`);
  const [, grade, mos, loss, jitter, roundTrip] = line;
  const figures = { loss: Number(loss), jitter: Number(jitter), roundTrip: Number(roundTrip) };

  // The figures are the browser's.
  const last = samples.at(-1);
  assert.equal(last.codec, 'audio/opus', 'Chromium and JsSIP agree on Opus');
  const browserLoss = (100 * last.lost) / Math.max(1, last.lost + last.received);
  assert.ok(Math.abs(figures.loss - browserLoss) <= 0.5, `loss ${figures.loss}% vs the browser's ${browserLoss.toFixed(2)}%`);
  const mean = samples.reduce((sum, s) => sum + s.jitter, 0) / samples.length;
  assert.ok(Math.abs(figures.jitter - mean) <= 2 + 0.3 * mean, `jitter ${figures.jitter} ms vs the browser's mean ${mean.toFixed(1)} ms`);
  const trips = samples.map((s) => s.roundTrip).filter((t) => t !== null);
  assert.ok(trips.length > 0, 'the browser measured the round trip');
  assert.ok(figures.roundTrip <= Math.ceil(Math.max(...trips)) + 2, `round trip ${figures.roundTrip} ms vs the browser's ${trips.join(', ')} ms`);

  // The MOS and its word follow from the figures by G.107, and the card agreed.
  const { r, mos: expected } = eModel(figures);
  assert.ok(Math.abs(Number(mos) - expected) <= 0.051, `MOS ${mos} for ${JSON.stringify(figures)}: G.107 gives ${expected.toFixed(2)}`);
  assert.equal(grade, r >= 90 ? 'excellent' : r >= 80 ? 'good' : r >= 70 ? 'fair' : r >= 60 ? 'poor' : 'bad', `R ${r.toFixed(1)}`);
  assert.equal(onCard[1], grade, 'the card said the same');
  return { ...figures, mos: Number(mos), grade };
}

test('a clean call: the card and the Task say excellent, MOS 4.4, with loss, jitter and round trip', async () => {
  const quality = checkQuality(await callAndRead());
  assert.equal(quality.grade, 'excellent', 'nothing impairs a loopback call');
  assert.equal(quality.mos, 4.4);
});

test('audio arriving up to 400 ms late: the jitter the browser measures is on the Task, rated by G.107', async () => {
  const quality = checkQuality(await callAndRead({ fn: delayFrames, arg: 400 }));
  // (Jitter alone moves R little: 30 ms of it costs about 1.5 points, not enough to leave "excellent".)
  assert.ok(quality.jitter >= 10, `jitter ${quality.jitter} ms, against 0-1 ms on a clean call`);
});
