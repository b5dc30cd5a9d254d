#!/usr/bin/env bash
# Sets up what is missing (scripts/setup.sh), builds the softphone, and runs the local demo:
# Kamailio as the PBX, the Lightning stand-in console, and the softphone inside it.
# Stop it with Ctrl-C; everything it started stops with it. Arguments go to dev/pbx/start.sh:
# scripts/demo.sh --edge runs the media-terminating edge as the PBX; --echo adds its echo test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

echo "demo: building the softphone (scripts/build-release.sh), its org package and the console"
scripts/build-release.sh
cargo build --quiet --release -p console -p callcenter
# The stand-in serves the phone from the org package, as an org's Visualforce host would.
scripts/build-org-package.sh --org-url https://acme.my.salesforce.com >/dev/null

run_dir=$(mktemp -d /tmp/softphone-demo.XXXXXX)
console_pid=
cleanup() {
  [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null || true
  [ -x dev/pbx/stop.sh ] && dev/pbx/stop.sh --run-dir "$run_dir/pbx" >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

if [ -x dev/pbx/start.sh ]; then
  dev/pbx/start.sh --run-dir "$run_dir/pbx" "$@"
fi
# --package: the stand-in org has the softphone package, so the phone signs in with the org's
# credentials (the development definition says credentials org; Kamailio has the same secret).
"$CARGO_TARGET_DIR/release/console" --definition callcenter-xml/development.xml --app-dir dist --package &
console_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:8700/__standin/config.json && break; sleep 0.1; done
cat <<MSG

  Open http://127.0.0.1:8700/ in Chromium and click "Phone" in the utility bar: Salesforce
  has signed you in as 1001 (you are its user agent1001; http://127.0.0.1:8700/?user=agent1002
  in another browser is 1002). Click a phone number on a record: the phone shows it, ready to
  call. Help (at the foot of the phone) checks your set-up (with scripts/demo.sh --echo, the
  PBX's echo test at 9196 too) and downloads the diagnostics file support asks for. Ctrl-C
  stops the demo.

MSG
wait "$console_pid"
