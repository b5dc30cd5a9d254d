// baresip (Debian) as a plain-RTP SIP phone behind the edge: registered over UDP as one of the
// development users, G.711 (or Opus) with RFC 4733 events, answering by itself, playing a test
// signal (lib/audio.mjs) as its microphone and recording what it hears (the sndfile module), so
// a test can measure both directions' audio without a browser on the far side. Driven through
// its TCP control socket (the ctrl_tcp module: netstrings of JSON commands and events).
//
//   const desk = await startBaresip({ user: '1002' });
//   await desk.command('dial', 'sip:1001@127.0.0.1');
//   await desk.waitFor('CALL_ESTABLISHED');
//   const mark = desk.mark();  ...  desk.energySince(mark)     // what it heard since the mark
//   desk.digits()                                               // [{ digit: '5', via: 'rfc4733' }]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyOf, readPcmWav, writeTestAudio } from './audio.mjs';
import { eventually, settledWithin } from './browser.mjs';

/** baresip's own names of the codecs it may offer (audio_codecs), by the SDP's. */
const CODEC_NAMES = { PCMU: 'PCMU/8000/1', PCMA: 'PCMA/8000/1', opus: 'opus/48000/2' };
let nextHost = 3; // 127.0.0.3, .4, ...: each phone its own address (127.0.0.2 is the trunk)

/**
 * Starts baresip registered as `user` (development password unless given) at the edge's
 * 127.0.0.1:5060 and waits until the registration is accepted.
 * - `codecs`: what it offers and accepts, in order (default ['PCMU']: a G.711 desk phone);
 * - `autoAnswer`: answers every call at once (default true); else `command('accept')`.
 */
export async function startBaresip({ user, password = `dev-${user}`, codecs = ['PCMU'], autoAnswer = true } = {}) {
  const host = `127.0.0.${nextHost}`;
  nextHost += 1;
  const dir = mkdtempSync(join(tmpdir(), `softphone-baresip-${user}-`));
  const recordings = join(dir, 'heard');
  mkdirSync(recordings);
  const signal = writeTestAudio(join(dir, 'signal.wav'), 'pcm16');
  writeFileSync(join(dir, 'config'), config({ host, signal, recordings, codecs }));
  const codecList = codecs.map((c) => CODEC_NAMES[c] ?? c).join(',');
  writeFileSync(join(dir, 'accounts'),
    `<sip:${user}@127.0.0.1>;auth_pass=${password};answermode=${autoAnswer ? 'auto' : 'manual'};audio_codecs=${codecList};regint=600\n`);

  const child = spawn('baresip', ['-f', dir, '-s'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A test process that dies (an uncaught error, a timeout) takes its far ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  const events = [];
  const socket = await connectControl(host, child, () => output);
  let pending = Buffer.alloc(0);
  const waiting = new Map();
  let token = 0;
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const colon = pending.indexOf(':');
      if (colon < 0) break;
      const length = Number(pending.subarray(0, colon).toString());
      if (pending.length < colon + 1 + length + 1) break;
      const message = JSON.parse(pending.subarray(colon + 1, colon + 1 + length).toString());
      pending = pending.subarray(colon + 1 + length + 1);
      if (message.event) events.push({ ...message, at: Date.now() });
      else if (message.response && waiting.has(message.token)) waiting.get(message.token)(message);
    }
  });

  const phone = {
    user,
    host,
    uri: `sip:${user}@127.0.0.1`,
    /** The control socket's events so far (type: CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED,
     * REGISTER_OK, ...), oldest first. */
    events: () => [...events],
    /** Waits for an event of `type` (after index `since` of events(), if given). */
    waitFor: (type, { since = 0, timeout = 10_000 } = {}) =>
      eventually(`baresip ${user}: ${type}`, () => events.slice(since).find((e) => e.type === type), timeout),
    /** Runs one of baresip's commands (dial URI, accept, hangup, hold, resume, ...); resolves
     * with its response, rejects when baresip says it failed. */
    command(name, params) {
      token += 1;
      const id = `t${token}`;
      const body = JSON.stringify({ command: name, params, token: id });
      socket.write(`${Buffer.byteLength(body)}:${body},`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip ${user}: no answer to ${name}`)), 5000);
        waiting.set(id, (m) => { clearTimeout(timer); waiting.delete(id); (m.ok ? resolve : reject)(m.ok ? m : new Error(`baresip ${user}: ${name} failed: ${m.data}`)); });
      });
    },
    /** The keypad digits it received, in order: `via` 'rfc4733' (an RTP telephone-event) or
     * 'info' (a SIP INFO). */
    digits() {
      const digits = [];
      for (const m of output.matchAll(/received event: '(.)' \(end=0\)|call: received DTMF: '(.)'/g)) {
        digits.push(m[1] ? { digit: m[1], via: 'rfc4733' } : { digit: m[2], via: 'info' });
      }
      return digits;
    },
    /** A point in what it heard, for energySince. */
    mark: () => {
      const files = heardFiles(recordings);
      return { file: files.at(-1) ?? null, samples: files.length ? readPcmWav(join(recordings, files.at(-1))).samples.length : 0 };
    },
    /** The mean energy of what it heard since `mark` (lib/audio.mjs energyOf), and how long:
     * the rest of the marked recording and every newer one (baresip starts a new recording
     * when a re-INVITE restarts its audio). */
    energySince(mark) {
      const files = heardFiles(recordings).filter((f) => mark.file === null || f >= mark.file);
      let sum = 0, count = 0, seconds = 0;
      for (const f of files) {
        const { rate, samples } = readPcmWav(join(recordings, f));
        const since = f === mark.file ? samples.subarray(Math.min(mark.samples, samples.length)) : samples;
        sum += energyOf(since) * since.length;
        count += since.length;
        seconds += since.length / rate;
      }
      return { energy: count ? sum / count : 0, seconds };
    },
    /** What baresip printed (its SIP trace included). */
    output: () => output,
    async stop() {
      socket.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await settledWithin(exited, 2000);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      if (process.env.E2E_DEBUG) {
        writeFileSync(join(dir, 'output.log'), output);
        console.log(`# baresip ${user} files kept in ${dir}`);
      }
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // Printed when the registrar says 200 (the control socket may connect after that event).
    await eventually(`baresip ${user} to register`, () => / \{\d+\/UDP\/v4\} 200 OK/.test(output), 10_000);
  } catch (e) {
    await phone.stop();
    throw new Error(`${e.message}\n${output.slice(-2000)}`);
  }
  return phone;
}

