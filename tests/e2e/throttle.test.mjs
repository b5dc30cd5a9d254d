// The registration outlives hidden-tab timer throttling. Chromium runs a hidden tab's timers at
// most about once a minute (intensive throttling), so a refresh timed with a small margin lands
// after the registration lapsed and calls stop reaching the agent without a word.
//
// Headless Chromium never hides a page, so an init script does what the browser would: while the
// test says the page is hidden, document.hidden says so, and every timer fires a full minute
// late, also one set before the tab was hidden (the worst the browser does; intervals at most
// once a minute). With registerExpires 180 s the phone must refresh early enough that a refresh
// delayed by a minute still lands in time: the test watches Kamailio's location table the whole
// time, then calls the hidden phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { eventually } from './lib/browser.mjs';
import { APP_ORIGIN, openPhone, signInAs } from './lib/console.mjs';
import { definitionVariant } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

const EXPIRES_S = 180;
const LATE_MS = 60_000;
let world;

before(async () => {
  world = await startCallWorld({
    definition: definitionVariant('throttle', { registerExpires: String(EXPIRES_S) }),
    initScript: ([lateMs]) => {
      let hidden = false;
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
      // A timer that falls due while hidden fires a minute later, also one set while visible.
      const realTimeout = window.setTimeout.bind(window);
      const realClear = window.clearTimeout.bind(window);
      const realInterval = window.setInterval.bind(window);
      const postponed = new Map();
      window.setTimeout = (fn, ms = 0, ...args) => {
        const run = () => { postponed.delete(id); if (typeof fn === 'function') fn(...args); };
        const id = realTimeout(() => (hidden ? postponed.set(id, realTimeout(run, lateMs)) : run()), ms);
        return id;
      };
      window.clearTimeout = (id) => {
        realClear(id);
        if (postponed.has(id)) realClear(postponed.get(id));
        postponed.delete(id);
      };
      window.setInterval = (fn, ms = 0, ...args) => {
        let last = 0;
        return realInterval((...a) => {
          if (hidden && Date.now() - last < lateMs) return;
          last = Date.now();
          return typeof fn === 'function' ? fn(...a) : undefined;
        }, ms, ...args);
      };
    },
    initArg: [LATE_MS],
  });
});

after(async () => {
  await world?.stop();
});

/** Seconds Kamailio still gives 1001's registration (0 when it holds none). */
function secondsLeft() {
  let out = '';
  try {
    out = execFileSync('kamcmd', ['-s', `unix:${world.pbx.runDir}/kamailio_ctl`, 'ul.lookup', 'location', '1001@127.0.0.1'], { encoding: 'utf8' });
  } catch {
    return 0; // kamcmd fails when the AOR has no contact
  }
  const expires = [...out.matchAll(/Expires:\s*(\d+)/g)].map((m) => Number(m[1]));
  return expires.length ? Math.max(...expires) : 0;
}

test('a hidden tab whose timers fire a minute late stays registered and still rings', { timeout: 6 * 60_000 }, async () => {
  const page = await world.browser.context.newPage();
  const phone = await openPhone(page);
  await signInAs(phone, '1001');
  await eventually('Kamailio to hold the registration', () => secondsLeft() > 0);
  const hide = (h) => Promise.all(page.frames().map((f) => f.evaluate((x) => window.__setHidden?.(x), h).catch(() => {})));
  await hide(true);
  const hiddenAt = Date.now();

  // Past a whole registration lifetime and a refresh: the contact must never lapse.
  let lowest = Infinity;
  let refreshedAfter = null;
  let previous = secondsLeft();
  while (Date.now() - hiddenAt < (EXPIRES_S + 20) * 1000) {
    await new Promise((r) => setTimeout(r, 2000));
    const left = secondsLeft();
    lowest = Math.min(lowest, left);
    assert.ok(left > 0, `the registration lapsed ${Math.round((Date.now() - hiddenAt) / 1000)} s after the tab was hidden`);
    if (left > previous + 5 && refreshedAfter === null) refreshedAfter = Math.round((Date.now() - hiddenAt) / 1000);
    previous = left;
  }
  console.log(`# hidden tab, timers a minute late: refreshed ${refreshedAfter} s after hiding; lowest time left ${lowest} s of ${EXPIRES_S}`);
  assert.notEqual(refreshedAfter, null, 'the registration was refreshed while hidden');
  // Landing in time is not enough: the refresh needs room for its challenge and, when the PBX
  // is down, a failover to the next one. (A 30 s margin left 12 s here; the phone's leaves 30.)
  assert.ok(lowest >= 20, `the refresh left only ${lowest} s of the registration`);

  // And a call still reaches the hidden phone.
  const peer = await openPeer(world.browser.context, world.peerServer, '1002');
  try {
    await peer.call('sip:1001@127.0.0.1');
    await phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
    const app = page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
    assert.equal(await app.evaluate(() => document.hidden), true, 'the phone rang while hidden');
    await phone.locator('button', { hasText: 'Decline' }).click();
  } finally {
    await peer.close();
    await page.close();
  }
});
