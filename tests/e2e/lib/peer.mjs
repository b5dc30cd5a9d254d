// Serves the JsSIP far end (tests/e2e/peer) on its own loopback origin and opens it in a page.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PORT = 8702;

let bundle = null;
function jssipBundle() {
  if (!bundle) {
    const esbuild = require('esbuild');
    bundle = esbuild.buildSync({
      entryPoints: [join(here, '..', 'peer', 'peer.js')], bundle: true, format: 'iife', write: false, logLevel: 'silent',
      nodePaths: [join(here, '..', 'node_modules')],
    }).outputFiles[0].text;
  }
  return bundle;
}

/** Starts the peer page server; `close()` stops it. */
export async function startPeerServer() {
  const server = createServer((req, res) => {
    if (req.url === '/peer.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.end(jssipBundle());
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>JsSIP peer</title><script src="/peer.js"></script>');
    }
  });
  await new Promise((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${PORT}/`, close: () => new Promise((r) => server.close(r)) };
}

/** A JsSIP peer registered as `user` in its own page. */
export async function openPeer(context, server, user, password = `dev-${user}`, pbx = 'ws://127.0.0.1:8080') {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(([u, p, url]) => window.peer.register(u, p, url), [user, password, pbx]);
  await page.waitForFunction(() => window.peer.events.some((e) => e.type === 'registered'), null, { timeout: 10_000 });
  return {
    page,
    events: () => page.evaluate(() => window.peer.events),
    has: (type, extra = {}) => page.evaluate(([t, x]) => window.peer.events.some((e) => e.type === t && Object.entries(x).every(([k, v]) => e[k] === v)), [type, extra]),
    call: (target, options = {}) => page.evaluate(([t, o]) => window.peer.call(t, o), [target, options]),
    answer: (options = {}) => page.evaluate((o) => window.peer.answer(o), options),
    energy: () => page.evaluate(() => window.peer.energy()),
    setSending: (on) => page.evaluate((o) => window.peer.setSending(o), on),
    hangup: () => page.evaluate(() => window.peer.hangup()),
    refer: (target) => page.evaluate((t) => window.peer.refer(t), target),
    setRefuseRejoin: (on) => page.evaluate((o) => window.peer.setRefuseRejoin(o), on),
    setRefuseReinvites: (on) => page.evaluate((o) => window.peer.setRefuseReinvites(o), on),
    bytes: () => page.evaluate(() => window.peer.bytes()),
    close: async () => { await page.evaluate(() => window.peer.stop()).catch(() => {}); await page.close(); },
  };
}
