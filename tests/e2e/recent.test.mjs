// Recent and missed calls: a caller who gave up shows as missed at the top of the list, one click
// calls them back (the JsSIP peer rings and answers), and the list survives a reload. Real parts:
// Kamailio, the JsSIP peer, the stand-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, signInAs, standin } from './lib/console.mjs';
import { signIn, startPbxWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';

let world;
before(async () => { world = await startPbxWorld('recent', {}); });
after(async () => world?.stop());

test('a missed caller heads the recent calls, one click calls them back, and the list survives a reload', { timeout: 90_000 }, async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const agent = await signIn(world.browser, '1001');
  agent.page.on('dialog', (d) => d.accept().catch(() => {}));
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  await agent.page.bringToFront();

  await peer.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await peer.hangup(); // the caller gives up
  const first = agent.phone.locator('[data-testid=recent] li').first();
  await first.waitFor({ timeout: 10_000 });
  assert.match(await first.textContent(), /Missed/);
  assert.match(await first.getAttribute('class'), /missed/);

  const before = (await peer.events()).filter((e) => e.type === 'incoming').length;
  const clicked = Date.now();
  await first.locator('button', { hasText: 'Call' }).click();
  await eventually('the peer to ring', async () => (await peer.events()).filter((e) => e.type === 'incoming').length > before);
  console.log(`# call back from the recent list -> the peer rings: ${Date.now() - clicked} ms`);
  await peer.answer();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await agent.phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
  const entries = agent.phone.locator('[data-testid=recent] li');
  await eventually('two calls listed', async () => (await entries.count()) === 2);
  assert.match(await entries.first().textContent(), /Outbound/);

  await agent.page.reload();
  await eventually('the phone to initialise', () => standin(agent.page, 'state.initialized'), 20_000);
  await agent.page.click('#utility-item');
  await signInAs(agent.phone, '1001', { timeout: 15_000 });
  await eventually('the list after the reload', async () => (await entries.count()) === 2);
  assert.match(await entries.nth(1).textContent(), /Missed/);
  await peer.close();
  await agent.page.close();
});
