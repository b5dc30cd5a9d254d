// A UDP relay on loopback between the edge's rtpengine and the plain-RTP far ends, as a WAN
// link between an operator's edge and its PBX: it can lose packets (a share of them, spread
// evenly so a short call loses exactly that share, each direction on its own) and it listens to the G.711 audio crossing it, so a test measures
// what reached the far end even when the far end cannot tell (a desk phone's recorder stops at
// a re-INVITE). The edge is started with `--plain-media-address 127.0.0.9`: rtpengine then
// writes that address, with its own port, into the SDP it gives plain endpoints, so they send
// their RTP here; the relay forwards it from the same port to rtpengine, which learns the relay
// as the far end (endpoint learning) and sends the other direction back through it.
import dgram from 'node:dgram';
import { alawToLinear, mulawToLinear } from './audio.mjs';

export const RELAY_ADDRESS = '127.0.0.9';
/** rtpengine's port range (dev/pbx/args.sh edge_rtp_ports). */
const PORTS = [30000, 30199];

/** The relay on every port of rtpengine's range. `stop()` closes it. */
export async function startRtpRelay({ address = RELAY_ADDRESS, edge = '127.0.0.1' } = {}) {
  // Share of RTP packets dropped on the way to the edge (towards the agent) and to the far end.
  const loss = { toEdge: 0, toFarEnd: 0 };
  // Each direction's share of a packet owed to the loss: at 1 or more, the next one is dropped.
  const owed = { toEdge: 0, toFarEnd: 0 };
  const counts = { toEdge: { passed: 0, dropped: 0 }, toFarEnd: { passed: 0, dropped: 0 } };
  const heard = { toEdge: [], toFarEnd: [] };
  const sockets = [];
  for (let port = PORTS[0]; port <= PORTS[1]; port += 1) {
    const socket = dgram.createSocket('udp4');
    let farEnd = null;
    socket.on('message', (packet, from) => {
      const fromEdge = from.address === edge && from.port === port;
      const direction = fromEdge ? 'toFarEnd' : 'toEdge';
      if (!fromEdge) farEnd = { address: from.address, port: from.port };
      const destination = fromEdge ? farEnd : { address: edge, port };
      if (!destination) return;
      if (isRtp(packet)) {
        owed[direction] += loss[direction];
        if (owed[direction] >= 1) {
          owed[direction] -= 1;
          counts[direction].dropped += 1;
          return;
        }
        counts[direction].passed += 1;
        listen(heard[direction], packet, Date.now());
      }
      socket.send(packet, destination.port, destination.address);
    });
    socket.on('error', () => {});
    await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => { socket.off('error', reject); resolve(); });
    });
    sockets.push(socket);
  }
  return {
    address,
    /** Drops this share (0..1) of RTP packets going to the edge, and to the far end. */
    setLoss({ toEdge = 0, toFarEnd = 0 }) {
      Object.assign(loss, { toEdge, toFarEnd });
      Object.assign(owed, { toEdge: 0, toFarEnd: 0 });
    },
    /** Packets passed and dropped so far, per direction. */
    counts: () => structuredClone(counts),
    /** A point in time to measure the audio from. */
    mark: () => Date.now(),
    /** The mean energy of the G.711 audio that crossed towards the far end (or `toEdge`) since
     * `mark`, and how many seconds of it (8000 samples a second). */
    energySince(mark, direction = 'toFarEnd') {
      const frames = heard[direction].filter((f) => f.at >= mark && f.samples > 0);
      const samples = frames.reduce((n, f) => n + f.samples, 0);
      const energy = samples ? frames.reduce((sum, f) => sum + f.energy * f.samples, 0) / samples : 0;
      return { energy, seconds: samples / 8000 };
    },
    /** RTP packets of any codec that crossed towards the far end (or `toEdge`) since `mark`,
     * by payload type. */
    packetsSince(mark, direction = 'toFarEnd') {
      const byType = {};
      for (const f of heard[direction]) if (f.at >= mark) byType[f.payloadType] = (byType[f.payloadType] ?? 0) + 1;
      return byType;
    },
    async stop() {
      await Promise.all(sockets.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/** RTP version 2 with an audio payload type (RTCP's 200-204 sit where marker + PT do). */
function isRtp(packet) {
  return packet.length >= 12 && packet[0] >> 6 === 2 && !((packet[1] & 0x7f) >= 72 && (packet[1] & 0x7f) <= 76);
}

/** Keeps the energy of a PCMU (0) or PCMA (8) packet's audio; of other codecs (Opus), that a
 * packet passed. */
function listen(frames, packet, at) {
  const pt = packet[1] & 0x7f;
  const decode = pt === 0 ? mulawToLinear : pt === 8 ? alawToLinear : null;
  if (!decode) {
    frames.push({ at, energy: 0, samples: 0, payloadType: pt });
    return;
  }
  const headerLength = 12 + 4 * (packet[0] & 0x0f) + (packet[0] & 0x10 ? 4 + 4 * packet.readUInt16BE(12 + 4 * (packet[0] & 0x0f) + 2) : 0);
  const payload = packet.subarray(headerLength);
  let sum = 0;
  for (const byte of payload) sum += (decode(byte) / 32768) ** 2;
  frames.push({ at, energy: payload.length ? sum / payload.length : 0, samples: payload.length, payloadType: pt });
}
