// What the early-media, delayed-offer and bad-SDP tests share: an agent at the edge placing a
// call to a number the edge sends over its trunk (where a SIPp scenario plays the far end) or
// answering one that SIPp places, the stand-in's Tasks, and SIPp's view of the SDP it sent.
import { APP_ORIGIN, CONSOLE_ORIGIN, callButton } from './console.mjs';
import { eventually } from './browser.mjs';
import { signIn } from './network.mjs';

/** A number no user of the edge has: it leaves over the trunk. */
export const OUTSIDE_NUMBER = '+16505550199';

export const tasks = async () => (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();
export const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** The stand-in reset, agent 1001 signed in (closed with `opened`). */
export async function freshAgent(world, opened) {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const agent = await signIn(world.browser, '1001');
  opened.add(() => agent.page.close());
  return agent;
}

/** The agent types `number` and calls it. */
export async function dial(agent, number = OUTSIDE_NUMBER) {
  await agent.phone.locator('#dial-number').fill(number);
  await agent.phone.locator('button', { hasText: 'Use number' }).click();
  await callButton(agent.phone).click();
}

/** When the phone sent its latest INVITE (the `softphone:invite-sent` mark), Unix ms. */
export async function inviteSentAt(agent) {
  const frame = agent.page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return eventually('the INVITE went out', () => frame.evaluate(() => {
    const mark = performance.getEntriesByName('softphone:invite-sent').at(-1);
    return mark ? performance.timeOrigin + mark.startTime : null;
  }));
}

/** The SDP SIPp sent in its first response with `status` (a number), without its o= line. */
export function sentSdp(far, status) {
  const message = far.messages().find((m) => m.direction === 'sent' && m.status === status);
  return message?.body.split('\n').filter((l) => !l.startsWith('o=')).join('\n') ?? null;
}

/** The agent's call card says `text`. */
export const cardSays = (agent, text, timeout = 10_000) =>
  agent.phone.locator('[data-testid=call-status]', { hasText: text }).waitFor({ timeout });
