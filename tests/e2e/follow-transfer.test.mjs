// The other party transfers the call (their REFER) and the definition lets the phone follow:
// the phone calls the number they name as a new call, and both Tasks say why. With the setting
// off (the default) the request is declined and the call goes on: several-calls and the
// controller's tests. Real parts: Kamailio, JsSIP far ends.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN } from './lib/console.mjs';
import { agentAndPeers, openedThings, startPbxWorld } from './lib/network.mjs';

const MARGARET = '003000000000004AAA'; // 1002
let world;
before(async () => { world = await startPbxWorld('follow-transfer', { followTransferRequests: 'true' }); });
after(async () => world?.stop());

const opened = openedThings();
afterEach(() => opened.closeAll());

test('a caller who transfers the agent elsewhere: the phone calls that number, and both Tasks say why', { timeout: 60_000 }, async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const { agent, peers: [margaret, colleague] } = await agentAndPeers(world, opened, '1002', '1004');
  await margaret.call('sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call] button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await margaret.refer('sip:1004@127.0.0.1');
  await eventually('the colleague to ring, called by the agent', async () => (await colleague.events()).some((e) => e.type === 'incoming' && e.from === '1001'));
  await colleague.answer();
  await eventually('the caller to hear the transfer worked', () => margaret.has('referAccepted'));
  await margaret.hangup();
  const live = agent.phone.locator('[data-testid=call]');
  await live.locator('[data-testid=call-who]', { hasText: '1004' }).waitFor({ timeout: 10_000 });
  await live.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const [k1] = [await colleague.bytes()];
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok((await colleague.bytes()).received > k1.received, 'the colleague hears the agent');
  await live.locator('button', { hasText: 'Hang up' }).click();
  const logged = await eventually('both Tasks', async () => {
    const all = await (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();
    const asked = all.find((t) => t.WhoId === MARGARET);
    const called = all.find((t) => /^Called because/m.test(t.Description || ''));
    return asked && called && { asked, called };
  });
  assert.match(logged.asked.Description, /^The other party asked to be transferred to 1004; the phone called 1004\.$/m);
  assert.match(logged.called.Description, /^Called because the other party of the call with Margaret Hamilton asked to be transferred here\.$/m);
});
