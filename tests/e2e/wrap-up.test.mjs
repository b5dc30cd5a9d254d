// Wrap-up never loses what the agent typed: the countdown from the definition's wrapUpSeconds
// saves it when it runs out, and a call ringing in during wrap-up saves it before it rings.
// Real parts: Kamailio, the JsSIP peer (1002), the stand-in's Tasks.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton } from './lib/console.mjs';
import { openedThings, signIn, startPbxWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002, the JsSIP peer
const WRAP_UP_SECONDS = 12;
let world;
before(async () => { world = await startPbxWorld('wrap-up', { wrapUpSeconds: String(WRAP_UP_SECONDS) }); });
after(async () => world?.stop());

const opened = openedThings();
afterEach(() => opened.closeAll());

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();

/** Agent 1001 calls Margaret, who answers; the agent hangs up: wrap-up. */
async function callThenWrapUp() {
  await json('/__standin/reset', { method: 'POST' });
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.add(() => peer.close());
  await agent.page.bringToFront();
  await agent.page.evaluate((id) => window.lightningStandin.clickToDial(id), MARGARET);
  await callButton(agent.phone).click();
  await eventually('the peer to ring', async () => (await peer.events()).some((e) => e.type === 'incoming'));
  await peer.answer();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await eventually('the call\'s Task', async () => (await json('/__standin/tasks')).length === 1);
  return { agent, peer };
}

test('the wrap-up countdown saves the disposition and notes typed when it runs out', { timeout: 60_000 }, async () => {
  const { agent } = await callThenWrapUp();
  const endedAt = Date.now();
  assert.match(await agent.phone.locator('[data-testid=wrap-up-countdown]').textContent(), /Saved by itself in 0:1\d/);
  await agent.phone.locator('#wrap-disposition').selectOption('Resolved');
  await agent.phone.locator('#wrap-notes').fill('Asked for the invoice again');
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ state: 'detached', timeout: (WRAP_UP_SECONDS + 5) * 1000 });
  console.log(`# wrap-up countdown of ${WRAP_UP_SECONDS} s: ended ${((Date.now() - endedAt) / 1000).toFixed(1)} s after the call`);
  const [task] = await eventually('the Task updated', async () => {
    const tasks = await json('/__standin/tasks');
    return tasks.length === 1 && tasks[0].Description?.includes('invoice') && tasks;
  });
  assert.equal(task.CallDisposition, 'Resolved');
  assert.match(task.Description, /Asked for the invoice again/);
});

test('a call ringing in during wrap-up saves the notes typed so far, then rings', { timeout: 60_000 }, async () => {
  const { agent, peer } = await callThenWrapUp();
  await agent.phone.locator('#wrap-notes').fill('Customer will send the form');
  await peer.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('.alert', { hasText: 'notes were saved' }).waitFor({ timeout: 5_000 });
  const [task] = await eventually('the first call\'s Task updated', async () => {
    const tasks = await json('/__standin/tasks');
    return tasks.some((t) => t.Description?.includes('send the form')) && tasks;
  });
  assert.match(task.Description, /Customer will send the form/);
  assert.ok(!task.CallDisposition, 'no disposition the agent did not choose');
  await agent.phone.locator('button', { hasText: 'Decline' }).click();
});

test('a reload during wrap-up keeps what the agent typed: the next page saves it', { timeout: 60_000 }, async () => {
  const { agent } = await callThenWrapUp();
  agent.page.on('dialog', (d) => d.accept().catch(() => {}));
  await agent.phone.locator('#wrap-disposition').selectOption('Callback requested');
  await agent.phone.locator('#wrap-notes').fill('Call back after the board meeting');
  await agent.page.reload();
  const [task] = await eventually('the Task updated by the next page', async () => {
    const tasks = await json('/__standin/tasks');
    return tasks.some((t) => t.Description?.includes('board meeting')) && tasks;
  }, 20_000);
  assert.equal(task.CallDisposition, 'Callback requested');
  assert.equal((await json('/__standin/tasks')).length, 1, 'the same Task, updated');
});
