// Real calls end to end: the softphone in the Lightning stand-in, the development Kamailio,
// and an independent JsSIP 3.13.8 far end in its own page, all in headless Chromium with the
// fake microphone. What an agent would notice is asserted; timings are printed, not asserted.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, keepPeerConnections, launchBrowser } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, APP_ORIGIN, standin, openPhone, signInAs, callButton, outcomeOf } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const BARBARA = '003000000000005AAA'; // Phone 1003
let world, pbx, peerServer, browser;


before(async () => {
  world = await startCallWorld({ initScript: keepPeerConnections });
  ({ pbx, peerServer, browser } = world);
});
after(async () => world?.stop());

/** Pages and peers opened by the running test; closed after it whatever happens. */
let opened = [];
let consoleLogs = [];
async function closeOpened() {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
}
afterEach(async (t) => {
  if (process.env.E2E_DEBUG) for (const l of consoleLogs) console.log('# page console:', JSON.stringify(l).slice(0, 3000));
  consoleLogs = [];
  await closeOpened();
});

const json = async (path) => (await fetch(CONSOLE_ORIGIN + path)).json();

/** The console with the phone open and signed in as `user`. */
async function agent(user = '1001', password = `dev-${user}`, { expectReady = true, context = browser.context } = {}) {
  const page = await context.newPage();
  opened.push(async () => {
    if (process.env.E2E_DEBUG) console.log('# agent page:', (await page.frameLocator('#softphone-slot iframe').locator('main').textContent().catch(() => '?')));
    await page.close();
  });
  // What the phone told the browser console, printed when a test fails.
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e}`));
  consoleLogs.push(logs);
  const phone = await openPhone(page);
  await signInAs(phone, user, { password, expectReady });
  const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return {
    page,
    phone,
    status: () => phone.locator('header [role=status]').textContent(),
    async bytes() {
      return frame().evaluate(async () => {
        const pc = window.__callPc?.();
        if (!pc) return { received: 0, sent: 0 };
        let received = 0, sent = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
          if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
        });
        return { received, sent };
      });
    },
  };
}

async function peer_(user) {
  const p = await openPeer(browser.context, peerServer, user);
  opened.push(async () => {
    if (process.env.E2E_DEBUG) console.log(`# peer ${user} events:`, JSON.stringify(await p.events()).slice(0, 3000));
    await p.close();
  });
  return p;
}

/** Agent `a` click-to-dials Margaret Hamilton (extension 1002, the JsSIP `peer`), who answers. */
async function callMargaret(a, peer, answerOptions = {}) {
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(a.phone).click();
  await eventually('the INVITE to reach the peer', () => peer.has('incoming'));
  await peer.answer(answerOptions);
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
}

/** Agent `a` hangs up; the JsSIP `peer` sees our BYE. */
async function hangUp(a, peer) {
  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  await eventually('the peer to see our BYE', () => peer.has('ended', { originator: 'remote' }));
}

async function audioFlowsBothWays(a, peer) {
  const [a1, p1] = [await a.bytes(), await peer.bytes()];
  await new Promise((r) => setTimeout(r, 1500));
  const [a2, p2] = [await a.bytes(), await peer.bytes()];
  assert.ok(a2.received > a1.received, `our side receives audio (${a1.received} -> ${a2.received} bytes)`);
  assert.ok(p2.received > p1.received, `the far end receives audio (${p1.received} -> ${p2.received} bytes)`);
}

test('signing in registers; a wrong password is shown once and not retried', async () => {
  const wrong = await agent('1005', 'not-the-password', { expectReady: false });
  await wrong.phone.locator('[role=alert]', { hasText: 'The PBX rejected the password for 1005 (401)' }).waitFor({ timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 2000));
  assert.match(await wrong.status(), /Offline/, 'still offline, no loop back to connecting');
  await closeOpened();

  const ok = await agent('1006');
  assert.match(await ok.status(), /Ready · 1006/);
  assert.equal(await standin(ok.page, 'state.item.label'), 'Phone: ready');
});

