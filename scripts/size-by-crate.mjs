// Reads a wasm file that kept its function names (the name section) and prints where its code
// goes: the function bodies' bytes grouped by the crate (the app's own code by module) that owns
// each function, then the largest functions. Used by scripts/size-by-crate.sh on a side build
// made with the same optimisation as the one that ships.
//
// Usage: node scripts/size-by-crate.mjs FILE.wasm [--shipped SHIPPED.wasm] [--top N] [--list REGEX]
//   --shipped: the wasm that ships (no names); its code size is printed next to FILE's, and the
//              report refuses to speak for it when they differ by more than 1%
//   --list REGEX: every function whose name or group matches, largest first (to see inside a group)
//
// A function belongs to the crate of the path it is named by: `yew::html::...` to yew,
// `<softphone::ui::owner::TabMessage as serde::de::Deserialize>::deserialize` to the type's
// crate (softphone::ui: the derive's code is paid for by the app's type), a generic's copy
// (`serde_wasm_bindgen::de::...::<softphone::...>`) to the generic's crate.
import { readFileSync } from 'node:fs';

/** A reader over the wasm bytes (LEB128 integers, names, sections). */
class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
  }
  done() { return this.at >= this.end; }
  byte() {
    if (this.at >= this.end) throw new Error('the wasm file ends in the middle of a section');
    return this.bytes[this.at++];
  }
  u32() {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new Error('an integer in the wasm file is too long');
  }
  name() {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  skip(n) { this.at += n; }
  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** The sizes in a wasm file: imported function count, each defined function's body, data, names. */
function readModule(bytes) {
  const r = new Reader(bytes, 8);
  const module = { importedFunctions: 0, bodies: [], dataBytes: 0, names: new Map() };
  while (!r.done()) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    const section = new Reader(bytes, r.at, end);
    if (id === 2) readImports(section, module);
    else if (id === 10) readCode(section, module);
    else if (id === 11) module.dataBytes = size;
    else if (id === 0 && section.name() === 'name') readNames(section, module);
    r.at = end;
  }
  return module;
}

function readImports(r, module) {
  for (let count = r.u32(); count > 0; count--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) { r.u32(); module.importedFunctions++; }
    else if (kind === 1) { r.byte(); r.limits(); }
    else if (kind === 2) r.limits();
    else if (kind === 3) { r.byte(); r.byte(); }
    else if (kind === 4) { r.byte(); r.u32(); }
    else throw new Error(`unknown import kind ${kind}`);
  }
}

function readCode(r, module) {
  for (let count = r.u32(); count > 0; count--) {
    const size = r.u32();
    module.bodies.push(size);
    r.skip(size);
  }
}

function readNames(r, module) {
  while (!r.done()) {
    const kind = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (kind === 1) {
      for (let count = r.u32(); count > 0; count--) {
        const index = r.u32();
        module.names.set(index, r.name());
      }
    }
    r.at = end;
  }
}

/** Rust's legacy mangling (`_ZN4core3fmt5write17h0123456789abcdefE`) made readable. */
export function demangle(name) {
  if (!name.startsWith('_ZN')) return name;
  const parts = [];
  let at = 3;
  while (at < name.length && name[at] !== 'E') {
    let digits = '';
    while (/[0-9]/.test(name[at])) digits += name[at++];
    if (digits === '') return name;
    parts.push(name.slice(at, at + Number(digits)));
    at += Number(digits);
  }
  const escapes = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };
  return parts
    .filter((p, i) => !(i === parts.length - 1 && /^h[0-9a-f]{16}$/.test(p)))
    .map((p) => p
      .replace(/^_\$/, '$')
      .replace(/\$([A-Z]{1,2})\$/g, (m, code) => escapes[code] ?? m)
      .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/\.\./g, '::'))
    .join('::');
}

/** The app's own crate, reported by module (its `ui`, `line`, ... cost is what the issue asks). */
const APP = 'softphone';

/** Types the compiler's own library defines methods on (`<f64 as Display>::fmt`, `<str>::find`). */
const PRIMITIVES = new Set(['bool', 'char', 'str', 'f32', 'f64', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize',
  'u8', 'u16', 'u32', 'u64', 'u128', 'usize']);

