// TURN: the agent's audio goes only through a real coturn (Debian's turnserver on loopback)
// with iceTransportPolicy relay, with static credentials from the definition, with time-limited
// TURN REST credentials fetched from a service, and with the ones the org mints with the SIP
// credentials (coturn with --use-auth-secret); a wrong TURN password is a plain sentence for the
// agent, and no call goes out without an audio path. The JsSIP far end uses
// host candidates; only the agent is forced through the relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentOn, audioFlowsBothWays, definitionVariant, signIn, startTurn, startTurnCredentials, startWorld } from './lib/network.mjs';
import { startPbx } from './lib/pbx.mjs';
import { openPeer } from './lib/peer.mjs';
import { CONSOLE_ORIGIN, ROOT, callButton, standin } from './lib/console.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const TURN_URL = 'turn:127.0.0.1:3478?transport=udp';
let pbx;

before(() => { pbx = startPbx(); });
after(() => pbx?.stop());

/** Runs `body` with the stand-in serving `definition`, then stops everything it started. */
async function withWorld(definition, body) {
  const world = await startWorld({ definition });
  const logs = [];
  try {
    await body(world, logs);
  } catch (e) {
    console.log('# page console:\n' + logs.slice(-40).join('\n'));
    throw e;
  } finally {
    await world.stop();
  }
}

/** Agent 1001 click-to-dials Margaret (the JsSIP peer 1002), who answers; audio must go through
 * the relay. `open` signs the agent in (default: the form). */
async function relayedCall(world, logs, open = () => signIn(world.browser, '1001', { logs })) {
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  const agent = await open();
  await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(agent.phone).click();
  await eventually('the INVITE to reach the peer', () => peer.has('incoming'));
  const offer = (await peer.events()).find((e) => e.type === 'incoming');
  await peer.answer();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const figures = await audioFlowsBothWays(assert, agent, peer);
  const media = await eventually('a selected candidate pair', async () => ((await agent.media()).localType ? agent.media() : null));
  assert.equal(media.localType, 'relay', 'the agent\'s selected candidate is a TURN relay');
  assert.ok(media.localPort >= 49160 && media.localPort <= 49200, `the relay address is one of coturn's relay ports (${media.localPort})`);
  console.log(`# through the relay (coturn port ${media.localPort}): the agent sent ${figures.sent} and received ${figures.received} audio bytes in 1.5 s`);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await eventually('the peer to see our BYE', () => peer.has('ended', { originator: 'remote' }));
  await peer.close();
  await agent.page.close();
  return offer;
}

test('relay only, static TURN credentials: the call carries audio both ways through coturn', async () => {
  const turn = startTurn({ user: 'agent:dev-turn' });
  try {
    const definition = definitionVariant('turn-static', {
      iceServers: TURN_URL, turnUsername: 'agent', turnCredential: 'dev-turn', iceTransportPolicy: 'relay',
    });
    await withWorld(definition, (world, logs) => relayedCall(world, logs));
  } finally {
    turn.stop();
  }
});

test('relay only, TURN REST credentials fetched from a service: the call is relayed', async () => {
  const secret = 'dev-turn-rest-secret';
  const turn = startTurn({ authSecret: secret });
  const service = await startTurnCredentials(secret);
  try {
    const definition = definitionVariant('turn-rest', { iceServers: '', turnCredentialsUrl: service.url, iceTransportPolicy: 'relay' });
    await withWorld(definition, (world, logs) => relayedCall(world, logs));
    assert.ok(service.requests.length >= 1, 'the phone fetched its TURN credentials');
    assert.ok(service.requests.length <= 2, `credentials are reused while valid (${service.requests.length} fetches)`);
  } finally {
    await service.close();
    turn.stop();
  }
});

test('relay only, TURN credentials minted by the org with the SIP ones: the call is relayed', async () => {
  const secret = 'dev-turn-org-secret';
  const turn = startTurn({ authSecret: secret });
  try {
    const definition = definitionVariant('turn-org', { credentials: 'org', iceServers: TURN_URL, iceTransportPolicy: 'relay' });
    await withWorld(definition, async (world, logs) => {
      const sip = readFileSync(join(ROOT, 'dev', 'pbx', 'ephemeral-secret'), 'utf8').trim();
      const org = { packageInstalled: true, secret: { sip, turn: secret } };
      await fetch(`${CONSOLE_ORIGIN}/__standin/org`, { method: 'POST', body: JSON.stringify(org) });
      await relayedCall(world, logs, async () => {
        // Nothing typed: the org signs the agent in, TURN credentials included.
        const page = await world.browser.context.newPage();
        page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
        await page.goto(`${CONSOLE_ORIGIN}/`);
        await eventually('the phone to initialise', () => standin(page, 'state.initialized'));
        await page.evaluate(() => window.lightningStandin.openUtility());
        const agent = agentOn(page, page.frameLocator('#softphone-slot iframe'));
        await agent.phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 15_000 });
        return agent;
      });
    });
  } finally {
    turn.stop();
  }
});

test('a wrong TURN password: the agent is told plainly and no call goes out without audio', async () => {
  const turn = startTurn({ user: 'agent:dev-turn' });
  try {
    const definition = definitionVariant('turn-wrong', {
      iceServers: TURN_URL, turnUsername: 'agent', turnCredential: 'not-the-password', iceTransportPolicy: 'relay',
    });
    await withWorld(definition, async (world, logs) => {
      const peer = await openPeer(world.browser.context, world.peerServer, '1002');
      const errors = [];
      const agent = await signIn(world.browser, '1001', { logs });
      agent.page.on('pageerror', (e) => errors.push(String(e)));
      const alert = agent.phone.locator('[role=alert]', { hasText: 'TURN server' });
      await alert.waitFor({ timeout: 10_000 });
      console.log(`# told at sign-in: ${await alert.textContent()}`);
      await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
      await callButton(agent.phone).click();
      await agent.phone.locator('[role=alert]', { hasText: 'TURN server refused' }).waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await peer.has('incoming'), false, 'no INVITE without an audio path');
      assert.deepEqual(errors, [], 'no exception in the page');
      await peer.close();
    });
  } finally {
    turn.stop();
  }
});
