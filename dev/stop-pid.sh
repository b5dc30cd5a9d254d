#!/usr/bin/env bash
# Stops the dev server whose pid is in PID_FILE: SIGTERM, a few seconds' grace, then SIGKILL.
# Usage: dev/stop-pid.sh NAME PID_FILE (NAME only labels what is printed).
set -euo pipefail
name=$1 pid_file=$2
[ -f "$pid_file" ] || { echo "$name: not running"; exit 0; }
pid=$(cat "$pid_file")
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$pid_file"
echo "$name: stopped"
