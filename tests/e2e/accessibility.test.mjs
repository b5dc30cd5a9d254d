// The phone for keyboard and screen-reader users: axe-core finds nothing serious or critical in
// any state an agent meets; a ringing call takes the focus to Answer (when the agent works in
// the phone) and is announced; Alt+Shift shortcuts answer, mute, hold and hang up a real call
// (Kamailio, a JsSIP far end); and the layout holds from 200 to 1920 px of panel width.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, keepPeerConnections } from './lib/browser.mjs';
import { APP_ORIGIN, APP_PAGE, CONSOLE_ORIGIN, openPhone, signInAs } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { startCallWorld } from './lib/world.mjs';
import { seriousFindings } from './lib/axe.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const ADA = '003000000000001AAA';
let world;

before(async () => { world = await startCallWorld({ initScript: keepPeerConnections }); });
after(async () => world?.stop());

let opened = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close().catch(() => {});
  opened = [];
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
});

/** The console with the phone open (signed in as `user` unless `signIn` is false), its system
 * colour scheme `scheme`. */
async function agent(user = '1001', { signIn = true, scheme = 'light' } = {}) {
  const page = await world.browser.context.newPage();
  opened.push(() => page.close());
  await page.emulateMedia({ colorScheme: scheme });
  const phone = await openPhone(page);
  if (signIn) await signInAs(phone, user);
  const frame = () => page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
  return { page, phone, frame };
}

async function peer(user) {
  const p = await openPeer(world.browser.context, world.peerServer, user);
  opened.push(() => p.close());
  return p;
}

/** axe-core in the phone's frame finds nothing serious or critical in `state`. */
async function axeClean(frame, state) {
  const { serious, passed } = await seriousFindings(frame);
  assert.ok(passed > 10, `axe-core ran its rules (${passed} passed), ${state}`);
  assert.deepEqual(serious, [], `axe-core, ${state}`);
}

const announced = (a) => a.phone.locator('[data-testid=announce]');
const announcedUrgently = (a) => a.phone.locator('[data-testid=announce-urgent]');
const button = (a, name) => a.phone.locator('button', { hasText: name });

// Both colour schemes: the phone follows the agent's system setting, light or dark.
for (const scheme of ['light', 'dark']) test(`axe-core finds nothing serious or critical in any state of the phone, ${scheme}`, async () => {
  const started = Date.now();
  // Start-up error: the phone opened outside Salesforce.
  const stray = await world.browser.context.newPage();
  opened.push(() => stray.close());
  await stray.emulateMedia({ colorScheme: scheme });
  await stray.goto(APP_PAGE);
  await stray.locator('[data-testid=blocked]').waitFor({ timeout: 15_000 });
  await axeClean(stray.mainFrame(), 'start-up error');

  const a = await agent('1001', { signIn: false, scheme });
  await a.phone.locator('#sip-user').waitFor();
  const background = await a.frame().evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(background, { light: 'rgb(243, 243, 243)', dark: 'rgb(24, 24, 24)' }[scheme], `the ${scheme} look`);
  await axeClean(a.frame(), 'sign-in form');
  await signInAs(a.phone, '1001');
  await axeClean(a.frame(), 'idle, ready');

  const margaret = await peer('1002');
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await a.phone.locator('[data-testid=ready-to-call]').waitFor();
  await axeClean(a.frame(), 'ready to call');
  await button(a, /^Call$/).click();
  await eventually('the INVITE to reach the peer', () => margaret.has('incoming'));
  await a.phone.locator('[data-testid=call-status]', { hasText: /Calling|Ringing/ }).waitFor();
  await axeClean(a.frame(), 'dialing');
  await margaret.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await a.phone.locator('[data-testid=call-mos]').waitFor({ timeout: 5_000 });
  await axeClean(a.frame(), 'in call');
  await button(a, 'Mute').click();
  await button(a, 'Unmute').waitFor();
  await axeClean(a.frame(), 'muted');
  await button(a, 'Hold').click();
  await button(a, 'Resume').waitFor();
  await axeClean(a.frame(), 'held');
  await button(a, 'Hang up').click();
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await axeClean(a.frame(), 'wrap-up');
  await button(a, 'Done').click();

  const barbara = await peer('1003');
  await barbara.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await axeClean(a.frame(), 'ringing');
  await button(a, 'Decline').click();
  await eventually('the caller to be declined', () => barbara.has('failed', { originator: 'remote' }));

  // A log Salesforce refuses waits in the outbox, with Retry.
  await fetch(CONSOLE_ORIGIN + '/__standin/org', { method: 'POST', body: JSON.stringify({ failNext: 3 }) });
  await a.page.evaluate((id) => window.lightningStandin.clickToDial(id), ADA);
  await button(a, 'Log call').click();
  await button(a, 'Retry saving').waitFor({ timeout: 10_000 });
  await axeClean(a.frame(), 'log failed, outbox');
  console.log(`# axe-core on 11 states, ${scheme}: ${Date.now() - started} ms`);
});

