// Several calls at once, as an agent on a busy shift lives them: a call waiting answered (the
// first caller on hold) or turned away, a swap between the two, a consultation with a colleague
// cancelled or completed as an attended transfer. Real parts: Kamailio, JsSIP far ends, real
// audio; the development definition allows two calls at once (maxCalls 2).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { seriousFindings } from './lib/axe.mjs';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, outcomeOf } from './lib/console.mjs';
import { agentAndPeers as agentWith, openedThings, startPbxWorld } from './lib/network.mjs';

const MARGARET = '003000000000004AAA'; // 1002
const BARBARA = '003000000000005AAA'; // 1003

let world;
before(async () => { world = await startPbxWorld('several-calls', {}); });
after(async () => world?.stop());

const opened = openedThings();
afterEach(() => opened.closeAll());

async function agentAndPeers(...users) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  return agentWith(world, opened, ...users);
}

const tasks = async () => (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Audio bytes over all of the agent's open peer connections (one per call). */
async function agentBytes(agent) {
  const frame = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return frame.evaluate(async () => {
    let received = 0, sent = 0;
    for (const pc of window.__pcs ?? []) {
      if (pc.signalingState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
      });
    }
    return { received, sent };
  });
}

/** Over 2 s the agent hears `live` (the only party still sending: the other is on hold, so its
 * far end sends nothing), `live` hears the agent, and `held`, if given, hears nothing of it
 * (the fake microphone beeps about once a second) once its hold has settled. */
async function talkingWith(agent, live, held) {
  // A party just put on hold still plays out what its jitter buffer held, then fades the loss
  // concealment out: that tail (a few hundred ms) is not the agent's voice going on.
  if (held) await pause(1000);
  const [a1, l1, h1] = [await agentBytes(agent), await live.energy(), held && await held.energy()];
  await pause(2000);
  const [a2, l2, h2] = [await agentBytes(agent), await live.energy(), held && await held.energy()];
  assert.ok(a2.received > a1.received, `the agent hears the live call (${a1.received} -> ${a2.received} bytes)`);
  assert.ok(l2 > l1, `the live party hears the agent (energy +${l2 - l1})`);
  if (held) assert.ok(h2 - h1 < (l2 - l1) / 20, `the party on hold hears nothing of it (energy +${h2 - h1} against +${l2 - l1})`);
}

/** axe-core finds nothing serious or critical with several cards on screen (one id each). */
async function axeClean(agent, state) {
  const { serious, passed } = await seriousFindings(agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN)));
  assert.ok(passed > 10, `axe-core ran its rules (${passed} passed), ${state}`);
  assert.deepEqual(serious, [], `axe-core, ${state}`);
}

const card = (agent, testid, held) => agent.phone.locator(held === undefined ? `[data-testid=${testid}]` : `[data-testid=${testid}][data-held=${held}]`);

/** The agent takes a call from `peer` and talks. */
async function answerCall(agent, peer) {
  await peer.call('sip:1001@127.0.0.1');
  await card(agent, 'incoming-call').locator('button', { hasText: 'Answer' }).click();
  await card(agent, 'call', false).locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
}

test('call waiting: a second caller rings while the agent talks; answering holds the first; after a swap both are heard', { timeout: 90_000 }, async () => {
  const { agent, peers: [margaret, barbara] } = await agentAndPeers('1002', '1003');
  await answerCall(agent, margaret);
  await barbara.call('sip:1001@127.0.0.1');
  const waiting = card(agent, 'incoming-call');
  await waiting.locator('h2', { hasText: 'Call waiting' }).waitFor({ timeout: 10_000 });
  assert.equal(await margaret.has('hold'), false, 'the first caller is not put on hold before the agent chooses');
  await axeClean(agent, 'a call waiting over a call');
  await waiting.locator('button', { hasText: 'Answer' }).click();
  await eventually('Margaret to be put on hold', () => margaret.has('hold', { originator: 'remote' }));
  await card(agent, 'call', false).locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  assert.match(await card(agent, 'call', true).locator('[data-testid=call-who]').textContent(), /Margaret Hamilton/);
  await talkingWith(agent, barbara, margaret);

  // Swap: back to Margaret, Barbara on hold.
  await card(agent, 'call', true).locator('button', { hasText: 'Swap' }).click();
  await eventually('Margaret to be taken off hold', () => margaret.has('unhold', { originator: 'remote' }));
  await eventually('Barbara to be put on hold', () => barbara.has('hold', { originator: 'remote' }));
  await card(agent, 'call', false).locator('[data-testid=call-who]', { hasText: 'Margaret Hamilton' }).waitFor({ timeout: 10_000 });
  await talkingWith(agent, margaret, barbara);

  await card(agent, 'call', false).locator('button', { hasText: 'Hang up' }).click();
  await eventually('Margaret to see our BYE', () => margaret.has('ended', { originator: 'remote' }));
  assert.match(await card(agent, 'call', true).locator('[data-testid=call-who]').textContent(), /Barbara Liskov/, 'Barbara stays on hold');
  await card(agent, 'call', true).locator('button', { hasText: 'Resume' }).click();
  await eventually('Barbara to be taken off hold', () => barbara.has('unhold', { originator: 'remote' }));
  await talkingWith(agent, barbara);
  await card(agent, 'call').locator('button', { hasText: 'Hang up' }).click();
  const logged = await eventually('both calls logged', async () => {
    const all = await tasks();
    const m = all.find((t) => t.WhoId === MARGARET), b = all.find((t) => t.WhoId === BARBARA);
    return m && b && { m, b };
  });
  assert.equal(logged.m.CallType, 'Inbound');
  assert.equal(logged.b.CallType, 'Inbound');
});

