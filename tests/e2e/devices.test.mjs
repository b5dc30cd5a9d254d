// A microphone that goes away mid-call (a headset unplugged): the call goes on with the browser's
// default microphone and the agent is told. Chromium's fake devices cannot be unplugged, so the
// test ends the microphone's track the way the browser does when its device disappears (an
// `ended` event on it; the test keeps the streams getUserMedia returns to reach it); the rest is
// real: the new microphone is opened, the call's sender switches to it, and the
// far end (JsSIP, through Kamailio) still hears the agent.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
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
