// Digits to an IVR through the edge: keypad presses and an extension written on the record
// reach a far end that is not a browser as RFC 4733 telephone-events in the RTP (what IVRs
// listen to; rtpengine passes them on to the plain side), and as SIP INFO only when the far end
// offered no telephone-event. The far ends log what arrived: baresip tells an RTP event from an
// INFO; SIPp's message log shows every INFO.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startBaresip } from './lib/baresip.mjs';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton } from './lib/console.mjs';
import { startEdgeWorld } from './lib/edge.mjs';
import { openedThings, signIn } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002: the IVR (baresip) registered as 1002

let world;
before(async () => { world = await startEdgeWorld('dtmf-ivr'); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

async function agent() {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await signIn(world.browser, '1001');
  opened.add(() => a.page.close());
  return a;
}

const press = async (a, digits) => {
  for (const digit of digits) await a.phone.locator(`button[aria-label="Digit ${digit}"]`).click();
};

test('an extension on the record and keypad digits reach a plain-RTP IVR as RFC 4733 events, never as INFO', { timeout: 60_000 }, async () => {
  const ivr = await startBaresip({ user: '1002' });
  opened.add(() => ivr.stop());
  const a = await agent();
  // The record says where to go once the IVR answers, as CRM records write a desk extension.
  await a.page.evaluate((id) => { window.lightningStandin.records.find((r) => r.Id === id).Phone = '1002 x47'; }, MARGARET);
  await a.page.evaluate((id) => window.lightningStandin.clickToDial(id, 'Phone'), MARGARET);
  await a.phone.locator('[data-testid=ready-to-call]', { hasText: 'Dials 1002, then extension 47' }).waitFor({ timeout: 10_000 });
  await callButton(a.phone).click();
  const answered = await ivr.waitFor('CALL_ESTABLISHED');
  await eventually('the extension at the IVR', () => ivr.digits().map((d) => d.digit).join('') === '47', 15_000);
  console.log(`# extension 47 keyed in as RFC 4733 events ${Date.now() - answered.at} ms after the answer`);

  await press(a, '12#*0');
  await eventually('the keypad digits at the IVR', () => ivr.digits().map((d) => d.digit).join('') === '4712#*0').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(ivr.digits())}`); });
  assert.deepEqual([...new Set(ivr.digits().map((d) => d.via))], ['rfc4733'], 'every digit came as an RTP telephone-event');
  assert.doesNotMatch(ivr.output(), /^INFO sip:/m, 'no SIP INFO was sent');

  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  await ivr.waitFor('CALL_CLOSED');
});

test('an IVR behind the trunk that offers no telephone-event gets the keypad digits by SIP INFO', { timeout: 60_000 }, async () => {
  const ivr = await startSipp({ scenario: 'uas-answer.xml', telephoneEvent: false });
  opened.add(() => ivr.stop());
  const a = await agent();
  await a.phone.locator('#dial-number').fill('+1 555 555 0123');
  await a.phone.locator('button', { hasText: 'Use number' }).click();
  await callButton(a.phone).click();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  assert.doesNotMatch(ivr.messages().find((m) => m.direction === 'sent' && m.status === 200).body, /^m=audio \d+ RTP\/AVP 0 101/m, 'the IVR answered PCMU alone, no telephone-event');

  await press(a, '3#');
  const infos = await eventually('two INFOs at the IVR', () => {
    const got = ivr.messages().filter((m) => m.direction === 'received' && m.method === 'INFO');
    return got.length >= 2 && got;
  });
  const signals = infos.map((m) => m.body.match(/Signal=(.)/)?.[1]);
  assert.deepEqual(signals, ['3', '#'], 'one INFO per digit (application/dtmf-relay)');
  assert.ok(infos.every((m) => m.headers('Content-Type')[0] === 'application/dtmf-relay'));

  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  assert.ok((await ivr.done()).ok, 'the IVR saw the BYE');
});
