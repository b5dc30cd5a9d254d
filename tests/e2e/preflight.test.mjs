// The pre-flight check (Help > Check my setup), each failure produced for real and named as an
// agent needs it named:
// - three PBX URLs: wss to Kamailio's TLS port with a certificate this browser does not trust,
//   wss to a port where nothing listens (the PBX down), ws that works. A WebSocket that failed
//   closes alike for both (1006, no reason): the check tells them apart by the port (a plain TCP
//   connection through Chromium's TURN client is refused at once where nothing listens). With
//   the certificate trusted (its key pinned, as tls.test.mjs does) the same URL passes.
// - TURN through coturn with a wrong password (401: the credentials named) and the right one (a
//   relay address).
// - a computer without a microphone: the phone registers, and the check runs by itself and says
//   no microphone was found.
// - the edge's echo test (dev/pbx/start.sh --echo, baresip's echo module behind rtpengine): the
//   agent's audio comes back; the speaker and the ringer play a test sound and ask the agent.
// Prints how long each check took.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { startEdgeWorld } from './lib/edge.mjs';
import { definitionVariant, openedThings, signIn, startKamailio, startPbxWorld, startTurn, startWorld } from './lib/network.mjs';

const opened = openedThings();
afterEach(() => opened.closeAll());

/** Opens Help, runs the check and waits for every automatic item to settle; returns the items
 * as { item, state, text } (speaker and ringer wait for the agent). */
async function check(agent, { click = true } = {}) {
  const started = Date.now();
  const help = agent.phone.locator('details.help');
  if (click) {
    if (!(await help.getAttribute('open') !== null)) await help.locator('summary').click();
    await help.getByRole('button', { name: 'Check my setup' }).click();
  }
  const items = agent.phone.locator('[data-testid=check]');
  await eventually('the check to finish', async () => {
    const states = await items.evaluateAll((all) => all.map((li) => li.dataset.state));
    return states.length > 0 && !states.some((s) => s === 'running') && states.filter((s) => s === 'waiting').length <= 2;
  }, 40_000);
  const found = await items.evaluateAll((all) => all.map((li) => ({ item: li.dataset.item, state: li.dataset.state, text: li.textContent })));
  console.log(`# check done in ${Date.now() - started} ms: ${found.map((i) => `${i.item} ${i.state}`).join(', ')}`);
  return found;
}

test('PBX URLs: an untrusted certificate and a PBX that is down are told apart; a trusted certificate passes', { timeout: 120_000 }, async () => {
  const pbx = startKamailio(['--tls']);
  opened.add(() => pbx.stop());
  const definition = definitionVariant('preflight-pbx', { pbxWebSocketUrls: 'wss://127.0.0.1:8443,wss://127.0.0.1:8444,ws://127.0.0.1:8080' });
  for (const trusted of [false, true]) {
    const world = await startWorld({ definition, extraArgs: trusted ? [`--ignore-certificate-errors-spki-list=${pbx.spki()}`] : [] });
    try {
      const agent = await signIn(world.browser, '1001');
      const [tls, down, plain, registration] = await check(agent);
      assert.equal(tls.item, 'pbx');
      if (trusted) {
        assert.equal(tls.state, 'passed', tls.text);
      } else {
        assert.equal(tls.state, 'failed', tls.text);
        assert.match(tls.text, /127\.0\.0\.1:8443 answers, but this computer does not trust its certificate/);
      }
      assert.equal(down.state, 'failed', down.text);
      assert.match(down.text, /Nothing answers at 127\.0\.0\.1:8444: the PBX is down/);
      assert.equal(plain.state, 'passed', plain.text);
      assert.equal(registration.state, 'passed', registration.text);
      await agent.page.close();
    } finally {
      await world.stop();
    }
  }
});

test('TURN: a wrong password is named as the credentials, the right one gives a relay address', { timeout: 120_000 }, async () => {
  const turn = startTurn({ user: 'agent:dev-turn' });
  opened.add(() => turn.stop());
  for (const password of ['not-the-password', 'dev-turn']) {
    const world = await startPbxWorld(`preflight-turn-${password === 'dev-turn' ? 'right' : 'wrong'}`, {
      iceServers: 'turn:127.0.0.1:3478?transport=udp', turnUsername: 'agent', turnCredential: password,
    });
    try {
      const agent = await signIn(world.browser, '1001');
      const relay = (await check(agent)).find((i) => i.item === 'turn');
      if (password === 'dev-turn') {
        assert.equal(relay.state, 'passed', relay.text);
        assert.match(relay.text, /A relay address came in \d+ ms/);
      } else {
        assert.equal(relay.state, 'failed', relay.text);
        assert.match(relay.text, /refused the phone's credentials \(401\)/);
      }
      await agent.page.close();
    } finally {
      await world.stop();
    }
  }
});

test('no microphone: the phone registers, and the check runs by itself and says none was found', { timeout: 60_000 }, async () => {
  const pbx = startKamailio();
  opened.add(() => pbx.stop());
  const world = await startWorld({ definition: definitionVariant('preflight-no-mic', {}), browser: { microphone: false } });
  opened.add(() => world.stop());
  const agent = await signIn(world.browser, '1001');
  await agent.phone.locator('details.help[open]').waitFor({ timeout: 10_000 });
  const items = await check(agent, { click: false });
  const microphone = items.find((i) => i.item === 'microphone');
  assert.equal(microphone.state, 'failed', microphone.text);
  assert.match(microphone.text, /No microphone was found: plug in your headset/);
  assert.equal(items.find((i) => i.item === 'registration').state, 'passed');
});

test('the echo test: the agent\'s audio comes back through the edge; speaker and ringer ask the agent', { timeout: 90_000 }, async () => {
  const world = await startEdgeWorld('preflight-echo', { items: { echoTestNumber: '9196' }, edgeArgs: ['--echo'] });
  opened.add(() => world.stop());
  const agent = await signIn(world.browser, '1001');
  const items = await check(agent);
  const echo = items.find((i) => i.item === 'echo');
  assert.equal(echo.state, 'passed', echo.text);
  assert.match(echo.text, /Your audio came back in \d+ ms/);
  console.log(`# echo test: ${echo.text}`);
  assert.equal(await agent.phone.locator('[data-testid=call]').count(), 0, 'the echo call is no call of the agent\'s');

  for (const [item, heard] of [['speaker', true], ['ringer', false]]) {
    const row = agent.phone.locator(`[data-testid=check][data-item=${item}]`);
    await row.getByRole('button', { name: 'Play a test sound' }).click();
    await row.and(agent.phone.locator('[data-state=asking]')).waitFor({ timeout: 5_000 });
    await row.getByRole('button', { name: heard ? 'Yes' : 'No' }).click();
    await row.and(agent.phone.locator(`[data-state=${heard ? 'passed' : 'failed'}]`)).waitFor({ timeout: 5_000 });
  }
  assert.match(await agent.phone.locator('[data-testid=check][data-item=ringer]').textContent(), /turn the volume up, or choose another Ringer/);
  // The echo call was never the agent's: no Task for it.
  const tasks = await (await fetch('http://127.0.0.1:8700/__standin/tasks')).json();
  assert.deepEqual(tasks.filter((t) => /9196/.test(t.Subject)), []);
});
