// Debian's Chromium, headless, as the agents' browser: real WebRTC with a fake microphone,
// loopback ICE candidates allowed, and none of Chromium's calls to hosts this machine can't reach.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

/** A fresh browser profile; `close()` removes it. `timezoneId` (an IANA name) is the zone the
 * browser lives in (default: the machine's). `microphone: false` leaves out Chromium's fake
 * capture device: like a computer without a microphone, getUserMedia finds none. */
export async function launchBrowser({ extraArgs = [], timezoneId, microphone = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-chromium-'));
  const args = CHROMIUM_ARGS.filter((a) => microphone || a !== '--use-fake-device-for-media-stream');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...args, ...extraArgs],
    viewport: { width: 1280, height: 860 },
    ...(timezoneId ? { timezoneId } : {}),
  });
  reportPageTrouble(context);
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prints what goes wrong inside the pages as it happens, so that a test that then times out
 * says why: every uncaught exception (a trap in the wasm is one: the phone is dead after it) and
 * the first console errors (some tests cause errors on purpose, such as a refused WebSocket). */
function reportPageTrouble(context) {
  let consoleErrors = 0;
  context.on('weberror', (e) => console.log(`# browser: uncaught in ${e.page()?.url() ?? 'a page'}: ${e.error()?.stack ?? e.error()}`));
  context.on('console', (m) => {
    // The stand-ins serve no icon: Chromium's request for one is not the phone's trouble.
    const where = m.location()?.url || 'a page';
    if (m.type() !== 'error' || where.endsWith('/favicon.ico') || ++consoleErrors > 30) return;
    console.log(`# browser: console error in ${where}: ${m.text()}`);
  });
}

/** Polls `fn` until it returns a truthy value or `ms` pass; the error names what was awaited. */
export async function eventually(what, fn, ms = 10_000, every = 50) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
}

/** What `promise` resolves to, or null once `ms` passed first; the timer never outlives it
 * (a pending one would keep the test process alive). */
export async function settledWithin(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps every peer connection the app makes reachable, to read its getStats from the test. */
export function keepPeerConnections() {
  const Original = window.RTCPeerConnection;
  if (!Original) return;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
  // The newest peer connection that carries a call: one with the far end's description (also
  // while it re-offers, to hold or move the call), not closed. The phone keeps a spare one with
  // an offer made ahead, which has none and may be newer.
  window.__callPc = () => window.__pcs.filter((pc) => pc.remoteDescription && pc.signalingState !== 'closed').at(-1);
}
