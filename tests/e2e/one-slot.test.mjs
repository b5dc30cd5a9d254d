// The bugs of a phone with one call slot, as an agent would hit them: a second caller while the
// first still rings, and a hold the far end refuses. Real parts: Kamailio, two JsSIP peers.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { agentAndPeers as agentWith, audioFlowsBothWays, openedThings, startPbxWorld } from './lib/network.mjs';

let world;
before(async () => { world = await startPbxWorld('one-slot', {}); });
after(async () => world?.stop());

const opened = openedThings();
afterEach(() => opened.closeAll());


test('a second caller while the first still rings hears busy, and the first can still be answered', { timeout: 60_000 }, async () => {
  const { agent, peers: [first, second] } = await agentWith(world, opened, '1002', '1003');
  await first.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  const firstCaller = await agent.phone.locator('[data-testid=caller]').textContent();
  await second.call('sip:1001@127.0.0.1');
  const refused = await eventually('the second caller to be refused', async () => (await second.events()).find((e) => e.type === 'failed'));
  assert.equal(refused.status, 486, 'Busy Here');
  assert.equal(await agent.phone.locator('[data-testid=caller]').textContent(), firstCaller, 'the first call still shows');
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(assert, agent, first);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
});

test('a hold the far end refuses: the phone says so, still shows the call as not held, and audio goes on', { timeout: 60_000 }, async () => {
  const { agent, peers: [peer] } = await agentWith(world, opened, '1002');
  await peer.call('sip:1001@127.0.0.1');
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(assert, agent, peer);
  await peer.setRefuseReinvites(true);
  await agent.phone.locator('button', { hasText: /^Hold$/ }).click();
  await agent.phone.locator('[role=alert]', { hasText: 'could not be put on hold' }).waitFor({ timeout: 10_000 });
  assert.ok(await agent.phone.locator('button', { hasText: /^Hold$/ }).isVisible(), 'the button offers Hold again, not Resume');
  assert.doesNotMatch(await agent.phone.locator('[data-testid=call-status]').textContent(), /On hold/);
  await audioFlowsBothWays(assert, agent, peer);
  // Once the far end takes re-INVITEs again, hold works.
  await peer.setRefuseReinvites(false);
  await agent.phone.locator('button', { hasText: /^Hold$/ }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'On hold' }).waitFor({ timeout: 10_000 });
  await eventually('the far end to see the hold', async () => (await peer.events()).some((e) => e.type === 'hold'));
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
});
