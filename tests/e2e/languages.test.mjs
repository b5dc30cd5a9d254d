// The agent's language: the Salesforce user's LanguageLocaleKey (set in the stand-in org as
// Salesforce spells it) reaches the phone through the package's Visualforce page, and the phone
// speaks it. In every language the phone ships, the main states (signed in and idle, ringing, on
// a call, wrap-up) are walked with a real call (Kamailio, a JsSIP far end): axe-core finds
// nothing serious, the page says its language, and no English text is left on screen where the
// catalogue has a translation. Elements are found by role, id and test id, never by text.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, keepPeerConnections } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, ROOT, openPhone } from './lib/console.mjs';
import { openPeer } from './lib/peer.mjs';
import { openedThings } from './lib/network.mjs';
import { startCallWorld } from './lib/world.mjs';
import { seriousFindings } from './lib/axe.mjs';

/** Salesforce's LanguageLocaleKey -> the phone's catalogue (crates/words/lang/<tag>.txt). */
const LANGUAGES = { fr: 'fr', de: 'de', es: 'es', ja: 'ja', pt_BR: 'pt-BR' };

/** A catalogue's entries, key -> text. */
function catalogue(tag) {
  const text = readFileSync(join(ROOT, 'crates', 'words', 'lang', `${tag}.txt`), 'utf8');
  return new Map(text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
    const at = l.indexOf(' = ');
    return [l.slice(0, at).trim(), l.slice(at + 3).trim().replaceAll('\\n', '\n')];
  }));
}

const ENGLISH = catalogue('en');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The English entries `tag` translates differently, each as a pattern for a whole text with
 * any value in its {placeholders}. An entry that is one English word between values (the Task's
 * subject, "{direction} call {date}...") would match a translated sentence that borrows the
 * word ("call center"): left out. */
function untranslated(tag) {
  const translation = catalogue(tag);
  const words = (en) => en.replace(/\{[a-z_]+\}/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  const telling = (en) => words(en).length >= 2 || (words(en).length === 1 && !en.startsWith('{'));
  return [...ENGLISH].filter(([key, en]) => translation.get(key) !== en && telling(en))
    .map(([key, en]) => ({ key, en, pattern: new RegExp(`^${en.split(/\{[a-z_]+\}/).map(escape).join('.+')}$`) }));
}

/** Every text an agent reads or hears in the frame: each text node, and each label, title,
 * placeholder and live-region sentence. */
const shownTexts = (frame) => frame.evaluate(() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) texts.push(walker.currentNode.textContent);
  for (const el of document.body.querySelectorAll('*')) {
    for (const attr of ['aria-label', 'title', 'placeholder']) if (el.hasAttribute(attr)) texts.push(el.getAttribute(attr));
    if (el.innerText) texts.push(el.innerText);
  }
  return texts.map((t) => t.trim()).filter(Boolean);
});

let world;
before(async () => { world = await startCallWorld({ initScript: keepPeerConnections }); });
after(async () => world?.stop());

const opened = openedThings();
afterEach(async () => {
  await opened.closeAll();
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
});

async function setUserLanguage(key) {
  const response = await fetch(CONSOLE_ORIGIN + '/__standin/org', { method: 'POST', body: JSON.stringify({ userLanguage: key }) });
  assert.equal(response.status, 200, `the stand-in org takes ${key} as a LanguageLocaleKey`);
}

/** The state `state` of the phone in `tag`: axe-core clean, and no English where `tag` has words. */
async function checkState(a, tag, state) {
  const frame = a.frame();
  const { serious, passed } = await seriousFindings(frame);
  assert.ok(passed > 10, `axe-core ran its rules (${passed} passed), ${tag}, ${state}`);
  assert.deepEqual(serious, [], `axe-core, ${tag}, ${state}`);
  assert.equal(await frame.evaluate(() => document.documentElement.lang), tag, `the page says it is in ${tag}`);
  const texts = [...await shownTexts(frame), await a.page.locator('#item-label').innerText()];
  const english = untranslated(tag).flatMap(({ key, en, pattern }) => texts.filter((t) => pattern.test(t)).map((t) => `${key} (${en}): "${t}"`));
  assert.deepEqual(english, [], `English left on screen, ${tag}, ${state}`);
}

