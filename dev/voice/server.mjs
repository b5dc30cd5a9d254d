#!/usr/bin/env node
// The Salesforce Voice stand-in: one HTTPS server answering as
// - https://acme.lightning.force.com:PORT/ : the Lightning page with Omni-Channel's softphone
//   panel (omni/), which frames the connector and drives it over the SDK's MessagePort;
// - https://acme--c.vf.force.com:PORT/ : the org's Visualforce host, serving the voice package's
//   connector and login pages and its static resources (visualforce.mjs);
// - https://acme--other.vf.force.com:PORT/apex/OtherVendor : another package's page on the same
//   Lightning page, which tries to take the connector over (a forged SETUP_CONNECTOR);
// - https://other.lightning.force.com:PORT/ : another org's Lightning page framing our connector;
// - /telephony/v1/... on any name (the VoiceCall service uses 127.0.0.1): the Telephony
//   Integration REST API (rest.mjs);
// - /__standin/... : what tests read and set (VoiceCalls, the REST log, faults).
// Chromium maps the names to 127.0.0.1 (--host-resolver-rules) and trusts the test certificate
// by its key (--ignore-certificate-errors-spki-list). What each behaviour mimics: STANDIN.md.
//
// Usage: node dev/voice/server.mjs --certs DIR --contact-center FILE --org-id ID
//        [--package DIR] [--port 8790] [--deployment JSON]
// Without --package only the REST API and the test hooks answer (the VoiceCall service's tests).
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:https';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readContactCenter } from './contact-center.mjs';
import { VoiceCalls } from './rest.mjs';
import { Package } from './visualforce.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const HOSTS = {
  lightning: 'acme.lightning.force.com',
  visualforce: 'acme--c.vf.force.com',
  otherVendor: 'acme--other.vf.force.com',
  foreignOrg: 'other.lightning.force.com',
};
const OTHER_ORG_ID = '00D000000000002AAA';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' },
    certs: { type: 'string' },
    package: { type: 'string' },
    'contact-center': { type: 'string' },
    'org-id': { type: 'string' },
    deployment: { type: 'string', default: '{}' },
  },
});
for (const required of ['certs', 'contact-center', 'org-id']) {
  if (!args[required]) {
    console.error(`voice stand-in: --${required} is required`);
    process.exit(2);
  }
}
const port = Number(args.port);
const pkg = args.package ? new Package(args.package) : null;
const vendor = pkg?.vendorInfo();
const contactCenter = readContactCenter(readFileSync(args['contact-center'], 'utf8'));
const internalName = contactCenter['/reqGeneralInfo/reqInternalName'];
if (vendor && contactCenter['/reqGeneralInfo/reqVendorInfoApiName'] !== vendor.developerName) {
  // Salesforce links a contact center to its connector by this name only.
  console.error(`voice stand-in: the contact center names ConversationVendorInfo ${contactCenter['/reqGeneralInfo/reqVendorInfoApiName']}, the package has ${vendor.developerName}`);
  process.exit(2);
}
const rest = new VoiceCalls({ orgId: args['org-id'], contactCenter: internalName, certificate: readFileSync(join(args.certs, 'contact-center.pem')) });
const deployment = JSON.parse(args.deployment);

/** What the Omni page needs: where the connector is, and what SETUP_CONNECTOR carries. */
function omniConfig(host) {
  const foreign = host === HOSTS.foreignOrg;
  const visualforce = `https://${HOSTS.visualforce}:${port}`;
  return {
    connectorUrl: visualforce + vendor.connectorUrl,
    loginUrl: vendor.customLoginUrl ? visualforce + vendor.customLoginUrl : null,
    otherVendorUrl: `https://${HOSTS.otherVendor}:${port}/apex/OtherVendor`,
    connectorConfig: {
      ...contactCenter,
      organizationId: foreign ? OTHER_ORG_ID : args['org-id'],
      userId: '005000000000001AAA',
      userName: 'agent@acme.example',
      userFullName: 'Ada Agent',
      domain: `https://${host}:${port}`,
      scrtUrl: `https://127.0.0.1:${port}`,
      isACWAllowed: false,
    },
  };
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

const json = (res, status, value) => send(res, status, 'application/json', JSON.stringify(value));

async function readBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1 << 20) throw new Error('body too large');
  }
  return body;
}

