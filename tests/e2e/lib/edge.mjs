// The world of the tests through the edge (dev/pbx/start.sh --edge): Kamailio with rtpengine,
// the Lightning stand-in with the phone, a browser; far ends that are not browsers come from
// lib/baresip.mjs (a plain-RTP desk phone) and lib/sipp.mjs (the trunk's far end, a caller from
// outside). Audio is measured as energy both ways: what the agent's browser played
// (totalAudioEnergy of the call's inbound RTP) and what the far end recorded.
import assert from 'node:assert/strict';
import { APP_ORIGIN } from './console.mjs';
import { definitionVariant, startKamailio, startWorld } from './network.mjs';
import { RELAY_ADDRESS, startRtpRelay } from './rtp-relay.mjs';

/** The edge and the world around it; `items` change the development definition (see
 * network.mjs definitionVariant), `edgeArgs` go to dev/pbx/start.sh after --edge. With
 * `relay`, plain endpoints' media goes through lib/rtp-relay.mjs (`world.relay`). */
export async function startEdgeWorld(name, { items = {}, edgeArgs = [], relay = false } = {}) {
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve().then(s).catch(() => {});
  };
  try {
    const rtpRelay = relay ? await startRtpRelay() : null;
    if (rtpRelay) stops.push(() => rtpRelay.stop());
    const edge = startKamailio(['--edge', ...(relay ? ['--plain-media-address', RELAY_ADDRESS] : []), ...edgeArgs]);
    stops.push(() => edge.stop());
    const world = await startWorld({ definition: definitionVariant(name, items) });
    stops.push(() => world.stop());
    return { ...world, edge, relay: rtpRelay, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** What the agent's browser measures on its newest call: the energy it played out (the far
 * end's audio), packets received and lost, bytes sent, and the codec. */
export function agentAudio(agent) {
  const frame = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return frame.evaluate(async () => {
    const pc = window.__callPc?.();
    const out = { energy: 0, received: 0, lost: 0, sent: 0, codec: null };
    if (!pc) return out;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.energy += s.totalAudioEnergy || 0;
        out.received += s.packetsReceived || 0;
        out.lost += s.packetsLost || 0;
        out.codec = stats.get(s.codecId)?.mimeType ?? out.codec;
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent += s.bytesSent || 0;
    });
    return out;
  });
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Over `ms` the agent hears the far end (its signal's energy reaches the browser) and the
 * far end hears the agent: `ear` (what the far end recorded, lib/baresip.mjs, or what reached
 * it, lib/rtp-relay.mjs) holds the beeps of Chromium's fake microphone. Returns both figures. */
export async function hearEachOther(agent, ear, ms = 2000) {
  const [before, mark] = [await agentAudio(agent), ear.mark()];
  await pause(ms);
  const after = await agentAudio(agent);
  const heardByFarEnd = ear.energySince(mark);
  const heardByAgent = after.energy - before.energy;
  assert.ok(heardByAgent > 0.001, `the agent hears the far end (energy +${heardByAgent.toFixed(4)} in ${ms} ms)`);
  assert.ok(heardByFarEnd.seconds > ms / 2000, `the far end receives audio (${heardByFarEnd.seconds.toFixed(2)} s of it)`);
  assert.ok(heardByFarEnd.energy > 0.0005, `the far end hears the agent (mean energy ${heardByFarEnd.energy.toFixed(4)})`);
  return { heardByAgent, heardByFarEnd: heardByFarEnd.energy, codec: after.codec };
}
