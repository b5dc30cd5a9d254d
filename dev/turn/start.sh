#!/usr/bin/env bash
# Starts coturn (Debian's turnserver) on 127.0.0.1:3478, udp and tcp, relaying on ports
# 49160-49200, in the background and without systemd: pid file and log in a run directory
# (default /tmp/softphone-turn). Two ways to log in, as a contact center would choose:
#   --user NAME:PASSWORD   one static long-term user (default agent:dev-turn)
#   --auth-secret SECRET   time-limited TURN REST credentials: user "EXPIRY:NAME", password
#                          base64(HMAC-SHA1(SECRET, user)), made by the customer's own service
# Loopback peers are allowed: on this machine the far end is 127.0.0.1 too.
# Usage: dev/turn/start.sh [--run-dir DIR] [--user NAME:PASSWORD | --auth-secret SECRET]
set -euo pipefail
. "$(dirname "$0")/args.sh"
mkdir -p "$run_dir"
pid_file="$run_dir/turnserver.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "turn: already running (pid $(cat "$pid_file"))"
  exit 0
fi
if [ -n "$auth_secret" ]; then
  auth=(--use-auth-secret "--static-auth-secret=$auth_secret")
else
  auth=(--lt-cred-mech "--user=$user")
fi
turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 \
  --min-port=49160 --max-port=49200 "${auth[@]}" --realm=pbx.test \
  --no-tls --no-dtls --allow-loopback-peers --no-cli --no-multicast-peers \
  --pidfile="$pid_file" --log-file=stdout --simple-log >"$run_dir/turnserver.log" 2>&1 &
echo $! >"$pid_file"
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/3478) 2>/dev/null; then
    echo "turn: coturn on turn:127.0.0.1:3478 (log: $run_dir/turnserver.log)"
    exit 0
  fi
  sleep 0.05
done
echo "turn: coturn did not open port 3478; last log lines:" >&2
tail -20 "$run_dir/turnserver.log" >&2
kill "$(cat "$pid_file")" 2>/dev/null || true
exit 1
