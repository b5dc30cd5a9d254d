// A loopback TCP relay in front of Kamailio that a test can sever, as a network blip would:
// every connection through it is cut at once, and new ones are relayed again. In "unavailable"
// mode it is instead a PBX that answers every REGISTER with 503 and a Retry-After.
import net from 'node:net';
import { WebSocketServer } from 'ws';

/** Listens on 127.0.0.1:`port` and relays to 127.0.0.1:`target`. */
export async function startRelay({ port = 8090, target = 8080 } = {}) {
  const pairs = new Set();
  const silenced = new Set();
  let mode = 'relay';
  const refusals = [];
  // The 503 PBX: a real WebSocket server (subprotocol sip) handed the raw sockets.
  const unavailable = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false) });
  unavailable.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('REGISTER ')) {
        refusals.push(Date.now());
        ws.send(refusal(text));
      } else if (text === '\r\n\r\n') {
        ws.send('\r\n');
      }
    });
  });
  const httpish = new (await import('node:http')).Server();
  httpish.on('upgrade', (request, socket, head) => unavailable.handleUpgrade(request, socket, head, (ws) => unavailable.emit('connection', ws)));

  const server = net.createServer((client) => {
    if (mode === 'unavailable') {
      httpish.emit('connection', client);
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      // A silenced connection's goodbye is lost too: the other side finds out by itself.
      if (silenced.has(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${port}`,
    /** How many connections are being relayed. */
    connections: () => pairs.size,
    /** Cuts every relayed connection (both directions, no goodbye); returns how many. */
    sever() {
      const cut = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return cut;
    },
    /** Silences every relayed connection without closing it, as a NAT that forgot it or a
     * network gone while the computer slept: bytes vanish both ways, no FIN, no RST. New
     * connections are relayed again. Returns how many were silenced. */
    blackhole() {
      const count = pairs.size;
      for (const pair of [...pairs]) {
        pair.client.unpipe(pair.upstream);
        pair.upstream.unpipe(pair.client);
        pair.client.resume();
        pair.upstream.resume();
        silenced.add(pair);
      }
      pairs.clear();
      return count;
    },
    /** 'relay', or 'unavailable' (new connections meet a PBX that answers REGISTER with 503). */
    setMode(m) { mode = m; },
    /** When REGISTERs were refused. */
    refusals: () => [...refusals],
    async stop() {
      this.sever();
      for (const { client, upstream } of silenced) {
        client.destroy();
        upstream.destroy();
      }
      for (const ws of unavailable.clients) ws.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A 503 with Retry-After for this REGISTER: its Via, From, To (tagged), Call-ID and CSeq. */
function refusal(register) {
  const lines = register.split('\r\n');
  const pick = (name) => lines.filter((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  const to = pick('To').map((l) => (l.includes(';tag=') ? l : `${l};tag=unavailable`));
  return ['SIP/2.0 503 Service Unavailable', ...pick('Via'), ...pick('From'), ...to, ...pick('Call-ID'), ...pick('CSeq'),
    'Retry-After: 30', 'Content-Length: 0', '', ''].join('\r\n');
}
