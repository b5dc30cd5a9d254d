#!/usr/bin/env bash
# Builds the Salesforce Voice connector into dist-connector/ (what the voice package's static
# resource holds): the phone core in wasm (crates/connector: wasm-bindgen --target web, then
# wasm-opt -Oz), its SDK shim and the login page's script (crates/connector/web), and
# @salesforce/scv-connector-base 3.6.2 unmodified with its licence. Checks that the connector
# brings neither Yew nor Open CTI along, and prints what the connector page downloads (gzip -9).
# Usage: scripts/build-connector.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=${1:-dist-connector}
target=${CARGO_TARGET_DIR:-$PWD/target}
sdk=crates/connector/web/node_modules/@salesforce/scv-connector-base
[ -f "$sdk/dist/scv-connector-base.js" ] || { echo "build-connector: the SDK is not installed: run scripts/setup.sh" >&2; exit 1; }
if cargo tree --quiet -p connector --target wasm32-unknown-unknown -e normal --prefix none | grep -qE '^(yew|softphone) '; then
  echo "build-connector: the connector depends on Yew or the Open CTI app; it must not" >&2
  exit 1
fi
cargo build --quiet --release --target wasm32-unknown-unknown -p connector
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name connector "$target/wasm32-unknown-unknown/release/connector.wasm"
# Flags: see README "Size" (Rust's wasm output needs these features named once stripped).
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext "$out/connector_bg.wasm" -o "$out/connector_bg.wasm"
cp crates/connector/web/sdk-3.js crates/connector/web/login.js "$out/"
cp "$sdk/dist/scv-connector-base.js" "$out/scv-connector-base.js"
cp "$sdk/LICENSE.txt" "$out/scv-connector-base.LICENSE.txt"
total=0
printf '%-44s %10s %10s\n' "file (what the connector page downloads)" "raw bytes" "gzip -9"
for f in scv-connector-base.js sdk-3.js connector.js connector_bg.wasm; do
  raw=$(stat -c %s "$out/$f")
  gz=$(gzip -9 -c "$out/$f" | wc -c)
  total=$((total + gz))
  printf '%-44s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-44s %10s %10d  (%d.%d KB; the Open CTI phone: scripts/size-report.sh)\n' "total" "" "$total" $((total / 1000)) $((total % 1000 / 100))
