// TLS: the phone signs in and calls over wss:// to Kamailio's TLS listener, with a test
// certificate made at PBX start (a test CA and a server certificate for 127.0.0.1). Chromium
// trusts exactly that certificate's public key (--ignore-certificate-errors-spki-list), not
// every certificate; without it the same sign-in must fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './lib/browser.mjs';
import { audioFlowsBothWays, definitionVariant, signIn, startKamailio, startWorld } from './lib/network.mjs';
import { openPeer } from './lib/peer.mjs';
import { callButton } from './lib/console.mjs';

const MARGARET = '003000000000004AAA'; // Phone 1002
const WSS = 'wss://127.0.0.1:8443';
let pbx, definition;

before(() => {
  pbx = startKamailio(['--tls']);
  definition = definitionVariant('tls', { pbxWebSocketUrls: WSS });
});
after(() => pbx?.stop());

/** Where Kamailio holds the agent's registration (its socket: tls:... for wss). */
function registrationSocket(user) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${join(pbx.dir, 'kamailio_ctl')}`, 'ul.dump'], { encoding: 'utf8' });
  const record = dump.split('AoR: ').find((r) => r.startsWith(`${user}\n`)) || '';
  return (record.match(/Socket: (\S+)/) || [])[1] || null;
}

test('over wss with the test certificate trusted: sign-in and a call with audio both ways', async () => {
  const world = await startWorld({ definition, extraArgs: [`--ignore-certificate-errors-spki-list=${pbx.spki()}`] });
  try {
    const peer = await openPeer(world.browser.context, world.peerServer, '1002', 'dev-1002', WSS);
    const signingIn = Date.now();
    const agent = await signIn(world.browser, '1001');
    console.log(`# sign-in over ${WSS}: Ready after ${Date.now() - signingIn} ms`);
    assert.equal(registrationSocket('1001'), 'tls:127.0.0.1:8443', 'the agent registered over TLS');
    await agent.page.click(`a.click-to-dial[data-record="${MARGARET}"]`);
    await callButton(agent.phone).click();
    await eventually('the INVITE to reach the peer', () => peer.has('incoming'));
    await peer.answer();
    await agent.phone.locator('[data-testid=call-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    const figures = await audioFlowsBothWays(assert, agent, peer);
    console.log(`# call over wss: the agent sent ${figures.sent} and received ${figures.received} audio bytes`);
    await agent.phone.locator('button', { hasText: 'Hang up' }).click();
    await eventually('the peer to see our BYE', () => peer.has('ended', { originator: 'remote' }));
  } finally {
    await world.stop();
  }
});

test('without the certificate trusted, the browser refuses the PBX and the agent is not Ready', async () => {
  const world = await startWorld({ definition });
  try {
    const agent = await signIn(world.browser, '1005', { expectReady: false });
    await new Promise((r) => setTimeout(r, 3000));
    const status = await agent.phone.locator('header [role=status]').textContent();
    assert.doesNotMatch(status, /Ready/, `status: ${status}`);
    assert.equal(registrationSocket('1005'), null, 'no registration reached Kamailio');
  } finally {
    await world.stop();
  }
});
