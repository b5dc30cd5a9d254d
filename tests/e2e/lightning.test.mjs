// Lightning's behaviours around a call, end to end: the screen pop's call type (an outside caller
// is inbound, a colleague internal), the new Contact prefilled with the caller's number, a person
// account's call logged on its person contact, phone numbers found in any format, and the
// stand-in's Open CTI script refusing to start where Lightning's would (dev/console/STANDIN.md).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, standin, openPhone, signInAs, callButton } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const KATHERINE = '00Q000000000001AAA'; // a Lead, Phone '+1 757 555 0142'
const MARY = '001000000000003AAA'; // a person account, Phone 1007
const MARY_CONTACT = '003000000000006AAA'; // her person contact
const SCRIPT = `${CONSOLE_ORIGIN}/support/api/62.0/lightning/opencti_min.js`;
let world;

before(async () => { world = await startCallWorld(); });
after(async () => world?.stop());

let opened = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
});

const json = async (path) => (await fetch(CONSOLE_ORIGIN + path)).json();
const reset = () => fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
/** The searchAndScreenPop requests the Lightning page handled, oldest first. */
const pops = async () => (await json('/__standin/calls')).filter((c) => c.method === 'searchAndScreenPop');

/** The console with the phone open and signed in as `user`. */
async function agent(user) {
  const page = await world.browser.context.newPage();
  opened.push(() => page.close());
  const phone = await openPhone(page);
  await signInAs(phone, user);
  return { page, phone };
}

async function peer(user) {
  const p = await openPeer(world.browser.context, world.peerServer, user);
  opened.push(() => p.close());
  return p;
}

/** `from` calls agent 1001, presenting `outsideNumber` (as a PSTN gateway would) if given. */
async function ring(a, from, outsideNumber) {
  const extraHeaders = outsideNumber ? [`P-Asserted-Identity: <sip:${outsideNumber}@127.0.0.1>`] : [];
  await from.call('sip:1001@127.0.0.1', { extraHeaders });
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await eventually('the screen pop request', async () => (await pops()).length > 0);
  const pop = (await pops()).at(-1);
  await a.phone.locator('button', { hasText: 'Decline' }).click();
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ state: 'detached', timeout: 10_000 });
  return pop;
}

test('an outside caller pops with CALL_TYPE inbound, a colleague with internal', async () => {
  const a = await agent('1001');
  const caller = await peer('1004');

  await reset();
  const outside = await ring(a, caller, '+17575550142');
  assert.equal(outside.args.callType, 'inbound');
  assert.equal(outside.args.searchParams, '+17575550142');
  await eventually('the caller\'s Lead to pop', async () => (await standin(a.page, 'state.view.recordId')) === KATHERINE);

  await reset();
  const colleague = await ring(a, caller);
  assert.equal(colleague.args.callType, 'internal');
  assert.equal(colleague.args.searchParams, '1004');
  // The internal layout pops nothing for an unknown colleague: no new-record dialog.
  assert.equal(await standin(a.page, 'state.modal'), null);
});

test('an unknown outside caller opens a new Contact prefilled with the number as received', async () => {
  const a = await agent('1001');
  const caller = await peer('1004');
  await reset();
  const pop = await ring(a, caller, '+442071838750');
  assert.deepEqual(pop.args.defaultFieldValues, { Phone: '+442071838750' });
  assert.equal(await standin(a.page, 'state.modal.entityName'), 'Contact');
  assert.equal(await standin(a.page, 'state.modal.defaultFieldValues.Phone'), '+442071838750');
});

test('a call to a person account is logged with WhoId = its person contact and no WhatId', async () => {
  const mary = await peer('1007');
  const a = await agent('1001');
  await reset();
  await a.page.click(`a.click-to-dial[data-record="${MARY}"]`);
  await callButton(a.phone).click();
  await eventually('the INVITE to reach Mary', () => mary.has('incoming'));
  await mary.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  const task = await eventually('the call log', async () => (await json('/__standin/tasks')).find((t) => t.CallType === 'Outbound'));
  assert.equal(task.WhoId, MARY_CONTACT);
  assert.equal(task.WhatId, undefined);
  // The Task shows on Mary's page, as Lightning lists a person account's activities.
  await a.page.evaluate((id) => window.lightningStandin.openRecord(id), MARY);
  await a.page.locator(`#task-table tr[data-task="${task.Id}"]`).waitFor({ timeout: 5_000 });
});

test('a phone number is found in any format, never by its last digits', async () => {
  const a = await agent('1001');
  const names = (text) => a.page.evaluate((t) => window.lightningStandin.search(t).map((r) => r.Name).sort(), text);
  for (const number of ['(415) 555-0100', '+1 415-555-0100', '4155550100']) {
    assert.deepEqual(await names(number), ['Ada Lovelace', 'Analytical Engines Ltd'], number);
  }
  assert.deepEqual(await names('555-0100'), []);
  assert.deepEqual(await names('0100'), []);
  // A caller presented without the country code still pops the record stored with it.
  const caller = await peer('1004');
  await reset();
  await ring(a, caller, '7575550142');
  await eventually('the caller\'s Lead to pop', async () => (await standin(a.page, 'state.view.recordId')) === KATHERINE);
});

test('the stand-in Open CTI script refuses to start unframed, framed by another origin, or without mode', async () => {
  // Pages of another loopback origin, served by the test itself (a real server: Chromium lets
  // only local pages load scripts from a local address). The inner page notes that the script
  // loaded and that it threw (a script from another origin reports only "Script error.").
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const body = url.pathname === '/frame'
      ? `<iframe src="/inner${url.search}"></iframe>`
      : `<script>window.seen = { errors: 0, loaded: false }; addEventListener('error', () => { window.seen.errors += 1; });</script>
         <script src="${SCRIPT}" onload="window.seen.loaded = true"></script>`;
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  const OTHER = `http://127.0.0.1:${server.address().port}`;
  const page = await world.browser.context.newPage();
  opened.push(() => page.close());
  /** Whether the script loaded, threw, and left a sforce.opencti behind. */
  const outcome = async (frame) => {
    await eventually('the script to load', () => frame.evaluate(() => window.seen.loaded));
    return frame.evaluate(() => ({ threw: window.seen.errors > 0, started: Boolean(window.sforce && window.sforce.opencti) }));
  };
  const refused = { threw: true, started: false };

  // Unframed, even with Lightning's parameters.
  await page.goto(`${OTHER}/inner?sfdcIFrameOrigin=${encodeURIComponent(OTHER)}&mode=Lightning`);
  assert.deepEqual(await outcome(page), refused, 'unframed');

  const framedBy = async (params) => {
    await page.goto(`${OTHER}/frame?${params}`);
    return eventually('the inner frame', () => page.frames().find((f) => f.url().includes('/inner')));
  };
  // Framed, but by a page that is not at sfdcIFrameOrigin.
  let inner = await framedBy(`sfdcIFrameOrigin=${encodeURIComponent(CONSOLE_ORIGIN)}&mode=Lightning`);
  assert.deepEqual(await outcome(inner), refused, 'framed by another origin than sfdcIFrameOrigin');
  // Framed by the right origin, without mode.
  inner = await framedBy(`sfdcIFrameOrigin=${encodeURIComponent(OTHER)}`);
  assert.deepEqual(await outcome(inner), refused, 'no mode');
  // The control: framed by sfdcIFrameOrigin's page with mode, it starts.
  inner = await framedBy(`sfdcIFrameOrigin=${encodeURIComponent(OTHER)}&mode=Lightning`);
  assert.deepEqual(await outcome(inner), { threw: false, started: true }, 'framed as Lightning frames a softphone');
});