test('a ringing call takes the focus to Answer (never from Salesforce\'s page) and is announced; Alt+Shift keys answer, mute, hold and hang up', async () => {
  const a = await agent('1001');
  // The agent works in the phone: the number field has the focus.
  await a.phone.locator('#dial-number').click();
  const barbara = await peer('1003');
  await barbara.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await eventually('the focus on Answer', async () => (await a.frame().evaluate(() => document.activeElement?.textContent)) === 'Answer');
  await eventually('the ring announced', async () => /^Incoming call from .+ Alt\+Shift\+A answers\.$/.test(await announcedUrgently(a).textContent()));
  assert.equal(await button(a, 'Answer').getAttribute('aria-keyshortcuts'), 'Alt+Shift+A');
  assert.equal(await button(a, 'Answer').getAttribute('title'), 'Answer (Alt+Shift+A)');

  await a.page.keyboard.press('Alt+Shift+KeyA');
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await eventually('the far end to be answered', () => barbara.has('accepted'));
  await eventually('"on call" announced', async () => /^On call with /.test(await announced(a).textContent()));
  assert.equal(await button(a, 'Hang up').getAttribute('aria-keyshortcuts'), 'Alt+Shift+E');

  // Keys typed into a field are text, not shortcuts; Alt+Shift+M mutes even from the field.
  await a.phone.locator('[data-testid=call] button', { hasText: /^Transfer$/ }).click();
  await a.phone.locator('#transfer-number').pressSequentially('maheme');
  assert.equal(await a.phone.locator('#transfer-number').inputValue(), 'maheme');
  assert.equal(await button(a, 'Mute').getAttribute('aria-pressed'), 'false', 'typing m did not mute');
  await a.page.keyboard.press('Alt+Shift+KeyM');
  await button(a, 'Unmute').waitFor();
  assert.equal(await a.phone.locator('#transfer-number').inputValue(), 'maheme', 'the shortcut typed nothing');
  const sending = () => a.frame().evaluate(() => window.__callPc().getSenders().some((s) => s.track?.enabled));
  assert.equal(await sending(), false, 'the microphone track is off');
  await eventually('"muted" announced', async () => (await announced(a).textContent()).endsWith('Microphone muted.'));
  await a.page.keyboard.press('Alt+Shift+KeyM');
  await button(a, 'Mute').waitFor();
  assert.equal(await sending(), true, 'the microphone track is on again');

  await a.page.keyboard.press('Alt+Shift+KeyH');
  await eventually('the far end to see the hold', () => barbara.has('hold', { originator: 'remote' }));
  await button(a, 'Resume').waitFor();
  await eventually('"on hold" announced', async () => /on hold\.$/.test(await announced(a).textContent()));
  await a.page.keyboard.press('Alt+Shift+KeyH');
  await eventually('the far end to see the resume', () => barbara.has('unhold', { originator: 'remote' }));

  await a.page.keyboard.press('Alt+Shift+KeyE');
  await eventually('the far end to see our BYE', () => barbara.has('ended', { originator: 'remote' }));
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  await eventually('wrap-up announced', async () => (await announced(a).textContent()).startsWith('Call ended.'));
  await button(a, 'Done').click();

  // The agent works in Salesforce's page when the next call rings: the focus stays there (a key
  // typed there must not answer), and goes to Answer once the agent comes to the phone.
  await a.page.locator('#tabs a').first().focus();
  await barbara.call('sip:1001@127.0.0.1');
  await a.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await a.page.evaluate(() => document.activeElement?.tagName), 'A', 'the focus stayed in the page');
  await a.page.evaluate(() => document.querySelector('#softphone-slot iframe').focus());
  await eventually('the focus on Answer', async () => (await a.frame().evaluate(() => document.activeElement?.textContent)) === 'Answer');
  await a.page.keyboard.press('Enter');
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await a.page.keyboard.press('Alt+Shift+KeyE');
  await eventually('the far end to see our BYE', async () => (await barbara.events()).filter((e) => e.type === 'ended').length === 2);
});

