#!/usr/bin/env bash
# Prints where the shipped wasm's code goes: bytes by crate (the app's own code by module) and the
# largest functions. Usage: scripts/size-by-crate.sh [dist] [--list REGEX] [--top N]
#
# The shipped wasm has no function names (wasm-opt drops them), so this makes a side build that
# keeps them: the same cargo artefact scripts/build-release.sh compiled (the release profile keeps
# its symbols, strip = false), through the same wasm-bindgen and the same wasm-opt passes as
# static/index.html asks trunk for, plus -g (names kept, code unchanged). The report checks that
# the named build's code is the shipped one's (within 1%) before it speaks for it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
dist=dist
if [ $# -gt 0 ] && [[ $1 != --* ]]; then dist=$1; shift; fi
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
artefact="$target_dir/wasm32-unknown-unknown/release/softphone.wasm"
shipped=$(find "$dist" -maxdepth 1 -name '*_bg.wasm' | head -n 1)
[ -n "$shipped" ] || { echo "size-by-crate: no wasm in $dist: run scripts/build-release.sh first" >&2; exit 1; }
[ -f "$artefact" ] || { echo "size-by-crate: $artefact is missing: run scripts/build-release.sh first" >&2; exit 1; }

# The wasm-opt level and flags trunk is given (static/index.html), so both builds get the same.
level=$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' static/index.html)
read -r -a params <<<"$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' static/index.html)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" "$artefact"
wasm-opt "-O$level" "${params[@]}" -g "$work/softphone_bg.wasm" -o "$work/named.wasm"
node scripts/size-by-crate.mjs "$work/named.wasm" --shipped "$shipped" "$@"
