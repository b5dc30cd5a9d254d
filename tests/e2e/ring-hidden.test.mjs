// A ring is never missed: with the Salesforce tab in the background, an inbound call raises a
// browser notification, and the Lightning page the agent comes back to shows it: the utility
// item's label and ringing icon (Open CTI setSoftphoneItemLabel / setSoftphoneItemIcon, as the
// stand-in's utility bar draws them) and the panel opened. Answering closes the notification
// and the item says the call is on. The phone's own document title is not used: it is a
// frame's, which no browser shows.
//
// Notification permission in a frame: Chromium reports "denied" to a cross-origin frame and
// never asks from one; the frame gets the permission of the top page's origin (checked: granting
// the frame's own origin changes nothing, granting the top origin makes the frame "granted").
// So the phone, framed by Lightning, tells the agent where to allow notifications, and the test
// grants them to the Lightning stand-in's origin, as an agent allowing them for the org would.
//
// How the page is hidden: headless Chromium never hides a page (checked: a second page brought
// to the front, or the window minimised through CDP, leaves document.hidden false), so an init
// script, running in every frame before the app, makes document.hidden / visibilityState report
// what the test sets and fires visibilitychange, as the browser does when a tab goes to the
// background. The Notification constructor is wrapped the same way to see what the app shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, APP_ORIGIN, openPhone, signInAs } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';

let world;

before(async () => {
  world = await startCallWorld({
    initScript: () => {
      let hidden = false;
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
      window.__notifications = [];
      const Real = window.Notification;
      if (!Real) return;
      function Spy(title, options = {}) {
        const record = { title, body: options.body, closed: false, error: null };
        window.__notifications.push(record);
        let shown;
        try { shown = new Real(title, options); } catch (e) { record.error = String(e); throw e; }
        const close = shown.close.bind(shown);
        shown.close = () => { record.closed = true; close(); };
        return shown;
      }
      Spy.prototype = Real.prototype;
      Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
      Spy.requestPermission = (...args) => { window.__permissionAsked = true; return Real.requestPermission(...args); };
      window.Notification = Spy;
    },
  });
});
after(async () => world?.stop());


/** What the stand-in's Lightning page shows in its utility bar: the item's label and icon. */
async function utilityItem(page) {
  return { label: await page.locator('#item-label').textContent(), icon: await page.locator('#item-icon').textContent() };
}

test('a call ringing in a hidden tab raises a notification and shows on the utility item until answered', async () => {
  const { browser, peerServer } = world;
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const page = await browser.context.newPage();
  const phone = await openPhone(page);
  const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));

  // Before sign-in, notifications are not allowed yet: the agent reads why and where to allow them.
  const reason = await phone.locator('[data-testid=notification-reason]').textContent({ timeout: 10_000 });
  assert.match(reason, /calls ringing while Salesforce is in the background.*allow notifications for this Salesforce site/);
  await signInAs(phone, '1001');
  assert.equal(await frame().evaluate(() => window.__permissionAsked), undefined, 'a frame does not ask: Chromium would refuse');
  await browser.context.grantPermissions(['notifications'], { origin: CONSOLE_ORIGIN });
  assert.equal(await frame().evaluate(() => Notification.permission), 'granted');

  const peer = await openPeer(browser.context, peerServer, '1003');
  assert.deepEqual(await utilityItem(page), { label: 'Phone: ready', icon: '[call]' });

  // Ringing while the agent is looking: no notification; the utility item rings all the same.
  await peer.call('sip:1001@127.0.0.1');
  await phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  assert.equal((await frame().evaluate(() => window.__notifications)).length, 0, 'no notification for a visible tab');
  await eventually('the utility item to ring', async () => (await utilityItem(page)).icon === '[incoming_call]');
  await phone.locator('button', { hasText: 'Decline' }).click();
  await phone.locator('[data-testid=incoming-call]').waitFor({ state: 'detached', timeout: 10_000 });
  await eventually('the caller to be declined', () => peer.has('failed', { originator: 'remote', status: 603 }));
  await eventually('the utility item to stop ringing', async () => (await utilityItem(page)).icon === '[call]');

  // The Salesforce tab goes to the background, panel closed.
  await page.click('#panel-minimize');
  await page.evaluate(() => window.__setHidden(true));
  await frame().evaluate(() => window.__setHidden(true));
  const calling = Date.now();
  await peer.call('sip:1001@127.0.0.1');
  const [shown] = await eventually('a notification', async () => {
    const list = await frame().evaluate(() => window.__notifications);
    return list.length > 0 && list;
  });
  console.log(`# peer dials -> notification shown: ${Date.now() - calling} ms`);
  assert.equal(shown.title, 'Incoming call');
  assert.match(shown.body, /1003/, 'the caller is named');
  assert.equal(shown.error, null, 'the browser accepted the notification');
  // What the agent sees on coming back to the tab, as the Lightning page draws it.
  const ringing = await eventually('the utility item to ring', async () => {
    const item = await utilityItem(page);
    return item.icon === '[incoming_call]' && item;
  });
  // Named by the number, then by the record the screen pop found (Barbara Liskov's Phone is 1003).
  assert.match(ringing.label, /^Incoming call: (1003|Barbara Liskov)$/, 'the utility item names the caller');
  assert.equal(await page.locator('#utility-panel').isVisible(), true, 'the utility panel opened');

  // The agent comes back and answers: the notification closes, the item says the call is on.
  await page.evaluate(() => window.__setHidden(false));
  await frame().evaluate(() => window.__setHidden(false));
  await phone.locator('button', { hasText: 'Answer' }).click();
  await phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const talking = await eventually('the utility item to show the call', async () => {
    const item = await utilityItem(page);
    return item.icon === '[end_call]' && item;
  });
  assert.match(talking.label, /^On call \d\d:\d\d Barbara Liskov$/);
  assert.equal((await frame().evaluate(() => window.__notifications))[0].closed, true, 'the notification was closed');
  await peer.hangup();
  await phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await peer.close();
  await page.close();
});
