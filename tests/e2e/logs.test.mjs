// Call logs against a misbehaving org: refreshView after each saved log (the Activity list shows
// the Task only then), no disposition the agent did not choose, a permanently refused WhatId
// retried without it, a late saveLog answer that still counts, the org package's lookup by
// Call-ID, and unsaved logs that survive a reload (with a leave-page warning). No PBX is needed:
// the agent logs calls made elsewhere ("Log call" on the ready card).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, startConsole } from './lib/console.mjs';

const ADA = '003000000000001AAA';
const ENGINES = '001000000000001AAA'; // an Account
let consoleServer, browser, page;

before(async () => {
  consoleServer = await startConsole();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await consoleServer?.stop();
});

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();
const org = (settings) => json('/__standin/org', { method: 'POST', body: JSON.stringify(settings) });
const tasks = () => json('/__standin/tasks');
const calls = async (method) => (await json('/__standin/calls')).filter((c) => c.method === method);

let dialogs = [];
beforeEach(async () => {
  await json('/__standin/reset', { method: 'POST' });
  page = await browser.context.newPage();
  dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.accept().catch(() => {}); });
  await open();
});
afterEach(async () => page?.close());

async function open() {
  await page.goto(CONSOLE_ORIGIN + '/');
  await eventually('the phone to initialise', () => page.evaluate(() => window.lightningStandin?.state.initialized));
  await page.click('#utility-item');
}
const phone = () => page.frameLocator('#softphone-slot iframe');

/** The agent opens `recordId`, clicks its phone number and logs a call made elsewhere. */
async function logCallOn(recordId, { disposition } = {}) {
  await page.evaluate((id) => window.lightningStandin.openRecord(id), recordId);
  await page.evaluate((id) => window.lightningStandin.clickToDial(id), recordId);
  await phone().locator('[data-testid=ready-to-call]').waitFor();
  if (disposition) await phone().locator('#disposition').selectOption(disposition);
  await phone().locator('button', { hasText: 'Log call' }).click();
}

test('a saved log is followed by refreshView, and only then does the Activity list show it', async () => {
  await logCallOn(ADA);
  await page.locator('#task-table tr[data-task]').waitFor({ timeout: 10_000 });
  const [save] = await calls('saveLog');
  const [refresh] = await calls('refreshView');
  assert.ok(save.response.returnValue.recordId.startsWith('00T'), 'saveLog answers { recordId }');
  assert.ok(refresh && refresh.at >= save.at, 'refreshView after saveLog');
  // The stand-in is as lazy as Lightning: a Task made behind the page's back stays unseen.
  await json('/__standin/tasks', { method: 'POST', body: JSON.stringify({ entityApiName: 'Task', Subject: 'Elsewhere', WhoId: ADA }) });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await page.locator('#task-table tr[data-task]').count(), 1, 'no redraw without refreshView');
});

test('the disposition list opens on None: a log made without touching it has no disposition', async () => {
  assert.equal(await (async () => {
    await page.evaluate((id) => window.lightningStandin.clickToDial(id), ADA);
    return phone().locator('#disposition').inputValue();
  })(), '');
  await logCallOn(ADA);
  const [task] = await eventually('the Task', async () => (await tasks()).length === 1 && tasks());
  assert.equal(task.CallDisposition, undefined);
  await logCallOn(ADA, { disposition: 'Voicemail' });
  await eventually('the second Task', async () => (await tasks()).some((t) => t.CallDisposition === 'Voicemail'));
});

test('a WhatId the org refuses for good is left out once, the record named in the description', async () => {
  await org({ noActivities: ['Account'] });
  await logCallOn(ENGINES);
  const [task] = await eventually('the Task', async () => (await tasks()).length === 1 && tasks());
  assert.equal(task.WhatId, undefined);
  assert.match(task.Description, /About Analytical Engines Ltd \(Account 001000000000001AAA\)/);
  // The page records each call once it has answered it: wait for both records, then a little more.
  await eventually('both saveLog calls recorded', async () => (await calls('saveLog')).length >= 2);
  await new Promise((r) => setTimeout(r, 500));
  const saves = await calls('saveLog');
  assert.equal(saves[0].response.errors[0].code, 'FIELD_INTEGRITY_EXCEPTION');
  assert.equal(saves.length, 2, 'retried once');
});

test('a saveLog answered after the phone stopped waiting still counts: one Task, nothing created again', async () => {
  await org({ lateNext: 1, lateMs: 11_000 }); // the phone waits 10 s
  await logCallOn(ADA);
  await phone().locator('text=Call logs not saved yet').waitFor({ timeout: 15_000 });
  await phone().locator('text=Call logs not saved yet').waitFor({ state: 'detached', timeout: 15_000 });
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal((await tasks()).length, 1);
  assert.equal((await calls('saveLog')).length, 1, 'no second create');
});

test('with the org package, a create that never answered is found by its Call-ID instead of made twice', { timeout: 90_000 }, async () => {
  // The ready card's "Log call" has no Call-ID; the outbox gets a real call's log from a reload.
  await org({ packageInstalled: true, lateNext: 1, lateMs: 300, lateAnswer: false });
  // The previous page went away mid-call: the stored call is logged at start.
  const started = Date.now() - 5_000;
  const app = page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  await app.evaluate((at) => localStorage.setItem('softphone.call', JSON.stringify({
    direction: 'Outbound', number: '+1 415 555 0100', record: { id: '003000000000001AAA', name: 'Ada Lovelace', object_type: 'Contact' },
    call_id: 'soak-lookup-1@test', started_at_ms: at, answered_at_ms: at + 1_000, heartbeat_ms: at + 4_000,
  })), started);
  await page.reload();
  await eventually('the phone to initialise', () => page.evaluate(() => window.lightningStandin?.state.initialized));
  await eventually('the silent create to land', async () => (await tasks()).length === 1);
  await eventually('the lookup by Call-ID', async () => (await calls('runApex')).some((c) => c.args.methodParams === 'callObject=soak-lookup-1%40test' && c.response.returnValue?.runApex), 60_000, 500);
  await new Promise((r) => setTimeout(r, 1_000));
  const all = await tasks();
  assert.equal(all.length, 1, 'found, not created again');
  assert.equal(all[0].CallObject, 'soak-lookup-1@test');
  assert.equal(all[0].CallDurationInSeconds, 3, 'talk time until the last heartbeat');
});

test('unsaved logs survive a reload (the page warns first) and are saved once Salesforce is back', async () => {
  await org({ failNext: 1000 });
  await logCallOn(ADA);
  await phone().locator('button', { hasText: 'Retry saving' }).waitFor({ timeout: 10_000 });
  await page.reload();
  assert.ok(dialogs.includes('beforeunload'), `the page warned before leaving (dialogs: ${dialogs})`);
  await eventually('the phone to initialise', () => page.evaluate(() => window.lightningStandin?.state.initialized));
  await page.click('#utility-item');
  await phone().locator('text=Call logs not saved yet').waitFor({ timeout: 10_000 });
  await org({ failNext: 0 });
  // The agent presses Retry; the phone's own retry may come first (a slow machine gives it the
  // time), and then the button is gone with the saved log. Either way the log is saved once.
  await phone().locator('button', { hasText: 'Retry saving' }).click({ timeout: 5_000 }).catch(() => {});
  await phone().locator('text=Call logs not saved yet').waitFor({ state: 'detached', timeout: 10_000 });
  const all = await tasks();
  assert.equal(all.length, 1);
  assert.equal(all[0].WhoId, ADA);
});