test('click-to-dial a Contact: the JsSIP peer rings, answers, audio flows, hold is seen, our hang-up logs a Task', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await peer_('1002');
  const a = await agent('1001');
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await a.phone.locator('[data-testid=ready-number]', { hasText: '1002' }).waitFor();
  const clicked = Date.now();
  await callButton(a.phone).click();
  await eventually('the INVITE to reach the peer', () => peer.has('incoming'));
  const incoming = (await peer.events()).find((e) => e.type === 'incoming');
  console.log(`# click on Call -> INVITE at the JsSIP peer (through Kamailio): ${incoming.at - clicked} ms`);
  assert.equal(incoming.from, '1001');
  await peer.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(a, peer);
  await a.phone.locator('[data-testid=call-quality]', { hasText: 'Connection good' }).waitFor({ timeout: 5_000 });
  // The far end's audio stops (its microphone or network died): the agent is told within seconds.
  await peer.setSending(false);
  await a.phone.locator('[data-testid=call-quality]', { hasText: 'No audio from the other side' }).waitFor({ timeout: 10_000 });
  await peer.setSending(true);
  await a.phone.locator('[data-testid=call-quality]', { hasText: 'Connection good' }).waitFor({ timeout: 10_000 });

  await a.phone.locator('button', { hasText: 'Hold' }).click();
  await eventually('the peer to see the hold', () => peer.has('hold', { originator: 'remote' }));
  await a.phone.locator('button', { hasText: 'Resume' }).click();
  await eventually('the peer to see the resume', () => peer.has('unhold', { originator: 'remote' }));

  await new Promise((r) => setTimeout(r, 1000));
  await hangUp(a, peer);
  const task = await eventually('the call log', async () => (await json('/__standin/tasks')).find((t) => t.WhoId === MARGARET && t.CallType === 'Outbound'));
  assert.ok(task.CallDurationInSeconds > 0, `duration ${task.CallDurationInSeconds} s`);
  assert.ok(task.CallObject, 'the Call-ID is logged');
});

test('Hang up pressed as the call connects, and released as its first figures arrive, still hangs up: the buttons keep their place', async () => {
  const [a, peer] = [await agent(), await peer_('1002')];
  await callMargaret(a, peer);
  const hangUpButton = a.phone.locator('[data-testid=call] button', { hasText: 'Hang up' });
  // The connection and quality lines come a second or so after Connected; a press held 1.5 s
  // spans that moment (a busy agent's slow click does, on a slow computer).
  await hangUpButton.click({ delay: 1_500 });
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 5_000 });
  await eventually('the peer to see our BYE', () => peer.has('ended', { originator: 'remote' }));
});

test('an inbound call pops the caller, is answered, the far end hangs up, and a Task is logged', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await agent('1001');
  await a.page.click('#panel-minimize');
  const peer = await peer_('1003');
  const calling = Date.now();
  await peer.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  const pop = await eventually('searchAndScreenPop', async () => (await json('/__standin/calls')).find((c) => c.method === 'searchAndScreenPop'));
  console.log(`# peer dials -> searchAndScreenPop called: ${pop.at - calling} ms (includes JsSIP's offer and Kamailio)`);
  assert.equal(pop.args.searchParams, '1003');
  assert.equal(await standin(a.page, 'state.panelVisible'), true, 'the utility panel opened');
  await eventually('the record to pop', async () => (await standin(a.page, 'state.view.recordId')) === BARBARA);
  await a.phone.locator('[data-testid=caller-record]', { hasText: 'Barbara Liskov' }).waitFor();
  assert.match(await standin(a.page, 'state.item.label'), /Incoming call/);

  await a.phone.locator('button', { hasText: 'Answer' }).click();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(a, peer);
  await peer.hangup();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  const task = await eventually('the call log', async () => (await json('/__standin/tasks')).find((t) => t.CallType === 'Inbound'));
  assert.equal(task.WhoId, BARBARA);
  assert.ok(task.CallDurationInSeconds > 0);
});

test('an unknown caller opens a prefilled new Contact; declining gives the caller 603', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await agent('1001');
  const peer = await peer_('1004');
  // A caller from outside (as a PSTN gateway presents one): a colleague's call pops nothing new.
  await peer.call('sip:1001@127.0.0.1', { extraHeaders: ['P-Asserted-Identity: <sip:+493012345678@127.0.0.1>'] });
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await eventually('a new-record modal', async () => (await standin(a.page, 'state.modal.entityName')) === 'Contact');
  assert.equal(await standin(a.page, 'state.modal.defaultFieldValues.Phone'), '+493012345678');
  await a.phone.locator('button', { hasText: 'Decline' }).click();
  await eventually('the caller to be declined', () => peer.has('failed', { originator: 'remote', status: 603 }));
});

