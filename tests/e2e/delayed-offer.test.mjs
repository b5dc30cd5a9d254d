// A PBX that leads every offer, through the edge: SIPp (a caller over the trunk) sends an
// INVITE without SDP (delayed offer: the agent's 200 carries the phone's offer, the ACK the
// answer), then a re-INVITE without SDP (the same again), a re-INVITE putting the agent on hold
// with music on hold (sendonly: the agent hears it, the far end hears nothing of the agent),
// one taking them off again, and an UPDATE with a new offer (RFC 3311). Audio is measured both
// ways after each step. The steps follow SIPp's clock (4 s apart): the test waits for each to
// be acknowledged before it measures.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { agentAudio, hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { cardSays, freshAgent, pause, tasks } from './lib/early.mjs';
import { openedThings } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

let world;
before(async () => { world = await startEdgeWorld('delayed-offer', { relay: true }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

/** The request SIPp sent with this CSeq (e.g. "2 ACK"), or the final response it received to
 * one, once there is one. */
const step = (caller, direction, cseq) => eventually(`SIPp ${direction} ${cseq}`, async () =>
  caller.messages().find((m) => m.direction === direction && m.headers('CSeq')[0] === cseq && (direction === 'sent' || m.status >= 200)), 15_000);

test('offerless INVITE and re-INVITE, a PBX hold with music and back, UPDATE: answered, audio both ways after each', { timeout: 90_000 }, async () => {
  const agent = await freshAgent(world, opened);
  const caller = await startSipp({ scenario: 'uac-delayed-offer.xml', call: '1001', telephoneEvent: false, timeoutSeconds: 70 });
  opened.add(() => caller.stop());
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  const invite = caller.messages().find((m) => m.direction === 'sent' && m.method === 'INVITE');
  assert.equal(invite.body, '', 'the INVITE carries no offer');
  await agent.phone.locator('button', { hasText: 'Answer' }).click();

  const ok = await step(caller, 'received', '1 INVITE');
  assert.match(ok.body, /^m=audio \d+ RTP\/AVP .*\b0\b/m, 'the 200 carries the phone\'s offer (PCMU in it), made plain RTP by the edge');
  assert.match((await step(caller, 'sent', '1 ACK')).body, /^m=audio/m, 'the ACK carries the answer');
  await cardSays(agent, 'Connected');
  await hearEachOther(agent, world.relay);

  const reoffer = await step(caller, 'received', '2 INVITE');
  assert.match(reoffer.body, /^m=audio/m, 'an offerless re-INVITE gets the phone\'s offer');
  await step(caller, 'sent', '2 ACK');
  await hearEachOther(agent, world.relay);

  const held = await step(caller, 'received', '3 INVITE');
  assert.match(held.body, /^a=recvonly/m, 'put on hold (sendonly), the phone only listens');
  await step(caller, 'sent', '3 ACK');
  await pause(700);
  const [before, mark] = [await agentAudio(agent), world.relay.mark()];
  await pause(1500);
  const heard = (await agentAudio(agent)).energy - before.energy;
  assert.ok(heard > 0.001, `the agent hears the music on hold (energy +${heard.toFixed(4)})`);
  const leaked = world.relay.energySince(mark).energy;
  assert.ok(leaked < 0.0002, `the far end hears nothing of the agent on hold (mean energy ${leaked.toFixed(5)})`);

  const resumed = await step(caller, 'received', '4 INVITE');
  assert.match(resumed.body, /^a=sendrecv/m, 'off hold');
  await step(caller, 'sent', '4 ACK');
  await hearEachOther(agent, world.relay);

  const updated = await step(caller, 'received', '5 UPDATE');
  assert.equal(updated.status, 200);
  assert.match(updated.body, /^m=audio/m, 'the UPDATE\'s offer is answered in its 200');
  await hearEachOther(agent, world.relay);

  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  assert.ok((await caller.done()).ok, 'SIPp ran its scenario to the end');
  const all = await tasks();
  assert.equal(all.length, 1, 'one Task');
  assert.equal(all[0].CallType, 'Inbound');
});
