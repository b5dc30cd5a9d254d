// Everything a call test needs, started together and stopped together: Kamailio, the Lightning
// stand-in with the softphone, the JsSIP peer server and a browser.
import { launchBrowser } from './browser.mjs';
import { startConsole } from './console.mjs';
import { startPbx } from './pbx.mjs';
import { startPeerServer } from './peer.mjs';

/** Starts the world; `initScript` runs (with `initArg`) in every page and frame before their
 * own scripts; `definition` is the Call Center definition the stand-in serves; `timezoneId` the
 * browser's time zone.
 * When one part fails to start (a port taken, say), the parts already started are stopped, so
 * no Kamailio outlives the test run. */
export async function startCallWorld({ extraArgs = [], initScript, initArg, definition, timezoneId } = {}) {
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
  };
  try {
    const pbx = startPbx();
    stops.push(() => pbx.stop());
    const consoleServer = await startConsole(definition ? { definition } : {});
    stops.push(() => consoleServer.stop());
    const peerServer = await startPeerServer();
    stops.push(() => peerServer.close());
    const browser = await launchBrowser({ extraArgs, timezoneId });
    stops.push(() => browser.close());
    if (initScript) await browser.context.addInitScript(initScript, initArg);
    return { pbx, peerServer, browser, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
