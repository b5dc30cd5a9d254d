#!/usr/bin/env bash
# Sets up what is missing (scripts/setup.sh), builds the softphone, and runs the local demo:
# Kamailio as the PBX, the Lightning stand-in console, and the softphone inside it.
# Stop it with Ctrl-C; everything it started stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export SOFTPHONE_EXTRA_ORIGINS=http://127.0.0.1:8700

echo "demo: building the softphone (trunk build --release) and the console"
trunk build --release
cargo build --quiet --release -p console

run_dir=$(mktemp -d /tmp/softphone-demo.XXXXXX)
cleanup() {
  [ -n "${console_pid:-}" ] && kill "$console_pid" 2>/dev/null || true
  dev/pbx/stop.sh "$run_dir/pbx" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

dev/pbx/start.sh "$run_dir/pbx"
target/release/console --definition callcenter-xml/development.xml --app-dir dist &
console_pid=$!
sleep 1
cat <<MSG

  Open http://127.0.0.1:8700 in Chromium, click "Phone" in the utility bar and sign in as
  1001 (passwords for 1001..1010 are in dev/pbx/users). Click a phone number on a record.
  Ctrl-C stops the demo.

MSG
wait "$console_pid"
