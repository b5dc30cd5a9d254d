// A queue as a contact center's PBX runs one: a customer calls the queue's number, the edge
// forks that one INVITE to every signed-in agent at once (dev/pbx/queues: 2000 rings 1001,
// 1002 and 1003), the first to answer takes the call and Kamailio cancels the other branches
// with "Reason: SIP;cause=200". Three agents in three browsers (one browser has one phone), the
// customer a SIPp caller arriving over the trunk with G.711 audio.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, keepPeerConnections, launchBrowser } from './lib/browser.mjs';
import { CONSOLE_ORIGIN } from './lib/console.mjs';
import { hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { openedThings, signIn } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

const KATHERINE = '00Q000000000001AAA'; // a Lead, Phone +1 757 555 0142

let world;
const browsers = [];
before(async () => {
  world = await startEdgeWorld('queue', { relay: true });
  // Agents 1002 and 1003 each in a browser of their own.
  for (let i = 0; i < 2; i += 1) {
    const browser = await launchBrowser();
    await browser.context.addInitScript(keepPeerConnections);
    browsers.push(browser);
  }
});
after(async () => {
  for (const b of browsers) await b.close();
  await world?.stop();
});
const opened = openedThings();
afterEach(() => opened.closeAll());

const tasks = async () => (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();

test('one INVITE to the queue rings three agents at once; one answers, the others stop ringing as answered elsewhere; one Task in all, none missed', { timeout: 90_000 }, async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const agents = [];
  for (const [user, browser] of [['1001', world.browser], ['1002', browsers[0]], ['1003', browsers[1]]]) {
    const agent = await signIn(browser, user);
    opened.add(() => agent.page.close());
    agents.push(agent);
  }
  const customer = await startSipp({ scenario: 'uac-call.xml', call: '2000', caller: '+17575550142' });
  opened.add(() => customer.stop());

  for (const agent of agents) {
    await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
    await agent.phone.locator('[data-testid=caller-record]', { hasText: 'Katherine Johnson' }).waitFor({ timeout: 10_000 });
  }
  const [first, taker, third] = agents;
  await taker.phone.locator('button', { hasText: 'Answer' }).click();
  await taker.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  for (const other of [first, third]) {
    await other.phone.locator('[data-testid=incoming-call]').waitFor({ state: 'detached', timeout: 10_000 });
    await other.phone.getByText('Answered elsewhere').waitFor({ timeout: 5_000 });
  }
  await hearEachOther(taker, world.relay);

  await taker.phone.locator('button', { hasText: 'Hang up' }).click();
  const ended = await customer.done();
  assert.ok(ended.ok, `the customer's call ended cleanly: ${ended.errors}`);
  const task = await eventually('the Task', async () => (await tasks()).find((t) => t.WhoId === KATHERINE));
  assert.equal(task.CallType, 'Inbound');
  assert.ok(task.CallDurationInSeconds >= 2, `talk time ${task.CallDurationInSeconds} s`);
  // Give a missed-call log from the other two every chance to arrive.
  await new Promise((r) => setTimeout(r, 2000));
  const all = await tasks();
  assert.deepEqual(all.map((t) => `${t.CallType} ${t.CallDisposition ?? ''}`.trim()), ['Inbound'], 'exactly one Task, and no missed call anywhere');

  // The customer sent one INVITE; the edge forked it.
  const ringing = customer.messages().filter((m) => m.status === 180);
  assert.ok(ringing.length >= 3, `every agent's phone rang (${ringing.length} × 180 Ringing)`);
});
