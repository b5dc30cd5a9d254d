#!/usr/bin/env bash
# Sets up what is missing (scripts/setup.sh) and runs every test of the project, fastest first:
# native Rust tests and lints, the wasm32 builds, the release build with its size report, the
# org package (built for an example org and checked offline), the Salesforce Voice connector and
# its package, the browser tests of the Open CTI shim against the Lightning stand-in, the SIP
# benchmark against JsSIP, then the end-to-end tests (real Kamailio, real WebRTC calls, the
# Salesforce Voice stand-in and the VoiceCall service) with their benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

started=$SECONDS
step() { printf '\n\033[1m== %s\033[0m (%ds elapsed)\n' "$*" $((SECONDS - started)); }
console_pid=
cleanup() { [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

step "native tests: cargo test --workspace"
cargo test --workspace --quiet

step "lints: no unwrap/expect/panic/indexing on input in the libraries"
cargo clippy --quiet --workspace --all-features -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown -p softphone -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown -p connector -- -D warnings

step "the portable crates build for wasm32"
cargo build --quiet --target wasm32-unknown-unknown -p callcenter-settings
cargo build --quiet --target wasm32-unknown-unknown -p sip

step "release build of the softphone (scripts/build-release.sh), its download size and where it goes"
scripts/build-release.sh
scripts/size-report.sh dist
scripts/size-by-crate.sh dist

step "the org package, built offline for an example org and checked (org/package.test.mjs), every Apex class parsed (org/apex.test.mjs)"
cargo build --quiet --release -p callcenter
"$CARGO_TARGET_DIR/release/callcenter" validate org/callcenter.xml callcenter-xml/*.xml org/voice/contact-center.xml dev/voice/contact-center.xml
scripts/build-org-package.sh --org-url https://acme.my.salesforce.com
node --test org/package.test.mjs org/apex.test.mjs

step "the Salesforce Voice connector (no Yew, no Open CTI) and its package, built offline for an example org and checked"
scripts/build-connector.sh
scripts/build-voice-package.sh --org-url https://acme.my.salesforce.com --org-id 00D000000000001AAA
node --test org/voice/package.test.mjs dev/voice/rest.test.mjs
# The VoiceCall service for the end-to-end tests (a debug build: its dependencies are the tests').
cargo build --quiet -p voicecall

step "browser tests of the Open CTI shim against the stand-in (wasm-bindgen-test, headless Chromium)"
cargo build --quiet --release -p console
"$CARGO_TARGET_DIR/release/console" --app-dir dist >"$CARGO_TARGET_DIR/console-for-wasm-tests.log" 2>&1 &
console_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:8700/__standin/config.json && break; sleep 0.1; done
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" . --test opencti
kill "$console_pid"; wait "$console_pid" 2>/dev/null || true; console_pid=

step "SIP benchmark: crates/sip against JsSIP 3.13.8 in one node process, and both sizes"
crates/sip/bench/run.sh

step "fuzz: both SIP core targets, 30 s each, from the committed corpus (crates/sip/fuzz/seeds)"
crates/sip/fuzz/run.sh --seconds 30

step "callcenter report benchmark: 50,000 generated Tasks"
cargo bench --quiet -p callcenter --bench report

step "registration storm smoke run: 50 agents, Kamailio restarted (the 1000-agent run is in README)"
dev/storm/run.sh --agents 50 --down-ms 0

step "end-to-end tests: the Lightning stand-in, Kamailio, the softphone and a JsSIP far end in headless Chromium (scripts/e2e.sh, two groups of files at once in network namespaces of their own)"
scripts/e2e.sh

step "all tests passed"
