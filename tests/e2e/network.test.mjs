// Calls that survive the network: the agent's WebSocket runs through a loopback relay in front of
// Kamailio (127.0.0.1:8090 -> 8080) that the test severs mid-call, as a Wi-Fi blip or a network
// change would. The far end is the JsSIP peer, connected to Kamailio directly. What the agent and
// the customer would notice is asserted; the recovery times are printed.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, keepPeerConnections, launchBrowser } from './lib/browser.mjs';
import { APP_ORIGIN, CONSOLE_ORIGIN, ROOT, developmentDefinition, startConsole, standin, callButton } from './lib/console.mjs';
import { startPbx } from './lib/pbx.mjs';
import { openPeer, startPeerServer } from './lib/peer.mjs';
import { startRelay } from './lib/relay.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const DEFINITION = 'target/e2e/network-definition.xml';
let pbx, relay, consoleServer, peerServer, browser;

/** The development definition with the relay first and Kamailio itself second. */
function writeDefinition() {
  const xml = developmentDefinition();
  const urls = 'ws://127.0.0.1:8090,ws://127.0.0.1:8080';
  const variant = xml.replace(/(name="pbxWebSocketUrls"[^>]*>)[^<]*</, `$1${urls}<`);
  assert.notEqual(variant, xml, 'the definition names pbxWebSocketUrls');
  mkdirSync(join(ROOT, 'target', 'e2e'), { recursive: true });
  writeFileSync(join(ROOT, DEFINITION), variant);
}

before(async () => {
  writeDefinition();
  pbx = startPbx();
  relay = await startRelay();
  consoleServer = await startConsole({ definition: DEFINITION });
  peerServer = await startPeerServer();
  browser = await launchBrowser();
  // Keep the app's peer connections reachable, to read their stats and SDP from the test.
  await browser.context.addInitScript(keepPeerConnections);
});
after(async () => {
  for (const stop of [() => browser?.close(), () => peerServer?.close(), () => consoleServer?.stop(), () => relay?.stop(), () => pbx?.stop()]) {
    await Promise.resolve().then(stop).catch(() => {});
  }
});

let opened = [];
let logs = [];
afterEach(async () => {
  if (process.env.E2E_DEBUG) for (const l of logs) console.log('# page console:', l);
  logs = [];
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
});

const json = async (path) => (await fetch(CONSOLE_ORIGIN + path)).json();

/** The console with the phone signed in as `user`. */
async function agent(user) {
  const page = await browser.context.newPage();
  opened.push(() => page.close());
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  await page.goto(CONSOLE_ORIGIN + '/');
  await eventually('the phone to initialise', () => standin(page, 'state.initialized'));
  await page.click('#utility-item');
  const phone = page.frameLocator('#softphone-slot iframe');
  await phone.locator('#sip-user').fill(user);
  await phone.locator('#sip-password').fill(`dev-${user}`);
  await phone.locator('button[type=submit]', { hasText: 'Sign in' }).click();
  const app = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return {
    page,
    phone,
    app,
    /** Audio bytes of the call's peer connection. */
    bytes: () => app().evaluate(async () => {
      const pc = window.__callPc?.();
      let received = 0, sent = 0;
      if (pc) (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived || 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
      });
      return { received, sent };
    }),
    /** The ICE username fragment the call's peer connection uses now. */
    ufrag: () => app().evaluate(() => window.__callPc?.()?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1]),
  };
}

/** How many live contacts Kamailio's location table holds for `user` (kamcmd prints an error,
 * and so none, when there are none). */
function contactsOf(user) {
  const out = execFileSync('kamcmd', ['-s', `unix:${pbx.runDir}/kamailio_ctl`, 'ul.lookup', 'location', `${user}@127.0.0.1`], { encoding: 'utf8' });
  return (out.match(/^\s*Address:/gm) || []).length;
}

async function peer_(user) {
  const p = await openPeer(browser.context, peerServer, user);
  opened.push(() => p.close());
  return p;
}

/** The agent click-to-dials Margaret (the JsSIP peer 1002), who answers. */
async function callMargaret(a, peer) {
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(a.phone).click();
  await eventually('the INVITE to reach the peer', () => peer.has('incoming'));
  await peer.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
}

/** Milliseconds from `since` until audio arrives at both ends (bytes grow within 250 ms);
 * fails after `limit` ms. */
