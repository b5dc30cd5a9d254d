// Bad input from a far end behind the edge, produced for real by SIPp: an offer the browser
// cannot take (G.729 only: 488 with a Warning, one sentence for the agent, the Task says why),
// a 183 whose SDP changes within its early dialog (the call is cancelled), an ACK without the
// answer the phone's offer waits for (hung up at once), a PRACK for an RSeq the phone never
// sent (481, the call goes on), a 200 that answers nothing (acknowledged and hung up). Each
// ends cleanly: no call left ringing or stuck, the far end's scenario runs to its end.
// (An offer without DTLS cannot reach the browser through the edge, which always adds it: the
// native scenarios in crates/sip and src/media/sdp.rs cover it.)
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { cardSays, dial, freshAgent, tasks } from './lib/early.mjs';
import { outcomeOf } from './lib/console.mjs';
import { openedThings } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

let world;
before(async () => { world = await startEdgeWorld('bad-sdp', { relay: true }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

async function sipp(options) {
  const far = await startSipp({ timeoutSeconds: 30, ...options });
  opened.add(() => far.stop());
  return far;
}

/** The one Task, once logged: outcome Failed, the reason first in its description. */
async function failedTask(why) {
  const task = await eventually('the call log', async () => (await tasks())[0]);
  assert.equal(outcomeOf(task), 'Failed');
  assert.equal(task.CallDisposition, undefined, 'the disposition is the agent\'s');
  assert.match(task.Description, new RegExp(`^Failed: ${why}`));
  assert.equal((await tasks()).length, 1, 'one Task');
  return task;
}

/** The call card is gone and the phone shows `why`. */
async function endedSaying(agent, why) {
  await agent.phone.locator('[data-testid=call]').waitFor({ state: 'detached', timeout: 10_000 });
  await agent.phone.getByText(why).first().waitFor({ timeout: 5_000 });
}

test('an offer of G.729 only gets 488 with Warning 305; the agent reads why; the Task says it', { timeout: 60_000 }, async () => {
  const agent = await freshAgent(world, opened);
  const caller = await sipp({ scenario: 'uac-refused.xml', call: '1001', telephoneEvent: false, keys: { payloads: '18', codec_pt: '18', codec_name: 'G729' } });
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  assert.ok((await caller.done()).ok, 'refused with 488, which SIPp acknowledged');
  const [warning] = caller.received(488).headers('Warning');
  assert.match(warning, /^305 \S+ "Incompatible media format"$/);
  await endedSaying(agent, /offered no audio format this phone can play/);
  const task = await failedTask('The other side offered no audio format');
  assert.equal(task.CallType, 'Inbound');
});

test('a 183 whose SDP changes within its early dialog cancels the call, and says why', { timeout: 60_000 }, async () => {
  const far = await sipp({ scenario: 'uas-early-changed.xml' });
  const agent = await freshAgent(world, opened);
  await dial(agent);
  await cardSays(agent, 'you hear their message');
  assert.ok((await far.done()).ok, 'CANCEL received, 487 acknowledged');
  await endedSaying(agent, /changed its audio setup before answering/);
  await failedTask('The other side changed its audio setup');
});

test('an ACK without the answer to the phone\'s offer: hung up at once (BYE), and the Task says why', { timeout: 60_000 }, async () => {
  const agent = await freshAgent(world, opened);
  const caller = await sipp({ scenario: 'uac-no-answer.xml', call: '1001', telephoneEvent: false });
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  assert.ok((await caller.done()).ok, 'the phone hung up with a BYE');
  await endedSaying(agent, /took the call without saying how to send its audio/);
  await failedTask('The other side took the call without');
});

test('a PRACK for an RSeq the phone never sent gets 481; the right one 200; the call is answered and talks', { timeout: 60_000 }, async () => {
  const agent = await freshAgent(world, opened);
  const caller = await sipp({ scenario: 'uac-bad-prack.xml', call: '1001' });
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  const ringing = await eventually('the reliable 180', async () => caller.received(180));
  assert.deepEqual(ringing.headers('Require'), ['100rel']);
  await eventually('the PRACKs answered', async () => caller.messages().some((m) => m.direction === 'received' && m.headers('CSeq')[0] === '3 PRACK'));
  assert.ok(caller.received(481), 'the PRACK naming RSeq 1 was refused');
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await cardSays(agent, 'Connected');
  await hearEachOther(agent, world.relay);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  assert.ok((await caller.done()).ok, 'SIPp ran its scenario to the end');
});

test('a 200 that answers nothing (no SDP, none early) is acknowledged and hung up, and says why', { timeout: 60_000 }, async () => {
  const far = await sipp({ scenario: 'uas-no-sdp.xml' });
  const agent = await freshAgent(world, opened);
  await dial(agent);
  assert.ok((await far.done()).ok, 'ACK, then BYE');
  await endedSaying(agent, /took the call without saying how to send its audio/);
  await failedTask('The other side took the call without');
});
