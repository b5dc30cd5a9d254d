// Salesforce Voice for the tests: the stand-in (dev/voice), the VoiceCall service
// (crates/voicecall) and Kamailio with the service's hook, each in the test's own directory.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { ROOT } from './console.mjs';
import { eventually, launchBrowser } from './browser.mjs';
import { startPeerServer } from './peer.mjs';

export const ORG_ID = '00D000000000001AAA';
export const STANDIN_PORT = 8790;
export const HOOK_PORT = 7780;
export const LOOKUP_PORT = 7781;
/** The names the stand-in answers as, for Chromium's resolver. */
export const STANDIN_HOSTS = ['acme.lightning.force.com', 'acme--c.vf.force.com', 'acme--other.vf.force.com', 'other.lightning.force.com', 'voicecall.acme.test'];
export const OMNI_URL = `https://acme.lightning.force.com:${STANDIN_PORT}/`;

/** Test certificates and the contact center's key (dev/voice/cert.sh) in a fresh directory. */
export function makeCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'voice-certs-'));
  execFileSync(join(ROOT, 'dev', 'voice', 'cert.sh'), [dir]);
  return {
    dir,
    spki: () => execFileSync('cat', [join(dir, 'spki.txt')]).toString().trim(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Chromium flags that send the stand-in's names to 127.0.0.1 and trust only its certificate. */
export function chromiumArgs(certs) {
  return [
    `--host-resolver-rules=${STANDIN_HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
    `--ignore-certificate-errors-spki-list=${certs.spki()}`,
  ];
}

function child(command, args, name) {
  const proc = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  return {
    proc,
    output: () => output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
    name,
  };
}

/** GET/POST to the stand-in (its test hooks) over HTTPS with the test CA. */
export function standinRequest(certs, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: STANDIN_PORT, method, path, ca: execFileSync('cat', [join(certs.dir, 'ca.pem')]), headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve(text ? JSON.parse(text) : null));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Starts the Salesforce Voice stand-in; with `pkg` (the voice package's source tree) it also
 * serves Omni and the connector, with `deployment` written into the connector page. */
export async function startStandin(certs, { contactCenter = 'dev/voice/contact-center.xml', pkg, deployment } = {}) {
  const args = [join(ROOT, 'dev', 'voice', 'server.mjs'), '--certs', certs.dir, '--contact-center', join(ROOT, contactCenter), '--org-id', ORG_ID, '--port', String(STANDIN_PORT)];
  if (pkg) args.push('--package', join(ROOT, pkg));
  if (deployment) args.push('--deployment', JSON.stringify(deployment));
  const s = child(process.execPath, args, 'voice stand-in');
  await eventually('the voice stand-in to listen', () => s.output().includes('voice stand-in: Omni on') || (s.proc.exitCode !== null && Promise.reject(new Error(s.output()))), 5000);
  return {
    ...s,
    voiceCalls: () => standinRequest(certs, 'GET', '/__standin/voicecalls'),
    restLog: () => standinRequest(certs, 'GET', '/__standin/rest-log'),
    faults: (list) => standinRequest(certs, 'POST', '/__standin/rest-faults', list),
    reset: () => standinRequest(certs, 'POST', '/__standin/reset', {}),
  };
}

/** Starts the VoiceCall service against the stand-in's REST API; `key` defaults to the contact
 * center's key (another file: a key Salesforce does not know). */
export async function startVoiceCallService(certs, { key, contactCenter = 'RustSoftphoneVoice', answerTimeoutMs = 3000, tls = true } = {}) {
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  // scripts/test.sh builds it in debug (its dependencies are the unit tests'); either will do.
  const bin = ['debug', 'release'].map((p) => join(target, p, 'voicecall')).find(existsSync);
  if (!bin) throw new Error(`${target}/debug/voicecall is missing: run cargo build -p voicecall`);
  const keyFile = key || join(certs.dir, 'contact-center.key');
  chmodSync(keyFile, 0o600);
  const args = [
    '--scrt-url', `https://127.0.0.1:${STANDIN_PORT}`, '--org-id', ORG_ID, '--contact-center', contactCenter,
    '--key-file', keyFile, '--ca-file', join(certs.dir, 'ca.pem'),
    '--hook-listen', `127.0.0.1:${HOOK_PORT}`, '--lookup-listen', `127.0.0.1:${LOOKUP_PORT}`,
    '--allow-origin', `https://acme--c.vf.force.com:${STANDIN_PORT}`, '--answer-timeout-ms', String(answerTimeoutMs),
  ];
  if (tls) args.push('--tls-cert', join(certs.dir, 'server.pem'), '--tls-key', join(certs.dir, 'server.key'));
  const s = child(bin, args, 'voicecall');
  await eventually('the VoiceCall service to listen', () => s.output().includes('PBX hook on') || (s.proc.exitCode !== null && Promise.reject(new Error(s.output()))), 5000);
  return s;
}

/** What Kamailio's hook sends, from the test (`event`: started or ended). */
export async function hook(event, fields) {
  const res = await fetch(`http://127.0.0.1:${HOOK_PORT}/v1/calls/${event}`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, body: await res.json() };
}

/** The service's lookup, as the connector asks it (over its TLS listener, trusting the test CA). */
export function lookup(certs, callId, waitS = 0) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: LOOKUP_PORT, path: `/v1/voice-calls/${encodeURIComponent(callId)}?wait=${waitS}`, ca: execFileSync('cat', [join(certs.dir, 'ca.pem')]), servername: 'voicecall.acme.test' }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Kamailio with the hook for Salesforce Voice agents `agents` (the other users are customers). */
export function startVoicePbx({ agents = ['1001', '1005'], port = 8080 } = {}) {
  const runDir = mkdtempSync(join(tmpdir(), 'softphone-pbx-voice-'));
  const script = (name) => join(ROOT, 'dev', 'pbx', name);
  const args = ['--port', String(port), '--run-dir', runDir];
  execFileSync(script('start.sh'), [...args, '--voicecall-hook', `http://127.0.0.1:${HOOK_PORT}`, '--voice-agents', agents.join(',')], { stdio: 'pipe' });
  return {
    url: `ws://127.0.0.1:${port}`,
    runDir,
    stop() {
      execFileSync(script('stop.sh'), args, { stdio: 'pipe' });
      if (!process.env.E2E_DEBUG) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** The deployment the stand-in writes into the connector page: this org, the loopback PBX and
 * the VoiceCall service's test name (a deployable build refuses both, as the Open CTI package
 * refuses loopback; the Lightning stand-in rewrites its page the same way). */
export const TEST_DEPLOYMENT = {
  orgOrigins: [`https://acme.lightning.force.com:${STANDIN_PORT}`],
  organizationId: ORG_ID,
  pbxOrigins: ['ws://127.0.0.1:8080'],
  voiceCallOrigins: [`https://voicecall.acme.test:${LOOKUP_PORT}`],
};

/** Everything a Salesforce Voice test needs, started together and stopped together: the
 * stand-in serving the built voice package, the VoiceCall service, Kamailio with its hook,
 * the JsSIP peer server and a browser that trusts the test certificate. */
export async function startVoiceWorld({ agents = ['1001', '1005'], initScript } = {}) {
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
  };
  try {
    const certs = makeCerts();
    stops.push(() => certs.remove());
    if (!existsSync(join(ROOT, 'org/voice/force-app/main/default/pages/SoftphoneConnector.page'))) {
      throw new Error('the voice package is not built: run scripts/build-connector.sh and scripts/build-voice-package.sh');
    }
    const standin = await startStandin(certs, { pkg: 'org/voice/force-app/main/default', deployment: TEST_DEPLOYMENT });
    stops.push(() => standin.stop());
    const service = await startVoiceCallService(certs);
    stops.push(() => service.stop());
    const pbx = startVoicePbx({ agents });
    stops.push(() => pbx.stop());
    const peers = await startPeerServer();
    stops.push(() => peers.close());
    const browser = await launchBrowser({ extraArgs: chromiumArgs(certs) });
    stops.push(() => browser.close());
    if (initScript) await browser.context.addInitScript(initScript);
    return { certs, standin, service, pbx, peers, browser, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Reads `window.voiceStandin.<path>` in the Omni page. */
export const omni = (page, path) => page.evaluate((p) => p.split('.').reduce((v, k) => v?.[k], window.voiceStandin), path);

/** The connector's events of `type` seen by the Omni page (`{at, payload}`). */
export const events = (page, type) => page.evaluate((t) => window.voiceStandin.events(t), type);

/** Opens Omni, signs the connector in as `user` from the login frame, and sets the agent
 * Available; returns the connector's frame. */
export async function signInToOmni(page, user = '1001', { password = `dev-${user}`, query = '' } = {}) {
  await page.goto(OMNI_URL + query);
  const login = page.frameLocator('#login-slot iframe');
  await login.locator('#sip-user').fill(user, { timeout: 20_000 });
  await login.locator('#sip-password').fill(password);
  await login.locator('button[type=submit]').click();
  await eventually('CONNECTOR_READY', async () => (await omni(page, 'state.ready')) !== null, 15_000);
  await page.selectOption('#presence', 'available');
  await eventually('the agent to be registered again after Available', async () => (await events(page, 'SET_AGENT_STATUS_RESULT')).length > 0);
  return connectorFrame(page);
}

/** The connector's (hidden) frame. */
export function connectorFrame(page) {
  return page.frames().find((f) => f.url().includes('/apex/SoftphoneConnector'));
}