test('a Salesforce user whose language is refused by the org is told so; one the phone does not speak gets English', async () => {
  for (const wrong of ['fr_FR', 'pt-BR', 'FR']) {
    const response = await fetch(CONSOLE_ORIGIN + '/__standin/org', { method: 'POST', body: JSON.stringify({ userLanguage: wrong }) });
    assert.equal(response.status, 400, `${wrong} is not how Salesforce spells a LanguageLocaleKey`);
  }
  await setUserLanguage('it');
  const page = await world.browser.context.newPage();
  opened.add(() => page.close());
  const phone = await openPhone(page);
  await phone.locator('#sip-user').waitFor();
  const frame = page.frames().find((f) => f.url().includes('/apex/'));
  // Italian is not spoken; the browser's language (headless Chromium: en-US) is.
  assert.equal(await frame.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await frame.locator('meta[name=salesforce-language]').getAttribute('content'), 'it', 'the page passed the user\'s key');
  // The English detector of the tests below does find English: here, the sign-in form's.
  const texts = await shownTexts(frame);
  const found = untranslated('fr').filter(({ pattern }) => texts.some((t) => pattern.test(t))).map(({ key }) => key);
  assert.ok(found.includes('view.sign_in_title') && found.includes('view.password'), `English found on the English page: ${found}`);
});

for (const [key, tag] of Object.entries(LANGUAGES)) {
  test(`in ${tag}: signed in, ringing, on a call and wrap-up, axe-core clean with no English left`, async () => {
    await setUserLanguage(key);
    const page = await world.browser.context.newPage();
    opened.add(() => page.close());
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    const phone = await openPhone(page);
    const a = { page, phone, frame: () => page.frames().find((f) => f.url().includes('/apex/')) };

    await phone.locator('#sip-user').fill('1001');
    await phone.locator('#sip-password').fill('dev-1001');
    await phone.locator('form[aria-labelledby=signin-title] button[type=submit]').click();
    await phone.locator('header .badge.ok').waitFor({ timeout: 10_000 });
    await checkState(a, tag, 'signed in, idle');

    const caller = await openPeer(world.browser.context, world.peerServer, '1002');
    opened.add(() => caller.close());
    await caller.call('sip:1001@127.0.0.1');
    const incoming = phone.locator('[data-testid=incoming-call]');
    await incoming.waitFor({ timeout: 10_000 });
    await checkState(a, tag, 'ringing');

    await incoming.locator('button.brand').click();
    await phone.locator('[data-testid=call-timer]').waitFor({ timeout: 10_000 });
    await eventually('the far end to be answered', () => caller.has('accepted'));
    await phone.locator('[data-testid=call-mos]').waitFor({ timeout: 10_000 });
    await checkState(a, tag, 'on a call');

    await caller.hangup();
    await phone.locator('[data-testid=wrap-up]').waitFor({ timeout: 10_000 });
    await checkState(a, tag, 'wrap-up');
    assert.deepEqual(warnings.filter((w) => w.includes("phone's words")), [], 'the catalogue was fetched and used');
  });
}

test('a catalogue that cannot be fetched leaves the phone in English, said in the console, never blank', async () => {
  await setUserLanguage('de');
  const page = await world.browser.context.newPage();
  opened.add(() => page.close());
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.route('**/lang/de.txt', (route) => route.fulfill({ status: 503, body: 'down' }));
  const phone = await openPhone(page);
  await phone.locator('#sip-user').waitFor();
  assert.equal(await phone.locator('form[aria-labelledby=signin-title] button[type=submit]').innerText(), ENGLISH.get('view.sign_in'));
  const frame = page.frames().find((f) => f.url().includes('/apex/'));
  assert.equal(await frame.evaluate(() => document.documentElement.lang), 'en');
  await eventually('the console to say why', () => warnings.some((w) => /words in de could not be fetched .*503.*English/.test(w)));
});
