// One phone per browser: three console tabs in one browser profile. Only the tab holding the
// Web Lock registers at Kamailio; the others mirror it, forward click-to-dial to it, and take
// over when it closes. Figures (takeover time) are printed, not asserted beyond the 2 s goal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, APP_ORIGIN, standin, signInAs, outcomeOf } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
let world;

before(async () => { world = await startCallWorld(); });
after(async () => world?.stop());

const json = async (path) => (await fetch(CONSOLE_ORIGIN + path)).json();

/** How many contacts Kamailio's location table holds for `user`. */
function contacts(user) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${world.pbx.runDir}/kamailio_ctl`, 'ul.dump'], { encoding: 'utf8' });
  const records = dump.split(/AoR:\s*/).slice(1).filter((r) => r.startsWith(user + '\n') || r.startsWith(user + '@') || r.startsWith(user + ' ') || r.startsWith(user + '\r'));
  return records.reduce((n, r) => n + (r.match(/Address:/g) || []).length, 0);
}

/** A Lightning console tab with the phone panel open. */
async function openTab(name) {
  const page = await world.browser.context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`${name} ${m.type()}: ${m.text()}`));
  await page.goto(CONSOLE_ORIGIN + '/');
  await eventually(`${name}: the phone to initialise`, () => standin(page, 'state.initialized'));
  await page.click('#utility-item');
  const phone = page.frameLocator('#softphone-slot iframe');
  const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return {
    name, page, phone, logs,
    grantedAt: async () => frame()?.evaluate(() => window.softphoneLineGrantedAt ?? null).catch(() => null),
    elsewhere: () => phone.locator('[data-testid=elsewhere-status]').textContent(),
  };
}

async function signIn(tab, user = '1001') {
  await signInAs(tab.phone, user);
}

test('three tabs share one phone: one registration, click-to-dial through the owner, no false missed calls, takeover when the owner closes', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  const a = await openTab('A');
  await a.phone.locator('#sip-user').waitFor({ timeout: 10_000 });
  const b = await openTab('B');
  const c = await openTab('C');
  for (const t of [b, c]) {
    await t.phone.locator('[data-testid=elsewhere]').waitFor({ timeout: 10_000 });
    assert.equal(await t.phone.locator('#sip-password').count(), 0, `${t.name} offers no sign-in while A owns the line`);
  }
  await signIn(a);
  await eventually('B to mirror the ready phone', async () => (await b.elsewhere()).includes('Ready for calls'));
  assert.equal(contacts('1001'), 1, 'one registration for three tabs');

  // Click-to-dial in B: A dials, the Task is attached to the record clicked in B.
  await b.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await eventually('the INVITE from A to reach the peer', () => peer.has('incoming'));
  await peer.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await eventually('B to show the call', async () => (await b.elsewhere()).includes('On a call with Margaret Hamilton'));
  assert.equal(contacts('1001'), 1, 'still one registration during the call');
  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await a.phone.locator('button', { hasText: 'Done' }).click();
  const dialled = await eventually('the outbound Task', async () => (await json('/__standin/tasks')).find((t) => t.CallType === 'Outbound'));
  assert.equal(dialled.WhoId, MARGARET, 'the Task carries the record clicked in B');

  // An inbound call rings in the owner only; answered there, no tab logs it as missed.
  await peer.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  for (const t of [b, c]) assert.equal(await t.phone.locator('[data-testid=incoming-call]').count(), 0, `${t.name} does not ring`);
  await a.phone.locator('button', { hasText: 'Answer' }).click();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await peer.hangup();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await a.phone.locator('button', { hasText: 'Done' }).click();
  await new Promise((r) => setTimeout(r, 1000)); // time for any stray log to land
  const tasks = await json('/__standin/tasks');
  assert.equal(tasks.length, 2, `one Task per call: ${JSON.stringify(tasks.map((t) => [t.CallType, outcomeOf(t)]))}`);
  assert.ok(!tasks.some((t) => outcomeOf(t) === 'Missed'), 'no false missed call');

  // The owner tab closes mid-shift: B or C owns the line at once and asks for the sign-in.
  const closed = Date.now();
  await a.page.close();
  const next = await eventually('another tab to own the line', async () => {
    for (const t of [b, c]) if (await t.grantedAt()) return t;
    return null;
  }, 5_000, 10);
  const takeover = (await next.grantedAt()) - closed;
  console.log(`# owner tab closed -> ${next.name} owns the line: ${takeover} ms`);
  assert.ok(takeover < 2000, `takeover within 2 s (${takeover} ms)`);
  await next.phone.locator('#sip-password').waitFor({ timeout: 5_000 });
  const clicked = Date.now();
  await signIn(next);
  console.log(`# new owner sign-in clicked -> registered: ${Date.now() - clicked} ms`);
  const other = next === b ? c : b;
  await eventually(`${other.name} to mirror the new owner`, async () => (await other.elsewhere()).includes('Ready for calls'));
  // The closed tab never unregistered: its contact stays until it expires (printed, see README).
  console.log(`# contacts for 1001 at Kamailio after the takeover: ${contacts('1001')}`);

  await peer.close();
  for (const t of [b, c]) await t.page.close();
});
