// Benchmarks, printed and not asserted (README.md, "Size and benchmarks"): in one headless run,
// the median over 20 calls of click-to-dial -> INVITE on the wire and INVITE received ->
// searchAndScreenPop called (our own time, from performance marks in the phone), JsSIP's own
// call() -> INVITE for comparison, and wasm memory and JS heap after 50 and 500 calls: short
// ones, and every tenth a call waiting (a call answered, a second caller answered over it with
// the first on hold, both hung up).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN, openPhone, signInAs, callButton } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
let world, browser, peerServer;

before(async () => {
  world = await startCallWorld({
    // The stand-in page and the phone are same-site, so they share a renderer: the JS heap
    // figure includes the stand-in's own record of every Open CTI call and Task.
    extraArgs: ['--enable-precise-memory-info', '--js-flags=--expose-gc'],
    // The wasm module's exports, for its memory size.
    initScript: () => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }),
  });
  ({ browser, peerServer } = world);
});
after(async () => world?.stop());

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// 500 calls take about 3 minutes here (315 ms a call, calls waiting included); BENCH_CALLS sets
// another count, and the time allowed grows with it.
const TOTAL_CALLS = Number(process.env.BENCH_CALLS || 500);

test('benchmarks: click -> INVITE, INVITE -> screen pop, memory over many calls', { timeout: (5 * 60 + 4 * TOTAL_CALLS) * 1000 }, async () => {
  const page = await browser.context.newPage();
  const phone = await openPhone(page);
  await signInAs(phone, '1001');
  const app = page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  const marks = (name) => app.evaluate((n) => performance.getEntriesByName(n).map((e) => e.startTime), name);
  const callee = await openPeer(browser.context, peerServer, '1002');
  // The agent's page is the one in front, as at a desk: a page behind others gets no animation
  // frames, and every click then waits about 2 s for them.
  await page.bringToFront();

  /** One outbound call that is cancelled as soon as it rings at the far end. */
  let calls = 0;
  // The phone clears its marks now and then (see `mark` in src/line.rs): a new INVITE is a mark
  // later than the last one seen, not one more mark.
  const lastMark = async (name) => Math.max(-1, ...(await marks(name)));
  async function shortCall() {
    const sent = await lastMark('softphone:invite-sent');
    // The click on the record's number, as the stand-in delivers it (calls.test.mjs clicks the link).
    await page.evaluate((id) => window.lightningStandin.clickToDial(id), MARGARET);
    await phone.locator('[data-testid=ready-number]', { hasText: '1002' }).waitFor();
    await callButton(phone).click();
    await eventually('the INVITE', async () => (await lastMark('softphone:invite-sent')) > sent, 10_000, 5);
    await phone.locator('button', { hasText: 'Hang up' }).click();
    await phone.locator('[data-testid=call]').waitFor({ state: 'detached', timeout: 10_000 });
    calls += 1;
  }
  /** The agent talks to Margaret; Barbara rings in as a call waiting and is answered (Margaret
   * goes on hold); the agent hangs up on both. */
  async function callWaiting() {
    const rang = (await callee.events()).filter((e) => e.type === 'incoming').length;
    await page.evaluate((id) => window.lightningStandin.clickToDial(id), MARGARET);
    await callButton(phone).click();
    await eventually('Margaret to ring', async () => (await callee.events()).filter((e) => e.type === 'incoming').length > rang);
    await callee.answer();
    await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    await caller.call('sip:1001@127.0.0.1');
    await phone.locator('[data-testid=incoming-call] button', { hasText: 'Answer' }).click();
    await phone.locator('[data-testid=call][data-held=false] [data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    await phone.locator('[data-testid=call][data-held=false] button', { hasText: 'Hang up' }).click();
    await phone.locator('[data-testid=call]').nth(1).waitFor({ state: 'detached', timeout: 10_000 });
    await phone.locator('[data-testid=call] button', { hasText: 'Hang up' }).click();
    await phone.locator('[data-testid=call]').waitFor({ state: 'detached', timeout: 10_000 });
    calls += 2;
  }
  /** The next call of the mix. */
  const nextCall = () => (calls % 10 === 0 ? callWaiting() : shortCall());
  async function memory() {
    return app.evaluate(() => {
      if (window.gc) window.gc();
      return { wasm: window.__wasm?.memory?.buffer.byteLength ?? 0, heap: performance.memory?.usedJSHeapSize ?? 0 };
    });
  }

  // Let the phone prepare its next call, as it does between an agent's calls.
  const settle = () => new Promise((r) => setTimeout(r, 150));
  for (let i = 0; i < 20; i++) { await shortCall(); await settle(); }
  const [clicks, invites] = [await marks('softphone:click'), await marks('softphone:invite-sent')];
  assert.equal(clicks.length, 20);
  const ours = clicks.map((c, i) => invites[i] - c);
  console.log(`# click-to-dial -> INVITE on the wire (ours), median of 20: ${fmt(median(ours))} (goal: at most 50 ms; min ${fmt(Math.min(...ours))}, max ${fmt(Math.max(...ours))})`);

  // JsSIP's own call() -> INVITE, to an extension nobody has (Kamailio answers 404 at once).
  const caller = await openPeer(browser.context, peerServer, '1003');
  await page.bringToFront();
  for (let i = 0; i < 20; i++) {
    const before = (await caller.events()).filter((e) => e.type === 'sending').length;
    await caller.call('sip:1009@127.0.0.1');
    await eventually('JsSIP to send', async () => (await caller.events()).filter((e) => e.type === 'sending').length > before);
    await eventually('JsSIP call to end', async () => (await caller.events()).filter((e) => e.type === 'failed').length > i);
  }
  const jssip = (await caller.events()).filter((e) => e.type === 'sending').map((e) => e.ms);
  console.log(`# JsSIP 3.13.8 call() -> INVITE on the wire, same run, median of 20: ${fmt(median(jssip))}`);

  // INVITE received -> searchAndScreenPop called, over 20 inbound calls the caller cancels.
  for (let i = 0; i < 20; i++) {
    await caller.call('sip:1001@127.0.0.1');
    await phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
    await caller.hangup();
    await phone.locator('[data-testid=incoming-call]').waitFor({ state: 'detached', timeout: 10_000 });
  }
  const [received, pops] = [await marks('softphone:invite-received'), await marks('softphone:screenpop')];
  const popMs = received.map((r, i) => pops[i] - r);
  console.log(`# INVITE received -> searchAndScreenPop called, median of 20: ${fmt(median(popMs))} (goal: at most 2 ms)`);
  // JsSIP's own INVITE received -> new session (newRTCSession), the far end's page, same run.
  for (let i = 0; i < 20; i++) {
    const count = async (type) => (await callee.events()).filter((e) => e.type === type).length;
    const [rang, ended] = [await count('incoming'), await count('failed')];
    await caller.call('sip:1002@127.0.0.1');
    await eventually('the INVITE at JsSIP', async () => (await count('incoming')) > rang);
    await caller.hangup();
    await eventually('the call to end at JsSIP', async () => (await count('failed')) > ended);
  }
  const jssipSession = (await callee.events()).filter((e) => e.type === 'incoming' && e.ms !== null).slice(-20).map((e) => e.ms);
  console.log(`# JsSIP 3.13.8 INVITE received -> newRTCSession, same run, median of 20: ${fmt(median(jssipSession))}`);

  const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
  const report = async () => {
    const m = await memory();
    console.log(`# after ${calls} calls: wasm memory ${kb(m.wasm)}, JS heap ${kb(m.heap)} (goal: flat)`);
  };
  while (calls < 50) { await nextCall(); }
  await report();
  const started = Date.now();
  // Every hundred calls, so that a high-water mark (the heap settling into one more page) reads
  // apart from growth.
  for (let next = 100; calls < TOTAL_CALLS; next += 100) {
    while (calls < Math.min(next, TOTAL_CALLS)) { await nextCall(); }
    await report();
  }
  if (TOTAL_CALLS > 50) console.log(`# (${((Date.now() - started) / (calls - 50)).toFixed(0)} ms per call, calls waiting included)`);
  await callee.close();
  await caller.close();
  await page.close();
});
