// Trust only the customer's org: the phone runs from the org package the way an org serves it
// (a Visualforce-like origin, static-resource paths, wasm without application/wasm); another
// site that frames it, with its own or with the org's sfdcIFrameOrigin, gets nothing; a Call
// Center that points it at a PBX outside the deployment's pinned list is refused with words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { launchBrowser, eventually } from './lib/browser.mjs';
import { startConsole, CONSOLE_ORIGIN, APP_ORIGIN, APP_PAGE, ROOT, developmentDefinition, standin } from './lib/console.mjs';

/** A site that is not the org: another loopback port serving a page that frames the phone. */
const FOREIGN_PORT = 8709;
const FOREIGN_ORIGIN = `http://127.0.0.1:${FOREIGN_PORT}`;

let browser;
let foreign;

before(async () => {
  browser = await launchBrowser();
  foreign = http.createServer((req, res) => {
    const claimed = new URL(req.url, FOREIGN_ORIGIN).searchParams.get('claim') || FOREIGN_ORIGIN;
    const src = `${APP_PAGE}?sfdcIFrameOrigin=${encodeURIComponent(claimed)}&mode=Lightning`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Not the org</title><iframe src="${src}" allow="microphone" width="340" height="460"></iframe>`);
  });
  await new Promise((resolve, reject) => foreign.once('error', reject).listen(FOREIGN_PORT, '127.0.0.1', resolve));
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve()));
});


/** Opens the foreign page; returns the phone frame's blocked text and every URL requested. */
async function framedByForeignSite(claim) {
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${FOREIGN_ORIGIN}/${claim ? `?claim=${encodeURIComponent(claim)}` : ''}`);
  const blocked = page.frameLocator('iframe').locator('[data-testid=blocked]');
  await blocked.waitFor({ timeout: 10_000 });
  const text = await blocked.textContent();
  await page.close();
  return { text, requested };
}

test('the phone runs from the org-like layout: Visualforce page, static resource, wasm as octet-stream', async () => {
  const consoleServer = await startConsole();
  try {
    const page = await browser.context.newPage();
    const responses = [];
    page.on('response', (r) => responses.push({ url: r.url(), type: r.headers()['content-type'] }));
    await page.goto(CONSOLE_ORIGIN + '/');
    await eventually('the phone to notify initialization', () => standin(page, 'state.initialized'));
    const frame = page.frames().find((f) => f.url().startsWith(APP_ORIGIN));
    assert.ok(frame.url().startsWith(`${APP_PAGE}?`), frame.url());
    const wasm = responses.find((r) => /^http:\/\/127\.0\.0\.1:8704\/resource\/\d+\/Softphone\/softphone-[^/]+\.wasm$/.test(r.url));
    assert.ok(wasm, `the wasm comes from the static resource: ${responses.map((r) => r.url).join(' ')}`);
    assert.equal(wasm.type, 'application/octet-stream');
    await page.click('#utility-item');
    await page.frameLocator('#softphone-slot iframe').locator('#sip-user').waitFor();
    await page.close();
  } finally {
    await consoleServer.stop();
  }
});

test('another site framing the phone with its own sfdcIFrameOrigin gets nothing, and the agent sees why', async () => {
  const consoleServer = await startConsole();
  try {
    const { text, requested } = await framedByForeignSite(null);
    assert.match(text, new RegExp(`${FOREIGN_ORIGIN.replace(/[.:/]/g, '\\$&')}, which is not your organization's Salesforce site\\. Nothing was loaded`));
    assert.ok(!requested.some((u) => u.includes('opencti_min.js')), `requests: ${requested.join(' ')}`);
  } finally {
    await consoleServer.stop();
  }
});

test("another site claiming the org's own sfdcIFrameOrigin is caught by the frame's ancestors", async () => {
  const consoleServer = await startConsole();
  try {
    const { text, requested } = await framedByForeignSite(CONSOLE_ORIGIN);
    assert.match(text, /http:\/\/127\.0\.0\.1:8709, which is not your organization's Salesforce site/);
    assert.ok(!requested.some((u) => u.includes('opencti_min.js')), `requests: ${requested.join(' ')}`);
  } finally {
    await consoleServer.stop();
  }
});

test('a Call Center pointing the phone at a PBX outside the pinned list is refused with a clear message', async () => {
  const dir = join(ROOT, 'target', 'e2e');
  mkdirSync(dir, { recursive: true });
  const variant = developmentDefinition()
    .replace(/(name="pbxWebSocketUrls"[^>]*>)[^<]*/, '$1ws://127.0.0.1:8080,ws://127.0.0.1:8099/ws');
  writeFileSync(join(dir, 'definition-unpinned-pbx.xml'), variant);
  const consoleServer = await startConsole({ definition: 'target/e2e/definition-unpinned-pbx.xml' });
  try {
    const page = await browser.context.newPage();
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(CONSOLE_ORIGIN + '/');
    await page.click('#utility-item');
    const blocked = page.frameLocator('#softphone-slot iframe').locator('[data-testid=blocked]');
    await blocked.waitFor({ timeout: 10_000 });
    assert.match(await blocked.textContent(), /points the phone at the PBX ws:\/\/127\.0\.0\.1:8099\/ws, which this softphone was not deployed to trust\. Nothing was sent there/);
    assert.deepEqual(sockets, [], 'no WebSocket was opened, not even to the pinned PBX');
    await page.close();
  } finally {
    await consoleServer.stop();
  }
});
