// The VoiceCall service (crates/voicecall) against the Salesforce Voice stand-in's REST API:
// Kamailio reports a call to a Salesforce Voice agent, the service creates exactly one VoiceCall
// for its Call-ID (a JWT the stand-in checks), and the connector's lookup gives its Id. Salesforce
// unavailable, slow, failing after it acted, or refusing: the call rings regardless, a create is
// repeated only when Salesforce did not act on it, and never two VoiceCalls for one call.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { eventually, launchBrowser } from './lib/browser.mjs';
import { openPeer, startPeerServer } from './lib/peer.mjs';
import { hook, lookup, makeCerts, startStandin, startVoiceCallService, startVoicePbx } from './lib/voice.mjs';

const certs = makeCerts();
after(() => certs.remove());

const count = (records, key) => records.filter((r) => r.vendorCallKey === key).length;

describe('a call through Kamailio to a Salesforce Voice agent', () => {
  let standin;
  let service;
  let pbx;
  let peers;
  let browser;
  before(async () => {
    standin = await startStandin(certs);
    service = await startVoiceCallService(certs);
    pbx = startVoicePbx({ agents: ['1001', '1005'] });
    peers = await startPeerServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await peers?.close();
    pbx?.stop();
    await service?.stop();
    await standin?.stop();
  });

  test('one VoiceCall for its Call-ID, its Id for the connector; no VoiceCall for a colleague calling or a customer called', async () => {
    const agent = await openPeer(browser.context, peers, '1001');
    const customer = await openPeer(browser.context, peers, '1002');
    const colleague = await openPeer(browser.context, peers, '1005');
    try {
      await customer.call('1001');
      const incoming = await eventually('the agent to ring', async () => (await agent.events()).find((e) => e.type === 'incoming'));
      const records = await eventually('the VoiceCall', async () => { const r = await standin.voiceCalls(); return r.length > 0 && r; });
      assert.deepEqual(records.map((r) => [r.vendorCallKey, r.from, r.to, r.initiationMethod, r.createdBy]), [[incoming.callId, '1002', '1001', 'Inbound', 'POST']]);
      const found = await lookup(certs, incoming.callId, 5);
      assert.deepEqual(found, { status: 200, body: { status: 'created', voiceCallId: records[0].id } });
      await agent.answer();
      await eventually('the call to be up', () => customer.has('confirmed'));
      await customer.hangup();
      await eventually('the agent to hear the hang-up', () => agent.has('ended'));
      await colleague.call('1001');
      await eventually('the colleague\'s call to ring', async () => (await agent.events()).filter((e) => e.type === 'incoming').length === 2);
      await colleague.hangup();
      await agent.call('1002');
      await eventually('the customer to ring', () => customer.has('incoming'));
      await agent.hangup();
      await new Promise((r) => setTimeout(r, 500));
      const all = await standin.voiceCalls();
      assert.equal(all.length, 1, `only the customer's call to the agent: ${JSON.stringify(all)}`);
      assert.equal((await standin.restLog()).filter((l) => l.method === 'PATCH').length, 0, 'a created VoiceCall needs no reconciliation');
    } finally {
      for (const p of [agent, customer, colleague]) await p.close();
    }
  });

  test('Salesforce unavailable: the call rings at once, and its VoiceCall is created once Salesforce is back', async () => {
    await standin.reset();
    await standin.faults([{ status: 503 }, { status: 503 }]);
    const agent = await openPeer(browser.context, peers, '1001');
    const customer = await openPeer(browser.context, peers, '1002');
    try {
      const t0 = Date.now();
      await customer.call('1001');
      const incoming = await eventually('the agent to ring', async () => (await agent.events()).find((e) => e.type === 'incoming'));
      const ringMs = Date.now() - t0;
      const record = await eventually('the VoiceCall after two 503s', async () => (await standin.voiceCalls())[0]);
      assert.equal(record.vendorCallKey, incoming.callId);
      const log = await standin.restLog();
      assert.deepEqual(log.map((l) => l.status), [503, 503, 200]);
      console.log(`# Salesforce answering 503 twice: the call rang after ${ringMs} ms, its VoiceCall was created ${log[2].at - log[0].at} ms after the first try`);
      await customer.hangup();
    } finally {
      await agent.close();
      await customer.close();
    }
  });
});

