// Parses the same SIP messages with JsSIP 3.13.8's parser and with crates/sip compiled to wasm,
// in one node process, and prints messages per second for each and the ratio. Then prints the
// download size (gzip -9) of each library.
// Usage: node jssip-vs-sip.mjs SPEED_PKG_DIR WEB_DIR [SIZE_PKG_DIR]
//   SPEED_PKG_DIR: wasm-bindgen --target nodejs output of the speed build (opt-level 3);
//   WEB_DIR: the --target web output whose size is reported (the size build, wasm-opt -Oz);
//   SIZE_PKG_DIR: --target nodejs output of the size build after wasm-opt (what the app ships),
//   measured too when given.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const e2e = join(here, '..', '..', '..', 'tests', 'e2e');
const require = createRequire(join(e2e, 'package.json'));
const pkg = process.argv[2];
if (!pkg) throw new Error('usage: node jssip-vs-sip.mjs PKG_DIR (wasm-bindgen --target nodejs output)');

const jssipVersion = require('jssip/package.json').version;
const JsSIPParser = require('jssip/lib/Parser');
const speedBuild = require(join(pkg, 'sip_wasm.js'));
const sizeBuild = process.argv[4] ? require(join(process.argv[4], 'sip_wasm.js')) : null;
const quietUa = {}; // JsSIP's parser only stores the UA on the message.

const messages = readdirSync(join(here, 'messages')).sort().map((f) => [f.replace(/\.sip$/, ''), readFileSync(join(here, 'messages', f), 'utf8')]);

function rate(fn, text) {
  for (let i = 0; i < 2000; i++) fn(text); // warm up the JIT / tiers
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = 400_000_000n; // 0.4 s per measurement
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 500; i++) fn(text);
    n += 500;
    elapsed = process.hrtime.bigint() - start;
  }
  return (n * 1e9) / Number(elapsed);
}

const jssip = (text) => {
  const m = JsSIPParser.parseMessage(text, quietUa);
  if (!m) throw new Error('JsSIP could not parse a benchmark message');
  return m;
};
// Both parsers start from the same JS string. Ours gets it into wasm memory with one native
// TextEncoder.encodeInto into a buffer the module keeps (input_buffer), then parses it there.
const encoder = new TextEncoder();
function parserOf(build) {
  const capacity = 64 * 1024;
  const ptr = build.input_buffer(capacity);
  const memory = build.wasm_memory();
  let view = new Uint8Array(memory.buffer, ptr, capacity);
  return (text) => {
    if (view.buffer !== memory.buffer) view = new Uint8Array(memory.buffer, ptr, capacity); // memory grew
    const { read, written } = encoder.encodeInto(text, view);
    if (read !== text.length || !build.parse_input(written)) throw new Error('crates/sip could not parse a benchmark message');
  };
}
const rust = parserOf(speedBuild);
const rustSize = sizeBuild && parserOf(sizeBuild);

console.log(`SIP parsing, messages per second (node ${process.version}, JsSIP ${jssipVersion} vs crates/sip in wasm)`);
console.log(`message                          JsSIP   crates/sip speed build  ratio${rustSize ? '  shipped (size) build  ratio' : ''}`);
let worst = Infinity;
let worstSize = Infinity;
for (const [name, text] of messages) {
  jssip(text);
  rust(text);
  if (rustSize) rustSize(text);
  // Median of three runs each, interleaved so all see the same machine load.
  const a = [], b = [], c = [];
  for (let r = 0; r < 3; r++) {
    a.push(rate(jssip, text));
    b.push(rate(rust, text));
    if (rustSize) c.push(rate(rustSize, text));
  }
  const med = (xs) => xs.sort((x, y) => x - y)[1];
  const [j, s] = [med(a), med(b)];
  worst = Math.min(worst, s / j);
  let line = `${name.padEnd(30)} ${Math.round(j).toString().padStart(7)} ${Math.round(s).toString().padStart(24)} ${(s / j).toFixed(1).padStart(6)}x`;
  if (rustSize) {
    const z = med(c);
    worstSize = Math.min(worstSize, z / j);
    line += ` ${Math.round(z).toString().padStart(22)} ${(z / j).toFixed(1).padStart(6)}x`;
  }
  console.log(line);
}
console.log(`smallest ratio: ${worst.toFixed(1)}x with the speed build${rustSize ? `, ${worstSize.toFixed(1)}x with the shipped size build (opt-level z, wasm-opt -Oz)` : ''} (goal: at least 30x with the shipped build on every message)`);

// Size: what each costs in a page, gzip -9.
const esbuild = require('esbuild');
const bundle = esbuild.buildSync({ entryPoints: [require.resolve('jssip')], bundle: true, minify: true, format: 'iife', globalName: 'JsSIP', write: false, platform: 'browser', logLevel: 'silent' });
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const jssipGz = gz(Buffer.from(bundle.outputFiles[0].contents));
const webDir = process.argv[3] || pkg;
const ourFiles = readdirSync(webDir).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
const oursGz = ourFiles.reduce((sum, f) => sum + gz(readFileSync(join(webDir, f))), 0);
console.log(`\nsize, gzip -9: JsSIP ${jssipVersion} (esbuild --minify) ${(jssipGz / 1024).toFixed(1)} KB; crates/sip (parser + user agent + wasm-bindgen glue: ${ourFiles.join(', ')}) ${(oursGz / 1024).toFixed(1)} KB = ${(100 * oursGz / jssipGz).toFixed(0)}% (goal: at most 50%)`);
