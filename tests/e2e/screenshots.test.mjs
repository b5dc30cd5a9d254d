// The README's pictures of the phone in its main states (idle, ringing, on a call, two calls,
// wrap-up), taken from the real thing: Kamailio, JsSIP callers, the phone in the Lightning
// stand-in's utility panel. The test command runs this file like any other (the pictures go to a
// temporary folder, so the walk through the states cannot rot unnoticed); `scripts/screenshots.sh`
// runs it with SCREENSHOTS_DIR=docs/screenshots to refresh the README's copies.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, ROOT } from './lib/console.mjs';
import { agentAndPeers, openedThings, startPbxWorld } from './lib/network.mjs';

/** The states, in the order the walk reaches them, and the file each picture is saved as. */
const STATES = ['idle', 'ringing', 'call', 'two-calls', 'wrap-up'];
const DIR = process.env.SCREENSHOTS_DIR ? join(ROOT, process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), 'softphone-screenshots-'));

let world;
// Signed in with the form (without the development definition's fallback to it, which only
// applies to the org's credentials and would show the admin a warning), in a panel tall enough
// to show a whole state without scrolling.
before(async () => { world = await startPbxWorld('screenshots', { passwordFallback: null, reqSoftphoneHeight: 900 }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

const card = (agent, testid, held) => agent.phone.locator(held === undefined ? `[data-testid=${testid}]` : `[data-testid=${testid}][data-held=${held}]`);
const connected = (agent) => card(agent, 'call', false).locator('[data-testid=call-status]', { hasText: 'Connected' });

/** Saves the phone's panel as `name`.png once its call lines (connection, quality) have filled
 * in, and says where. */
async function picture(agent, name) {
  const path = join(DIR, `${name}.png`);
  await agent.page.locator('#softphone-slot iframe').screenshot({ path, animations: 'disabled' });
  console.log(`# ${name}: ${path} (${statSync(path).size} bytes)`);
  return path;
}

test('the README pictures each main state of the phone, taken from a real walk through them', { timeout: 90_000 }, async () => {
  mkdirSync(DIR, { recursive: true });
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const { agent, peers: [margaret, barbara] } = await agentAndPeers(world, opened, '1002', '1003');
  await agent.page.setViewportSize({ width: 1000, height: 1000 });

  await picture(agent, 'idle');

  await margaret.call('sip:1001@127.0.0.1');
  await card(agent, 'incoming-call').getByRole('button', { name: 'Answer' }).waitFor({ timeout: 10_000 });
  // The screen pop has named the caller.
  await card(agent, 'incoming-call').filter({ hasText: 'Margaret Hamilton' }).waitFor({ timeout: 10_000 });
  await picture(agent, 'ringing');

  await card(agent, 'incoming-call').getByRole('button', { name: 'Answer' }).click();
  await connected(agent).waitFor({ timeout: 10_000 });
  await card(agent, 'call', false).locator('[data-testid=call-mos]', { hasText: /\S/ }).waitFor({ timeout: 10_000 });
  await picture(agent, 'call');

  await barbara.call('sip:1001@127.0.0.1');
  await card(agent, 'incoming-call').getByRole('button', { name: 'Answer' }).click();
  await eventually('Margaret on hold', () => margaret.has('hold', { originator: 'remote' }));
  await connected(agent).waitFor({ timeout: 10_000 });
  await card(agent, 'call', true).waitFor({ timeout: 10_000 });
  await card(agent, 'call', false).locator('[data-testid=call-mos]', { hasText: /\S/ }).waitFor({ timeout: 10_000 });
  await picture(agent, 'two-calls');

  await card(agent, 'call', false).getByRole('button', { name: 'Hang up' }).click();
  await card(agent, 'call', true).getByRole('button', { name: 'Resume' }).click();
  await connected(agent).waitFor({ timeout: 10_000 });
  await card(agent, 'call', false).getByRole('button', { name: 'Hang up' }).click();
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await picture(agent, 'wrap-up');

  // The README shows every picture, and the pictures it shows are the ones this walk takes.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const shown = [...readme.matchAll(/docs\/screenshots\/([\w-]+)\.png/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(shown)], STATES, 'the README shows each state once, in this order');
});
