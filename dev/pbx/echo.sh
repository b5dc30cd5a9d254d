#!/usr/bin/env bash
# Starts the development PBX's echo test: baresip (Debian's) with its echo module, registered
# at the edge as extension 9196 (dev/pbx/users), answering every call at once and sending back
# what it hears, re-encoded as its own audio (a real far end: G.711 and Opus through rtpengine,
# which turns the browser's ICE/DTLS-SRTP into plain RTP for it). In the background, on its own
# loopback address (127.0.0.9); pid file, config and log in RUN_DIR/echo. Returns once the edge
# accepted its registration. dev/pbx/stop.sh stops it with Kamailio.
# Usage: dev/pbx/echo.sh RUN_DIR SIP_PORT
set -euo pipefail
run_dir=$1 sip_port=$2
here=$(cd "$(dirname "$0")" && pwd)
dir="$run_dir/echo"
pid_file="$dir/baresip.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "echo: already running (pid $(cat "$pid_file"))"
  exit 0
fi
mkdir -p "$dir"
password=$(awk '$1 == "9196" { print $2 }' "$here/users")
[ -n "$password" ] || { echo "echo: dev/pbx/users has no extension 9196" >&2; exit 1; }
# The echo module swaps each call's audio source and player for one aubridge device: what is
# heard is what is sent back.
cat >"$dir/config" <<CONFIG
poll_method epoll
net_interface 127.0.0.9
sip_listen 127.0.0.9:5060
audio_source aubridge,echo
audio_player aubridge,echo
audio_alert aubridge,nowhere
rtp_ports 40200-40299
rtcp_mux no
module_path /usr/lib/baresip/modules
module g711.so
module opus.so
module aubridge.so
module echo.so
module_tmp account.so
CONFIG
echo "<sip:9196@127.0.0.1:$sip_port>;auth_pass=$password;answermode=auto;audio_codecs=opus/48000/2,PCMU/8000/1;regint=600" >"$dir/accounts"
baresip -f "$dir" >"$dir/baresip.log" 2>&1 &
echo $! >"$pid_file"
for _ in $(seq 100); do
  if grep -q "200 OK" "$dir/baresip.log"; then
    echo "echo: extension 9196 answers and echoes (log: $dir/baresip.log)"
    exit 0
  fi
  kill -0 "$(cat "$pid_file")" 2>/dev/null || break
  sleep 0.05
done
echo "echo: baresip did not register; last log lines:" >&2
tail -20 "$dir/baresip.log" >&2
kill "$(cat "$pid_file")" 2>/dev/null || true
rm -f "$pid_file"
exit 1
