#!/usr/bin/env bash
# Stops the coturn started by start.sh, by the pid in its run directory.
# Usage: dev/turn/stop.sh [--run-dir DIR]
set -euo pipefail
. "$(dirname "$0")/args.sh"
exec "$(dirname "$0")/../stop-pid.sh" turn "$run_dir/turnserver.pid"
