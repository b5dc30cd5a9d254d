// The diagnostics file support gets (Help > Download diagnostics), and that no secret is in it.
// The agent signs in with a password, calls a colleague (digest-challenged REGISTER and INVITE,
// real ICE), talks a few seconds and hangs up; meanwhile the test records every SIP message the
// phone's WebSocket carried. The file must hold the SIP messages, each call's WebRTC statistics,
// the phone's events, its settings and the browser; it must not hold the password, the static
// TURN credential of the definition, any digest response, nonce or cnonce the phone sent or
// received, nor any ICE password. The wrap-up's "Add diagnostics to the notes" puts the call's
// summary on its Task, with no secret either. Signed in by Salesforce instead, the password the
// org minted (recomputed here from the development secret) is not in the file either. And the
// journal stays bounded: a node test of journal.js itself (the last 15 minutes, 1 MB at most).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, ROOT, callButton, standin } from './lib/console.mjs';
import { agentAndPeers, agentOn, openedThings, startPbxWorld } from './lib/network.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const TURN_SECRET = 'turn-sekrit-7Qx4';

/** A world whose browser records every SIP message on the phone's WebSockets, both ways, as
 * the page saw it (`window.__sip` in the phone's frame). */
async function recordingWorld(name, items) {
  const world = await startPbxWorld(name, items);
  await world.browser.context.addInitScript(() => {
    window.__sip = [];
    const Original = window.WebSocket;
    window.WebSocket = function (url, protocols) {
      const ws = new Original(url, protocols);
      ws.addEventListener('message', (e) => { if (typeof e.data === 'string') window.__sip.push(e.data); });
      const send = ws.send.bind(ws);
      ws.send = (data) => { if (typeof data === 'string') window.__sip.push(data); return send(data); };
      return ws;
    };
    window.WebSocket.prototype = Original.prototype;
    Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  });
  return world;
}

/** Help > Download diagnostics: the file's text. */
async function download(agent) {
  const help = agent.phone.locator('details.help');
  if ((await help.getAttribute('open')) === null) await help.locator('summary').click();
  const [file] = await Promise.all([agent.page.waitForEvent('download'), help.getByRole('button', { name: 'Download diagnostics' }).click()]);
  assert.match(file.suggestedFilename(), /^softphone-diagnostics-.*\.txt$/);
  return readFileSync(await file.path(), 'utf8');
}

const opened = openedThings();
afterEach(() => opened.closeAll());

/** What authenticated the agent on the wire: digest responses, nonces, cnonces, ICE passwords. */
function secretsIn(messages) {
  const found = new Set();
  for (const m of messages) {
    for (const [, value] of m.matchAll(/\b(?:response|nonce|cnonce|opaque)="?([^",\r\n]+)/gi)) found.add(value);
    for (const [, value] of m.matchAll(/^a=ice-pwd:(\S+)/gm)) found.add(value);
  }
  return [...found];
}

