// Numbers as records write them: an extension after the number ("ext. 47") is dialled after
// the answer. The softphone in the Lightning stand-in calls the JsSIP far end through Kamailio;
// the far end offers no telephone-event, so the digits arrive as SIP INFO it can report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { standin, openPhone, signInAs, callButton } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

let world;
before(async () => { world = await startCallWorld(); });
after(async () => world?.stop());


test('an extension written after the number is shown before the call and keyed in once the far end answers', async () => {
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  const page = await world.browser.context.newPage();
  try {
    const phone = await openPhone(page);
    await signInAs(phone, '1001');

    await phone.locator('#dial-number').fill('1002 ext. 47');
    await phone.locator('button', { hasText: 'Use number' }).click();
    await phone.locator('[data-testid=ready-to-call]', { hasText: 'Dials 1002, then extension 47' }).waitFor();
    await callButton(phone).click();
    // 1002 rings only if the extension stayed out of the dial string ("100247" reaches nobody).
    await eventually('the INVITE to reach the far end', () => peer.has('incoming'));
    await phone.locator('[data-testid=call-extension]', { hasText: 'Extension 47' }).waitFor();
    const tones = async () => (await peer.events()).filter((e) => e.type === 'dtmf' && e.originator === 'remote').map((e) => e.tone).join('');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await tones(), '', 'nothing is keyed in while the far end rings');

    await peer.answer({ withoutTelephoneEvent: true });
    const answered = Date.now();
    await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    await eventually('the extension at the far end', async () => (await tones()) === '47', 15_000);
    console.log(`# extension 47 fully keyed in ${Date.now() - answered} ms after the answer`);

    await phone.locator('button', { hasText: 'Hang up' }).click();
    await eventually('the far end to see our BYE', () => peer.has('ended', { originator: 'remote' }));
  } finally {
    await page.close().catch(() => {});
    await peer.close().catch(() => {});
  }
});
