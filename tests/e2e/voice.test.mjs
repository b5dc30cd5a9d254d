// The phone behind Salesforce Voice: the connector (crates/connector, in the voice package's
// Visualforce page) framed by the Salesforce Voice stand-in's Omni-Channel, with real Kamailio,
// the VoiceCall service, JsSIP far ends and real audio. What an agent in Omni-Channel sees and
// what a caller hears.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { eventually, keepPeerConnections } from './lib/browser.mjs';
import { openPeer } from './lib/peer.mjs';
import { connectorFrame, events, omni, OMNI_URL, signInToOmni, startVoiceWorld, STANDIN_PORT } from './lib/voice.mjs';

/** Audio bytes the connector's call received and sent so far. */
async function connectorAudio(page) {
  return connectorFrame(page).evaluate(async () => {
    const pc = window.__callPc?.();
    if (!pc) return { received: 0, sent: 0 };
    let received = 0;
    let sent = 0;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
    }
    return { received, sent };
  });
}

/** Waits until audio arrives both ways (more than `bytes` new bytes at each end). */
async function audioFlowsBothWays(page, peer, what, bytes = 2000) {
  const [a0, p0] = [await connectorAudio(page), await peer.bytes()];
  await eventually(`${what}: audio both ways`, async () => {
    const [a, p] = [await connectorAudio(page), await peer.bytes()];
    return a.received - a0.received > bytes && p.received - p0.received > bytes;
  }, 10_000);
}

let world;
before(async () => {
  world = await startVoiceWorld({ initScript: keepPeerConnections });
});
after(async () => world?.stop());
beforeEach(async () => world.standin.reset());

/** A customer calls the signed-in agent 1001 and the agent accepts it from the panel. */
async function connectedInboundCall(page, customer) {
  await customer.call('1001');
  await eventually('CALL_STARTED', async () => (await events(page, 'CALL_STARTED')).length > 0, 15_000);
  await page.locator('.call button', { hasText: 'Accept' }).click();
  await eventually('CALL_CONNECTED', async () => (await events(page, 'CALL_CONNECTED')).length > 0);
  await audioFlowsBothWays(page, customer, 'the call');
  return (await events(page, 'CALL_STARTED'))[0].payload;
}

/** How many contacts Kamailio's location table holds for `user`. */
function contacts(user) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${world.pbx.runDir}/kamailio_ctl`, 'ul.dump'], { encoding: 'utf8' });
  return (dump.match(new RegExp(`sip:${user}@`, 'g')) || []).length;
}

describe('Salesforce Voice: an inbound call', () => {
  test('VoiceCall created -> CALL_STARTED -> accepted from the panel -> audio both ways -> the caller hangs up -> HANGUP', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    try {
      await signInToOmni(page, '1001');
      const t0 = await page.evaluate(() => performance.now());
      const sentAt = Date.now();
      await customer.call('1001');
      const started = await eventually('CALL_STARTED at the stand-in', async () => (await events(page, 'CALL_STARTED'))[0], 15_000);
      const inviteToStarted = Date.now() - sentAt;
      const [record] = await world.standin.voiceCalls();
      assert.equal(started.payload.callAttributes.voiceCallId, record.id, 'the call carries the VoiceCall the service created');
      assert.equal(started.payload.callId, record.vendorCallKey, 'its callId is the vendor call key (the SIP Call-ID)');
      assert.equal(started.payload.callType, 'Inbound');
      const acceptAt = Date.now();
      await page.locator('.call button', { hasText: 'Accept' }).click();
      await eventually('CALL_CONNECTED', async () => (await events(page, 'CALL_CONNECTED')).length === 1);
      await audioFlowsBothWays(page, customer, 'after accept', 0);
      const acceptToAudio = Date.now() - acceptAt;
      await audioFlowsBothWays(page, customer, 'after accept');
      console.log(`# inbound INVITE -> CALL_STARTED at the stand-in: ${inviteToStarted} ms; accept -> audio both ways: ${acceptToAudio} ms`);
      await customer.hangup();
      await eventually('HANGUP', async () => (await events(page, 'HANGUP')).length === 1);
      assert.equal(await page.locator('.call').count(), 0, 'the panel shows no call');
      assert.equal((await world.standin.voiceCalls()).length, 1, 'one VoiceCall for the call');
      assert.deepEqual(await omni(page, 'state.refused'), [], 'the stand-in refused nothing the connector published');
      const mos = await eventually('the MOS Salesforce computed', async () => Object.values(await omni(page, 'state.mos'))[0]);
      assert.ok(mos >= 1 && mos <= 5, `MOS from the connector's audio figures: ${mos}`);
      void t0;
    } finally {
      await customer.close();
      await page.close();
    }
  });
});