test('a caller who gives up before an answer leaves the phone idle and a missed-call Task', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await agent('1001');
  const peer = await peer_('1004');
  await peer.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await peer.hangup();
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ state: 'detached', timeout: 10_000 });
  // 1004 is a colleague's extension with no CRM record: an internal call, logged as missed.
  const task = await eventually('the missed-call log', async () => (await json('/__standin/tasks')).find((t) => t.Subject.includes('1004')));
  assert.equal(outcomeOf(task), 'Missed');
  assert.equal(task.CallDisposition, undefined, 'the disposition is the agent\'s to choose');
  assert.equal(task.CallDurationInSeconds, 0);
  assert.equal(task.CallType, 'Internal');
});

test('mute silences what the far end hears; keypad digits reach a far end without telephone-event by SIP INFO', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await peer_('1002');
  const a = await agent('1001');
  await callMargaret(a, peer, { withoutTelephoneEvent: true });
  await audioFlowsBothWays(a, peer);

  // The fake microphone beeps about once a second: over 2 s the far end hears it, unless muted.
  const heard = async () => { const e1 = await peer.energy(); await new Promise((r) => setTimeout(r, 2000)); return (await peer.energy()) - e1; };
  const before = await heard();
  assert.ok(before > 0, `the far end hears us before mute (energy +${before})`);
  await a.phone.locator('button', { hasText: /^Mute$/ }).click();
  assert.equal(await a.phone.locator('button', { hasText: /^Unmute$/ }).getAttribute('aria-pressed'), 'true');
  await new Promise((r) => setTimeout(r, 300));
  const muted = await heard();
  console.log(`# audio energy the far end received in 2 s: ${before.toFixed(4)} unmuted, ${muted.toFixed(4)} muted`);
  assert.ok(muted < before / 100, `muted, the far end hears silence (energy +${muted} against +${before})`);
  await a.phone.locator('button', { hasText: /^Unmute$/ }).click();
  await new Promise((r) => setTimeout(r, 300));
  assert.ok((await heard()) > 0, 'unmuted, the far end hears us again');

  for (const digit of ['1', '2', '#']) await a.phone.locator(`button[aria-label="Digit ${digit}"]`).click();
  const tones = async () => (await peer.events()).filter((e) => e.type === 'dtmf' && e.originator === 'remote').map((e) => e.tone).join('');
  await eventually('the digits at the far end', async () => (await tones()) === '12#');
  await hangUp(a, peer);
});

test('the agent picks a microphone: calls use it, a switch mid-call keeps the far end hearing us, the choice is remembered', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await peer_('1002');
  const a = await agent('1001');
  const picker = a.phone.locator('#microphone');
  await picker.waitFor({ timeout: 10_000 });
  const options = await picker.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  const devices = options.filter((o) => o.value);
  assert.ok(devices.length >= 2, `the fake microphones are offered by name: ${JSON.stringify(options)}`);
  assert.equal(await picker.inputValue(), '', 'the browser default until the agent chooses');
  const [first, second] = devices;
  console.log(`# microphones offered: ${devices.map((d) => d.label).join(', ')}`);
  await picker.selectOption(first.value);

  await callMargaret(a, peer);
  const frame = () => a.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  const sending = () => frame().evaluate(() => window.__callPc().getSenders().find((s) => s.track?.kind === 'audio')?.track.label);
  assert.equal(await sending(), first.label, 'the call sends the chosen microphone');

  await picker.selectOption(second.value);
  await eventually('the call to switch microphones', async () => (await sending()) === second.label);
  const e1 = await peer.energy();
  await new Promise((r) => setTimeout(r, 2000));
  assert.ok((await peer.energy()) > e1, 'the far end still hears us after the switch');
  await hangUp(a, peer);
  await closeOpened();

  const again = await agent('1001');
  await again.phone.locator('#microphone').waitFor({ timeout: 10_000 });
  assert.equal(await again.phone.locator('#microphone').inputValue(), second.value, 'remembered in this browser');
});

