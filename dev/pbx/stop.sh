#!/usr/bin/env bash
# Stops the development Kamailio started by start.sh, by the pid in its run directory, and the
# edge's rtpengine and the echo test with it.
# Usage: dev/pbx/stop.sh [--port 8080] [--run-dir DIR] [--instance primary|secondary | --pair]
set -euo pipefail
. "$(dirname "$0")/args.sh"
if [ -n "$pair" ]; then
  for i in primary secondary; do "$0" --instance "$i" --run-dir "$run_dir/$i"; done
  exit 0
fi
"$(dirname "$0")/../stop-pid.sh" pbx "$run_dir/kamailio.pid"
# The echo test, when start.sh --echo started it here.
if [ -f "$run_dir/echo/baresip.pid" ]; then
  "$(dirname "$0")/../stop-pid.sh" echo "$run_dir/echo/baresip.pid"
fi
# The edge's media proxy, when start.sh --edge started one here.
if [ -f "$run_dir/rtpengine.pid" ]; then
  "$(dirname "$0")/../stop-pid.sh" rtpengine "$run_dir/rtpengine.pid"
fi