function config({ host, signal, recordings, codecs }) {
  const codecModules = [...new Set(codecs.map((c) => (c === 'opus' ? 'opus.so' : 'g711.so')))];
  return [
    'poll_method epoll',
    // One loopback address per phone: its SIP, its media and its control socket.
    `net_interface ${host}`,
    `sip_listen ${host}:5060`,
    'call_local_timeout 120',
    'call_max_calls 4',
    // The microphone is the test signal; nothing plays out loud (the recording is the ear).
    `audio_source aufile,${signal}`,
    'audio_player aubridge,nowhere',
    'audio_alert aubridge,nowhere',
    'ausrc_srate 8000',
    'auplay_srate 8000',
    'ausrc_channels 1',
    'auplay_channels 1',
    'rtp_ports 40000-40099',
    'rtcp_mux no',
    'jitter_buffer_delay 1-5',
    'module_path /usr/lib/baresip/modules',
    ...codecModules.map((m) => `module ${m}`),
    'module aufile.so',
    'module aubridge.so',
    // Writes what it hears (and sends) to WAV files: dump-TIME-dec.wav is what it heard.
    'module sndfile.so',
    `snd_path ${recordings}`,
    'module_tmp account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen ${host}:4444`,
    '',
  ].join('\n');
}

async function connectControl(host, child, output) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`baresip exited at start:\n${output()}`);
    const socket = await new Promise((resolve) => {
      const s = net.connect(4444, host);
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(null));
    });
    if (socket) return socket;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`baresip's control socket never opened:\n${output()}`);
}

/** The recordings of what was heard (one per call, or per restart of its audio), oldest first
 * (their names are the time they were started). */
function heardFiles(recordings) {
  return existsSync(recordings) ? readdirSync(recordings).filter((f) => f.endsWith('-dec.wav')).sort() : [];
}