describe('Salesforce Voice: the agent calls, holds, mutes, keys digits and transfers', () => {
  test('outbound dial from a contact: CALL_STARTED, the far end answers -> CALL_CONNECTED, audio, the agent ends it', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    try {
      await signInToOmni(page, '1001');
      await page.locator('.dial-contact[data-number="1002"]').click();
      const started = await eventually('CALL_STARTED', async () => (await events(page, 'CALL_STARTED'))[0]);
      assert.equal(started.payload.callType, 'Outbound');
      const incoming = await eventually('the contact\'s phone to ring', async () => (await customer.events()).find((e) => e.type === 'incoming'));
      assert.equal(started.payload.callId, incoming.callId, 'Salesforce knows the call by its SIP Call-ID');
      await customer.answer();
      await eventually('CALL_CONNECTED published when the far end answers', async () => (await events(page, 'CALL_CONNECTED')).length === 1);
      await audioFlowsBothWays(page, customer, 'the outbound call');
      await page.locator('.call button', { hasText: 'End call' }).click();
      await eventually('the far end to hear the hang-up', () => customer.has('ended'));
      await eventually('HANGUP', async () => (await events(page, 'HANGUP')).length === 1);
      assert.deepEqual(await world.standin.voiceCalls(), [], 'Salesforce makes an outbound call\'s VoiceCall itself: the service creates none');
    } finally {
      await customer.close();
      await page.close();
    }
  });

  test('hold and resume reach the far end, mute silences the microphone, digits go as DTMF, a consultation is completed as a transfer', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    const colleague = await openPeer(world.browser.context, world.peers, '1005');
    try {
      await signInToOmni(page, '1001');
      // A customer phone that takes DTMF only as SIP INFO, so that the test hears the digits.
      await page.fill('#dial-number', '1002');
      await page.click('#dialer button');
      await eventually('the customer\'s phone to ring', () => customer.has('incoming'));
      await customer.answer({ withoutTelephoneEvent: true });
      await eventually('CALL_CONNECTED', async () => (await events(page, 'CALL_CONNECTED')).length === 1);
      await audioFlowsBothWays(page, customer, 'the call');
      const card = page.locator('.call').first();
      await card.locator('button', { hasText: 'Hold' }).click();
      await eventually('the far end to see the hold', () => customer.has('hold', { originator: 'remote' }));
      assert.equal((await events(page, 'HOLD_TOGGLE')).at(-1).payload.isCustomerOnHold, true);
      await card.locator('button', { hasText: 'Resume' }).click();
      await eventually('the far end to see the resume', () => customer.has('unhold', { originator: 'remote' }));
      await card.locator('button', { hasText: 'Mute' }).click();
      await eventually('MUTE_TOGGLE', async () => (await events(page, 'MUTE_TOGGLE')).at(-1)?.payload.isMuted === true);
      const enabled = () => connectorFrame(page).evaluate(() => window.__callPc().getSenders().map((s) => s.track?.enabled));
      assert.deepEqual(await enabled(), [false], 'the microphone is off on the call');
      await card.locator('button', { hasText: 'Unmute' }).click();
      await eventually('unmuted', async () => (await enabled())[0] === true);
      await card.locator('input.keypad').fill('12#');
      await card.locator('button', { hasText: 'Send digits' }).click();
      await eventually('the far end to hear 1, 2 and #', async () => (await customer.events()).filter((e) => e.type === 'dtmf').map((e) => e.tone).join('') === '12#');

      await card.locator('input.transfer-number').fill('1005');
      await card.locator('button', { hasText: 'Consult' }).click();
      await eventually('PARTICIPANT_ADDED', async () => (await events(page, 'PARTICIPANT_ADDED')).length === 1);
      await eventually('the colleague\'s phone to ring', () => colleague.has('incoming'));
      assert.equal((await events(page, 'HOLD_TOGGLE')).length, 2, 'the customer\'s hold for the consultation is the method\'s: no HOLD_TOGGLE of the connector\'s own');
      await colleague.answer();
      await eventually('PARTICIPANT_CONNECTED', async () => (await events(page, 'PARTICIPANT_CONNECTED')).length === 1);
      // Swap: back to the customer (the colleague waits on hold), and back again.
      const unholds = async () => (await customer.events()).filter((e) => e.type === 'unhold').length;
      const unheld = await unholds();
      await page.locator('.call', { hasText: '1002' }).locator('button', { hasText: 'Swap' }).click();
      await eventually('the customer off hold', async () => (await unholds()) > unheld, 10_000).catch(async (e) => {
        throw new Error(`${e.message}; errors: ${JSON.stringify(await omni(page, 'state.errors'))}`);
      });
      const swapped = (await events(page, 'HOLD_TOGGLE')).at(-1).payload;
      assert.deepEqual([swapped.isCustomerOnHold, swapped.isThirdPartyOnHold], [false, true]);
      await page.locator('.call', { hasText: '1005' }).locator('button', { hasText: 'Swap' }).click();
      await eventually('the colleague off hold again', async () => (await events(page, 'HOLD_TOGGLE')).at(-1).payload.isThirdPartyOnHold === false);
      // The agent leaves the customer's call: the customer and the colleague go on together.
      await page.locator('.call', { hasText: '1002' }).locator('button', { hasText: 'End call' }).click();
      await eventually('the customer to be handed to the colleague', () => colleague.has('replaces'));
      await eventually('HANGUP for the agent', async () => (await events(page, 'HANGUP')).length === 1);
      const [c0, k0] = [await customer.bytes(), await colleague.bytes()];
      await eventually('the customer and the colleague hear each other', async () => (await customer.bytes()).received - c0.received > 2000 && (await colleague.bytes()).received - k0.received > 2000);
      assert.equal((await events(page, 'PARTICIPANT_REMOVED')).length, 0, 'the transfer is the method\'s to tell');
      assert.deepEqual(await omni(page, 'state.refused'), []);
    } finally {
      for (const p of [customer, colleague]) await p.close();
      await page.close();
    }
  });
});

