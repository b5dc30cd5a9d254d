// SIPp (Debian's sip-tester) as a far end behind the edge: a scenario file from tests/e2e/sipp
// run as a UAS (the trunk's far end: a carrier, a PBX, an IVR) or a UAC (a caller arriving over
// the trunk), with G.711 audio streamed from a file made at test time, every SIP message it sent
// and received logged for the test to read. See tests/e2e/sipp/README.md for the scenarios and
// the keys they take.
//
//   const far = await startSipp({ scenario: 'uas-answer.xml' });          // the trunk's far end
//   ... the agent dials a number; the edge routes it to 127.0.0.2:5080 ...
//   far.received('INVITE').requestUri                                     // what the trunk saw
//   await far.done();                                                     // the scenario ended
//
//   const caller = await startSipp({ scenario: 'uac-call.xml', call: '2000', caller: '+442079460018' });
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestAudio } from './audio.mjs';
import { settledWithin } from './browser.mjs';

export const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), '..', 'sipp');
/** Where the edge's dispatcher sends outside numbers (dev/pbx/start.sh --edge's default trunk). */
export const TRUNK = { address: '127.0.0.2', port: 5080 };
/** The edge's SIP over UDP. */
export const EDGE_SIP = '127.0.0.1:5060';

const CODECS = { PCMU: { pt: 0, encoding: 'pcmu' }, PCMA: { pt: 8, encoding: 'pcma' } };
let nextMediaPort = 6000;

/**
 * Starts one SIPp scenario for one call and returns at once (a UAS is listening by then).
 * - `scenario`: a file in tests/e2e/sipp (or an absolute path).
 * - `call`: makes it a UAC calling this user at the edge (`[service]`), else a UAS.
 * - `caller`: the UAC's From user (a number from outside); `address`/`port`: where SIPp
 *   listens (default the trunk's 127.0.0.2:5080 for a UAS, 127.0.0.2 and a free port for a UAC:
 *   the edge lets in calls from the trunk's address without a password).
 * - `codec`: 'PCMU' (default) or 'PCMA', streamed from a generated file; `telephoneEvent`:
 *   offer or answer RFC 4733 (payload type 101; default true).
 * - `keys`: more `-key name value` pairs for scenarios of your own; `timeoutSeconds`: SIPp
 *   gives up (and fails) after this long (default 60).
 */
export async function startSipp({
  scenario, call, caller = '+15555550100', address = TRUNK.address, port, codec = 'PCMU',
  telephoneEvent = true, keys = {}, timeoutSeconds = 60,
}) {
  const file = scenario.startsWith('/') ? scenario : join(SCENARIOS, scenario);
  if (!existsSync(file)) throw new Error(`no SIPp scenario ${file}`);
  const chosen = CODECS[codec];
  if (!chosen) throw new Error(`SIPp streams PCMU or PCMA, not ${codec}`);
  const dir = mkdtempSync(join(tmpdir(), 'softphone-sipp-'));
  const audio = writeTestAudio(join(dir, `${codec}.wav`), chosen.encoding);
  const log = join(dir, 'messages.log');
  const mediaPort = nextMediaPort;
  nextMediaPort += 4;
  const allKeys = {
    audio: `${audio},-1,${chosen.pt}`, payloads: telephoneEvent ? `${chosen.pt} 101` : `${chosen.pt}`,
    codec_pt: String(chosen.pt), codec_name: codec, caller, ...keys,
  };
  const sipPort = port ?? (call ? null : TRUNK.port); // a UAC: SIPp picks a free port
  const args = [
    '-sf', file, '-i', address, ...(sipPort === null ? [] : ['-p', String(sipPort)]), '-mi', address, '-mp', String(mediaPort),
    '-m', '1', '-nostdin', '-trace_msg', '-message_file', log, '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-timeout', `${timeoutSeconds}s`, '-timeout_error',
    ...Object.entries(allKeys).flatMap(([k, v]) => ['-key', k, v]),
  ];
  if (call) args.push('-s', call, EDGE_SIP);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // A test process that dies (an uncaught error, a timeout) takes its far ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  // A UAS must be listening before the test makes the call that reaches it.
  if (!call) await waitForListener(child, address, sipPort, () => stderr);
  return {
    /** Every SIP message SIPp sent or received so far, oldest first. */
    messages: () => parseMessageLog(log),
    /** The first received request of `method` (or response with `status`), parsed; null if none yet. */
    received(methodOrStatus) {
      return parseMessageLog(log).find((m) => m.direction === 'received'
        && (typeof methodOrStatus === 'number' ? m.status === methodOrStatus : m.method === methodOrStatus)) ?? null;
    },
    /** Waits for the scenario to end: `{ ok }` when it ran to its end, else why not. */
    async done({ timeout = (timeoutSeconds + 5) * 1000 } = {}) {
      const result = await settledWithin(exited, timeout);
      if (!result) throw new Error(`SIPp (${scenario}) still running after ${timeout} ms`);
      return { ok: result.code === 0, code: result.code, errors: readIfThere(join(dir, 'errors.log')) + stderr };
    },
    /** Ends SIPp now (if it still runs) and removes its files (kept with E2E_DEBUG). */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await settledWithin(exited, 2000);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      if (process.env.E2E_DEBUG) console.log(`# SIPp ${scenario} files kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
    dir,
  };
}

/** Waits until SIPp has bound its SIP socket (listed in /proc/net/udp). */
async function waitForListener(child, address, port, stderr) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`SIPp exited at start: ${stderr()}`);
    if (udpBound(address, port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`SIPp did not listen on ${address}:${port}: ${stderr()}`);
}

/** Is a UDP socket bound to `address`:`port` in this network namespace? */
export function udpBound(address, port) {
  const hex = address.split('.').reverse().map((b) => Number(b).toString(16).padStart(2, '0')).join('').toUpperCase();
  const local = `${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/udp', 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1] === local);
}

function readIfThere(path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** SIPp's -trace_msg log: blocks headed by a line of dashes and "UDP message received [N]
 * bytes :" or "UDP message sent (N bytes):", then the message. */
export function parseMessageLog(path) {
  if (!existsSync(path)) return [];
  const blocks = readFileSync(path, 'utf8').split(/^-{10,}.*$/m);
  const messages = [];
  for (const block of blocks) {
    const head = block.match(/message (received|sent)[^\n]*\n\n?/);
    if (!head) continue;
    const text = block.slice(head.index + head[0].length).replace(/^\s*\n/, '').replace(/\r/g, '');
    const [firstLine, ...rest] = text.split('\n');
    const blank = rest.indexOf('');
    const headerLines = blank === -1 ? rest : rest.slice(0, blank);
    const body = blank === -1 ? '' : rest.slice(blank + 1).join('\n').trim();
    const request = firstLine.match(/^([A-Z]+) (\S+) SIP\/2\.0/);
    const response = firstLine.match(/^SIP\/2\.0 (\d{3})/);
    messages.push({
      direction: head[1],
      firstLine,
      method: request ? request[1] : null,
      requestUri: request ? request[2] : null,
      status: response ? Number(response[1]) : null,
      /** The values of header `name` (case-insensitive), in order. */
      headers: (name) => headerLines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((l) => l.slice(l.indexOf(':') + 1).trim()),
      body,
      text,
    });
  }
  return messages;
}
