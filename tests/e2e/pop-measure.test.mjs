// Every inbound call's screen pop, measured and written on its Task: a JsSIP far end calls agent
// 1001 presenting an outside number (as a PSTN gateway would); the stand-in's records decide how
// many match. With the org package the outcome, latency and saveLog attempt go in its custom
// Activity fields; without it, as lines at the end of the Task's description. Wrap-up's update
// keeps them, and a saveLog that failed once shows as attempt 2. An org whose package version
// lacks the fields refuses them once, and the log is saved with the lines instead. Prints each
// measured latency.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, standin, openPhone, signInAs } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

// Numbers and what the stand-in's records make of them (dev/console/standin/core.js).
const ONE = '+17575550142'; // Katherine Johnson, a Lead
const SEVERAL = '+14155550100'; // Ada Lovelace (Contact) and Analytical Engines Ltd (Account)
const NOBODY = '+442071838750';
const NOBODY_ELSE = '+442071838751';
const POP_TIMEOUT_MS = 10_000;

let world;
before(async () => { world = await startCallWorld(); });
after(async () => world?.stop());

let opened = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
});

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();
const org = (settings) => json('/__standin/org', { method: 'POST', body: JSON.stringify(settings) });
const tasks = () => json('/__standin/tasks');
const saveLogs = async () => (await json('/__standin/calls')).filter((c) => c.method === 'saveLog');
const PACKAGE_FIELDS = ['Softphone_Pop_Outcome__c', 'Softphone_Pop_Latency_Ms__c', 'Softphone_Log_Attempts__c'];

/** A fresh stand-in org (`orgSettings`: package or not), agent 1001 signed in, far end 1004. */
async function setUp(orgSettings) {
  await json('/__standin/reset', { method: 'POST' });
  // Set before the phone starts: it asks once at start whether the package is there.
  await org(orgSettings);
  const page = await world.browser.context.newPage();
  opened.push(() => page.close());
  const phone = await openPhone(page);
  await signInAs(phone, '1001');
  const caller = await openPeer(world.browser.context, world.peerServer, '1004');
  opened.push(() => caller.close());
  return { page, phone, caller };
}

/** `caller` calls the agent from `outsideNumber`; the agent answers, the caller hangs up, the
 * agent finishes wrap-up with a note. `failFirstSave` makes the first saveLog fail. Returns the
 * Task as it is once wrap-up's update is saved, and the time the call took in the test's eyes. */
async function inboundCall(a, outsideNumber, { failFirstSave = false } = {}) {
  const before = (await tasks()).length;
  const updates = (await saveLogs()).filter((s) => s.args.value.Id).length;
  if (failFirstSave) await org({ failNext: 1 });
  const dialled = Date.now();
  await a.caller.call('sip:1001@127.0.0.1', { extraHeaders: [`P-Asserted-Identity: <sip:${outsideNumber}@127.0.0.1>`] });
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await a.phone.locator('button', { hasText: 'Answer' }).click();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await a.caller.hangup();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  const created = await eventually('the call\'s Task', async () => (await tasks()).length > before, 15_000);
  assert.ok(created);
  const elapsed = Date.now() - dialled;
  await a.phone.locator('#wrap-notes').fill('Talked it through.');
  await a.phone.locator('button', { hasText: 'Done' }).click();
  await eventually('wrap-up\'s update', async () => (await saveLogs()).filter((s) => s.args.value.Id && s.response?.success).length > updates);
  const all = await tasks();
  assert.equal(all.length, before + 1, 'one Task per call');
  return { task: all.at(-1), elapsed };
}

/** The latency a Task carries, checked against what the test saw of the call. */
function checkLatency(latency, elapsed, what) {
  assert.ok(Number.isInteger(latency) && latency >= 0, `${what}: latency ${latency}`);
  assert.ok(latency <= elapsed && latency < POP_TIMEOUT_MS, `${what}: ${latency} ms, within the ${elapsed} ms the call took`);
  console.log(`# screen pop ${what}: ${latency} ms from the INVITE reaching the phone to Salesforce's answer`);
}

/** The admin changes the inbound softphone layout to pop nothing new when nothing matches; the
 * phone reads the layout when it starts, so its frame is reloaded (as Lightning reloads it) and
 * the agent signs in again. */
async function inboundLayoutPopsNothingNew(a) {
  await a.page.evaluate(() => { window.lightningStandin.layout.Inbound.screenPopSettings.NoMatch = { screenPopType: 'DoNotPop' }; });
  const app = a.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  await app.evaluate(() => location.reload());
  await a.phone.locator('#sip-user').waitFor({ timeout: 10_000 });
  await signInAs(a.phone, '1001');
}

