// Packet loss between the edge and the far end, as on a congested WAN link to the PBX: a
// UDP relay on loopback (lib/rtp-relay.mjs) on the media path between rtpengine and a SIPp far
// end behind the trunk drops none, then 3 %, then 10 % of the RTP packets coming from the far
// end. The MOS estimate on the call card and on the Task falls with the loss (the phone's G.107
// E-model, crates/phone/src/quality.rs), the 10 % call reads poor, and audio still flows.
// Prints the benchmark: MOS at 0 %, 3 % and 10 % loss.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton } from './lib/console.mjs';
import { agentAudio, startEdgeWorld } from './lib/edge.mjs';
import { openedThings, signIn } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

let world;
before(async () => { world = await startEdgeWorld('loss', { relay: true }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

const CARD = /^Call quality: (excellent|good|fair|poor|bad) \(MOS (\d\.\d)\)$/;
const TASK_LINE = /Call quality: (excellent|good|fair|poor|bad) \(MOS (\d\.\d); loss (\d+\.\d)%/;
const TALK_MS = 8_000;

/** One call to the far end behind the trunk with `loss` of its packets dropped on the way to
 * the edge: what the card and the Task say, and what the agent heard. */
async function callWithLoss(agent, loss) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  world.relay.setLoss({ toEdge: loss });
  const far = await startSipp({ scenario: 'uas-answer.xml' });
  opened.add(() => far.stop());
  const before = world.relay.counts();
  await agent.phone.locator('#dial-number').fill('+1 555 555 0142');
  await agent.phone.locator('button', { hasText: 'Use number' }).click();
  await callButton(agent.phone).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const start = await agentAudio(agent);
  await new Promise((r) => setTimeout(r, TALK_MS));
  const end = await agentAudio(agent);
  const card = (await agent.phone.locator('[data-testid=call-mos]').textContent()).trim();
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  assert.ok((await far.done()).ok, 'the far end saw the BYE');
  const task = await eventually('the Task', async () => (await (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json()).find((t) => t.CallType === 'Outbound'));
  await agent.phone.locator('[data-testid=wrap-up] button', { hasText: 'Done' }).click();
  const after = world.relay.counts();
  const dropped = after.toEdge.dropped - before.toEdge.dropped;
  const passed = after.toEdge.passed - before.toEdge.passed;
  return { card, description: task.Description, heard: end.energy - start.energy, received: end.received - start.received, relayLoss: (100 * dropped) / (dropped + passed) };
}

test('the MOS on the card and the Task falls with 3 % and 10 % loss between the edge and the far end; the 10 % call reads poor and audio still flows', { timeout: 120_000 }, async () => {
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  const results = [];
  for (const loss of [0, 0.03, 0.1]) {
    const r = await callWithLoss(agent, loss);
    const card = r.card.match(CARD);
    const line = r.description.match(TASK_LINE);
    assert.ok(card, `the card gives the quality in words with the MOS: "${r.card}"`);
    assert.ok(line, `the Task says how the call sounded: "${r.description}"`);
    const [, grade, mos, taskLoss] = line;
    console.log(`# MOS at ${loss * 100}% loss (the relay dropped ${r.relayLoss.toFixed(1)}%): card "${r.card}", Task "${line[0]})"`);
    assert.equal(card[2], mos, 'the card and the Task give the same MOS');
    assert.ok(Math.abs(Number(taskLoss) - r.relayLoss) <= 1, `the Task's loss ${taskLoss}% is what the relay dropped (${r.relayLoss.toFixed(1)}%)`);
    assert.ok(r.received > 0 && r.heard > 0.001, `audio still flows to the agent (${r.received} packets, energy +${r.heard.toFixed(4)})`);
    results.push({ loss, grade, mos: Number(mos) });
  }
  const [clean, some, much] = results;
  assert.ok(clean.mos > some.mos && some.mos > much.mos, `the MOS falls with the loss: ${results.map((r) => r.mos).join(' > ')}`);
  assert.ok(['excellent', 'good'].includes(clean.grade), `no loss reads ${clean.grade}`);
  assert.equal(much.grade, 'poor', '10 % loss reads poor');
});