describe('the service and Salesforce failing (the PBX\'s hook driven by the test)', () => {
  let standin;
  let service;
  before(async () => {
    standin = await startStandin(certs);
    service = await startVoiceCallService(certs, { answerTimeoutMs: 1500 });
  });
  after(async () => {
    await service?.stop();
    await standin?.stop();
  });

  const start = (callId) => hook('started', { callId, from: '+14155550100', to: '8005550199' });

  test('the hook answers at once and a repeated event for the same Call-ID makes no second VoiceCall', async () => {
    await standin.reset();
    assert.deepEqual(await start('dup@pbx'), { status: 202, body: { status: 'creating' } });
    const t0 = performance.now();
    assert.deepEqual(await start('dup@pbx'), { status: 202, body: { status: 'known' } });
    const hookMs = performance.now() - t0;
    await eventually('the VoiceCall', async () => (await lookup(certs, 'dup@pbx', 5)).body.status === 'created');
    assert.equal(count(await standin.voiceCalls(), 'dup@pbx'), 1);
    console.log(`# the PBX's hook answered in ${hookMs.toFixed(1)} ms (the repeated event, from the test's HTTP client)`);
  });

  test('a create left unanswered is not sent again; when the call ends it is reconciled by vendor call key: one VoiceCall', async () => {
    await standin.reset();
    await standin.faults([{ hangMs: 4000, afterRecord: true }]);
    await start('lost@pbx');
    const failed = await eventually('the lookup to say unknown', async () => { const r = await lookup(certs, 'lost@pbx', 5); return r.body.status === 'failed' && r; }, 8000);
    assert.deepEqual(failed.body, { status: 'failed', reason: 'unknown' });
    await hook('ended', { callId: 'lost@pbx' });
    await eventually('the reconciliation', async () => (await standin.restLog()).some((l) => l.method === 'PATCH' && l.status === 200));
    const records = await standin.voiceCalls();
    assert.equal(count(records, 'lost@pbx'), 1, JSON.stringify(records));
    assert.equal(records[0].updates.length, 1, 'the lost create\'s record was updated, not duplicated');
    assert.deepEqual((await standin.restLog()).map((l) => `${l.method} ${l.status}`), ['POST no answer', 'PATCH 200']);
  });

  test('a 500 after Salesforce made the record: not repeated, reconciled, one VoiceCall', async () => {
    await standin.reset();
    await standin.faults([{ status: 500, afterRecord: true }]);
    await start('err@pbx');
    await eventually('the failure', async () => (await lookup(certs, 'err@pbx', 5)).body.reason === 'unknown');
    await hook('ended', { callId: 'err@pbx' });
    await eventually('the reconciliation', async () => (await standin.restLog()).some((l) => l.method === 'PATCH'));
    assert.equal(count(await standin.voiceCalls(), 'err@pbx'), 1);
  });

  test('Salesforce down for the whole ring: retried with backoff, then created by the update once the call ends', async () => {
    await standin.reset();
    await standin.faults(Array.from({ length: 6 }, () => ({ status: 503 })));
    await start('down@pbx');
    await new Promise((r) => setTimeout(r, 2500));
    const tries = (await standin.restLog()).filter((l) => l.method === 'POST');
    assert.ok(tries.length >= 3 && tries.every((t) => t.status === 503), `retried while Salesforce was down: ${tries.length}`);
    const gaps = tries.slice(1).map((t, i) => t.at - tries[i].at);
    assert.ok(gaps.every((g, i) => i === 0 || g >= gaps[i - 1] * 0.6), `the waits grow: ${gaps}`);
    await hook('ended', { callId: 'down@pbx' });
    await eventually('one VoiceCall in the end', async () => count(await standin.voiceCalls(), 'down@pbx') === 1, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(count(await standin.voiceCalls(), 'down@pbx'), 1);
  });

  test('a request Salesforce refuses is not retried and the lookup says so', async () => {
    await standin.reset();
    await standin.faults([{ status: 400 }]);
    await start('bad@pbx');
    const answer = await eventually('the refusal', async () => { const r = await lookup(certs, 'bad@pbx', 5); return r.body.status === 'failed' && r; });
    assert.deepEqual(answer.body, { status: 'failed', reason: 'rejected', httpStatus: 400 });
    await hook('ended', { callId: 'bad@pbx' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual((await standin.restLog()).map((l) => `${l.method} ${l.status}`), ['POST 400']);
  });

  test('bad call events and unknown lookups are refused; nothing is created', async () => {
    await standin.reset();
    assert.equal((await hook('started', { callId: 'a b', from: '1', to: '2' })).status, 400);
    assert.equal((await hook('started', { callId: 'x@pbx', from: '<sip:1@evil>', to: '2' })).status, 400);
    assert.equal((await lookup(certs, 'nobody@pbx')).status, 404);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await standin.voiceCalls(), []);
  });
});

describe('a key Salesforce does not know', () => {
  test('every request is refused with 401, the lookup says refused, and nothing is retried', async () => {
    const standin = await startStandin(certs);
    const otherKey = join(certs.dir, 'other.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', otherKey], { stdio: 'pipe' });
    const service = await startVoiceCallService(certs, { key: otherKey });
    try {
      await hook('started', { callId: 'k@pbx', from: '1002', to: '1001' });
      const answer = await eventually('the refusal', async () => { const r = await lookup(certs, 'k@pbx', 5); return r.body.status === 'failed' && r; });
      assert.deepEqual(answer.body, { status: 'failed', reason: 'refused', httpStatus: 401 });
      const log = await standin.restLog();
      assert.deepEqual(log.map((l) => [l.status, l.why]), [[401, 'the JWT signature does not match the contact center certificate']]);
    } finally {
      await service.stop();
      await standin.stop();
    }
  });

  test('the service refuses to start with a key file others can read', async () => {
    const readable = join(certs.dir, 'readable.key');
    copyFileSync(join(certs.dir, 'contact-center.key'), readable);
    execFileSync('chmod', ['644', readable]);
    const target = process.env.CARGO_TARGET_DIR || join(process.cwd(), '..', '..', 'target');
    const bin = ['debug', 'release'].map((p) => join(target, p, 'voicecall')).find(existsSync);
    let failure;
    try {
      execFileSync(bin, ['--scrt-url', 'https://127.0.0.1:1', '--org-id', '00D000000000001AAA', '--contact-center', 'X', '--key-file', readable], { stdio: 'pipe' });
    } catch (e) {
      failure = e;
    }
    assert.equal(failure?.status, 1);
    assert.match(failure.stderr.toString(), /may be read by others \(mode 644\): chmod 600 it/);
  });
});
