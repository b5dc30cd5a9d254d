// Sleep and wake: the agent's laptop sleeps (or the browser freezes the tab) and its connection
// to the PBX dies without a word, as a NAT or Wi-Fi that forgot it would. The agent's WebSocket
// runs through a loopback relay in front of Kamailio that the test silences (bytes vanish, no
// FIN, no RST). On waking the phone must notice, connect again, register, and ring for the next
// call. A page learns it slept from a wall-clock jump between two of its ticks with the monotonic
// clock standing still (what a suspended computer looks like from inside a page): the test moves
// the page's Date forward, the only thing it fakes; the dead connection, the reconnection, the
// registration and the call are real. (Chromium's freeze/resume of background tabs, which the
// phone also listens for, cannot be triggered in headless Chromium: CDP's
// Page.setWebLifecycleState fires neither event there.) Times are printed.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN } from './lib/console.mjs';
import { audioFlowsBothWays, definitionVariant, signIn, startWorld } from './lib/network.mjs';
import { startPbx } from './lib/pbx.mjs';
import { openPeer } from './lib/peer.mjs';
import { startRelay } from './lib/relay.mjs';

let world, pbx, relay;
before(async () => {
  pbx = startPbx();
  relay = await startRelay();
  const definition = definitionVariant('sleep', { pbxWebSocketUrls: 'ws://127.0.0.1:8090' });
  world = await startWorld({ definition });
  // A clock the test can move, in every frame: Date only; performance.now() stays real.
  await world.browser.context.addInitScript(() => {
    const realNow = Date.now.bind(Date);
    let offset = 0;
    Date.now = () => realNow() + offset;
    window.__sleepClock = (ms) => { offset += ms; };
  });
});
after(async () => {
  for (const stop of [() => world?.stop(), () => relay?.stop(), () => pbx?.stop()]) await Promise.resolve().then(stop).catch(() => {});
});

let opened = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
});

/** The agent, signed in through the relay, and the JsSIP peer 1002. */
async function agentAndPeer() {
  const agent = await signIn(world.browser, '1001');
  opened.push(() => agent.page.close());
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.push(() => peer.close());
  await agent.page.bringToFront();
  assert.equal(relay.connections(), 1, 'the agent reaches Kamailio through the relay');
  return { agent, peer };
}

/** After the wake at `wokeAt`: the phone connects again, and the peer's call rings it and is
 * answered with audio both ways. Returns the figures to print. */
async function ringsAfterWaking({ agent, peer }, wokeAt) {
  await eventually('a new connection through the relay', () => relay.connections() === 1, 30_000, 50);
  const reconnectedMs = Date.now() - wokeAt;
  // Registered again: a call placed now reaches the agent.
  await agent.phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 15_000 });
  await peer.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  const ringMs = Date.now() - wokeAt;
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await audioFlowsBothWays(assert, agent, peer);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  return `connected again ${reconnectedMs} ms after waking, a call rang ${ringMs} ms after waking`;
}

test('a computer that slept (the wall clock jumped) with its connection dead registers again and rings', { timeout: 90_000 }, async () => {
  const both = await agentAndPeer();
  assert.equal(relay.blackhole(), 1);
  const app = both.agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  // Ten minutes of sleep, as the page sees it on its next tick (at most 10 s later).
  await app.evaluate(() => window.__sleepClock(600_000));
  const wokeAt = Date.now();
  console.log(`# sleep and wake (wall clock +10 min, connection dead): ${await ringsAfterWaking(both, wokeAt)}`);
});