test('the layout holds from 200 to 1920 px of panel width: no sideways scrolling, the controls in sight and clickable', async () => {
  const a = await agent('1001', { signIn: false });
  /** Resizes the utility panel (and the window around it) to `width`. */
  const resize = async (width) => {
    await a.page.setViewportSize({ width: Math.max(1280, width + 40), height: 900 });
    // The panel's border is inside its width (border-box): the frame gets the rest.
    await a.page.evaluate((w) => {
      const panel = document.getElementById('utility-panel');
      const border = panel.offsetWidth - panel.clientWidth;
      panel.style.width = `${w + border}px`;
    }, width);
    // A scrollbar of the panel's own may come or go with the new width: correct by what the
    // frame got, a few times at most.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const got = await a.frame().evaluate(() => window.innerWidth);
      if (got === width) break;
      await a.page.evaluate((d) => {
        const panel = document.getElementById('utility-panel');
        panel.style.width = `${panel.offsetWidth + d}px`;
      }, width - got);
    }
    await eventually(`the frame at ${width} px`, async () => (await a.frame().evaluate(() => window.innerWidth)) === width);
  };
  /** In the frame: no horizontal overflow, and each named button fully inside the panel and the
   * topmost element at its centre once scrolled to. */
  const check = async (width, names) => {
    const report = await a.frame().evaluate((labels) => {
      const doc = document.documentElement;
      const buttons = [...document.querySelectorAll('button')];
      const controls = labels.map((label) => {
        const b = buttons.find((x) => x.textContent.trim() === label);
        if (!b) return `${label}: missing`;
        b.scrollIntoView({ block: 'center', inline: 'nearest' });
        const r = b.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (r.left < 0 || r.right > doc.clientWidth) return `${label}: ${r.left}-${r.right} outside 0-${doc.clientWidth}`;
        if (r.width < 24 || r.height < 16) return `${label}: ${r.width}x${r.height}`;
        return b.contains(top) ? null : `${label}: covered by ${top?.outerHTML.slice(0, 60)}`;
      }).filter(Boolean);
      return { scroll: doc.scrollWidth, client: doc.clientWidth, controls };
    }, names);
    assert.ok(report.scroll <= report.client, `${width} px: content ${report.scroll} px wide in ${report.client} px`);
    assert.deepEqual(report.controls, [], `${width} px`);
  };
  const widths = [200, 240, 320, 480, 768, 1280, 1920];
  for (const w of widths) {
    await resize(w);
    await check(w, ['Sign in']);
  }
  await resize(400);
  await signInAs(a.phone, '1001');
  // A long number without spaces (too long to call) breaks rather than widening the card.
  await a.phone.locator('#dial-number').fill('+4930123456789012345678');
  await button(a, 'Use number').click();
  for (const w of widths) {
    await resize(w);
    await check(w, ['Log call', 'Dismiss']);
  }
  await button(a, 'Dismiss').click();
  const margaret = await peer('1002');
  await a.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  for (const w of widths) {
    await resize(w);
    await check(w, ['Call', 'Log call', 'Dismiss']);
  }
  await button(a, /^Call$/).click();
  await eventually('the INVITE to reach the peer', () => margaret.has('incoming'));
  await margaret.answer();
  await a.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  for (const w of widths) {
    await resize(w);
    await check(w, ['Mute', 'Hold', 'Hang up', 'Transfer', '5', '#']);
  }
  // Clickable for real at the narrowest width.
  await resize(200);
  await button(a, 'Hold').click();
  await eventually('the far end to see the hold', () => margaret.has('hold', { originator: 'remote' }));
  await button(a, 'Hang up').click();
  await eventually('the far end to see our BYE', () => margaret.has('ended', { originator: 'remote' }));
  await a.phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
  for (const w of widths) {
    await resize(w);
    await check(w, ['Done', 'Sign out']);
  }
});
