// Tasks as admins report on them. The agent works a Case and calls its contact from the case
// page: the Task names both (WhoId the Contact, WhatId the Case), is a call to Lightning
// (TaskSubtype Call, set only when it is created: Salesforce refuses it on wrap-up's update), is
// dated and timed on the agent's calendar, and keeps the agent's disposition apart from what
// became of the call. With the org package, the agent's calendar is Salesforce's time zone for
// the user (here Honolulu, UTC-10) while the browser lives in Kiritimati (UTC+14): the two are a
// whole day apart at every moment, so the Task's date says which one was used. The outcome, the
// call's quality and its Call Center are in the package's fields; without the package, the
// browser's zone dates the Task and the outcome is a line of its description. A log the previous
// version left in the outbox (its outcome in CallDisposition, no newer fields) is still saved,
// as it was written.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, callButton, openPhone, outcomeOf, signInAs } from './lib/console.mjs';
import { openedThings } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const CASE = '500000000000001AAA'; // 00001026 Printer jam, its contact Margaret Hamilton
const MARGARET = '003000000000004AAA'; // Phone 1002
const BROWSER_ZONE = 'Pacific/Kiritimati';
const SALESFORCE_ZONE = 'Pacific/Honolulu';

let world;
before(async () => { world = await startCallWorld({ timezoneId: BROWSER_ZONE }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();
const org = (settings) => json('/__standin/org', { method: 'POST', body: JSON.stringify(settings) });
const tasks = () => json('/__standin/tasks');

/** The calendar day of `ms` in `zone`, "YYYY-MM-DD". */
const dayIn = (zone, ms) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(ms));

/** A fresh stand-in org (`orgSettings`, set before the phone starts: it asks once whether the
 * package is there), agent 1001 signed in, Margaret's phone (1002) a JsSIP far end. */
async function setUp(orgSettings) {
  await json('/__standin/reset', { method: 'POST' });
  await org(orgSettings);
  const page = await world.browser.context.newPage();
  opened.add(() => page.close());
  const phone = await openPhone(page);
  await signInAs(phone, '1001');
  const margaret = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.add(() => margaret.close());
  return { page, phone, margaret };
}

/** Margaret rings the agent and gives up before anyone answers; returns her call's Task. */
async function missedCall(a) {
  await a.margaret.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await a.margaret.hangup();
  return eventually('the missed call\'s Task', async () => (await tasks()).find((t) => t.CallType === 'Internal' || t.CallType === 'Inbound'));
}

test('with the org package: a call from a Case is logged on its contact and the case, in Salesforce\'s time zone, with outcome and quality in the package\'s fields', { timeout: 120_000 }, async () => {
  const a = await setUp({ packageInstalled: true, timeZone: SALESFORCE_ZONE });
  assert.equal(await a.page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), BROWSER_ZONE, 'the browser lives elsewhere');

  // The agent works the case and clicks its contact's number on the case page.
  await a.page.evaluate((id) => { location.hash = `#/r/${id}`; }, CASE);
  await a.page.locator('#record-name', { hasText: 'Printer jam' }).waitFor();
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  const placed = Date.now();
  await callButton(a.phone).click();
  await eventually('Margaret\'s phone to ring', () => a.margaret.has('incoming'));
  await a.margaret.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  // Long enough for the browser's audio figures to rate the call.
  await new Promise((r) => setTimeout(r, 4000));
  await a.margaret.hangup();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  const task = await eventually('the call\'s Task', async () => (await tasks()).find((t) => t.WhoId === MARGARET));
  const logged = Date.now();

  assert.equal(task.WhoId, MARGARET, 'who: the contact clicked');
  assert.equal(task.WhatId, CASE, 'what: the case the agent works on');
  assert.equal(task.TaskSubtype, 'Call', 'Lightning\'s timeline shows it as a call');
  assert.equal(task.CallType, 'Outbound');
  const days = new Set([dayIn(SALESFORCE_ZONE, placed), dayIn(SALESFORCE_ZONE, logged)]);
  assert.ok(days.has(task.ActivityDate), `dated ${task.ActivityDate}, Honolulu's day (${[...days]}), not the browser's ${dayIn(BROWSER_ZONE, placed)}`);
  assert.match(task.Subject, new RegExp(`^Outbound call ${task.ActivityDate} \\d\\d:\\d\\d UTC-10:00 1002$`));
  assert.equal(task.CallDisposition, undefined, 'no disposition before the agent chooses one');
  assert.equal(task.Softphone_Outcome__c, 'Answered');
  assert.equal(task.Softphone_Call_Center__c, 'RustSoftphoneDev', 'the Call Center of the definition');
  const mos = task.Softphone_MOS__c;
  assert.ok(typeof mos === 'number' && mos >= 1 && mos <= 4.5, `MOS ${mos}`);
  assert.ok(Number.isInteger(task.Softphone_Jitter_Ms__c), `jitter ${task.Softphone_Jitter_Ms__c}`);
  assert.ok(typeof task.Softphone_Loss_Percent__c === 'number' && task.Softphone_Loss_Percent__c <= 100, `loss ${task.Softphone_Loss_Percent__c}`);
  console.log(`# Task: ${task.Subject}; MOS ${mos}, jitter ${task.Softphone_Jitter_Ms__c} ms, loss ${task.Softphone_Loss_Percent__c} %, round trip ${task.Softphone_Round_Trip_Ms__c} ms`);

  // Wrap-up's update: the agent's choice goes in CallDisposition, and the update names no
  // TaskSubtype (the stand-in, as Salesforce, would refuse it).
  await a.phone.locator('#wrap-disposition').selectOption('Resolved');
  await a.phone.locator('button', { hasText: 'Done' }).click();
  const updated = await eventually('wrap-up\'s update', async () => (await tasks()).find((t) => t.Id === task.Id && t.CallDisposition === 'Resolved'));
  assert.equal(updated.Softphone_Outcome__c, 'Answered', 'the outcome stays apart from the disposition');
  const saves = (await json('/__standin/calls')).filter((c) => c.method === 'saveLog');
  assert.ok(saves.every((s) => s.response?.success), `every saveLog taken: ${JSON.stringify(saves.map((s) => s.response))}`);
  assert.ok(saves.filter((s) => s.args.value.Id).every((s) => !('TaskSubtype' in s.args.value)), 'no TaskSubtype on an update');

  // The case's activity list shows the call (Lightning reads it again on refreshView).
  await a.page.locator(`#task-table tr[data-task="${task.Id}"]`).waitFor({ timeout: 5_000 });

  // A call nobody answered: its outcome, never a disposition the agent did not choose.
  const missed = await missedCall(a);
  assert.equal(missed.Softphone_Outcome__c, 'Missed');
  assert.equal(missed.CallDisposition, undefined);
  assert.equal(missed.TaskSubtype, 'Call');
});

test('without the org package: the browser\'s time zone dates the Task and the outcome is a line of its description', { timeout: 60_000 }, async () => {
  const a = await setUp({ packageInstalled: false });
  const rang = Date.now();
  const missed = await missedCall(a);
  assert.deepEqual(Object.keys(missed).filter((k) => k.endsWith('__c')), [], 'no package field in an org without the package');
  assert.equal(missed.TaskSubtype, 'Call');
  assert.equal(missed.CallDisposition, undefined);
  assert.equal(outcomeOf(missed), 'Missed');
  assert.match(missed.Description, /^Outcome: Missed$/m);
  assert.ok([dayIn(BROWSER_ZONE, rang), dayIn(BROWSER_ZONE, Date.now())].includes(missed.ActivityDate), `dated ${missed.ActivityDate} in ${BROWSER_ZONE}`);
  assert.match(missed.Subject, / UTC\+14:00 /);
});

test('a log the previous version left in the outbox is saved as it was written', { timeout: 60_000 }, async () => {
  await json('/__standin/reset', { method: 'POST' });
  await org({ packageInstalled: false });
  // As the previous version stored it: the outcome in the disposition, none of the newer fields.
  const startedAt = Date.now() - 3_600_000;
  const old = [{
    id: 1,
    record: {
      direction: 'Inbound', number: '+1 757 555 0142', record: null, started_at_ms: startedAt, duration_s: 0,
      call_id: 'previous-version@pbx', screen_pop: null, log_attempt: null, disposition: 'Missed', notes: '',
      transferred_to: null, link: null, quality: null,
    },
    existing_id: null, error: 'Salesforce did not answer.', attempts: 1, sends: 1, stage: { Waiting: { due_ms: 0 } },
    maybe_created: false, resend: false, unlinked: false, no_disposition: false,
  }];
  const page = await world.browser.context.newPage();
  opened.add(() => page.close());
  // The phone's origin (the org's Visualforce host), before the phone runs there.
  await page.goto(`${APP_ORIGIN}/nothing-here`);
  await page.evaluate((logs) => localStorage.setItem('softphone.outbox', JSON.stringify(logs)), old);
  await openPhone(page);
  const task = await eventually('the old log\'s Task', async () => (await tasks()).find((t) => t.CallObject === 'previous-version@pbx'), 15_000);
  assert.equal(task.CallDisposition, 'Missed', 'kept as written');
  assert.equal(task.CallType, 'Inbound');
  assert.equal(task.TaskSubtype, 'Call');
  assert.equal(task.ActivityDate, dayIn(BROWSER_ZONE, startedAt));
});
