// Numbers as the trunk expects them: the agent types a number nationally, internationally or
// in E.164, and the far end behind the edge's trunk (SIPp) sees the Request-URI the Call Center
// definition asks for: E.164 on an E.164 trunk (the default), the home country's included; a
// desk phone's dial string on a national-format trunk. Several home countries. Whatever went
// out, the phone keeps one form of the number (E.164) on the Task, in recent calls and in the
// screen-pop search.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser } from './lib/browser.mjs';
import { CONSOLE_ORIGIN, callButton, startConsole } from './lib/console.mjs';
import { definitionVariant, openedThings, signIn, startKamailio } from './lib/network.mjs';
import { startSipp } from './lib/sipp.mjs';

const ALAN = '003000000000003AAA'; // a Contact, Phone +44 20 7946 0018
const opened = openedThings();
afterEach(() => opened.closeAll());

// One edge and one browser for the file; the stand-in is started anew with each definition.
let edge, browser;
before(async () => {
  edge = startKamailio(['--edge']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  edge?.stop();
});

/** The stand-in serving the development definition with `items`, and agent 1001 signed in. */
function withDefinition(name, items) {
  const world = {};
  before(async () => {
    world.console = await startConsole({ definition: definitionVariant(name, items) });
    await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
    world.agent = await signIn(browser, '1001');
  });
  after(async () => {
    await world.agent?.page.close().catch(() => {});
    await world.console?.stop();
  });
  return world;
}
const tasks = async () => (await fetch(CONSOLE_ORIGIN + '/__standin/tasks')).json();

/** Types `number`, calls it, and returns the user part of the Request-URI that reached the far
 * end behind the trunk (busy there: the call ends at once). */
async function dialledOverTrunk(agent, number) {
  const far = await startSipp({ scenario: 'uas-busy.xml' });
  opened.add(() => far.stop());
  await agent.phone.locator('#dial-number').fill(number);
  await agent.phone.locator('button', { hasText: 'Use number' }).click();
  await callButton(agent.phone).click();
  const invite = await eventually(`${number} to reach the trunk`, () => far.received('INVITE'));
  assert.ok((await far.done()).ok, 'the far end answered busy');
  // The call is over: the phone is ready for the next number.
  await agent.phone.locator('#dial-number').waitFor({ timeout: 10_000 });
  return invite.requestUri.match(/^sip:([^@;]+)@/)?.[1];
}

/** One world per definition: the home country and the trunk's format are the definition's. */
function country(home, items, cases) {
  describe(`home country ${home}, ${items.trunkNumberFormat} trunk`, () => {
    const world = withDefinition(`trunk-numbers-${home}-${items.trunkNumberFormat}`, { homeCountry: home, ...items });
    test(`the trunk gets ${cases.map(([typed, uri]) => `${typed} as ${uri}`).join('; ')}`, { timeout: 60_000 }, async () => {
      for (const [typed, expected] of cases) {
        assert.equal(await dialledOverTrunk(world.agent, typed), expected, `${typed} (home ${home})`);
      }
    });
  });
}

country('US', { trunkNumberFormat: 'e164' }, [
  ['(415) 555-0100', '+14155550100'],
  ['+44 20 7946 0018', '+442079460018'],
  ['011 33 1 23 45 67 89', '+33123456789'],
]);

country('GB', { trunkNumberFormat: 'e164' }, [
  ['020 7946 0018', '+442079460018'],
  ['+1 415 555 0100', '+14155550100'],
  ['00 49 30 1234567', '+49301234567'],
]);

country('DE', { trunkNumberFormat: 'e164' }, [
  ['030 1234567', '+49301234567'],
  ['+33 1 23 45 67 89', '+33123456789'],
]);

// A PBX that wants a desk phone's dial string: an outside line (9), the national number with
// its trunk prefix, and the country's own international prefix (none in the definition: 00).
country('GB', { trunkNumberFormat: 'national', reqOutsidePrefix: '9' }, [
  ['020 7946 0018', '902079460018'],
  ['+44 (0)20 7946 0018', '902079460018'],
  ['+1 415 555 0100', '90014155550100'],
]);

describe('one form per number (home country GB, E.164 trunk)', () => {
  const world = withDefinition('trunk-numbers-one-form', { homeCountry: 'GB', trunkNumberFormat: 'e164' });

  test('a customer typed nationally and in E.164 is one number on the Tasks, in recent calls and in the screen pop', { timeout: 60_000 }, async () => {
    const { agent } = world;
    for (const typed of ['020 7946 0018', '+44 20 7946 0018']) await dialledOverTrunk(agent, typed);
    const logged = await eventually('both Tasks', async () => {
      const all = (await tasks()).filter((t) => t.CallType === 'Outbound');
      return all.length === 2 && all;
    });
    assert.deepEqual(logged.map((t) => t.Subject.match(/\+\d+|\d{6,}/)?.[0]), ['+442079460018', '+442079460018'], logged.map((t) => t.Subject).join(' | '));
    const recent = await agent.phone.locator('[data-testid=recent] li .who').allTextContents();
    assert.deepEqual(recent.slice(0, 2), ['+442079460018', '+442079460018'], 'recent calls name one number twice');

    // A UK trunk presents the caller nationally: the search is for the one form, and pops Alan.
    await fetch(CONSOLE_ORIGIN + '/__standin/reset', { method: 'POST' });
    const caller = await startSipp({ scenario: 'uac-call.xml', call: '1001', caller: '02079460018' });
    opened.add(() => caller.stop());
    await agent.phone.locator('[data-testid=incoming-call]').waitFor({ timeout: 10_000 });
    const pop = await eventually('the screen pop', async () => (await (await fetch(CONSOLE_ORIGIN + '/__standin/calls')).json()).find((c) => c.method === 'searchAndScreenPop'));
    assert.equal(pop.args.searchParams, '+442079460018');
    await eventually('Alan Turing to pop', async () => (await agent.page.evaluate(() => window.lightningStandin.state.view?.recordId)) === ALAN);
    await agent.phone.locator('button', { hasText: 'Decline' }).click();
  });
});
