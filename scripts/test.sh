#!/usr/bin/env bash
# Sets up what is missing (scripts/setup.sh) and runs every test of the project, in order of
# speed: native Rust tests and lints, the wasm32 builds, the browser tests of the Open CTI shim,
# the release build with its size report, then the end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
# The local Lightning stand-in's origin is the one non-Salesforce origin test builds may trust.
export SOFTPHONE_EXTRA_ORIGINS=http://127.0.0.1:8700

started=$SECONDS
step() { printf '\n\033[1m== %s\033[0m (%ds elapsed)\n' "$*" $((SECONDS - started)); }

step "native tests: cargo test --workspace"
cargo test --workspace --quiet

step "lints: no unwrap/expect/panic/indexing on input in the libraries"
cargo clippy --quiet -p sip -p callcenter --all-features -- -D warnings

step "the portable crates build for wasm32"
cargo build --quiet --target wasm32-unknown-unknown -p sip
cargo build --quiet --target wasm32-unknown-unknown -p callcenter --no-default-features

step "browser tests of the Open CTI shim (wasm-bindgen-test, headless Chromium)"
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" . -- --test opencti

step "release build of the softphone (trunk) and its download size"
trunk build --release
scripts/size-report.sh dist

step "end-to-end tests (console + softphone + Kamailio + JsSIP, headless Chromium)"
cargo build --quiet --release -p console
(cd tests/e2e && npm test)

step "all tests passed"
