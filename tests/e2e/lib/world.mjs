// Everything a call test needs, started together and stopped together: Kamailio, the Lightning
// stand-in with the softphone, the JsSIP peer server and a browser.
import { launchBrowser } from './browser.mjs';
import { startConsole } from './console.mjs';
import { startPbx } from './pbx.mjs';
import { startPeerServer } from './peer.mjs';

/** Starts the world; `initScript` runs in every page and frame before their own scripts. */
export async function startCallWorld({ extraArgs = [], initScript } = {}) {
  const pbx = startPbx();
  const consoleServer = await startConsole();
  const peerServer = await startPeerServer();
  const browser = await launchBrowser({ extraArgs });
  if (initScript) await browser.context.addInitScript(initScript);
  return {
    pbx,
    peerServer,
    browser,
    async stop() {
      await browser.close();
      await peerServer.close();
      await consoleServer.stop();
      pbx.stop();
    },
  };
}
