// Parses the same SIP messages with JsSIP 3.13.8's parser and with crates/sip compiled to wasm,
// in one node process, and prints messages per second for each and the ratio. Then prints the
// download size (gzip -9) of each library. Usage: node jssip-vs-sip.mjs PKG_DIR
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
const ours = require(join(pkg, 'sip_wasm.js'));
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
const rust = (text) => {
  if (!ours.parse_message(text)) throw new Error('crates/sip could not parse a benchmark message');
};

console.log(`SIP parsing, messages per second (node ${process.version}, JsSIP ${jssipVersion} vs crates/sip in wasm)`);
console.log('message                          JsSIP      crates/sip    ratio');
let worst = Infinity;
for (const [name, text] of messages) {
  jssip(text);
  rust(text);
  // Median of three runs each, interleaved so both see the same machine load.
  const a = [], b = [];
  for (let r = 0; r < 3; r++) { a.push(rate(jssip, text)); b.push(rate(rust, text)); }
  const med = (xs) => xs.sort((x, y) => x - y)[1];
  const [j, s] = [med(a), med(b)];
  worst = Math.min(worst, s / j);
  console.log(`${name.padEnd(30)} ${Math.round(j).toString().padStart(9)} ${Math.round(s).toString().padStart(13)} ${(s / j).toFixed(1).padStart(8)}x`);
}
console.log(`smallest ratio: ${worst.toFixed(1)}x (goal: at least 30x)`);

// Size: what each costs in a page, gzip -9.
const esbuild = require('esbuild');
const bundle = esbuild.buildSync({ entryPoints: [require.resolve('jssip')], bundle: true, minify: true, format: 'iife', globalName: 'JsSIP', write: false, platform: 'browser', logLevel: 'silent' });
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const jssipGz = gz(Buffer.from(bundle.outputFiles[0].contents));
const webDir = process.argv[3] || pkg;
const ourFiles = readdirSync(webDir).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
const oursGz = ourFiles.reduce((sum, f) => sum + gz(readFileSync(join(webDir, f))), 0);
console.log(`\nsize, gzip -9: JsSIP ${jssipVersion} (esbuild --minify) ${(jssipGz / 1024).toFixed(1)} KB; crates/sip (parser + user agent + wasm-bindgen glue: ${ourFiles.join(', ')}) ${(oursGz / 1024).toFixed(1)} KB = ${(100 * oursGz / jssipGz).toFixed(0)}% (goal: at most 50%)`);
