#!/usr/bin/env bash
# Stops the development Kamailio started by start.sh, by the pid in its run directory.
# Usage: dev/pbx/stop.sh [--port 8080] [--run-dir DIR]
set -euo pipefail
port=8080
run_dir=
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --run-dir) run_dir=$2; shift 2 ;;
    *) echo "usage: $0 [--port N] [--run-dir DIR]" >&2; exit 2 ;;
  esac
done
pid_file="${run_dir:-/tmp/softphone-pbx-$port}/kamailio.pid"
[ -f "$pid_file" ] || { echo "pbx: not running"; exit 0; }
pid=$(cat "$pid_file")
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$pid_file"
echo "pbx: stopped"