test('the diagnostics file has SIP, statistics, events, settings and the browser, and none of the secrets on the wire', { timeout: 120_000 }, async () => {
  const world = await recordingWorld('diagnostics', { iceServers: 'turn:127.0.0.1:3479?transport=udp', turnUsername: 'agent', turnCredential: TURN_SECRET });
  opened.add(() => world.stop());
  const { agent, peers: [margaret] } = await agentAndPeers(world, opened, '1002');
  await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(agent.phone).click();
  await eventually('Margaret\'s phone to ring', () => margaret.has('incoming'));
  await margaret.answer();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 6000)); // statistics are kept every 5 s
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });

  const wire = await agent.frame().evaluate(() => window.__sip);
  const secrets = secretsIn(wire);
  const callId = wire.join('\n').match(/^INVITE [^\r\n]*\r\n(?:[^\r\n]+\r\n)*?Call-ID: ([^\r\n]+)/m)?.[1];
  assert.ok(callId, 'the INVITE was seen on the wire');
  assert.ok(secrets.length >= 4, `the wire carried digest answers and ICE passwords: ${secrets.length}`);
  const mustNotAppear = ['dev-1001', TURN_SECRET, ...secrets];

  // The call's summary, added to the notes, saved on the Task.
  await agent.phone.getByRole('button', { name: 'Add diagnostics to the notes' }).click();
  const notes = await agent.phone.locator('#wrap-notes').inputValue();
  assert.match(notes, new RegExp(`^Diagnostics \\(softphone\\): Call-ID ${callId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  assert.match(notes, /^SIP: INVITE.*200 OK/m);
  assert.match(notes, /^Audio: .*in audio\/opus/m);
  await agent.phone.getByRole('button', { name: 'Done' }).click();
  const task = await eventually('the Task with the summary', async () => (await (await fetch(`${CONSOLE_ORIGIN}/__standin/tasks`)).json()).find((t) => t.CallObject === callId && /Diagnostics/.test(t.Description ?? '')));
  for (const secret of mustNotAppear) assert.ok(!task.Description.includes(secret), `the Task's description holds ${secret}`);

  // The file.
  const file = await download(agent);
  console.log(`# diagnostics file: ${file.length} characters, ${file.split('\n').length} lines; ${secrets.length} secrets seen on the wire, none in it`);
  for (const secret of mustNotAppear) assert.ok(!file.includes(secret), `the file holds the secret ${secret}`);
  assert.doesNotMatch(file, /response="(?!<redacted>)/, 'every digest response is redacted');
  assert.doesNotMatch(file, /a=ice-pwd:(?!<redacted>)/, 'every ICE password is redacted');
  // What support needs.
  const userAgent = await agent.frame().evaluate(() => navigator.userAgent);
  assert.ok(file.includes(`Browser: ${userAgent}`), 'the browser and its version');
  assert.match(file, /^Phone: rust-opencti-softphone\/[\d.]+; agent 1001; registration registered/m);
  assert.match(file, /^ {2}\/rustSoftphone\/turnCredential = <redacted>$/m);
  assert.match(file, /^ {2}\/rustSoftphone\/turnUsername = agent$/m);
  assert.match(file, /^ {2}\/rustSoftphone\/sipDomain = /m);
  assert.match(file, /registered at the PBX/);
  assert.match(file, new RegExp(`call #1 placed \\(${callId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  assert.match(file, /^REGISTER sip:/m);
  assert.match(file, /^INVITE sip:1002@/m);
  assert.match(file, /^SIP\/2\.0 401 Unauthorized/m);
  assert.match(file, /^Authorization: Digest username="1001"/m);
  assert.ok(file.includes(`Call-ID: ${callId}`));
  const stats = file.split('\n').filter((l) => l.includes(`${callId}: `) && l.includes('in audio/opus'));
  assert.ok(stats.length >= 1, 'the call\'s WebRTC statistics');
  assert.match(stats[0], /path succeeded: host udp -> host/);
});

test('signed in by Salesforce: the password the org minted is not in the file', { timeout: 60_000 }, async () => {
  const world = await recordingWorld('diagnostics-org', { credentials: 'org' });
  opened.add(() => world.stop());
  await fetch(`${CONSOLE_ORIGIN}/__standin/org`, { method: 'POST', body: JSON.stringify({ packageInstalled: true }) });
  const page = await world.browser.context.newPage();
  opened.add(() => page.close());
  await page.goto(`${CONSOLE_ORIGIN}/`);
  await eventually('the phone to initialise', () => standin(page, 'state.initialized'), 15_000);
  await page.evaluate(() => window.lightningStandin.openUtility());
  const agent = agentOn(page, page.frameLocator('#softphone-slot iframe'));
  await agent.phone.locator('header [role=status]', { hasText: 'Ready · 1001' }).waitFor({ timeout: 15_000 });
  const wire = await agent.frame().evaluate(() => window.__sip);
  // The org's credential: user name EXPIRES:1001, password base64(HMAC-SHA1(secret, user name)).
  const user = wire.join('\n').match(/username="(\d+:1001)"/)?.[1];
  assert.ok(user, 'the REGISTER answered with the org\'s credentials');
  const secret = readFileSync(join(ROOT, 'dev', 'pbx', 'ephemeral-secret'), 'utf8').trim();
  const password = createHmac('sha1', secret).update(user).digest('base64');
  const file = await download(agent);
  for (const s of [password, ...secretsIn(wire)]) assert.ok(!file.includes(s), `the file holds the secret ${s}`);
  assert.ok(file.includes(`username="${user}"`), 'who registered is still said');
  assert.match(file, /Salesforce signed in extension 1001/);
});

test('the journal keeps the last 15 minutes and 1 MB at most (journal.js on its own)', async () => {
  globalThis.navigator ??= { userAgent: 'node' };
  const journal = await import('../../src/support/journal.js');
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    journal.journalEvent('the oldest line');
    now += 16 * 60_000;
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 300; i += 1) journal.journalSip(true, `${i} ${big}`);
    const text = journal.bundleText('');
    assert.doesNotMatch(text, /the oldest line/, 'older than 15 minutes: gone');
    assert.ok(text.length < journal.LIMIT_CHARS + 50_000, `at most about 1 MB: ${text.length}`);
    assert.match(text, /299 x/, 'the newest kept');
    assert.doesNotMatch(text, /^0 x/m, 'the oldest over the limit dropped');
  } finally {
    Date.now = realNow;
  }
});
