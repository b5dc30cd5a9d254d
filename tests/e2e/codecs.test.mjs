// Codecs through the edge (rtpengine does not transcode: the browser and the far end must agree).
// A far end that offers only PCMA gets PCMA, with audio both ways; Opus is used where both sides
// have it; and the Call Center definition may order the codecs (`audioCodecs`), which the phone
// applies with RTCRtpTransceiver.setCodecPreferences to what it offers and answers.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startBaresip } from './lib/baresip.mjs';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton } from './lib/console.mjs';
import { agentAudio, hearEachOther, startEdgeWorld } from './lib/edge.mjs';
import { openedThings, signIn } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002: a baresip desk phone here
const opened = openedThings();
afterEach(() => opened.closeAll());

async function agent(world) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const a = await signIn(world.browser, '1001');
  opened.add(() => a.page.close());
  return a;
}

async function deskPhone(codecs) {
  const desk = await startBaresip({ user: '1002', codecs });
  opened.add(() => desk.stop());
  return desk;
}

/** The agent calls the desk phone (Margaret's record) and it answers by itself. */
async function callDesk(a, desk) {
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(a.phone).click();
  await desk.waitFor('CALL_ESTABLISHED');
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
}

/** The SIP messages in baresip's trace (-s), each as printed. */
const sipTrace = (desk) => desk.output().split('\x1b[36;1m#').slice(1);

async function hangUp(a) {
  await a.phone.locator('button', { hasText: 'Hang up' }).click();
  await callButton(a.phone).or(a.phone.locator('[data-testid=wrap-up]')).first().waitFor({ timeout: 10_000 });
}

describe('the browser\'s own codec order (no audioCodecs)', () => {
  let world;
  before(async () => { world = await startEdgeWorld('codecs', { relay: true }); });
  after(async () => world?.stop());

  test('a caller from outside that offers only PCMA gets PCMA, and both hear each other', { timeout: 60_000 }, async () => {
    const a = await agent(world);
    const caller = await startSipp({ scenario: 'uac-call.xml', call: '1001', caller: '+17575550142', codec: 'PCMA' });
    opened.add(() => caller.stop());
    await a.phone.locator('button', { hasText: 'Answer' }).click();
    await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    const answer = caller.received(200).body;
    assert.match(answer, /^m=audio \d+ RTP\/AVP 8[ \n]/m, `the edge answered PCMA: ${answer}`);
    const { codec } = await hearEachOther(a, world.relay);
    assert.equal(codec, 'audio/PCMA');
    await hangUp(a);
    assert.ok((await caller.done()).ok);
  });

  test('a desk phone with Opus and G.711 talks Opus with the browser through the edge', { timeout: 60_000 }, async () => {
    const desk = await deskPhone(['opus', 'PCMU']);
    const a = await agent(world);
    await callDesk(a, desk);
    const { codec } = await hearEachOther(a, desk);
    assert.equal(codec, 'audio/opus', 'both have Opus: the browser\'s first choice is used');
    await hangUp(a);
  });
});

describe('the definition\'s codec order (audioCodecs PCMA, PCMU)', () => {
  let world;
  before(async () => { world = await startEdgeWorld('codecs-ordered', { relay: true, items: { audioCodecs: 'PCMA, PCMU' } }); });
  after(async () => world?.stop());

  test('calling a desk phone that has Opus, the phone offers PCMA first and the call is PCMA', { timeout: 60_000 }, async () => {
    const desk = await deskPhone(['opus', 'PCMU', 'PCMA']);
    const a = await agent(world);
    await callDesk(a, desk);
    const invite = sipTrace(desk).find((m) => /^INVITE /m.test(m));
    const offer = invite?.match(/^m=audio \d+ RTP\/AVP ([\d ]+)$/m)?.[1];
    assert.equal(offer?.split(' ')[0], '8', `PCMA heads the offer: m=audio ... ${offer}`);
    const { codec } = await hearEachOther(a, world.relay);
    assert.equal(codec, 'audio/PCMA');
    await hangUp(a);
  });

  // The answer lists PCMA first, so the far end sends PCMA; Chromium itself sends the first of
  // the offer's codecs it has (Opus here), as RFC 3264 lets each side send any codec of the two.
  test('answering a desk phone that offers Opus first, the phone answers PCMA first and hears PCMA', { timeout: 60_000 }, async () => {
    const desk = await deskPhone(['opus', 'PCMU', 'PCMA']);
    const a = await agent(world);
    await desk.command('dial', 'sip:1001@127.0.0.1');
    await a.phone.locator('button', { hasText: 'Answer' }).click();
    await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    const answered = await eventually('the answer at the desk phone', () => sipTrace(desk).find((m) => /^SIP\/2\.0 200 /m.test(m) && /^CSeq: \d+ INVITE/m.test(m)));
    const answer = answered.match(/^m=audio \d+ RTP\/AVP ([\d ]+)$/m)?.[1];
    assert.equal(answer?.split(' ')[0], '8', `PCMA heads the answer: m=audio ... ${answer}`);
    const [before, mark] = [await agentAudio(a), world.relay.mark()];
    await new Promise((r) => setTimeout(r, 2000));
    const after = await agentAudio(a);
    assert.equal(after.codec, 'audio/PCMA', 'the desk phone sends the first codec of the answer');
    assert.ok(after.energy - before.energy > 0.001, `the agent hears the desk phone (energy +${(after.energy - before.energy).toFixed(4)})`);
    const sent = world.relay.packetsSince(mark);
    const opus = desk.output().match(/^a=rtpmap:(\d+) opus\/48000/m)?.[1];
    assert.ok((sent[opus] ?? 0) > 50, `the agent's audio reaches the desk phone, in Opus (payload type ${opus}): ${JSON.stringify(sent)}`);
    await desk.command('hangup');
    await eventually('the call to end', async () => (await a.phone.locator('[data-testid=wrap-up]').count()) > 0);
  });
});
