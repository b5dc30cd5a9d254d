// The network parts of the TURN, TLS and failover tests: coturn (dev/turn), Kamailio with TLS or
// as one of a DMQ pair (dev/pbx), a TURN REST credentials service, definition variants, and a
// signed-in agent whose peer connections the test can read.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, launchBrowser, keepPeerConnections } from './browser.mjs';
import { openPeer } from './peer.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, ROOT, developmentDefinition, startConsole, writeWhole, openPhone, signInAs } from './console.mjs';
import { startPbx } from './pbx.mjs';
import { startPeerServer } from './peer.mjs';

function runDir(name) {
  return mkdtempSync(join(tmpdir(), `softphone-${name}-`));
}

/** coturn on 127.0.0.1:3478: a static `user` ("name:password") or a TURN REST `authSecret`. */
export function startTurn({ user = 'agent:dev-turn', authSecret } = {}) {
  const dir = runDir('turn');
  const script = (name) => join(ROOT, 'dev', 'turn', name);
  const auth = authSecret ? ['--auth-secret', authSecret] : ['--user', user];
  execFileSync(script('start.sh'), ['--run-dir', dir, ...auth], { stdio: 'pipe' });
  return {
    log: () => readFileSync(join(dir, 'turnserver.log'), 'utf8'),
    stop() {
      execFileSync(script('stop.sh'), ['--run-dir', dir], { stdio: 'pipe' });
      if (!process.env.E2E_DEBUG) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One Kamailio from dev/pbx with `args` (e.g. ['--tls'], ['--instance', 'secondary']). */
export function startKamailio(args = []) {
  const dir = runDir('pbx');
  const script = (name) => join(ROOT, 'dev', 'pbx', name);
  const all = [...args, '--run-dir', dir];
  const start = () => execFileSync(script('start.sh'), all, { stdio: 'pipe' });
  start();
  const spkiFile = join(dir, 'tls', 'spki.txt');
  return {
    dir,
    start,
    /** The base64 SHA-256 of the test certificate's public key (with --tls). */
    spki: () => readFileSync(spkiFile, 'utf8').trim(),
    kill: () => execFileSync(script('stop.sh'), all, { stdio: 'pipe' }),
    stop() {
      execFileSync(script('stop.sh'), all, { stdio: 'pipe' });
      if (!process.env.E2E_DEBUG) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TURN REST credentials service on 127.0.0.1:`port`, as a customer's own server would run
 * it: user "expiry:agent", password base64(HMAC-SHA1(secret, user)), readable by the app origin;
 * `delayMs` makes it answer that late. */
export async function startTurnCredentials(secret, { port = 8703, ttl = 600, delayMs = 0 } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push({ url: req.url, origin: req.headers.origin, at: Date.now() });
    // A slow service holds every call's start up by this long (the phone fetches before a call).
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const username = `${Math.floor(Date.now() / 1000) + ttl}:agent`;
    const password = createHmac('sha1', secret).update(username).digest('base64');
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': APP_ORIGIN });
    res.end(JSON.stringify({ username, password, ttl, uris: ['turn:127.0.0.1:3478?transport=udp'] }));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/turn`, requests, close: () => new Promise((r) => server.close(r)) };
}

/** Writes target/e2e/NAME.xml: callcenter-xml/development.xml (with password credentials unless
 * `items` says otherwise) with these rustSoftphone items set (added when absent; `null` removes one). Returns its
 * path relative to the repository, for startConsole. */
export function definitionVariant(name, items) {
  let xml = developmentDefinition();
  let order = 100;
  for (const [item, value] of Object.entries(items)) {
    const existing = new RegExp(`(<item [^>]*name="${item}"[^>]*>)[^<]*(</item>)`);
    if (value === null) {
      xml = xml.replace(new RegExp(`\\n *<item [^>]*name="${item}"[^>]*>[^<]*</item>`), '');
    } else if (existing.test(xml)) {
      xml = xml.replace(existing, `$1${value}$2`);
    } else {
      const line = `    <item sortOrder="${order++}" name="${item}" label="${item}">${value}</item>\n`;
      xml = xml.replace(/(<section [^>]*name="rustSoftphone"[^>]*>\n)/, `$1${line}`);
    }
  }
  const dir = join(ROOT, 'target', 'e2e');
  mkdirSync(dir, { recursive: true });
  writeWhole(join(dir, `${name}.xml`), xml);
  return join('target', 'e2e', `${name}.xml`);
}


/** The browser, the JsSIP peer server and the stand-in with `definition`; `stop()` ends them all.
 * `browser` options go to launchBrowser (e.g. `{ microphone: false }`). */
export async function startWorld({ definition, extraArgs = [], browser: browserOptions = {} }) {
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve().then(s).catch(() => {});
  };
  try {
    const consoleServer = await startConsole({ definition });
    stops.push(() => consoleServer.stop());
    const peerServer = await startPeerServer();
    stops.push(() => peerServer.close());
    const browser = await launchBrowser({ extraArgs, ...browserOptions });
    stops.push(() => browser.close());
    await browser.context.addInitScript(keepPeerConnections);
    return { peerServer, browser, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The console with the phone open and signed in as `user` (Ready unless `expectReady` is false). */
export async function signIn(browser, user = '1001', { expectReady = true, logs = [] } = {}) {
  const page = await browser.context.newPage();
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  const phone = await openPhone(page);
  await signInAs(phone, user, { expectReady, timeout: 15_000 });
  return agentOn(page, phone);
}

/** The agent's side of a console page whose phone frame is `phone`: the page, the frame, and its
 * call's audio figures. */
export function agentOn(page, phone) {
  const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return {
    page,
    phone,
    frame,
    /** Audio bytes of the newest peer connection, and the type of its selected local candidate. */
    media: () => frame().evaluate(async () => {
      const pc = window.__callPc?.();
      if (!pc) return { received: 0, sent: 0, localType: null };
      const stats = [...(await pc.getStats()).values()];
      const byId = new Map(stats.map((s) => [s.id, s]));
      let received = 0, sent = 0, pairId = null;
      for (const s of stats) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      }
      const pair = byId.get(pairId);
      const local = pair && byId.get(pair.localCandidateId);
      return { received, sent, localType: local?.candidateType ?? null, relayProtocol: local?.relayProtocol ?? null, localPort: local?.port ?? null };
    }),
  };
}

/** Agent 1001 signed in, with a JsSIP far end registered as each of `users`; all of them are
 * added to `opened`, to be closed after the test. The agent's page is in front, as at a desk. */
export async function agentAndPeers(world, opened, ...users) {
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  const peers = [];
  for (const user of users) {
    const peer = await openPeer(world.browser.context, world.peerServer, user);
    opened.add(() => peer.close());
    peers.push(peer);
  }
  await agent.page.bringToFront();
  return { agent, peers };
}

/** Both sides' audio bytes grow over 1.5 s; returns the agent's figures at the end. */
export async function audioFlowsBothWays(assert, agent, peer) {
  const [a1, p1] = [await agent.media(), await peer.bytes()];
  await new Promise((r) => setTimeout(r, 1500));
  const [a2, p2] = [await agent.media(), await peer.bytes()];
  assert.ok(a2.received > a1.received, `the agent receives audio (${a1.received} -> ${a2.received} bytes)`);
  assert.ok(a2.sent > a1.sent, `the agent sends audio (${a1.sent} -> ${a2.sent} bytes)`);
  assert.ok(p2.received > p1.received, `the far end receives audio (${p1.received} -> ${p2.received} bytes)`);
  return a2;
}

/** Kamailio (dev/pbx) and `startWorld` with the development definition changed by `items`
 * (see `definitionVariant`), for tests that need both; `stop()` ends them all. */
export async function startPbxWorld(name, items = {}) {
  const pbx = startPbx();
  try {
    const world = await startWorld({ definition: definitionVariant(name, items) });
    return { ...world, pbx, stop: async () => { await world.stop(); pbx.stop(); } };
  } catch (e) {
    pbx.stop();
    throw e;
  }
}

/** Things a test opened (pages, peers), closed in reverse order by `closeAll()` after it. */
export function openedThings() {
  let closers = [];
  return {
    add: (close) => closers.push(close),
    async closeAll() {
      for (const close of closers.reverse()) await Promise.resolve().then(close).catch(() => {});
      closers = [];
    },
  };
}