/** A Visualforce page: framed only by the org's own pages (Salesforce's clickjack protection). */
function visualforceHeaders() {
  const org = [HOSTS.lightning, HOSTS.visualforce].map((h) => `https://${h}:${port}`).join(' ');
  return { 'Content-Security-Policy': `frame-ancestors 'self' ${org}` };
}

async function route(req, res) {
  const url = new URL(req.url, 'https://x');
  const host = (req.headers.host || '').replace(/:\d+$/, '');
  if (url.pathname.startsWith('/telephony/v1/')) {
    const reply = rest.answer(req.method, url.pathname, req.headers, await readBody(req));
    if (reply.hangMs) {
      setTimeout(() => req.socket.destroy(), reply.hangMs);
      return;
    }
    return json(res, reply.status, reply.body);
  }
  if (url.pathname.startsWith('/__standin/')) return testHooks(req, res, url);
  if (!pkg) return send(res, 404, 'text/plain', 'not found (no --package)');
  if (host === HOSTS.lightning || host === HOSTS.foreignOrg) {
    if (url.pathname === '/') return sendFile(res, join(HERE, 'omni', 'index.html'));
    if (url.pathname === '/omni/config.json') return json(res, 200, omniConfig(host));
    const file = url.pathname.match(/^\/omni\/([a-z-]+\.(?:js|css))$/);
    if (file) return sendFile(res, join(HERE, 'omni', file[1]));
  }
  if (host === HOSTS.visualforce) {
    const page = url.pathname.match(/^\/apex\/([A-Za-z0-9_]+)$/);
    if (page) {
      const html = pkg.page(page[1], deployment);
      if (html) return send(res, 200, 'text/html; charset=utf-8', html, visualforceHeaders());
    }
    const resource = url.pathname.match(/^\/resource\/([A-Za-z0-9_]+)\/(.+)$/);
    if (resource) {
      const found = pkg.resource(resource[1], decodeURIComponent(resource[2]));
      if (found) return send(res, 200, found.type, found.body);
    }
  }
  if (host === HOSTS.otherVendor && url.pathname === '/apex/OtherVendor') return sendFile(res, join(HERE, 'omni', 'other-vendor.html'), visualforceHeaders());
  send(res, 404, 'text/plain', 'not found');
}

function sendFile(res, file, headers = {}) {
  if (!existsSync(file)) return send(res, 404, 'text/plain', 'not found');
  const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)];
  send(res, 200, type, readFileSync(file), headers);
}

/** GET /__standin/voicecalls, /__standin/rest-log; POST /__standin/rest-faults (a JSON list of
 * `{status}`, `{status, afterRecord: true}` or `{hangMs[, afterRecord]}` for the next REST
 * requests), /__standin/reset. */
async function testHooks(req, res, url) {
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /__standin/voicecalls': return json(res, 200, rest.records);
    case 'GET /__standin/rest-log': return json(res, 200, rest.log);
    case 'POST /__standin/rest-faults':
      rest.faults.push(...JSON.parse(await readBody(req)));
      return json(res, 200, { queued: rest.faults.length });
    case 'POST /__standin/reset':
      rest.reset();
      return json(res, 200, {});
    default: return json(res, 404, { error: 'no such hook' });
  }
}

const server = createServer({ key: readFileSync(join(args.certs, 'server.key')), cert: readFileSync(join(args.certs, 'server.pem')) }, (req, res) => {
  route(req, res).catch((e) => {
    console.error('voice stand-in:', e);
    if (!res.headersSent) send(res, 500, 'text/plain', String(e.message));
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`voice stand-in: Omni on https://${HOSTS.lightning}:${port}/, REST on https://127.0.0.1:${port}/telephony/v1 (contact center ${internalName})`);
});
