// Two PBXs, one service: two Kamailios share registrations by DMQ (dev/pbx --instance). The
// agent registers on the primary; a caller registered on the secondary reaches the agent
// through it; the primary dies mid-shift; the phone moves to the secondary by itself and the
// next call reaches the agent there. The time to register again is printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './lib/browser.mjs';
import { audioFlowsBothWays, definitionVariant, signIn, startKamailio, startWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';

let primary, secondary, world;

before(async () => {
  primary = startKamailio(['--instance', 'primary']);
  secondary = startKamailio(['--instance', 'secondary']);
  const definition = definitionVariant('failover', { pbxWebSocketUrls: 'ws://127.0.0.1:8080,ws://127.0.0.1:8081' });
  world = await startWorld({ definition });
});
after(async () => {
  await world?.stop();
  primary?.stop();
  secondary?.stop();
});

/** The socket a PBX holds the user's registration on ("[not set]" for one copied from the other PBX). */
function socketAt(pbx, user) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${join(pbx.dir, 'kamailio_ctl')}`, 'ul.dump'], { encoding: 'utf8' });
  const record = dump.split('AoR: ').find((r) => r.startsWith(`${user}\n`)) || '';
  return (record.match(/Socket: (.+)/) || [])[1]?.trim() || null;
}

/** The caller dials the agent, the agent answers, audio flows both ways, the caller hangs up. */
async function callReachesAgent(caller, agent) {
  await caller.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(assert, agent, caller);
  await caller.hangup();
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
}

test('the primary dies mid-shift: the phone moves to the secondary and calls still reach the agent', async () => {
  const agent = await signIn(world.browser, '1001');
  assert.equal(socketAt(primary, '1001'), 'tcp:127.0.0.1:8080', 'the agent registered on the primary');
  await eventually('the registration to be copied to the secondary', () => socketAt(secondary, '1001') === '[not set]');

  const caller = await openPeer(world.browser.context, world.peerServer, '1003', 'dev-1003', 'ws://127.0.0.1:8081');
  await callReachesAgent(caller, agent);
  console.log('# a caller on the secondary reached the agent registered on the primary');

  const killed = Date.now();
  primary.kill();
  await eventually('the agent to register on the secondary', () => socketAt(secondary, '1001') === 'tcp:127.0.0.1:8081', 15_000);
  await agent.phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 15_000 });
  console.log(`# primary killed -> registered on the secondary: ${Date.now() - killed} ms`);

  await callReachesAgent(caller, agent);
  console.log('# the next call reached the agent through the secondary alone');
  await caller.close();
});
