// Reads where the phone's sound goes, from the <audio> elements and AudioContexts the app made
// (kept by the devices test's init script as window.__audios and window.__contexts).
import { eventually } from './browser.mjs';
import { APP_ORIGIN } from './console.mjs';

const app = (agent) => agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));

/** The element playing a call's far end: its output, position (s) and whether it is paused. */
export function speakerOf(agent) {
  return app(agent).evaluate(() => {
    const audio = window.__audios.find((a) => a.srcObject);
    return audio ? { sinkId: audio.sinkId, time: audio.currentTime, paused: audio.paused } : null;
  });
}

/** The tone playing now (its AudioContext running): its output. */
export function ringerOf(agent) {
  return app(agent).evaluate(() => {
    const context = window.__contexts.findLast((c) => c.state === 'running');
    return context ? { sinkId: context.sinkId } : null;
  });
}

/** The browser's audio outputs in the phone's frame, label -> device id. */
export function outputIds(agent) {
  return app(agent).evaluate(async () => Object.fromEntries((await navigator.mediaDevices.enumerateDevices())
    .filter((d) => d.kind === 'audiooutput').map((d) => [d.label, d.deviceId])));
}

/** Answers the ringing call and waits until its far end plays; returns the element's state. */
export async function answered(agent) {
  await agent.phone.locator('button', { hasText: 'Answer' }).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  return eventually('the call to play', async () => {
    const now = await speakerOf(agent);
    return now && !now.paused && now.time > 0 && now;
  });
}
