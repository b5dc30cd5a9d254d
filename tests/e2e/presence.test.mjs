// Presence, as the agent chooses it: Busy gives callers 486 (a "Missed (busy)" Task), Away 480,
// Offline leaves no contact at Kamailio while the agent stays signed in, Available rings again;
// the choice is remembered in this browser. Real parts: Kamailio, a JsSIP caller, the stand-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, standin, outcomeOf } from './lib/console.mjs';
import { signIn, startPbxWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';

let world;
before(async () => { world = await startPbxWorld('presence', {}); });
after(async () => world?.stop());

const json = async (path, init) => (await fetch(CONSOLE_ORIGIN + path, init)).json();

/** How many contacts Kamailio's location table holds for `user`. */
function contacts(user) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${world.pbx.runDir}/kamailio_ctl`, 'ul.dump'], { encoding: 'utf8' });
  return (dump.match(new RegExp(`sip:${user}@`, 'g')) || []).length;
}

/** The peer calls 1001; resolves with what the caller saw fail with, or 'rang'. */
async function callAgent(peer, agent) {
  const before = (await peer.events()).length;
  await peer.call('sip:1001@127.0.0.1');
  return eventually('the call to be refused or ring', async () => {
    const failed = (await peer.events()).slice(before).find((e) => e.type === 'failed');
    if (failed) return failed.status ?? failed.cause;
    return (await agent.phone.locator('[data-testid=incoming-call]').count()) > 0 && 'rang';
  });
}

test('Busy, Away and Offline keep calls away as an agent expects, and the choice is remembered', { timeout: 90_000 }, async () => {
  await json('/__standin/reset', { method: 'POST' });
  const agent = await signIn(world.browser, '1001');
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  await agent.page.bringToFront();
  const presence = agent.phone.locator('#presence');
  const badge = agent.phone.locator('header [role=status]');

  await presence.selectOption('Busy');
  await badge.filter({ hasText: 'Busy' }).waitFor();
  assert.equal(await standin(agent.page, 'state.item.label'), 'Phone: busy');
  assert.equal(await callAgent(peer, agent), 486, 'Busy: the caller hears busy');
  const [missed] = await eventually('the missed call\'s Task', async () => { const t = await json('/__standin/tasks'); return t.length === 1 && t; });
  assert.equal(outcomeOf(missed), 'Missed (busy)');

  await presence.selectOption('Away');
  assert.equal(await callAgent(peer, agent), 480, 'Away: temporarily unavailable, for the PBX to route elsewhere');

  await presence.selectOption('Offline');
  await badge.filter({ hasText: 'Offline' }).waitFor();
  await eventually('no contact for 1001 at Kamailio', async () => contacts('1001') === 0);
  assert.equal(await agent.phone.locator('#sip-password').count(), 0, 'still signed in: no sign-in form');

  await presence.selectOption('Available');
  await badge.filter({ hasText: 'Ready · 1001' }).waitFor({ timeout: 10_000 });
  assert.equal(contacts('1001'), 1);
  assert.equal(await callAgent(peer, agent), 'rang', 'Available: calls ring again');
  await agent.phone.locator('button', { hasText: 'Decline' }).click();

  // Remembered in this browser: Busy again after a reload and sign-in.
  await presence.selectOption('Busy');
  agent.page.on('dialog', (d) => d.accept().catch(() => {}));
  await agent.page.reload();
  await eventually('the phone to initialise', () => standin(agent.page, 'state.initialized'), 20_000);
  await agent.page.click('#utility-item');
  await agent.phone.locator('#sip-user').fill('1001');
  await agent.phone.locator('#sip-password').fill('dev-1001');
  await agent.phone.locator('button[type=submit]', { hasText: 'Sign in' }).click();
  await badge.filter({ hasText: 'Busy' }).waitFor({ timeout: 10_000 });
  assert.equal(await presence.inputValue(), 'Busy');
  await peer.close();
  await agent.page.close();
});