describe('Salesforce Voice: a blind transfer', () => {
  test('the customer is handed to a colleague at once: PARTICIPANT_ADDED, then the call is over for the agent', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    const colleague = await openPeer(world.browser.context, world.peers, '1005');
    try {
      await signInToOmni(page, '1001');
      await connectedInboundCall(page, customer);
      const card = page.locator('.call').first();
      await card.locator('input.transfer-number').fill('1005');
      await card.locator('button', { hasText: 'Blind transfer' }).click();
      await eventually('the customer to be asked to call the colleague', async () => (await customer.events()).some((e) => e.type === 'refer' && e.target === '1005'));
      await eventually('the colleague\'s phone to ring', () => colleague.has('incoming'));
      await colleague.answer();
      await eventually('PARTICIPANT_ADDED and HANGUP', async () => (await events(page, 'PARTICIPANT_ADDED')).length === 1 && (await events(page, 'HANGUP')).length === 1);
      assert.equal(await page.locator('.call').count(), 0, 'the agent is free');
      const [c0, k0] = [await customer.bytes(), await colleague.bytes()];
      await eventually('the customer and the colleague hear each other', async () => (await customer.bytes()).received - c0.received > 2000 && (await colleague.bytes()).received - k0.received > 2000);
    } finally {
      for (const p of [customer, colleague]) await p.close();
      await page.close();
    }
  });
});

