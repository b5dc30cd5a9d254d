#!/usr/bin/env bash
# Stops the development Kamailio started by start.sh, by the pid in its run directory.
# Usage: dev/pbx/stop.sh [--port 8080] [--run-dir DIR] [--instance primary|secondary | --pair]
set -euo pipefail
. "$(dirname "$0")/args.sh"
if [ -n "$pair" ]; then
  for i in primary secondary; do "$0" --instance "$i" --run-dir "$run_dir/$i"; done
  exit 0
fi
pid_file="$run_dir/kamailio.pid"
[ -f "$pid_file" ] || { echo "pbx: not running"; exit 0; }
pid=$(cat "$pid_file")
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$pid_file"
echo "pbx: stopped"
