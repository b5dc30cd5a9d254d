// Starts the Lightning stand-in (dev/console) with the softphone's release build, as the demo does.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { eventually } from './browser.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CONSOLE_ORIGIN = 'http://127.0.0.1:8700';
/** Where the phone runs: the org-like (Visualforce) origin serving the org package (8702 is
 * the JsSIP peer's page, lib/peer.mjs). */
export const APP_ORIGIN = 'http://127.0.0.1:8704';
/** The phone's page there, the development definition's adapter URL. */
export const APP_PAGE = `${APP_ORIGIN}/apex/Softphone`;

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.end(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** callcenter-xml/development.xml's text with `credentials` set: `password` for the tests that
 * sign in with the form (the development definition itself says `org`: the demo signs in with
 * the org's credentials, and credentials.test.mjs checks that). */
export function developmentDefinition({ credentials = 'password' } = {}) {
  const xml = readFileSync(join(ROOT, 'callcenter-xml', 'development.xml'), 'utf8');
  const variant = xml.replace(/(<item [^>]*name="credentials"[^>]*>)[^<]*/, `$1${credentials}`);
  if (!/name="credentials"/.test(xml)) throw new Error('development.xml has no credentials item');
  return variant;
}

/** Writes `text` to `path` whole or not at all: the e2e groups run at once share target/e2e, and
 * two files writing the same definition must never let a console read it half written (it once
 * read an empty file and did not start). */
export function writeWhole(path, text) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** Writes `xml` as target/e2e/NAME.xml; returns its path relative to the repository. */
export function writeDefinition(name, xml) {
  mkdirSync(join(ROOT, 'target', 'e2e'), { recursive: true });
  writeWhole(join(ROOT, 'target', 'e2e', `${name}.xml`), xml);
  return join('target', 'e2e', `${name}.xml`);
}

/** Runs target/release/console on 8700/8701/8704 serving dist/ and the org package built from
 * it (scripts/build-org-package.sh); `stop()` ends it. The definition defaults to the
 * development one with password credentials (`developmentDefinition`); `args` go to the console
 * (e.g. `--sip-secret-file`). */
export async function startConsole({ definition, appDir = 'dist', args = [] } = {}) {
  definition ??= writeDefinition('development-password', developmentDefinition());
  const bin = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'release', 'console');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build --release -p console`);
  if (!existsSync(join(ROOT, appDir, 'index.html'))) throw new Error(`${appDir}/index.html is missing: run scripts/build-release.sh`);
  if (!existsSync(join(ROOT, 'org/force-app/main/default/pages/Softphone.page'))) {
    throw new Error('the org package is not built: run scripts/build-org-package.sh --org-url https://acme.my.salesforce.com');
  }
  if (await portOpen(8700)) throw new Error('port 8700 is taken: is a demo still running?');
  const child = spawn(bin, ['--definition', join(ROOT, definition), '--app-dir', join(ROOT, appDir), ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 5000;
  while (!(await portOpen(8700)) || !(await portOpen(8701)) || !(await portOpen(8704))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the console did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Reads `window.lightningStandin.<path>` in the stand-in page (e.g. `state.initialized`). */
export const standin = (page, path) => page.evaluate((p) => p.split('.').reduce((v, k) => v?.[k], window.lightningStandin), path);

/** Opens the stand-in page and its Phone panel, as an agent does; returns the phone's frame. */
export async function openPhone(page, { timeout = 10_000 } = {}) {
  await page.goto(CONSOLE_ORIGIN + '/');
  await eventually('the phone to initialise', () => standin(page, 'state.initialized'), timeout);
  await page.click('#utility-item');
  return page.frameLocator('#softphone-slot iframe');
}

/** Signs the phone in as `user` (development password unless given) and waits for Ready. */
export async function signInAs(phone, user = '1001', { password = `dev-${user}`, expectReady = true, timeout = 10_000 } = {}) {
  await phone.locator('#sip-user').fill(user);
  await phone.locator('#sip-password').fill(password);
  await phone.locator('button[type=submit]', { hasText: 'Sign in' }).click();
  if (expectReady) await phone.locator('header [role=status]', { hasText: `Ready · ${user}` }).waitFor({ timeout });
}

/** The phone's dial button. Matched by its whole accessible name: the recent calls' buttons
 * ("Call back ...") also start with "Call". */
export const callButton = (phone) => phone.getByRole('button', { name: 'Call', exact: true });

/** What became of a logged call by itself (never the agent's disposition): the org package's
 * `Softphone_Outcome__c`, or without the package the description's `Outcome:` line (answered
 * calls have none there). */
export function outcomeOf(task) {
  if (task.Softphone_Outcome__c) return task.Softphone_Outcome__c;
  const line = /^Outcome: (.*)$/m.exec(task.Description ?? '');
  return line ? line[1] : 'Answered';
}
