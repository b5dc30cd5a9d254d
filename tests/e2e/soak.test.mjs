// Fault soak: many short answered calls through the stand-in while Salesforce misbehaves (20% of
// saveLog calls fail, 5% stay silent and land late) and the agent reloads the page at random
// moments (mid-call, in wrap-up). Afterwards every call is exactly one Task: none missing, none
// twice (CallObject unique), each with its Call-ID, its talk time within 1 s, and a disposition
// only where the agent chose one. Seeded: the seed is printed and SOAK_SEED=N repeats a run.
// BENCH_CALLS=1000 runs the same larger (the test command does 200).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, signInAs, callButton } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002, the JsSIP far end
const TOTAL_CALLS = Number(process.env.BENCH_CALLS || 200);
const RELOADS = 10;
const SEED = Number(process.env.SOAK_SEED || (Date.now() % 1_000_000) + 1);
// Longer than the phone's 10 s saveLog timeout: these answers come after it gave up waiting.
const LATE_MS = 11_000;

let world, browser, peerServer;
before(async () => {
  world = await startCallWorld();
  ({ browser, peerServer } = world);
});
after(async () => world?.stop());

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every call is exactly one Task with its Call-ID, talk time and only a chosen disposition. */
function assertOneTaskPerCall(tasks, calls) {
  const byCallId = new Map();
  for (const t of tasks) byCallId.set(t.CallObject, [...(byCallId.get(t.CallObject) || []), t]);
  const twice = [...byCallId.entries()].filter(([, ts]) => ts.length > 1).map(([id]) => id);
  assert.deepEqual(twice, [], 'no call logged twice');
  const missing = calls.filter((c) => !byCallId.has(c.callId)).map((c) => c.callId);
  assert.deepEqual(missing, [], 'every call logged');
  assert.equal(tasks.length, calls.length, 'one Task per call, no others');
  for (const c of calls) {
    const [t] = byCallId.get(c.callId);
    // The phone logs whole seconds, rounded down: compare the middle of that second.
    assert.ok(Math.abs(t.CallDurationInSeconds + 0.5 - c.talkS) <= 1, `call ${c.callId}: ${t.CallDurationInSeconds} s logged, ${c.talkS.toFixed(2)} s talked`);
    assert.equal(t.CallDisposition ?? '', c.disposition, `call ${c.callId}: disposition only when chosen`);
  }
}

/** The agent's console page, with a count of the leave-page warnings it showed. */
async function agentPage() {
  const page = await browser.context.newPage();
  const agent = { page, phone: page.frameLocator('#softphone-slot iframe'), leaveWarnings: 0 };
  // The phone asks before the page goes while logs are unsaved; the agent leaves anyway.
  page.on('dialog', (d) => { if (d.type() === 'beforeunload') agent.leaveWarnings += 1; d.accept().catch(() => {}); });
  /** Loads (or reloads) the page and signs in as 1001; `rejoining`: a call was up, and the phone
   * opens its panel by itself to rejoin it. */
  agent.signIn = async ({ reload = false, rejoining = false } = {}) => {
    if (reload) await page.reload();
    else await page.goto(CONSOLE_ORIGIN + '/');
    await eventually('the phone to initialise', () => page.evaluate(() => window.lightningStandin?.state.initialized), 20_000);
    if (rejoining) await eventually('the phone to open its panel', () => page.evaluate(() => window.lightningStandin.state.panelVisible), 10_000);
    else await page.click('#utility-item');
    await signInAs(agent.phone, '1001', { timeout: 15_000 });
  };
  return agent;
}

