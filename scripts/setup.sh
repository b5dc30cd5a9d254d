#!/usr/bin/env bash
# Installs what the demo and the tests need on a Debian machine, as root, skipping whatever is
# already there. Safe to run again and again: every step checks before it installs.
#
# Only package registries are assumed reachable (Debian, crates.io, npm), so every tool comes from
# one of them, pinned, and nothing downloads binaries at run time (see README, "Toolchain").
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
BINARYEN_NPM_VERSION=132.0.0
CARGO_FUZZ_VERSION=0.13.1

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# --- Debian packages --------------------------------------------------------------------------
# coturn, kamailio-tls-modules and openssl: the TURN relay and the wss listener with its test
# certificate; kamailio-autheph-modules: the PBX verifies the credentials the org mints
# (auth_ephemeral); kamailio-utils-modules: http_client, the VoiceCall service's hook
# (WITH_VOICECALL); unzip: the org package check looks inside the static resource;
# rtpengine-daemon: the media-terminating edge (dev/pbx/start.sh --edge); baresip-core and
# sip-tester (SIPp): the far ends that are not browsers (tests/e2e/lib/baresip.mjs, sipp.mjs);
# g++: libFuzzer, built by the SIP core's fuzz targets.
apt_packages=(chromium chromium-driver kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-autheph-modules kamailio-utils-modules coturn openssl nodejs npm unzip
  rtpengine-daemon baresip-core sip-tester g++)
missing=()
for p in "${apt_packages[@]}"; do
  # node/npm may come from elsewhere (e.g. NodeSource); only install when the command is absent.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Rust toolchain pieces --------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "setup: cargo is missing; install Rust with rustup first (https://rustup.rs)." >&2
  exit 1
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# The shipped wasm is built by a pinned nightly that rebuilds the standard library
# (scripts/release-toolchain.sh): the toolchain and its library's source, nothing else (~35 s).
. scripts/release-toolchain.sh
if ! rustup component list --toolchain "$RELEASE_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src'; then
  say "installing the release toolchain $RELEASE_TOOLCHAIN with rust-src (once)"
  rustup toolchain install "$RELEASE_TOOLCHAIN" --profile minimal --component rust-src
fi

# `cargo install` without --locked picks the newest dependencies, which for these tools sometimes
# no longer build; --locked uses the lock file each tool was released with.
install_crate() { # name version binary [--locked]
  local name=$1 version=$2 bin=$3 locked=${4:-}
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  say "installing $name $version (a few minutes, once)"
  cargo install -q "$name" --version "$version" $locked
}
# wasm-bindgen-cli's lock file names a version the registry no longer has: install it unlocked.
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
install_crate wasm-pack "$WASM_PACK_VERSION" wasm-pack
install_crate trunk "$TRUNK_VERSION" trunk --locked
# The SIP core's fuzz targets (crates/sip/fuzz/run.sh); libFuzzer itself is built from C++ (g++).
install_crate cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz --locked

# --- wasm-opt ---------------------------------------------------------------------------------
# Debian's binaryen is too old for current wasm-bindgen output; the npm package ships a new one.
if ! command -v wasm-opt >/dev/null || ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_NPM_VERSION%%.*}"; then
  say "installing wasm-opt (npm binaryen $BINARYEN_NPM_VERSION)"
  npm install -g --no-audit --no-fund "binaryen@$BINARYEN_NPM_VERSION" >/dev/null
fi

# --- node packages for the end-to-end tests ---------------------------------------------------
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  say "installing the end-to-end test packages (npm ci)"
  (cd tests/e2e && npm ci --no-audit --no-fund >/dev/null)
fi

# --- the Salesforce Voice connector's SDK ------------------------------------------------------
# @salesforce/scv-connector-base 3.6.2, pinned (crates/connector/web/package.json); copied
# unmodified into the voice package by scripts/build-connector.sh (~20 s once).
if [ ! -d crates/connector/web/node_modules ] || [ crates/connector/web/package-lock.json -nt crates/connector/web/node_modules/.package-lock.json ]; then
  say "installing the Salesforce Voice connector's SDK (npm ci)"
  (cd crates/connector/web && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi

# --- the Salesforce CLI for the org package ----------------------------------------------------
# @salesforce/cli 2.129.8 (org/cli/package.json) runs on Debian's node 20 once its undici is
# pinned to 6.21.3 (an npm override); installed into org/cli, not globally (~300 MB, ~1 min).
if [ ! -d org/cli/node_modules ] || [ org/cli/package-lock.json -nt org/cli/node_modules/.package-lock.json ]; then
  say "installing the Salesforce CLI into org/cli (npm ci)"
  (cd org/cli && npm ci --no-audit --no-fund >/dev/null 2>&1)
fi
# The Apex grammar the test command parses every class of the package with (org/apex.test.mjs).
if [ ! -d org/node_modules ] || [ org/package-lock.json -nt org/node_modules/.package-lock.json ]; then
  say "installing the Apex parser into org (npm ci)"
  (cd org && npm ci --no-audit --no-fund >/dev/null)
fi

say "ready"
