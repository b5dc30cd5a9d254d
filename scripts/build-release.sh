#!/usr/bin/env bash
# Builds the softphone as it ships into dist/: trunk --release (opt-level z, LTO, wasm-opt -Oz)
# with the pinned release toolchain (scripts/release-toolchain.sh), then the names the wasm and
# its glue call each other by shortened (scripts/shrink-glue.mjs). The demo, the tests and the org
# package all use this build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/release-toolchain.sh
with_release_toolchain trunk build --release
node scripts/shrink-glue.mjs dist
