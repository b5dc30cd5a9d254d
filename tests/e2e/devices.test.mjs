// Devices. A microphone that goes away mid-call (a headset unplugged): the call goes on with the browser's
// default microphone and the agent is told. Chromium's fake devices cannot be unplugged, so the
// test ends the microphone's track the way the browser does when its device disappears (an
// `ended` event on it; the test keeps the streams getUserMedia returns to reach it); the rest is
// real: the new microphone is opened, the call's sender switches to it, and the
// far end (JsSIP, through Kamailio) still hears the agent.
//
// Outputs: Chromium's fake devices include two audio outputs ("Fake Audio Output 1" and 2), which
// setSinkId accepts; the test keeps the <audio> elements and AudioContexts the app makes to read
// where each plays (sinkId) and whether it plays (currentTime). An output cannot be unplugged
// either: the test makes the browser stop listing it and refuse it, as it does for a device gone.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { speakerOf, ringerOf, outputIds, answered } from './lib/outputs.mjs';
import { APP_ORIGIN } from './lib/console.mjs';
import { audioFlowsBothWays, openedThings, signIn, startPbxWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';

let world;
before(async () => {
  world = await startPbxWorld('devices', {});
  await world.browser.context.addInitScript(() => {
    const devices = navigator.mediaDevices;
    if (!devices) return;
    const open = devices.getUserMedia.bind(devices);
    window.__microphones = [];
    devices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      window.__microphones.push(stream);
      return stream;
    };
    window.__audios = [];
    const create = Document.prototype.createElement;
    Document.prototype.createElement = function (name, ...rest) {
      const element = create.call(this, name, ...rest);
      if (String(name).toLowerCase() === 'audio') window.__audios.push(element);
      return element;
    };
    window.__contexts = [];
    const Context = window.AudioContext;
    window.AudioContext = class extends Context {
      constructor(...args) { super(...args); window.__contexts.push(this); }
    };
  });
});
after(async () => world?.stop());
const opened = openedThings();
afterEach(() => opened.closeAll());

test('an unplugged microphone falls back to the default one: the agent is told and still heard', { timeout: 60_000 }, async () => {
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.add(() => peer.close());
  await agent.page.bringToFront();
  await peer.call('sip:1001@127.0.0.1');
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const app = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  const senderTrack = () => app.evaluate(() => window.__callPc().getSenders().find((s) => s.track?.kind === 'audio')?.track?.id ?? null);
  const before = await senderTrack();
  assert.ok(before, 'the call sends a microphone track');

  const unplugged = Date.now();
  // The device goes: its track ends (and every copy of it, the call's included).
  await app.evaluate(() => {
    const microphone = window.__microphones.at(-1).getAudioTracks()[0];
    microphone.dispatchEvent(new Event('ended'));
    window.__callPc().getSenders().find((s) => s.track?.kind === 'audio')?.track?.dispatchEvent(new Event('ended'));
  });
  await agent.phone.locator('.alert', { hasText: 'microphone was disconnected' }).waitFor({ timeout: 10_000 });
  const after = await eventually('the call to send the new microphone', async () => { const id = await senderTrack(); return id && id !== before && id; });
  console.log(`# microphone gone -> the call sends the default one: ${Date.now() - unplugged} ms`);
  assert.notEqual(after, before);
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor();
  const live = await app.evaluate(() => window.__callPc().getSenders().find((s) => s.track?.kind === 'audio')?.track?.readyState);
  assert.equal(live, 'live', 'the call sends a live microphone');
  await audioFlowsBothWays(assert, agent, peer);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
});

