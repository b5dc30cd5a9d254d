#!/usr/bin/env bash
# One command for the SIP benchmarks: the native parse rate, then crates/sip in wasm against
# JsSIP 3.13.8 in one node process (messages per second and ratio), and both libraries' sizes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
out="$CARGO_TARGET_DIR/sip-bench"
mkdir -p "$out/node" "$out/node-size" "$out/web"

echo "== native (cargo run --release --example parse_rate)"
cargo run --quiet --release -p sip --example parse_rate

echo
echo "== wasm builds of crates/sip behind a minimal wasm-bindgen wrapper (crates/sip-wasm)"
# The speed build (profile `speed`, opt-level 3) for comparison; the size build (the app's
# release profile, opt-level z, then wasm-opt -Oz: what the app ships) for the download size
# and the rate that counts. Both with the toolchain and flags the app ships with.
. scripts/release-toolchain.sh
with_release_toolchain cargo build --quiet --profile speed --target wasm32-unknown-unknown -p sip-wasm
with_release_toolchain cargo build --quiet --release --target wasm32-unknown-unknown -p sip-wasm
wasm-bindgen --target nodejs --out-dir "$out/node" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/speed/sip_wasm.wasm"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/sip_wasm.wasm"
wasm-bindgen --target nodejs --out-dir "$out/node-size" "$wasm"
wasm-bindgen --target web --out-dir "$out/web" "$wasm"
# Both size-build copies get the app's wasm-opt pass (static/index.html), so the rate measured
# is the rate of the code the app ships.
for pkg in "$out/web" "$out/node-size"; do
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    "$pkg/sip_wasm_bg.wasm" -o "$pkg/sip_wasm_bg.wasm"
done
rm -f "$out/web/"*.d.ts
[ -d tests/e2e/node_modules ] || (cd tests/e2e && npm ci --no-audit --no-fund >/dev/null)
node crates/sip/bench/jssip-vs-sip.mjs "$out/node" "$out/web" "$out/node-size"
