// Runs the development Kamailio (dev/pbx) for a test, in its own run directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './console.mjs';

/** Starts Kamailio on `port`; `kill()` and `start()` for outage tests, `stop()` at the end.
 * `ephemeralSecrets`: the secrets its auth_ephemeral accepts (default dev/pbx/ephemeral-secret). */
export function startPbx({ port = 8080, ephemeralSecrets = [] } = {}) {
  const runDir = mkdtempSync(join(tmpdir(), 'softphone-pbx-test-'));
  const script = (name) => join(ROOT, 'dev', 'pbx', name);
  const args = ['--port', String(port), '--run-dir', runDir, ...ephemeralSecrets.flatMap((s) => ['--ephemeral-secret', s])];
  const start = () => execFileSync(script('start.sh'), args, { stdio: 'pipe' });
  start();
  return {
    url: `ws://127.0.0.1:${port}`,
    /** Where its control socket lives (kamcmd -s unix:RUN_DIR/kamailio_ctl). */
    runDir,
    start,
    /** Kills Kamailio (SIGTERM to its main process, which takes its children along). */
    kill() {
      execFileSync(script('stop.sh'), args, { stdio: 'pipe' });
    },
    stop() {
      execFileSync(script('stop.sh'), args, { stdio: 'pipe' });
      if (!process.env.E2E_DEBUG) rmSync(runDir, { recursive: true, force: true });
    },
  };
}
