// The phone behind Salesforce Voice: the connector (crates/connector, in the voice package's
// Visualforce page) framed by the Salesforce Voice stand-in's Omni-Channel, with real Kamailio,
// the VoiceCall service, JsSIP far ends and real audio. What an agent in Omni-Channel sees and
// what a caller hears.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, keepPeerConnections } from '../e2e/lib/browser.mjs';
import { openPeer } from './lib/peer.mjs';
import { connectorFrame, events, omni, signInToOmni, startVoiceWorld } from './lib/voice.mjs';

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

async function audioFlowsBothWays(page, peer, what) {
  const [a0, p0] = [await connectorAudio(page), await peer.bytes()];
  await eventually(`${what}: audio both ways`, async () => {
    const [a, p] = [await connectorAudio(page), await peer.bytes()];
    return a.received - a0.received > 2000 && p.received - p0.received > 2000;
  }, 10_000);
}

describe('Salesforce Voice: an inbound call', () => {
  let world;
  before(async () => {
    world = await startVoiceWorld({ initScript: keepPeerConnections });
  });
  after(async () => world?.stop());

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
      await audioFlowsBothWays(page, customer, 'after accept');
      const acceptToAudio = Date.now() - acceptAt;
      console.log(`# inbound INVITE -> CALL_STARTED at the stand-in: ${inviteToStarted} ms; accept -> audio both ways: ${acceptToAudio} ms`);
      await customer.hangup();
      await eventually('HANGUP', async () => (await events(page, 'HANGUP')).length === 1);
      assert.equal(await page.locator('.call').count(), 0, 'the panel shows no call');
      assert.equal((await world.standin.voiceCalls()).length, 1, 'one VoiceCall for the call');
      assert.deepEqual(await omni(page, 'state.refused'), [], 'the stand-in refused nothing the connector published');
      void t0;
    } finally {
      await customer.close();
      await page.close();
    }
  });
});
