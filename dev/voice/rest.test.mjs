// The stand-in's REST side refuses what Salesforce refuses (node --test dev/voice/rest.test.mjs).
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { AUDIENCE, VoiceCalls } from './rest.mjs';

const ORG = '00D000000000001AAA';
const CENTER = 'RustSoftphoneVoice';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(claims = {}, { key = privateKey, alg = 'RS256' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iss: ORG, sub: CENTER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })).toString('base64url');
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key).toString('base64url');
  return `Bearer ${header}.${body}.${signature}`;
}

const create = (overrides = {}) => JSON.stringify({
  callCenterApiName: CENTER,
  vendorCallKey: 'abc@pbx',
  to: '8005550199',
  from: '+14155550100',
  initiationMethod: 'Inbound',
  startTime: new Date().toISOString(),
  participants: [{ participantKey: '+14155550100', type: 'END_USER' }],
  ...overrides,
});

function service() {
  return new VoiceCalls({ orgId: ORG, contactCenter: CENTER, certificate: publicKey.export({ type: 'spki', format: 'pem' }) });
}

const post = (s, body, authorization = jwt()) => s.answer('POST', '/telephony/v1/voiceCalls', { authorization, 'content-type': 'application/json' }, body);

test('a VoiceCall is created for a well-signed, well-formed request', () => {
  const s = service();
  const reply = post(s, create());
  assert.equal(reply.status, 200);
  assert.match(reply.body.voiceCallId, /^0LQ[0-9A-Z]{15}$/);
  assert.deepEqual(s.records.map((r) => [r.vendorCallKey, r.from, r.createdBy]), [['abc@pbx', '+14155550100', 'POST']]);
});

test('a token signed by another key, or with wrong claims, is refused with 401', () => {
  const s = service();
  const now = Math.floor(Date.now() / 1000);
  for (const [authorization, why] of [
    [jwt({}, { key: other.privateKey }), /signature/],
    [jwt({ iss: '00D000000000009AAA' }), /iss/],
    [jwt({ sub: 'AnotherCenter' }), /sub/],
    [jwt({ aud: 'https://login.salesforce.com' }), /aud/],
    [jwt({ exp: now - 1 }), /expired/],
    [jwt({ iat: now + 3600 }), /future/],
    [jwt({}, { alg: 'HS256' }), /RS256/],
    ['Bearer not.a.jwt!', /no bearer JWT/],
    ['', /no bearer JWT/],
  ]) {
    const reply = post(s, create(), authorization);
    assert.equal(reply.status, 401);
    assert.match(reply.why, why);
  }
  assert.equal(s.records.length, 0);
});

test('the 15-character form of the org Id is the same org', () => {
  assert.equal(post(service(), create(), jwt({ iss: ORG.slice(0, 15) })).status, 200);
});

test('a body without what the documentation requires is refused with 400', () => {
  const s = service();
  for (const body of [create({ callCenterApiName: 'Other' }), create({ vendorCallKey: '' }), create({ to: undefined }), create({ initiationMethod: 'inbound' }), create({ startTime: 'yesterday' }), create({ participants: [] }), '{not json']) {
    assert.equal(post(s, body).status, 400, body);
  }
  assert.equal(s.answer('POST', '/telephony/v1/voiceCalls', { authorization: jwt(), 'content-type': 'text/plain' }, create()).status, 415);
  assert.equal(s.records.length, 0);
});

test('a second create with the same vendor call key makes a second VoiceCall (tests count them)', () => {
  const s = service();
  post(s, create());
  post(s, create());
  assert.equal(s.records.filter((r) => r.vendorCallKey === 'abc@pbx').length, 2);
});

test('an update by vendor call key creates the VoiceCall only when none exists', () => {
  const s = service();
  const patch = (key) => s.answer('PATCH', `/telephony/v1/voiceCalls/${encodeURIComponent(key)}`, { authorization: jwt(), 'content-type': 'application/json' }, JSON.stringify({ endTime: new Date().toISOString(), fromNumber: '+1' }));
  post(s, create());
  assert.equal(patch('abc@pbx').status, 200);
  assert.equal(patch('late@pbx').status, 200);
  assert.deepEqual(s.records.map((r) => [r.vendorCallKey, r.createdBy, r.updates.length]), [['abc@pbx', 'POST', 1], ['late@pbx', 'PATCH', 1]]);
});

test('faults: unavailable records nothing; an error after the record keeps it; a lost answer hangs', () => {
  const s = service();
  s.faults.push({ status: 503 }, { status: 500, afterRecord: true }, { hangMs: 50, afterRecord: true });
  assert.equal(post(s, create({ vendorCallKey: 'a@pbx' })).status, 503);
  assert.equal(post(s, create({ vendorCallKey: 'b@pbx' })).status, 500);
  assert.deepEqual(post(s, create({ vendorCallKey: 'c@pbx' })), { hangMs: 50 });
  assert.deepEqual(s.records.map((r) => r.vendorCallKey), ['b@pbx', 'c@pbx']);
  assert.deepEqual(s.log.map((l) => l.status), [503, 500, 'no answer']);
});