/** The group a (demangled) function name is charged to. */
export function owner(name) {
  // Crate disambiguators (`core[c5930c85a12de822]::fmt`) and the hash suffix say nothing here.
  let path = name.replace(/\[[0-9a-f]+\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
  if (/^(__wbindgen|__wbg|__externref|__wasm_bindgen|\(function )/.test(path)) return 'wasm-bindgen glue';
  // `<Type as Trait>::method` and `<Type>::method`: the type's crate pays.
  while (path.startsWith('<')) path = path.slice(1);
  path = path.replace(/^(&|\*const |\*mut |mut |dyn |\[)+/, '');
  // A blanket impl (`<T as alloc::string::ToString>::to_string`): the trait's crate pays.
  path = path.replace(/^[A-Z][A-Za-z0-9]* as /, '');
  if (/\bimpl serde_core::(de::Deserialize|ser::Serialize) for | as serde_core::(de::Deserialize|ser::Serialize)>/.test(path)
    && !/^(serde|serde_core|serde_wasm_bindgen|core|alloc)::/.test(path)) {
    return 'serde derives (the app\'s types)';
  }
  const segments = path.split(/::|<| as |>|,| /).filter(Boolean);
  const crate = segments[0] ?? '';
  if (PRIMITIVES.has(crate)) return 'core/alloc';
  if (!/^[a-z_][a-z0-9_]*$/.test(crate) || !path.includes('::')) return '(no crate: compiler builtins, unnamed)';
  if (crate === APP) return `${APP}::${segments[1] ?? ''}`;
  // Yew's code made for one of the app's components (its view, its lifecycle): the views' cost.
  if (crate === 'yew' && path.includes(`<${APP}::`)) return `yew, made for ${APP}'s types (views, hooks)`;
  if (['core', 'alloc', 'std', '__rustc'].includes(crate)) return 'core/alloc';
  if (crate === 'dlmalloc') return 'dlmalloc (the allocator)';
  return crate;
}

function kb(bytes) { return `${(bytes / 1000).toFixed(1)} KB`; }

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && !['--top', '--list', '--shipped'].includes(args[i - 1]));
  const topIndex = args.indexOf('--top');
  const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
  const shippedIndex = args.indexOf('--shipped');
  const shipped = shippedIndex >= 0 ? args[shippedIndex + 1] : null;
  const listIndex = args.indexOf('--list');
  const list = listIndex >= 0 ? new RegExp(args[listIndex + 1]) : null;
  if (!file) {
    console.error('usage: node scripts/size-by-crate.mjs FILE.wasm [--top N]');
    process.exit(2);
  }
  const module = readModule(readFileSync(file));
  if (module.names.size === 0) {
    console.error(`${file} has no function names (name section): build it with names kept`);
    process.exit(1);
  }
  const codeBytes = module.bodies.reduce((a, b) => a + b, 0);
  const groups = new Map();
  const functions = module.bodies.map((size, i) => {
    const raw = module.names.get(module.importedFunctions + i) ?? `(function ${module.importedFunctions + i})`;
    const name = demangle(raw);
    const group = owner(name);
    const entry = groups.get(group) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    groups.set(group, entry);
    return { name, group, size };
  });
  if (list) {
    const matching = functions.filter((f) => list.test(f.name) || list.test(f.group)).sort((a, b) => b.size - a.size);
    const sum = matching.reduce((a, f) => a + f.size, 0);
    console.log(`${matching.length} functions matching ${list}: ${kb(sum)}`);
    for (const { name, size } of matching) console.log(`${kb(size).padStart(10)}  ${name}`);
    return;
  }

  console.log(`code ${kb(codeBytes)} in ${module.bodies.length} functions, data ${kb(module.dataBytes)} (raw bytes, before gzip)`);
  if (shipped) {
    const shippedModule = readModule(readFileSync(shipped));
    const shippedCode = shippedModule.bodies.reduce((a, b) => a + b, 0);
    const off = Math.abs(shippedCode - codeBytes) / shippedCode;
    console.log(`the shipped wasm: code ${kb(shippedCode)} in ${shippedModule.bodies.length} functions, data ${kb(shippedModule.dataBytes)}`);
    if (off > 0.01) {
      console.error(`size-by-crate: the named build's code is ${(100 * off).toFixed(1)}% off the shipped wasm's: not the same build (rebuild with scripts/build-release.sh)`);
      process.exit(1);
    }
  }
  console.log();
  console.log(`${'crate (the app by module)'.padEnd(50)} ${'code'.padStart(10)} ${'share'.padStart(7)} ${'functions'.padStart(10)}`);
  for (const [group, { bytes, count }] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) {
    const share = ((100 * bytes) / codeBytes).toFixed(1);
    console.log(`${group.padEnd(50)} ${kb(bytes).padStart(10)} ${`${share}%`.padStart(7)} ${String(count).padStart(10)}`);
  }
  console.log();
  console.log(`the ${top} largest functions:`);
  for (const { name, size } of functions.sort((a, b) => b.size - a.size).slice(0, top)) {
    const shown = name.length > 110 ? `${name.slice(0, 107)}...` : name;
    console.log(`${kb(size).padStart(10)}  ${shown}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