test('blind transfer: the agent hands the customer to a colleague, the two talk, and our call is logged as transferred', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const customer = await peer_('1002');
  const colleague = await peer_('1004');
  const a = await agent('1001');
  await callMargaret(a, customer);

  await a.phone.locator('button', { hasText: /^Transfer$/ }).click();
  await a.phone.locator('#transfer-number').fill('1004');
  await a.phone.locator('button', { hasText: 'Transfer call' }).click();
  await eventually('the customer to be asked to call 1004', () => customer.has('refer', { target: '1004' }));
  await eventually('the colleague to ring', () => colleague.has('incoming'));
  assert.equal((await colleague.events()).find((e) => e.type === 'incoming').from, '1002', 'the customer calls the colleague');
  await colleague.answer();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await eventually('the customer to see our BYE', () => customer.has('ended', { originator: 'remote' }));
  // The customer and the colleague now talk to each other, without us.
  const [c1, k1] = [await customer.bytes(), await colleague.bytes()];
  await new Promise((r) => setTimeout(r, 1500));
  const [c2, k2] = [await customer.bytes(), await colleague.bytes()];
  assert.ok(c2.received > c1.received && k2.received > k1.received, 'audio flows between customer and colleague');
  // This call's Task, by its Call-ID: a log an earlier test's page left unsaved in this browser's
  // storage may be saved by this page too (nothing is lost), and it is about Margaret as well.
  const { callId } = (await customer.events()).find((e) => e.type === 'incoming');
  const task = await eventually('the call log', async () => (await json('/__standin/tasks')).find((t) => t.CallObject === callId));
  assert.equal(task.WhoId, MARGARET);
  assert.match(task.Description, /^Transferred to 1004\.$/m, 'the transfer on a line of its own (the call quality follows)');
  assert.ok(task.CallDurationInSeconds >= 0);
});

test('a transfer to a number nobody answers fails back to the agent, who keeps the call', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const customer = await peer_('1002');
  const a = await agent('1001');
  await callMargaret(a, customer);
  await a.phone.locator('button', { hasText: /^Transfer$/ }).click();
  await a.phone.locator('#transfer-number').fill('1009'); // nobody is registered as 1009
  await a.phone.locator('button', { hasText: 'Transfer call' }).click();
  await a.phone.locator('[role=alert]', { hasText: 'The transfer failed' }).waitFor({ timeout: 10_000 });
  assert.match(await a.phone.locator('[data-testid=call-status]').textContent(), /Connected/, 'the call is still up');
  await audioFlowsBothWays(a, customer);
  await hangUp(a, customer);
});

test('agent to agent: one of our phones calls another, audio flows, and both log the same call', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await agent('1001');
  // Another agent: another browser (tabs of one browser share one phone).
  const other = await launchBrowser();
  opened.push(() => other.close());
  await other.context.addInitScript(keepPeerConnections);
  const b = await agent('1002', 'dev-1002', { context: other.context });
  await a.phone.locator('#dial-number').fill('1002');
  await a.phone.locator('button', { hasText: 'Use number' }).click();
  await callButton(a.phone).click();
  await b.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await b.phone.locator('button', { hasText: 'Answer' }).click();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await b.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(a, b);
  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  await b.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  const tasks = await eventually('both call logs', async () => { const t = await json('/__standin/tasks'); return t.length >= 2 && t; });
  assert.equal(tasks.length, 2, JSON.stringify(tasks));
  assert.equal(tasks[0].CallObject, tasks[1].CallObject, 'both sides log the same SIP Call-ID');
  const [callerLog, calleeLog] = [tasks.find((t) => t.Subject.includes('1002')), tasks.find((t) => t.Subject.includes('1001'))];
  assert.ok(callerLog && calleeLog, `each side names the other: ${tasks.map((t) => t.Subject)}`);
  // 1001 is a colleague's extension with no CRM record: an internal call on the callee's side.
  assert.equal(calleeLog.CallType, 'Internal');
  assert.ok(callerLog.CallDurationInSeconds > 0 && calleeLog.CallDurationInSeconds > 0, 'both talked');
});

test('Kamailio goes away and comes back: the phone says it is reconnecting, then is ready again by itself', async () => {
  const a = await agent('1001');
  pbx.kill();
  await a.phone.locator('header [role=status]', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
  pbx.start();
  const back = Date.now();
  await a.phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 15_000 });
  console.log(`# Kamailio back -> registered again: ${Date.now() - back} ms`);
});
