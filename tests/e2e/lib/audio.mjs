// Audio files for the non-browser far ends, made at test time (no binary is committed), and
// the energy of what a far end recorded: the same "is there sound" question the browser tests
// answer with getStats' totalAudioEnergy.
import { readFileSync, writeFileSync } from 'node:fs';

const RATE = 8000;

/** A voice-like test signal: 400 ms bursts of a 440 Hz tone with 100 ms pauses, at about a
 * quarter of full scale, as 16-bit samples (-32768..32767). */
function testSignal(seconds, rate = RATE) {
  const samples = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i += 1) {
    const inBurst = (i / rate) % 0.5 < 0.4;
    samples[i] = inBurst ? Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)) : 0;
  }
  return samples;
}

/** G.711 µ-law (ITU-T G.711, the segment encoding every PBX speaks) of one 16-bit sample. */
export function mulaw(sample) {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** G.711 A-law of one 16-bit sample. */
export function alaw(sample) {
  const sign = sample >= 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32767) >> 3;
  let exponent = 0;
  if (magnitude >= 32) {
    exponent = 1;
    while (magnitude >= 64 && exponent < 7) { magnitude >>= 1; exponent += 1; }
  }
  const mantissa = exponent === 0 ? magnitude >> 1 : (magnitude >> 1) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

/** The 16-bit sample a G.711 µ-law byte stands for. */
export function mulawToLinear(byte) {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** The 16-bit sample a G.711 A-law byte stands for. */
export function alawToLinear(byte) {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/** A WAV file: `format` 1 (16-bit PCM), 6 (A-law) or 7 (µ-law), mono. */
function wav(format, rate, bytesPerSample, data) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * bytesPerSample, 28);
  header.writeUInt16LE(bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Writes the test signal to `path`: 'pcm16' (baresip's aufile source, 8 kHz), 'pcmu' or
 * 'pcma' (G.711 samples SIPp streams as they are, payload type 0 or 8). */
export function writeTestAudio(path, encoding, seconds = 120) {
  const samples = testSignal(seconds);
  let file;
  if (encoding === 'pcm16') {
    file = wav(1, RATE, 2, Buffer.from(samples.buffer));
  } else if (encoding === 'pcmu' || encoding === 'pcma') {
    const encode = encoding === 'pcmu' ? mulaw : alaw;
    file = wav(encoding === 'pcmu' ? 7 : 6, RATE, 1, Buffer.from(Uint8Array.from(samples, encode)));
  } else {
    throw new Error(`unknown encoding ${encoding}`);
  }
  writeFileSync(path, file);
  return path;
}

/** The 16-bit PCM samples of a WAV file as written so far (a recorder still writing it leaves
 * the header's sizes at 0: the data runs to the end of the file), with its sample rate. */
export function readPcmWav(path) {
  const file = readFileSync(path);
  let rate = RATE;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = file.readUInt32LE(offset + 12);
    if (id === 'data') {
      const start = offset + 8;
      const end = start + Math.floor((file.length - start) / 2) * 2;
      const samples = new Int16Array(file.buffer.slice(file.byteOffset + start, file.byteOffset + end));
      return { rate, samples };
    }
    offset += 8 + size + (size % 2);
  }
  return { rate, samples: new Int16Array(0) };
}

/** Mean energy of `samples` (0 for silence, about 0.03 for the test signal's bursts). */
export function energyOf(samples) {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return sum / samples.length;
}
