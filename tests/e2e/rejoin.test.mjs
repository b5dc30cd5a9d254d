// A reload in the middle of a call: the agent's page goes, the customer (the JsSIP peer) stays on
// the line. Once the agent signs in again, the phone rejoins the customer with an INVITE carrying
// Replaces (RFC 3891) to the customer's Contact, through Kamailio; the customer's phone swaps the
// calls. What the agent and the customer notice is asserted (audio again, one Task with the whole
// talk time under the call's first Call-ID); the rejoin time is printed. When the customer's
// phone refuses, the agent is told the call was lost and the Task ends at the reload.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, keepPeerConnections } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, signInAs, standin, callButton } from './lib/console.mjs';
import { audioFlowsBothWays, signIn } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002, the JsSIP peer
let world;
before(async () => { world = await startCallWorld({ initScript: keepPeerConnections }); });
after(async () => world?.stop());

let opened = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
});

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Agent 1001 calls Margaret (the peer, 1002), who answers; returns both and the Call-ID. */
async function callInProgress() {
  await json('/__standin/reset', { method: 'POST' });
  const agent = await signIn(world.browser, '1001');
  opened.push(() => agent.page.close());
  // Reloading with calls up: the page may ask before leaving (a log on its way); the agent leaves.
  agent.page.on('dialog', (d) => d.accept().catch(() => {}));
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.push(() => peer.close());
  await agent.page.bringToFront();
  await agent.page.evaluate((id) => window.lightningStandin.clickToDial(id), MARGARET);
  await callButton(agent.phone).click();
  const ringing = await eventually('the peer to ring', async () => (await peer.events()).find((e) => e.type === 'incoming'));
  await peer.answer();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  return { agent, peer, callId: ringing.callId, connectedAt: Date.now() };
}

/** The agent reloads the page and signs in again (the password is never kept). */
async function reloadAndSignIn(agent) {
  await agent.page.reload();
  await eventually('the phone to initialise', () => standin(agent.page, 'state.initialized'), 20_000);
  // The phone opens its panel by itself to show the call it is rejoining.
  await eventually('the phone to open its panel', () => standin(agent.page, 'state.panelVisible'), 10_000);
  await signInAs(agent.phone, '1001', { timeout: 15_000 });
}

test('a reload mid-call rejoins the customer: audio again, their hang-up ends the call, one Task for the whole call', { timeout: 90_000 }, async () => {
  const { agent, peer, callId, connectedAt } = await callInProgress();
  await audioFlowsBothWays(assert, agent, peer);
  await sleep(1_000); // a stored heartbeat with the dialog

  const reloadAt = Date.now();
  await reloadAndSignIn(agent);
  const signedInAt = Date.now();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 15_000 });
  const rejoinedAt = Date.now();
  console.log(`# rejoin after a reload: rejoined; ${rejoinedAt - reloadAt} ms from reload to talking again, ` +
    `${rejoinedAt - signedInAt} ms after sign-in`);
  const events = await peer.events();
  assert.ok(events.some((e) => e.type === 'replaces' && e.replacing === callId), 'the INVITE named the first call in Replaces');
  assert.ok(events.some((e) => e.type === 'ended' && e.originator === 'local'), 'the customer\'s phone hung the old call up itself');
  await audioFlowsBothWays(assert, agent, peer);
  assert.match(await agent.phone.locator('[data-testid=call-who]').textContent(), /Margaret/, 'still the call with Margaret');

  await sleep(1_000);
  await peer.hangup();
  const hungUpAt = Date.now();
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
  const tasks = await eventually('the Task', async () => { const t = await json('/__standin/tasks'); return t.length >= 1 && t; });
  await sleep(1_000);
  const all = await json('/__standin/tasks');
  assert.equal(all.length, 1, `one Task for the call: ${JSON.stringify(all)}`);
  assert.equal(tasks[0].CallObject, callId, 'under the call\'s first Call-ID');
  const talk = (hungUpAt - connectedAt) / 1000;
  assert.ok(Math.abs(all[0].CallDurationInSeconds - talk) <= 2, `talk time ${all[0].CallDurationInSeconds} s, the call lasted ${talk.toFixed(1)} s`);
  assert.ok(!all[0].CallDisposition, 'no disposition the agent did not choose');
});

test('a customer phone that refuses the rejoin: the agent is told, the Task ends at the reload', { timeout: 90_000 }, async () => {
  const { agent, peer, callId, connectedAt } = await callInProgress();
  await peer.setRefuseRejoin(true);
  await sleep(2_000);
  const reloadAt = Date.now();
  await reloadAndSignIn(agent);
  const notice = agent.phone.locator('[role=alert]', { hasText: 'lost when the page reloaded' });
  await notice.waitFor({ timeout: 15_000 });
  console.log(`# rejoin after a reload: refused by the far end; agent told ${Date.now() - reloadAt} ms after the reload: "${await notice.textContent()}"`);
  assert.ok((await peer.events()).some((e) => e.type === 'replaces'), 'the customer\'s phone was asked');
  await agent.phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
  const [task] = await eventually('the Task', async () => { const t = await json('/__standin/tasks'); return t.length === 1 && t; });
  assert.equal(task.CallObject, callId);
  const talk = (reloadAt - connectedAt) / 1000;
  assert.ok(task.CallDurationInSeconds <= talk + 1 && task.CallDurationInSeconds >= talk - 2,
    `talk time ${task.CallDurationInSeconds} s ends at the reload (${talk.toFixed(1)} s after the answer)`);
  assert.match(task.Description, /reloaded/);
  await peer.hangup();
});
