#!/usr/bin/env bash
# Starts rtpengine (Debian's rtpengine-daemon) for the edge, in user space (no kernel module) on
# loopback only, in the background: pid file and log in the run directory. Returns once it
# answers a ping on its control (ng) socket. dev/pbx/stop.sh stops it with Kamailio.
# LEARNING is how it finds where to send a plain endpoint's media (--endpoint-learning):
# heuristic (prefers the SDP's address after 3 s) or immediate (the first packet's source: a
# NAT or relay in between, where packets never come from the SDP's address).
# Usage: dev/pbx/rtpengine.sh RUN_DIR NG_PORT MIN-MAX LEARNING
set -euo pipefail
run_dir=$1 ng_port=$2 ports=$3 learning=$4
pid_file="$run_dir/rtpengine.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "rtpengine: already running (pid $(cat "$pid_file"))"
  exit 0
fi
# --table=-1: no kernel forwarding. --delete-delay=0: a call's ports are free at once after BYE.
rtpengine --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng_port" \
  --port-min="${ports%-*}" --port-max="${ports#*-}" --table=-1 --delete-delay=0 --endpoint-learning="$learning" \
  --foreground --log-stderr --log-level=6 >"$run_dir/rtpengine.log" 2>&1 &
echo $! >"$pid_file"
# The ng protocol: a cookie, then a bencoded dictionary; "pong" comes back at once when it runs.
for _ in $(seq 100); do
  if reply=$(exec 3<>"/dev/udp/127.0.0.1/$ng_port" && printf 'ready d7:command4:pinge' >&3 && timeout 0.2 dd bs=512 count=1 status=none <&3 2>/dev/null) \
    && [[ $reply == *pong* ]]; then
    echo "rtpengine: media on 127.0.0.1:$ports (log: $run_dir/rtpengine.log)"
    exit 0
  fi
  kill -0 "$(cat "$pid_file")" 2>/dev/null || break
  sleep 0.05
done
echo "rtpengine: no answer on 127.0.0.1:$ng_port; last log lines:" >&2
tail -20 "$run_dir/rtpengine.log" >&2
kill "$(cat "$pid_file")" 2>/dev/null || true
rm -f "$pid_file"
exit 1
