// Start-up as the agent meets it when something goes wrong: a failure that may pass offers
// Retry, and Retry starts the phone; click-to-dial refused by Salesforce and bad items in the
// Call Center definition are notices, and the phone works. No PBX is needed: nobody signs in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, launchBrowser } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, ROOT, developmentDefinition, startConsole, standin } from './lib/console.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => browser?.close());


/** The console page, with `misbehave(standin)` run as soon as the stand-in exists, before the
 * phone's frame is created. */
async function consolePage(misbehave) {
  const page = await browser.context.newPage();
  await page.addInitScript(`(() => {
    if (location.origin !== ${JSON.stringify(CONSOLE_ORIGIN)}) return;
    Object.defineProperty(window, 'lightningStandin', { configurable: true, set(v) {
      Object.defineProperty(window, 'lightningStandin', { value: v, writable: true, configurable: true });
      (${misbehave})(v);
    } });
  })();`);
  await page.goto(CONSOLE_ORIGIN + '/');
  await page.click('#utility-item');
  return { page, phone: page.frameLocator('#softphone-slot iframe') };
}

test('getCallCenterSettings failing at start-up offers Retry, and Retry starts the phone', async () => {
  const server = await startConsole();
  try {
    const { page, phone } = await consolePage((s) => s.failNext('getCallCenterSettings', 'Service unavailable'));
    const blocked = phone.locator('[data-testid=blocked]');
    await blocked.waitFor({ timeout: 15_000 });
    assert.match(await blocked.textContent(), /could not reach Salesforce.*Service unavailable/s);
    assert.equal(await standin(page, 'state.initialized'), false, 'Lightning was not told the phone is ready');
    await blocked.locator('button', { hasText: 'Retry' }).click();
    await phone.locator('#sip-user').waitFor({ timeout: 15_000 });
    await eventually('the phone to initialise', () => standin(page, 'state.initialized'));
    await page.close();
  } finally {
    await server.stop();
  }
});

test('a page not framed by Salesforce is told so, without Retry', async () => {
  const server = await startConsole();
  try {
    const page = await browser.context.newPage();
    await page.goto('http://127.0.0.1:8701/');
    const blocked = page.locator('[data-testid=blocked]');
    await blocked.waitFor({ timeout: 15_000 });
    assert.match(await blocked.textContent(), /runs inside Salesforce/);
    assert.equal(await blocked.locator('button', { hasText: 'Retry' }).count(), 0, 'retrying cannot help');
    await page.close();
  } finally {
    await server.stop();
  }
});

test('click-to-dial refused and bad definition items are notices; the phone still starts', async () => {
  const dir = join(ROOT, 'target', 'e2e');
  mkdirSync(dir, { recursive: true });
  const definition = developmentDefinition()
    .replace('>600</item>', '>10</item>')
    .replace('>US</item>', '>United Kingdom</item>');
  writeFileSync(join(dir, 'bad-items.xml'), definition);
  const server = await startConsole({ definition: 'target/e2e/bad-items.xml' });
  try {
    const { page, phone } = await consolePage((s) => s.failNext('enableClickToDial', 'Not allowed here'));
    await phone.locator('#sip-user').waitFor({ timeout: 15_000 });
    await eventually('the phone to initialise', () => standin(page, 'state.initialized'));
    const notices = phone.locator('[data-testid=start-notice]');
    await eventually('two notices', async () => (await notices.count()) === 2);
    const text = (await notices.allTextContents()).join('\n');
    assert.match(text, /\/rustSoftphone\/registerExpires: "10" is not a number of seconds/);
    assert.match(text, /\/rustSoftphone\/homeCountry: "United Kingdom" is not a two-letter/);
    assert.match(text, /Click-to-dial is off.*Not allowed here/s);
    assert.equal(await standin(page, 'state.clickToDialEnabled'), false);
    // The agent can still type a number.
    await phone.locator('#dial-number').waitFor();
    await notices.first().locator('button.dismiss').click();
    await eventually('one notice left', async () => (await notices.count()) === 1);
    await page.close();
  } finally {
    await server.stop();
  }
});
