// The softphone inside the Lightning stand-in, end to end in headless Chromium: the phone
// initialises through Open CTI, a click on a Contact's number reaches it, and a call logged
// from the phone becomes a Task on the Lightning page. Also: outside Salesforce, nothing loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, eventually } from './lib/browser.mjs';
import { startConsole, CONSOLE_ORIGIN, APP_ORIGIN, APP_PAGE, ROOT, standin } from './lib/console.mjs';
import { startPbx } from './lib/pbx.mjs';

const GRACE = '003000000000002AAA';
let consoleServer;
let browser;
let pbx;

before(async () => {
  pbx = startPbx();
  consoleServer = await startConsole();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await consoleServer?.stop();
  pbx?.stop();
});

const json = async (path) => (await fetch(CONSOLE_ORIGIN + path)).json();

test('an agent opens the phone, clicks a contact number and logs the call as a Task', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(CONSOLE_ORIGIN + '/');

  // The phone starts in the background, as a Lightning utility item does.
  await eventually('the phone to notify initialization', () => standin(page, 'state.initialized'));
  assert.equal(await standin(page, 'state.clickToDialEnabled'), true);
  assert.equal(await standin(page, 'state.item.label'), 'Phone: signed out');
  assert.equal(await standin(page, 'state.item.icon'), 'call');
  // The page records each call with a POST of its own: wait until all have landed.
  const expected = ['getCallCenterSettings', 'onClickToDial', 'onNavigationChange', 'enableClickToDial', 'notifyInitializationComplete'];
  await eventually(`the phone to call ${expected.join(', ')}`, async () => {
    const methods = (await json('/__standin/calls')).map((c) => c.method);
    return expected.every((m) => methods.includes(m));
  });

  await page.click('#utility-item');
  const phone = page.frameLocator('#softphone-slot iframe');
  await phone.locator('#sip-user').waitFor();

  // Sign in: the password stays out of storage, URLs and everything sent to Lightning.
  await phone.locator('#sip-user').fill('1001');
  await phone.locator('#sip-password').fill('dev-1001');
  await phone.locator('#display-name').fill('Ada Agent');
  await phone.locator('button[type=submit]', { hasText: 'Sign in' }).click();
  await phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 10_000 });
  const frame = page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  const stored = await frame.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href);
  assert.ok(!stored.includes('dev-1001'), 'the password is not in storage or the URL');
  const fields = frame.locator('#sip-password');
  if ((await fields.count()) > 0) assert.equal(await fields.inputValue(), '', 'the password field was cleared');
  const dom = await frame.evaluate(() => document.documentElement.outerHTML);
  assert.ok(!dom.includes('dev-1001'), 'the password is not left in the page');

  // Click-to-dial on Grace Hopper's phone number on the Lightning page.
  await page.click(`a.click-to-dial[data-record="${GRACE}"][data-field="Phone"]`);
  await phone.locator('[data-testid=ready-number]').waitFor();
  assert.equal(await phone.locator('[data-testid=ready-number]').textContent(), '(212) 555-0134');
  assert.match(await phone.locator('[data-testid=ready-record]').textContent(), /Grace Hopper · Contact/);
  await eventually('the utility label to name Grace', async () => (await standin(page, 'state.item.label')) === 'Call Grace Hopper?');

  // Log the call from the phone: a Task appears on the Lightning page.
  await phone.locator('#disposition').selectOption('Resolved');
  await phone.locator('#notes').fill('Asked about her invoice');
  await phone.locator('button', { hasText: 'Log call' }).click();
  const task = await eventually('a Task to be saved', async () => (await json('/__standin/tasks')).find((t) => t.WhoId === GRACE));
  assert.equal(task.CallType, 'Outbound');
  assert.equal(task.CallDisposition, 'Resolved');
  assert.equal(task.Description, 'Asked about her invoice');
  assert.equal(task.Status, 'Completed');
  assert.match(task.Subject, /\+12125550134/, 'the Task names the number in its one form, E.164');
  assert.match(task.ActivityDate, /^\d{4}-\d{2}-\d{2}$/);
  await page.locator(`#task-table tr[data-task="${task.Id}"]`).waitFor();

  const sent = JSON.stringify(await json('/__standin/calls'));
  assert.ok(!sent.includes('dev-1001'), 'the password never reached Lightning');
  assert.equal(await standin(page, 'state.item.label'), 'Phone: ready');
  mkdirSync(join(ROOT, 'target', 'e2e'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'target', 'e2e', 'console-after-click-to-dial.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('opened outside Salesforce, the phone says so and loads nothing', async () => {
  const page = await browser.context.newPage();
  await page.goto(APP_PAGE);
  await page.locator('[data-testid=blocked]').waitFor();
  assert.match(await page.locator('[data-testid=blocked]').textContent(), /runs inside Salesforce/);
  await page.close();
});

test('framed by a foreign origin, the phone refuses and never requests Open CTI', async () => {
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(APP_PAGE + '?sfdcIFrameOrigin=' + encodeURIComponent('https://evil.example.com') + '&mode=Lightning');
  await page.locator('[data-testid=blocked]').waitFor();
  assert.match(await page.locator('[data-testid=blocked]').textContent(), /https:\/\/evil\.example\.com, which is not your organization's Salesforce site/);
  assert.ok(!requested.some((u) => u.includes('opencti_min.js')), `requests: ${requested.join(', ')}`);
  await page.close();
});

test('the stand-in ignores Open CTI requests from any other frame or origin', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const page = await browser.context.newPage();
  await page.goto(CONSOLE_ORIGIN + '/');
  await eventually('the phone to initialise', () => standin(page, 'state.initialized'));
  // A request posted by the Lightning page itself (not the softphone frame) is rejected.
  await page.evaluate(() => window.postMessage({ lightningStandin: 'request', id: 1, method: 'saveLog', args: { value: { entityApiName: 'Task', Subject: 'forged' } } }, '*'));
  await eventually('the forged request to be rejected', async () => (await standin(page, 'state.rejected.length')) > 0);
  assert.equal((await json('/__standin/tasks')).filter((t) => t.Subject === 'forged').length, 0);
  await page.close();
});
