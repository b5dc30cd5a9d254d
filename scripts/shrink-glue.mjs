// Shortens the names the wasm and its JavaScript glue call each other by, in a trunk dist/:
// wasm-bindgen makes every import and closure export unique with 16-hex-digit hashes
// (`__wbg_get_208446807d0d1e30`, `wasm_bindgen_b8b9bd1c46a5b838___convert__closures...`), written
// in both files and incompressible: 6 KB of the gzip download. Each hash is dropped (a name
// that would then clash gets a number instead) in the wasm's import and export sections and in
// the glue, and index.html's integrity attributes are recomputed for the two files.
//
// Usage: node scripts/shrink-glue.mjs DIST   (scripts/build-release.sh runs it after trunk)
// It refuses, changing nothing, when dist/ does not hold what it expects.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HASH = /_[0-9a-f]{16}(?![0-9a-f])/g;
const HAS_HASH = /_[0-9a-f]{16}(?![0-9a-f])/;

function fail(message) {
  console.error(`shrink-glue: ${message}`);
  process.exit(1);
}

/** Unsigned LEB128 at `at`: its value and the offset after it. */
function leb(bytes, at) {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, at };
  }
  return fail('a malformed integer in the wasm');
}

function encodeLeb(value) {
  const out = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return Buffer.from(out);
}

const encodeName = (name) => {
  const text = Buffer.from(name, 'utf8');
  return Buffer.concat([encodeLeb(text.length), text]);
};

function readName(bytes, at) {
  const length = leb(bytes, at);
  return { name: bytes.subarray(length.at, length.at + length.value).toString('utf8'), at: length.at + length.value };
}

/** The import (2) or export (7) section's entries with their names renamed by `rename`. */
function rewriteSection(id, body, rename) {
  const parts = [];
  const count = leb(body, 0);
  let at = count.at;
  parts.push(encodeLeb(count.value));
  for (let i = 0; i < count.value; i += 1) {
    if (id === 2) {
      const module = readName(body, at);
      parts.push(encodeName(module.name));
      at = module.at;
    }
    const field = readName(body, at);
    parts.push(encodeName(rename(field.name)));
    at = field.at;
    // The rest of the entry is copied as it is: its kind and what it describes.
    const start = at;
    at = skipDescription(id, body, at);
    parts.push(body.subarray(start, at));
  }
  if (at !== body.length) fail(`section ${id} has bytes after its entries`);
  return Buffer.concat(parts);
}

/** Skips an import's or export's description (kind and index, type, limits or global type). */
function skipDescription(id, body, at) {
  const kind = body[at++];
  if (id === 7) return leb(body, at).at;
  switch (kind) {
    case 0: return leb(body, at).at; // function: its type
    case 1: { // table: reference type, limits
      at += 1;
      const flags = body[at++];
      at = leb(body, at).at;
      return flags & 1 ? leb(body, at).at : at;
    }
    case 2: { // memory: limits
      const flags = body[at++];
      at = leb(body, at).at;
      return flags & 1 ? leb(body, at).at : at;
    }
    case 3: return at + 2; // global: value type, mutability
    case 4: return leb(body, at + 1).at; // tag: attribute, type
    default: return fail(`unknown import kind ${kind}`);
  }
}

/** Every name with a hash, mapped to the name without it (numbered when that clashes). */
function shorterNames(names) {
  const taken = new Set(names.filter((n) => !HAS_HASH.test(n)));
  const renamed = new Map();
  for (const name of names) {
    if (!HAS_HASH.test(name) || renamed.has(name)) continue;
    let short = name.replace(HASH, '');
    for (let n = 2; taken.has(short); n += 1) short = `${name.replace(HASH, '')}_${n}`;
    taken.add(short);
    renamed.set(name, short);
  }
  return renamed;
}

function main() {
  const dist = process.argv[2] || fail('usage: node scripts/shrink-glue.mjs DIST');
  const files = readdirSync(dist);
  const wasmFile = files.find((f) => f.endsWith('_bg.wasm')) || fail(`no *_bg.wasm in ${dist}`);
  const jsFile = wasmFile.replace(/_bg\.wasm$/, '.js');
  if (!files.includes(jsFile) || !files.includes('index.html')) fail(`${dist} has no ${jsFile} or index.html`);
  const wasm = readFileSync(join(dist, wasmFile));
  let js = readFileSync(join(dist, jsFile), 'utf8');

  // The sections, as they are.
  const sections = [];
  for (let at = 8; at < wasm.length;) {
    const id = wasm[at];
    const size = leb(wasm, at + 1);
    sections.push({ id, body: wasm.subarray(size.at, size.at + size.value) });
    at = size.at + size.value;
  }
  const names = [];
  for (const { id, body } of sections.filter((s) => s.id === 2 || s.id === 7)) {
    rewriteSection(id, body, (name) => { names.push(name); return name; });
  }
  const renamed = shorterNames(names);
  if (renamed.size === 0) return console.log('shrink-glue: no hashed names (already shortened?)');
  for (const old of renamed.keys()) {
    if (!js.includes(old)) fail(`${old} is in the wasm but not in ${jsFile}: not wasm-bindgen's glue as expected`);
  }

  const out = [wasm.subarray(0, 8)];
  for (const { id, body } of sections) {
    const rewritten = id === 2 || id === 7 ? rewriteSection(id, body, (n) => renamed.get(n) ?? n) : body;
    out.push(Buffer.from([id]), encodeLeb(rewritten.length), rewritten);
  }
  // Longest first, so that no name is replaced inside a longer one.
  for (const [old, short] of [...renamed].sort((a, b) => b[0].length - a[0].length)) js = js.split(old).join(short);

  const newWasm = Buffer.concat(out);
  writeFileSync(join(dist, wasmFile), newWasm);
  writeFileSync(join(dist, jsFile), js);
  let html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const [file, bytes] of [[wasmFile, newWasm], [jsFile, Buffer.from(js)]]) {
    const integrity = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
    const tag = new RegExp(`(href="\\./${file.replace(/\./g, '\\.')}"[^>]*integrity=")[^"]*(")`);
    if (!tag.test(html)) fail(`index.html has no integrity for ${file}`);
    html = html.replace(tag, `$1${integrity}$2`);
  }
  writeFileSync(join(dist, 'index.html'), html);
  console.log(`shrink-glue: ${renamed.size} names shortened in ${wasmFile} and ${jsFile}`);
}

main();
