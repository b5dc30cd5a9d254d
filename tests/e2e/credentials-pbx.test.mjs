// The PBX side of the org's credentials: Kamailio's auth_ephemeral (dev/pbx), given the secrets
// of the shared vectors (the org package's static resource SoftphoneCredentialVectors, which the
// Apex test and the stand-in's test use too), accepts each vector the file says it accepts and
// refuses the others (expired, minted with a secret it no longer has). A REGISTER over the
// WebSocket, answered with SIP digest (RFC 3261 §22) as a phone would: no browser needed.
// It also refuses an agent's valid credential for a colleague's extension.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT } from './lib/console.mjs';
import { startPbx } from './lib/pbx.mjs';

const VECTORS = JSON.parse(readFileSync(join(ROOT, 'org/force-app/main/default/staticresources/SoftphoneCredentialVectors.json'), 'utf8'));
const PORT = 8086;
let pbx;
before(() => { pbx = startPbx({ port: PORT, ephemeralSecrets: VECTORS.pbxSecrets }); });
after(() => pbx?.stop());

const md5 = (s) => createHash('md5').update(s).digest('hex');

/** One REGISTER transaction's final status, answering one digest challenge with `auth`. */
function register(aor, auth) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${PORT}`, 'sip');
    const callId = randomBytes(8).toString('hex');
    const host = `${randomBytes(4).toString('hex')}.invalid`;
    let cseq = 0;
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('no final answer within 5 s')); }, 5000);
    const send = (authorization) => {
      cseq += 1;
      ws.send([
        'REGISTER sip:127.0.0.1 SIP/2.0',
        `Via: SIP/2.0/WS ${host};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:${aor}@127.0.0.1>;tag=${callId.slice(0, 8)}`,
        `To: <sip:${aor}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${aor}@${host};transport=ws>;expires=60`,
        'Expires: 60',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0', '', '',
      ].join('\r\n'));
    };
    ws.on('open', () => send(null));
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('message', (data) => {
      const text = data.toString();
      const status = Number(text.match(/^SIP\/2\.0 (\d{3})/)?.[1]);
      if (!status || status < 200) return;
      const challenge = text.match(/^WWW-Authenticate: Digest (.*)$/mi)?.[1];
      if (status === 401 && challenge && cseq === 1) {
        const param = (name) => challenge.match(new RegExp(`${name}="([^"]*)"`))?.[1];
        const [realm, nonce, cnonce, nc, uri] = [param('realm'), param('nonce'), randomBytes(8).toString('hex'), '00000001', 'sip:127.0.0.1'];
        const ha1 = md5(`${auth.username}:${realm}:${auth.password}`);
        const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
        send(`Digest username="${auth.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, cnonce="${cnonce}", nc=${nc}`);
        return;
      }
      clearTimeout(timer);
      ws.close();
      resolve(status);
    });
  });
}

test('Kamailio accepts exactly the vectors the shared file says it accepts', async () => {
  assert.ok(VECTORS.vectors.length >= 5);
  for (const v of VECTORS.vectors) {
    const status = await register(v.user, { username: v.username, password: v.password });
    const accepted = status === 200;
    console.log(`# ${v.case}: ${status}`);
    assert.equal(accepted ? 'accepted' : 'refused', v.pbx, `${v.case}: Kamailio answered ${status}`);
  }
});

test('an agent\'s valid credential does not register a colleague\'s extension', async () => {
  const ada = VECTORS.vectors.find((v) => v.user === '1001' && v.pbx === 'accepted');
  assert.equal(await register('1001', ada), 200);
  assert.equal(await register('2042', ada), 403, 'the credential names 1001, the REGISTER 2042');
});

test('password users still sign in beside the org\'s credentials (the form\'s fallback)', async () => {
  assert.equal(await register('1001', { username: '1001', password: 'dev-1001' }), 200);
  assert.equal(await register('1001', { username: '1001', password: 'wrong' }), 401);
});