test('the ring sounds on one output and the call on another; the speaker switches mid-call with the audio going on, and both are remembered', { timeout: 90_000 }, async () => {
  let agent = await signIn(world.browser, '1001');
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.add(() => peer.close());
  const speaker = agent.phone.getByLabel('Speaker', { exact: true });
  const ringer = agent.phone.getByLabel('Ringer', { exact: true });
  await speaker.locator('option', { hasText: 'Fake Audio Output 2' }).waitFor({ state: 'attached', timeout: 10_000 });
  const ids = await outputIds(agent);
  assert.ok(ids['Fake Audio Output 1'] && ids['Fake Audio Output 2'], `two outputs to choose from: ${JSON.stringify(ids)}`);
  await ringer.selectOption({ label: 'Fake Audio Output 1' });

  await agent.page.bringToFront();
  await peer.call('sip:1001@127.0.0.1');
  const ring = await eventually('the ring to play', () => ringerOf(agent));
  assert.equal(ring.sinkId, ids['Fake Audio Output 1'], 'the ring sounds on the ringer');
  let call = await answered(agent);
  assert.equal(call.sinkId, '', 'the call plays on the browser default until the agent chooses');

  const switched = Date.now();
  await speaker.selectOption({ label: 'Fake Audio Output 2' });
  call = await eventually('the call to move to the new speaker', async () => {
    const now = await speakerOf(agent);
    return now?.sinkId === ids['Fake Audio Output 2'] && now;
  });
  console.log(`# speaker switched mid-call -> the call plays there: ${Date.now() - switched} ms`);
  await audioFlowsBothWays(assert, agent, peer);
  const later = await speakerOf(agent);
  assert.ok(!later.paused && later.time > call.time, `the call still plays after the switch (${call.time} -> ${later.time} s)`);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await agent.page.close();

  // A new page: the phone remembers both choices, and each new call's element plays on the speaker.
  agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  await eventually('the remembered choices to show', async () =>
    (await agent.phone.getByLabel('Speaker', { exact: true }).inputValue()) === ids['Fake Audio Output 2']
    && (await agent.phone.getByLabel('Ringer', { exact: true }).inputValue()) === ids['Fake Audio Output 1']);
  const calls = 3;
  for (let i = 0; i < calls; i++) {
    await agent.page.bringToFront();
    await peer.call('sip:1001@127.0.0.1');
    const tone = await eventually('the ring to play', () => ringerOf(agent));
    assert.equal(tone.sinkId, ids['Fake Audio Output 1'], `call ${i + 1} rings on the remembered ringer`);
    const heard = await answered(agent);
    assert.equal(heard.sinkId, ids['Fake Audio Output 2'], `call ${i + 1} plays on the remembered speaker`);
    await agent.phone.locator('button', { hasText: 'Hang up' }).click();
    await agent.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  }
  const app = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  const made = await app.evaluate(() => window.__audios.length);
  const silent = await app.evaluate(() => window.__audios.every((a) => a.srcObject === null));
  console.log(`# <audio> elements made for ${calls} calls: ${made}`);
  assert.ok(made <= 2, `the pool reuses its elements: ${made} for ${calls} calls, one call at a time (a call and the prepared one)`);
  assert.ok(silent, 'an ended call gives its element back silenced');
});

test('a speaker that goes away mid-call falls back to the default output: the agent is told and still hears the call', { timeout: 60_000 }, async () => {
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  opened.add(() => peer.close());
  const speaker = agent.phone.getByLabel('Speaker', { exact: true });
  await speaker.locator('option', { hasText: 'Fake Audio Output 2' }).waitFor({ state: 'attached', timeout: 10_000 });
  const ids = await outputIds(agent);
  await speaker.selectOption({ label: 'Fake Audio Output 2' });
  await agent.page.bringToFront();
  await peer.call('sip:1001@127.0.0.1');
  const before = await answered(agent);
  assert.equal(before.sinkId, ids['Fake Audio Output 2']);

  // The device goes: the browser stops listing it, refuses it, and says the devices changed.
  const app = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  await app.evaluate((gone) => {
    const devices = navigator.mediaDevices;
    const list = devices.enumerateDevices.bind(devices);
    devices.enumerateDevices = async () => (await list()).filter((d) => d.deviceId !== gone);
    const sink = HTMLMediaElement.prototype.setSinkId;
    HTMLMediaElement.prototype.setSinkId = function (id) {
      return id === gone ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError')) : sink.call(this, id);
    };
    devices.dispatchEvent(new Event('devicechange'));
  }, ids['Fake Audio Output 2']);
  await agent.phone.locator('.alert', { hasText: '“Fake Audio Output 2” was disconnected' }).waitFor({ timeout: 10_000 });
  const after = await eventually('the call to play on the default output', async () => {
    const now = await speakerOf(agent);
    return now?.sinkId === '' && now;
  });
  assert.equal(await speaker.inputValue(), '', 'the picker shows the browser default');
  await audioFlowsBothWays(assert, agent, peer);
  const later = await speakerOf(agent);
  assert.ok(!later.paused && later.time > after.time, `the call still plays (${after.time} -> ${later.time} s)`);
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
});