test('a waiting call turned away: Busy gives 486, Decline 603, and the first call goes on', { timeout: 90_000 }, async () => {
  const { agent, peers: [margaret, barbara] } = await agentAndPeers('1002', '1003');
  await answerCall(agent, margaret);
  for (const [button, status] of [['Busy', 486], ['Decline', 603]]) {
    const before = (await barbara.events()).filter((e) => e.type === 'failed').length;
    await barbara.call('sip:1001@127.0.0.1');
    await card(agent, 'incoming-call').locator('button', { hasText: new RegExp(`^${button}$`) }).click();
    const failed = await eventually(`the caller to hear ${status}`, async () => (await barbara.events()).filter((e) => e.type === 'failed')[before]);
    assert.equal(failed.status, status, button);
    await card(agent, 'incoming-call').waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await margaret.has('hold'), false, 'the first call was never put on hold');
    await talkingWith(agent, margaret);
  }
  await card(agent, 'call').locator('button', { hasText: 'Hang up' }).click();
  const declined = await eventually('the declined calls logged', async () => {
    const logs = (await tasks()).filter((t) => t.WhoId === BARBARA);
    return logs.length === 2 && logs;
  });
  assert.deepEqual(declined.map(outcomeOf), ['Declined', 'Declined']);
});

/** Margaret calls in and the agent consults colleague 1004, who answers. */
async function consulting() {
  const { agent, peers: [customer, colleague] } = await agentAndPeers('1002', '1004');
  await answerCall(agent, customer);
  await card(agent, 'call').locator('button', { hasText: /^Transfer$/ }).click();
  await agent.phone.locator('#transfer-number').fill('1004');
  await agent.phone.locator('button', { hasText: 'Consult first' }).click();
  await eventually('Margaret to be put on hold', () => customer.has('hold', { originator: 'remote' }));
  await eventually('the colleague to ring', () => colleague.has('incoming'));
  assert.equal((await colleague.events()).find((e) => e.type === 'incoming').from, '1001', 'the agent calls the colleague');
  await colleague.answer();
  const consultation = card(agent, 'call', false);
  await consultation.locator('h2', { hasText: 'Consultation about Margaret Hamilton' }).waitFor({ timeout: 10_000 });
  await consultation.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await talkingWith(agent, colleague, customer);
  await axeClean(agent, 'a consultation with the customer on hold');
  return { agent, customer, colleague };
}

test('consult transfer: the agent talks to a colleague first, then hands the customer over; they talk and each Task says so', { timeout: 90_000 }, async () => {
  const { agent, customer, colleague } = await consulting();
  await card(agent, 'call', false).locator('button', { hasText: 'Complete transfer' }).click();
  await eventually('the customer to be asked to call the colleague in our place', () => customer.has('refer', { target: '1004' }));
  await eventually('the colleague to take the customer', () => colleague.has('rejoined'));
  await eventually('both our calls to end', async () => (await agent.phone.locator('[data-testid=call]').count()) === 0);
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  // The customer and the colleague now talk to each other, both ways, without us.
  const [c1, k1] = [await customer.bytes(), await colleague.bytes()];
  await pause(1500);
  const [c2, k2] = [await customer.bytes(), await colleague.bytes()];
  assert.ok(c2.received > c1.received, `the customer hears the colleague (${c1.received} -> ${c2.received} bytes)`);
  assert.ok(k2.received > k1.received, `the colleague hears the customer (${k1.received} -> ${k2.received} bytes)`);
  const logged = await eventually('both Tasks', async () => {
    const all = await tasks();
    const customerTask = all.find((t) => t.WhoId === MARGARET);
    const consultTask = all.find((t) => /^Consultation about/m.test(t.Description || ''));
    return customerTask && consultTask && { customerTask, consultTask };
  });
  assert.match(logged.customerTask.Description, /^Transferred to 1004 after a consultation\.$/m);
  assert.match(logged.consultTask.Description, /^Consultation about the call with Margaret Hamilton, which was then transferred to this number\.$/m);
  assert.equal(logged.consultTask.CallType, 'Internal');
});

test('a consultation swapped back and forth, then cancelled: the colleague is hung up and the customer is back', { timeout: 90_000 }, async () => {
  const { agent, customer, colleague } = await consulting();
  await card(agent, 'call', true).locator('button', { hasText: 'Swap' }).click();
  await eventually('the colleague to be put on hold', () => colleague.has('hold', { originator: 'remote' }));
  await eventually('Margaret to be taken off hold', () => customer.has('unhold', { originator: 'remote' }));
  await talkingWith(agent, customer, colleague);
  await card(agent, 'call', true).locator('button', { hasText: 'Swap' }).click();
  await card(agent, 'call', false).locator('h2', { hasText: 'Consultation about' }).waitFor({ timeout: 10_000 });
  await eventually('the colleague to be taken off hold', () => colleague.has('unhold', { originator: 'remote' }));
  await card(agent, 'call', false).locator('button', { hasText: 'Cancel consultation' }).click();
  await eventually('the colleague to see our BYE', () => colleague.has('ended', { originator: 'remote' }));
  await card(agent, 'call', false).locator('[data-testid=call-who]', { hasText: 'Margaret Hamilton' }).waitFor({ timeout: 10_000 });
  await eventually('Margaret to be taken off hold again', async () => (await customer.events()).filter((e) => e.type === 'unhold').length === 2);
  await talkingWith(agent, customer);
  const consultTask = await eventually('the consultation Task', async () => (await tasks()).find((t) => /^Consultation about/m.test(t.Description || '')));
  assert.match(consultTask.Description, /^Consultation about the call with Margaret Hamilton\.$/m);
  await card(agent, 'call').locator('button', { hasText: 'Hang up' }).click();
  await eventually('Margaret to see our BYE', () => customer.has('ended', { originator: 'remote' }));
});
