// Hanging up before the INVITE has left (the phone is still fetching its TURN credentials for
// the call): the INVITE never leaves, nothing rings at the far end, and the call is logged as
// cancelled. Real parts: Kamailio, a JsSIP far end, a TURN credentials service that answers late.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton, outcomeOf } from './lib/console.mjs';
import { agentAndPeers, openedThings, startPbxWorld, startTurnCredentials } from './lib/network.mjs';

const MARGARET = '003000000000004AAA'; // 1002
const SLOW_MS = 4000;
let world, service;
before(async () => {
  service = await startTurnCredentials('dev-turn-rest-secret', { delayMs: SLOW_MS, ttl: 1 });
  world = await startPbxWorld('hang-up-early', { iceServers: '', turnCredentialsUrl: service.url });
});
after(async () => { await world?.stop(); await service?.close(); });

const opened = openedThings();
afterEach(() => opened.closeAll());

test('hanging up before the INVITE has left: it never leaves, nothing rings, and the Task says Cancelled', { timeout: 60_000 }, async () => {
  await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
  const { agent, peers: [margaret] } = await agentAndPeers(world, opened, '1002');
  await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
  await callButton(agent.phone).click();
  await agent.phone.locator('[data-testid=call-status]', { hasText: 'Calling' }).waitFor({ timeout: 5_000 });
  await agent.phone.locator('button', { hasText: 'Hang up' }).click();
  await agent.phone.locator('[data-testid=call]').waitFor({ state: 'detached', timeout: 5_000 });
  const task = await eventually('the call log', async () => (await (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json()).find((t) => t.WhoId === MARGARET));
  assert.equal(outcomeOf(task), 'Cancelled');
  // Past the moment the credentials arrive and the INVITE would have gone out (their ttl of 1 s
  // also spoils the spare offer made at sign-in, so the call must wait for a fresh fetch).
  await new Promise((r) => setTimeout(r, SLOW_MS + 1500));
  assert.equal(await margaret.has('incoming'), false, 'the far end never rang');
});