test('with the org package, each inbound pop\'s outcome, latency and saving attempt are in its fields', { timeout: 180_000 }, async () => {
  const a = await setUp({ packageInstalled: true });
  const cases = [
    [ONE, 'one-match', {}],
    [SEVERAL, 'several-matches', { failFirstSave: true }],
    // The stand-in's inbound layout opens a new Contact for an unknown caller.
    [NOBODY, 'new-record', {}],
  ];
  for (const [number, outcome, options] of cases) {
    const { task, elapsed } = await inboundCall(a, number, options);
    assert.equal(task.CallType, 'Inbound');
    assert.equal(task.Softphone_Pop_Outcome__c, outcome, number);
    checkLatency(task.Softphone_Pop_Latency_Ms__c, elapsed, outcome);
    assert.equal(task.Softphone_Log_Attempts__c, options.failFirstSave ? 2 : 1, `${outcome}: the attempt that saved it`);
    // The facts are in the fields, not the description: the agent's notes, and the call
    // quality line when the short call lasted long enough for a sample (its figures are in
    // fields too, the line is for people reading the Task).
    const [notes, ...rest] = task.Description.split('\n');
    assert.equal(notes, 'Talked it through.', task.Description);
    assert.ok(rest.every((l) => l.startsWith('Call quality: ')), `no screen-pop or saving line in the description: ${task.Description}`);
  }
  assert.equal(await standin(a.page, 'state.modal.entityName'), 'Contact', 'the unknown caller opened a new Contact');

  await inboundLayoutPopsNothingNew(a);
  const { task, elapsed } = await inboundCall(a, NOBODY_ELSE);
  assert.equal(task.Softphone_Pop_Outcome__c, 'no-match');
  checkLatency(task.Softphone_Pop_Latency_Ms__c, elapsed, 'no-match');
  assert.equal(task.Softphone_Log_Attempts__c, 1);
});

test('without the package, the same facts end the Task\'s description and no custom field is sent', { timeout: 120_000 }, async () => {
  const a = await setUp({ packageInstalled: false });
  // As Salesforce does, the stand-in org refuses a Task naming a field it does not have.
  const refused = await json('/__standin/tasks', { method: 'POST', body: JSON.stringify({ entityApiName: 'Task', Subject: 'x', Softphone_Pop_Outcome__c: 'no-match' }) });
  assert.equal(refused.code, 'INVALID_FIELD');

  const cases = [[ONE, 'one-match', {}], [SEVERAL, 'several-matches', { failFirstSave: true }]];
  for (const [number, outcome, options] of cases) {
    const { task, elapsed } = await inboundCall(a, number, options);
    for (const field of PACKAGE_FIELDS) assert.equal(task[field], undefined, `${field} is not sent without the package`);
    const lines = task.Description.split('\n');
    assert.equal(lines[0], 'Talked it through.', 'the agent\'s notes come first');
    // Then the phone's facts, one plain line each (the call quality line among them).
    const pop = lines.map((l) => l.match(/^Screen pop: ([a-z-]+) in (\d+) ms$/)).find(Boolean);
    assert.ok(pop, task.Description);
    assert.equal(pop[1], outcome);
    checkLatency(Number(pop[2]), elapsed, `${outcome} (description)`);
    assert.deepEqual(lines.filter((l) => l.startsWith('Saved on attempt')), options.failFirstSave ? ['Saved on attempt 2'] : [], task.Description);
  }
  // Every saveLog went through: none was refused for a field the org lacks.
  for (const save of await saveLogs()) assert.notEqual(save.response?.errors?.[0]?.code, 'INVALID_FIELD');
});

test('an org whose package predates the fields refuses them once; the log is saved with the description lines', { timeout: 60_000 }, async () => {
  // The Apex class answers (the package is there), but its version has no call-log fields.
  const a = await setUp({ packageInstalled: true, packageFields: false });
  const { task, elapsed } = await inboundCall(a, ONE);
  for (const field of PACKAGE_FIELDS) assert.equal(task[field], undefined, field);
  const lines = task.Description.split('\n');
  assert.equal(lines[0], 'Talked it through.', 'the agent\'s notes come first');
  // Then the phone's facts, one plain line each (the call quality line among them when the
  // short call lasted long enough for a sample).
  const at = lines.findIndex((l) => /^Screen pop: one-match in \d+ ms$/.test(l));
  assert.ok(at > 0, task.Description);
  checkLatency(Number(lines[at].match(/(\d+) ms$/)[1]), elapsed, 'one-match (fields refused)');
  assert.equal(lines[at + 1], 'Saved on attempt 2', 'the refused save was the first attempt');
  const refused = (await saveLogs()).filter((s) => s.response?.errors?.[0]?.code === 'INVALID_FIELD');
  assert.equal(refused.length, 1, 'refused once, then never sent again');
});
