// Calls through the media-terminating edge an operator puts in front of a plain SIP PBX:
// Kamailio with rtpengine turning the browser's ICE/DTLS-SRTP into plain RTP/AVP, and a G.711
// desk phone (baresip, PCMU only, no browser anywhere on its side). Audio is measured both ways:
// the energy the agent's browser plays, and the energy of what reached the desk phone (a relay
// on the media path, lib/rtp-relay.mjs, listens to it; the desk phone's own recording too, until
// a re-INVITE stops baresip 1.0's recorder). Prints: answer -> audio both ways through the edge.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startBaresip } from './lib/baresip.mjs';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton } from './lib/console.mjs';
import { agentAudio, hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { openedThings, signIn } from './lib/network.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002: here the desk phone

let world;
before(async () => { world = await startEdgeWorld('edge', { relay: true }); });
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

const tasks = async () => (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Agent 1001 signed in, and the desk phone 1002 registered over UDP at the edge. */
async function agentAndDesk(deskOptions = {}) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const desk = await startBaresip({ user: '1002', ...deskOptions });
  opened.add(() => desk.stop());
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  return { agent, desk };
}

/** From the answer to audio heard both ways (polled every 20 ms), in ms: the agent's browser
 * plays the far end, and the desk phone records the agent. */
async function answerToAudio(agent, desk, answeredAt) {
  const [start, mark] = [await agentAudio(agent), desk.mark()];
  let agentHears = null, deskHears = null;
  await eventually('audio both ways', async () => {
    if (agentHears === null && (await agentAudio(agent)).energy > start.energy) agentHears = Date.now();
    if (deskHears === null && desk.energySince(mark).energy > 0.0005) deskHears = Date.now();
    return agentHears !== null && deskHears !== null;
  }, 10_000, 20);
  return Math.max(agentHears, deskHears) - answeredAt;
}

/** Nothing of the held agent reaches the desk phone over 1.5 s, once the hold settled. */
async function deskHearsSilence() {
  await pause(700);
  const mark = world.relay.mark();
  await pause(1500);
  const { energy } = world.relay.energySince(mark);
  assert.ok(energy < 0.0002, `the desk phone hears silence while the agent holds (mean energy ${energy.toFixed(5)})`);
}

/** The agent holds (the desk phone hears nothing) and resumes (they hear each other again). */
async function holdAndResume(agent) {
  await agent.phone.locator('button', { hasText: 'Hold' }).click();
  await agent.phone.locator('button', { hasText: 'Resume' }).waitFor({ timeout: 10_000 });
  await deskHearsSilence();
  await agent.phone.locator('button', { hasText: 'Resume' }).click();
  await agent.phone.locator('button', { hasText: 'Hold' }).waitFor({ timeout: 10_000 });
  await hearEachOther(agent, world.relay);
}

test('outbound to a G.711 desk phone through the edge: it answers, both hear each other in PCMU, hold and resume, our hang-up, one Task', { timeout: 60_000 }, async () => {
  const { agent, desk } = await agentAndDesk();
  await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(agent.phone).click();
  const answered = await desk.waitFor('CALL_ESTABLISHED');
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  console.log(`# answer -> audio both ways through the edge (outbound, PCMU desk phone): ${await answerToAudio(agent, desk, answered.at)} ms`);
  const { codec } = await hearEachOther(agent, desk);
  assert.equal(codec, 'audio/PCMU', 'the browser speaks the desk phone\'s G.711 (rtpengine only changes the transport)');
  await hearEachOther(agent, world.relay);

  await holdAndResume(agent);

  const since = desk.events().length;
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await desk.waitFor('CALL_CLOSED', { since });
  const task = await eventually('the call log', async () => (await tasks()).find((t) => t.WhoId === MARGARET));
  assert.equal(task.CallType, 'Outbound');
  assert.ok(task.CallDurationInSeconds >= 3, `talk time ${task.CallDurationInSeconds} s`);
  assert.ok(task.CallObject, 'the Call-ID is logged');
  assert.match(task.Description, /Call quality: (excellent|good) \(MOS/, 'a clean loopback call through the edge sounds good');
  assert.equal((await tasks()).length, 1, 'one Task');
});

test('inbound from the desk phone through the edge: the caller pops, the agent answers, both hear each other, hold and resume, the desk phone hangs up, one Task', { timeout: 60_000 }, async () => {
  const { agent, desk } = await agentAndDesk();
  await desk.command('dial', 'sip:1001@127.0.0.1');
  await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await agent.phone.locator('[data-testid=caller-record]', { hasText: 'Margaret Hamilton' }).waitFor({ timeout: 10_000 });
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  const answered = Date.now();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  console.log(`# answer -> audio both ways through the edge (inbound, PCMU desk phone): ${await answerToAudio(agent, desk, answered)} ms`);
  await hearEachOther(agent, desk);

  await holdAndResume(agent);

  await desk.command('hangup');
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  const task = await eventually('the call log', async () => (await tasks()).find((t) => t.CallType === 'Inbound'));
  assert.equal(task.WhoId, MARGARET);
  assert.ok(task.CallDurationInSeconds >= 3, `talk time ${task.CallDurationInSeconds} s`);
  assert.equal((await tasks()).length, 1, 'one Task');
});