async function audioBack(a, peer, since, limit) {
  for (;;) {
    const [a1, p1] = [await a.bytes(), await peer.bytes()];
    await new Promise((r) => setTimeout(r, 250));
    const [a2, p2] = [await a.bytes(), await peer.bytes()];
    if (a2.received > a1.received && p2.received > p1.received) return Date.now() - since;
    assert.ok(Date.now() - since < limit, `audio did not come back within ${limit} ms (agent ${a1.received}->${a2.received}, far end ${p1.received}->${p2.received} bytes)`);
  }
}

/** The far end hangs up: the agent's call ends, and exactly one Task is logged for it. */
async function farEndHangsUpAndOneTaskIsLogged(a, peer) {
  await peer.hangup();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 5_000 });
  await eventually('the call log', async () => (await json('/__standin/tasks')).length > 0);
  await new Promise((r) => setTimeout(r, 1000));
  const tasks = await json('/__standin/tasks');
  assert.equal(tasks.length, 1, `exactly one Task: ${JSON.stringify(tasks)}`);
  assert.equal(tasks[0].WhoId, MARGARET);
  assert.ok(tasks[0].CallObject, 'with the Call-ID');
}

test('the agent\'s connection is cut mid-call: the call moves to a new connection, the far end\'s hang-up still ends it, one Task', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await peer_('1002');
  const a = await agent('1001');
  await a.phone.locator('[role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 10_000 });
  assert.equal(relay.connections(), 1, 'the agent reaches Kamailio through the relay');
  assert.equal(contactsOf('1001'), 1, 'registered once');
  await callMargaret(a, peer);
  await audioBack(a, peer, Date.now(), 5_000);
  const ufrag = await a.ufrag();

  const cut = Date.now();
  assert.equal(relay.sever(), 1);
  const reinvite = await eventually('the call to move: a re-INVITE at the far end', async () => (await peer.events()).find((e) => e.type === 'reinvite' && e.at >= cut), 5_000);
  console.log(`# connection cut -> re-INVITE from the new connection at the far end: ${reinvite.at - cut} ms`);
  assert.match(reinvite.contact, /;alias=127\.0\.0\.1~\d+~5/, `the Contact of the new connection, as Kamailio marks it: ${reinvite.contact}`);
  assert.equal(await a.ufrag(), ufrag, 'ICE did not fail: no ICE restart');
  const back = await audioBack(a, peer, cut, 3_000);
  console.log(`# connection cut -> audio both ways: ${back} ms (the media path on loopback is not cut by the relay)`);
  await a.phone.locator('[role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 5_000 });
  assert.equal(relay.connections(), 1, 'one connection again');
  assert.equal(contactsOf('1001'), 1, 'registered again as the same device (RFC 5626 instance): one contact, not two');
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 1_000 });

  await farEndHangsUpAndOneTaskIsLogged(a, peer);
});

test('a network change mid-call: the call moves with an ICE restart and audio is back within 3 s', async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const peer = await peer_('1002');
  const a = await agent('1001');
  await a.phone.locator('[role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 10_000 });
  await callMargaret(a, peer);
  await audioBack(a, peer, Date.now(), 5_000);
  const ufrag = await a.ufrag();

  // What the browser reports when the laptop leaves one network for another.
  const cut = Date.now();
  await a.app().evaluate(() => window.dispatchEvent(new Event('offline')));
  relay.sever();
  const reinvite = await eventually('a re-INVITE at the far end', async () => (await peer.events()).find((e) => e.type === 'reinvite' && e.at >= cut), 5_000);
  await a.app().evaluate(() => window.dispatchEvent(new Event('online')));
  console.log(`# network change -> re-INVITE with an ICE restart at the far end: ${reinvite.at - cut} ms`);
  const offered = reinvite.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
  assert.ok(offered && offered !== ufrag, `new ICE credentials (${ufrag} -> ${offered})`);
  const back = await audioBack(a, peer, cut, 3_000);
  console.log(`# network change -> audio both ways after the ICE restart: ${back} ms`);
  await eventually('the agent to use the new ICE credentials', async () => (await a.ufrag()) === offered, 3_000);

  await farEndHangsUpAndOneTaskIsLogged(a, peer);
});

test('a PBX that answers REGISTER with 503 is left for the next URL at once', async () => {
  relay.setMode('unavailable');
  try {
    const a = await agent('1003');
    await a.phone.locator('[role=status]', { hasText: 'Ready · 1003' }).waitFor({ timeout: 10_000 });
    const refusals = relay.refusals();
    assert.equal(refusals.length, 1, 'the unavailable PBX was asked once, not again despite its Retry-After');
    console.log(`# 503 from the first PBX -> registered at the second: ${Date.now() - refusals[0]} ms or less`);
    assert.equal(await standin(a.page, 'state.item.label'), 'Phone: ready');
  } finally {
    relay.setMode('relay');
  }
});
