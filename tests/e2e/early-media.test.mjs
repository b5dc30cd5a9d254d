// Early media through the edge (RFC 3960): a number whose far end (SIPp, behind the edge's
// trunk) plays an announcement in a 183 with SDP before it answers. The agent hears it before
// the answer (energy measured in the browser), the card says so, a repeated 183 changes nothing,
// then the 200 answers with the same SDP or a changed one and the call goes on with audio both
// ways; a call that fails after its announcement (486, 404) ends and is logged as it failed; a
// reliable 183 (Require: 100rel) is PRACKed. Prints: INVITE -> first early-media audio at the
// agent.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { agentAudio, hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { cardSays, dial, freshAgent, inviteSentAt, sentSdp, tasks } from './lib/early.mjs';
import { outcomeOf } from './lib/console.mjs';
import { openedThings } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

let world;
before(async () => { world = await startEdgeWorld('early-media', { relay: true }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

/** SIPp as the trunk's far end, playing `scenario`. */
async function farEnd(scenario, keys = {}) {
  const far = await startSipp({ scenario, keys });
  opened.add(() => far.stop());
  return far;
}

/** Waits for the agent to hear the far end before any final response left SIPp; returns when
 * (Unix ms). */
async function earlyAudioHeard(agent, far) {
  const before = (await agentAudio(agent)).energy;
  const heardAt = await eventually('the announcement reaches the agent', async () =>
    ((await agentAudio(agent)).energy > before + 0.001 ? Date.now() : null), 10_000, 20);
  const finals = far.messages().filter((m) => m.direction === 'sent' && m.status >= 200 && m.headers('CSeq')[0]?.endsWith('INVITE'));
  assert.deepEqual(finals.map((m) => m.firstLine), [], 'heard before the far end answered or failed the call');
  return heardAt;
}

for (const [name, answer] of [['the same SDP', { answer_payloads: '0 101', answer_version: '1' }], ['a changed SDP (PCMA first)', { answer_payloads: '8 0 101', answer_version: '2' }]]) {
  test(`a 183 with SDP plays the announcement before the answer, then the 200 answers with ${name}: audio both ways, one Task`, { timeout: 60_000 }, async () => {
    const far = await farEnd('uas-early-media.xml', answer);
    const agent = await freshAgent(world, opened);
    await dial(agent);
    const invitedAt = await inviteSentAt(agent);
    await cardSays(agent, 'you hear their message');
    const heardAt = await earlyAudioHeard(agent, far);
    console.log(`# INVITE -> first early-media audio at the agent (${name} in the 200): ${Math.round(heardAt - invitedAt)} ms`);

    await cardSays(agent, 'Connected');
    const same = sentSdp(far, 183) === sentSdp(far, 200);
    assert.equal(same, answer.answer_version === '1', 'the scenario sent what this case is about');
    await hearEachOther(agent, world.relay);
    await agent.phone.locator('button', { hasText: 'Hang up' }).click();
    assert.ok((await far.done()).ok, 'the far end saw the whole call, BYE included');
    const task = await eventually('the call log', async () => (await tasks()).find((t) => t.CallType === 'Outbound'));
    assert.ok(task.CallDurationInSeconds <= 5, `talk time counts from the answer, not the announcement (${task.CallDurationInSeconds} s)`);
    assert.equal((await tasks()).length, 1, 'one Task');
  });
}

for (const [status, outcome, why] of [[486, 'Busy', null], [404, 'Failed', /^Failed: The number does not exist/]]) {
  test(`a call that fails with ${status} after its announcement ends and is logged as ${status === 486 ? 'busy' : 'failed'}`, { timeout: 60_000 }, async () => {
    const far = await farEnd('uas-early-fail.xml', { final_status: String(status) });
    const agent = await freshAgent(world, opened);
    await dial(agent);
    await cardSays(agent, 'you hear their message');
    await earlyAudioHeard(agent, far);
    await agent.phone.locator('[data-testid=call]').waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok((await far.done()).ok, `the far end's ${status} was acknowledged`);
    const task = await eventually('the call log', async () => (await tasks()).find((t) => t.CallType === 'Outbound'));
    assert.equal(outcomeOf(task), outcome);
    if (why) assert.match(task.Description, why);
    assert.equal(task.CallDisposition, undefined, 'the disposition is the agent\'s');
    assert.equal(task.CallDurationInSeconds, 0, 'never answered');
    assert.equal((await tasks()).length, 1, 'one Task');
  });
}

test('a reliable 183 (Require: 100rel) is PRACKed once, its retransmission absorbed; early media flows and the call is answered', { timeout: 60_000 }, async () => {
  const far = await farEnd('uas-early-reliable.xml');
  const agent = await freshAgent(world, opened);
  await dial(agent);
  const invite = await eventually('the INVITE at the far end', async () => far.received('INVITE'));
  assert.ok(invite.headers('Supported').join(',').split(',').map((t) => t.trim()).includes('100rel'), `Supported: ${invite.headers('Supported')}`);
  await cardSays(agent, 'you hear their message');
  await earlyAudioHeard(agent, far);
  const pracks = far.messages().filter((m) => m.direction === 'received' && m.method === 'PRACK');
  assert.equal(pracks.length, 1, 'one PRACK for the 183 sent twice');
  assert.deepEqual(pracks[0].headers('RAck'), [`1 ${invite.headers('CSeq')[0]}`]);
  await cardSays(agent, 'Connected');
  await hearEachOther(agent, world.relay);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  assert.ok((await far.done()).ok, 'the far end saw the whole call');
});
