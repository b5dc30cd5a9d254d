#!/usr/bin/env bash
# Stops the coturn started by start.sh, by the pid in its run directory.
# Usage: dev/turn/stop.sh [--run-dir DIR]
set -euo pipefail
. "$(dirname "$0")/args.sh"
pid_file="$run_dir/turnserver.pid"
[ -f "$pid_file" ] || { echo "turn: not running"; exit 0; }
pid=$(cat "$pid_file")
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$pid_file"
echo "turn: stopped"