/** One answered call to the JsSIP far end; `reload`: 'mid-call', 'wrap-up' or none. */
async function oneCall({ page, phone, signIn }, callee, random, reload) {
  const incoming = (await callee.events()).filter((e) => e.type === 'incoming').length;
  await page.evaluate((id) => window.lightningStandin.clickToDial(id), MARGARET);
  await phone.locator('[data-testid=ready-number]', { hasText: '1002' }).waitFor();
  await callButton(phone).click();
  const ringing = await eventually('the far end to ring', async () => (await callee.events()).filter((e) => e.type === 'incoming')[incoming], 10_000, 20);
  await callee.answer();
  await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const connectedAt = Date.now();
  // Most calls are short; one in ten lasts a few seconds, so talk times are worth checking.
  await sleep(random() < 0.1 ? 2_000 + Math.floor(random() * 2_000) : Math.floor(random() * 1_000));
  const call = { callId: ringing.callId, talkS: 0, disposition: '' };
  if (reload === 'mid-call') {
    // The phone rejoins the far end after the reload (INVITE with Replaces): the same call goes on.
    await signIn({ reload: true, rejoining: true });
    await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    call.rejoined = true;
    await callee.hangup();
    call.talkS = (Date.now() - connectedAt) / 1000;
    await phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
    await phone.locator('[data-testid=wrap-up]').waitFor({ state: 'detached', timeout: 10_000 });
    return call;
  }
  await phone.locator('button', { hasText: 'Hang up' }).click();
  call.talkS = (Date.now() - connectedAt) / 1000;
  await phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  if (reload === 'wrap-up') {
    await signIn({ reload: true });
    return call;
  }
  // One call in five the agent picks a disposition; the others are left as the list opens.
  if (random() < 0.2) {
    call.disposition = 'Resolved';
    await phone.locator('#wrap-disposition').selectOption('Resolved');
  }
  await phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
  await phone.locator('[data-testid=wrap-up]').waitFor({ state: 'detached', timeout: 10_000 });
  return call;
}

test(`fault soak: ${TOTAL_CALLS} calls, 20% of saveLogs failing, 5% late, ${RELOADS} reloads: one Task per call`, { timeout: (120 + 3 * TOTAL_CALLS) * 1000 }, async () => {
  console.log(`# soak seed ${SEED} (SOAK_SEED=${SEED} repeats this run)`);
  const random = seeded(SEED);
  const started = Date.now();
  await json('/__standin/reset', { method: 'POST' });
  await json('/__standin/org', {
    method: 'POST',
    body: JSON.stringify({ packageInstalled: true, failRate: 0.2, lateRate: 0.05, lateMs: LATE_MS, seed: SEED }),
  });
  const agent = await agentPage();
  await agent.signIn();
  const callee = await openPeer(browser.context, peerServer, '1002');
  await agent.page.bringToFront();

  // Ten reloads at seeded moments: half mid-call, half in wrap-up.
  const reloadAt = new Map();
  while (reloadAt.size < Math.min(RELOADS, TOTAL_CALLS)) {
    reloadAt.set(1 + Math.floor(random() * (TOTAL_CALLS - 1)), reloadAt.size % 2 === 0 ? 'mid-call' : 'wrap-up');
  }
  const calls = [];
  for (let i = 0; i < TOTAL_CALLS; i++) {
    calls.push(await oneCall(agent, callee, random, reloadAt.get(i)));
    // Progress, so that a run cut short by its timeout shows how far it got and how fast.
    if ((i + 1) % 50 === 0) console.log(`# ${i + 1} calls in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const callsDoneS = (Date.now() - started) / 1000;

  // Everything settles by itself: retries, late answers, lookups by Call-ID.
  await agent.phone.locator('text=Call logs not saved yet').waitFor({ state: 'detached', timeout: 180_000 });
  // Late saves still on their way would show up as duplicates: give them their time.
  await sleep(LATE_MS + 1_000);
  const tasks = await json('/__standin/tasks');
  const openCtiCalls = await json('/__standin/calls');
  const faults = await json('/__standin/org');
  console.log(`# soak: ${calls.length} calls in ${callsDoneS.toFixed(0)} s, settled after ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
    `${openCtiCalls.filter((c) => c.method === 'saveLog').length} saveLog calls (${faults.failed} failed, ${faults.late} answered ${LATE_MS / 1000} s late), ` +
    `${openCtiCalls.filter((c) => c.method === 'runApex').length} runApex, ${agent.leaveWarnings} leave-page warnings, ` +
    `${calls.filter((c) => c.rejoined).length} calls rejoined after a reload, ${tasks.length} Tasks`);
  assertOneTaskPerCall(tasks, calls);
  await callee.close();
  await agent.page.close();
});