describe('Salesforce Voice: presence and a reload', () => {
  test('Offline unregisters at the PBX (a caller is not offered to the agent); Available registers again', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    try {
      await signInToOmni(page, '1001');
      await eventually('1001 registered', async () => contacts('1001') === 1);
      await page.selectOption('#presence', '');
      await eventually('no contact for 1001 at Kamailio', async () => contacts('1001') === 0);
      await customer.call('1001');
      const failed = await eventually('the call to fail', async () => (await customer.events()).find((e) => e.type === 'failed'));
      assert.equal(failed.status, 404, 'nobody to offer the call to');
      await page.selectOption('#presence', 'available');
      await eventually('1001 registered again', async () => contacts('1001') === 1);
    } finally {
      await customer.close();
      await page.close();
    }
  });

  test('a reload mid-call: the agent signs in again, Salesforce replays the call (getActiveCalls), the phone rejoins the caller, audio flows, their hang-up ends it', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    try {
      await signInToOmni(page, '1001');
      const call = await connectedInboundCall(page, customer);
      await new Promise((r) => setTimeout(r, 1500)); // the call's dialog is in storage
      const reloadAt = Date.now();
      await page.reload();
      await signInToOmni(page, '1001');
      const ready = (await events(page, 'CONNECTOR_READY')).at(-1).payload;
      assert.equal(ready.callInProgress?.callId, call.callId, 'CONNECTOR_READY names the call in progress');
      const replayed = await eventually('the call replayed', async () => (await events(page, 'CALL_CONNECTED')).find((e) => e.payload.isReplayedCall));
      assert.equal(replayed.payload.callId, call.callId);
      assert.equal(replayed.payload.callAttributes.voiceCallId, call.callAttributes.voiceCallId, 'the same VoiceCall');
      await eventually('the caller rejoined', () => customer.has('replaces'));
      await audioFlowsBothWays(page, customer, 'after the reload');
      console.log(`# reload -> talking again: ${Date.now() - reloadAt} ms (with the sign-in)`);
      await customer.hangup();
      await eventually('HANGUP', async () => (await events(page, 'HANGUP')).some((e) => [].concat(e.payload).some((c) => c.callId === call.callId)));
      assert.equal((await world.standin.voiceCalls()).length, 1, 'still one VoiceCall');
    } finally {
      await customer.close();
      await page.close();
    }
  });
});

describe('Salesforce Voice: what the connector refuses', () => {
  test('another package\'s page posting SETUP_CONNECTOR first is ignored and logged; the org\'s own setup goes on', async () => {
    const page = await world.browser.context.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    try {
      await page.goto(`${OMNI_URL}?otherVendor=1`);
      await eventually('the login frame', async () => (await events(page, 'SHOW_LOGIN')).length === 1, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await omni(page, 'state.hijacked'), [], 'nothing answered the other page');
      assert.ok(logs.some((l) => l.includes(`ignored SETUP_CONNECTOR from https://acme--other.vf.force.com:${STANDIN_PORT}`)), logs.join('\n'));
    } finally {
      await page.close();
    }
  });

  test('another org: nothing starts (its Lightning page cannot frame the connector; its org Id is refused by init)', async () => {
    const page = await world.browser.context.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    try {
      await page.goto(`https://other.lightning.force.com:${STANDIN_PORT}/`);
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(await events(page, 'SHOW_LOGIN'), []);
      await page.goto(`${OMNI_URL}?organizationId=00D000000000002AAA`);
      await eventually('the refusal', async () => (await events(page, 'ERROR')).length > 0, 15_000);
      assert.equal((await events(page, 'ERROR'))[0].payload.message, 'INVALID_PARAMS');
      assert.deepEqual(await events(page, 'SHOW_LOGIN'), [], 'no login: nothing starts');
      assert.ok(logs.some((l) => l.includes('not started: Salesforce set the connector up for org "00D000000000002AAA"')), logs.join('\n'));
    } finally {
      await page.close();
    }
  });

  test('a method for an unknown call or in the wrong state is refused with the library\'s error; the phone is untouched', async () => {
    const page = await world.browser.context.newPage();
    const customer = await openPeer(world.browser.context, world.peers, '1002');
    try {
      await signInToOmni(page, '1001');
      await customer.call('1001');
      const started = await eventually('CALL_STARTED', async () => (await events(page, 'CALL_STARTED'))[0], 15_000);
      await page.evaluate(() => window.voiceStandin.post({ type: 'HOLD', call: { callId: 'nobody@pbx' } }));
      await page.evaluate((call) => window.voiceStandin.post({ type: 'HOLD', call }), started.payload);
      const errors = await eventually('two errors', async () => { const e = await events(page, 'ERROR'); return e.length === 2 && e; });
      assert.deepEqual(errors.map((e) => e.payload.message), ['INVALID_PARTICIPANT', 'INVALID_PARTICIPANT']);
      assert.equal(await page.locator('.call .state').first().textContent(), 'ringing', 'the call still rings');
      await page.locator('.call button', { hasText: 'Accept' }).click();
      await eventually('it can still be answered', async () => (await events(page, 'CALL_CONNECTED')).length === 1);
      await customer.hangup();
    } finally {
      await customer.close();
      await page.close();
    }
  });
});
