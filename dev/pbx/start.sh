#!/usr/bin/env bash
# Starts the development Kamailio in the background, without systemd: its config, pid file and
# control socket live in a run directory (default /tmp/softphone-pbx-PORT). Prints the pid file.
#   --tls                 also wss on 127.0.0.1:8443 (8444 for the secondary) with a test
#                         certificate made in the run directory (tls/, spki.txt for browsers)
#   --instance primary    one of a pair sharing registrations by DMQ: ws 8080, SIP 5090
#   --instance secondary  the other one: ws 8081, SIP 5091
#   --pair                starts both, in RUN_DIR/primary and RUN_DIR/secondary
#   --users FILE          "user password" lines (default: dev/pbx/users); dev/storm makes one
#   --ephemeral-secret S  a secret the org's credentials service shares (auth_ephemeral); give it
#                         again for each secret accepted during a rotation, the newest last
#                         (default: the one in dev/pbx/ephemeral-secret)
#   --edge                the media-terminating edge (edge.cfg): rtpengine in user space on
#                         loopback turns the browsers' ICE/DTLS-SRTP into plain RTP, SIP over UDP
#                         on 127.0.0.1:5060 for plain endpoints, queues, and a trunk
#     --trunk URI[,URI]   where numbers that are no user of ours go (default sip:127.0.0.2:5080);
#                         calls from these addresses are let in without a password
#     --queues FILE       "extension agent agent..." lines (default: dev/pbx/queues)
#     --plain-media-address IP  the address rtpengine writes into SDP for plain endpoints (what
#                         they send RTP to), when it is not 127.0.0.1: a NAT, or a test's relay
#   --echo                the edge, and its echo test: extension 9196 answers and sends back what
#                         it hears (dev/pbx/echo.sh, baresip's echo module)
#   --voicecall-hook URL  report calls to the Salesforce Voice agents of --voice-agents (users,
#                         comma-separated) to the VoiceCall service's hook at URL (crates/voicecall)
# Usage: dev/pbx/start.sh [--port 8080] [--run-dir DIR] [--tls] [--instance primary|secondary | --pair] [--users FILE]
#                         [--ephemeral-secret S]... [--edge [--trunk URI[,URI]] [--queues FILE] [--plain-media-address IP]] [--echo]
#                         [--voicecall-hook http://127.0.0.1:7780 --voice-agents 1001,1005]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/args.sh"
if [ -n "$pair" ]; then
  for i in primary secondary; do
    secret_args=()
    for secret in ${ephemeral_secrets[@]+"${ephemeral_secrets[@]}"}; do secret_args+=(--ephemeral-secret "$secret"); done
    "$0" --instance "$i" --run-dir "$run_dir/$i" ${tls:+--tls} ${users_file:+--users "$users_file"} ${secret_args[@]+"${secret_args[@]}"}
  done
  exit 0
fi
mkdir -p "$run_dir"
pid_file="$run_dir/kamailio.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "pbx: already running (pid $(cat "$pid_file"), ws://127.0.0.1:$port)"
  echo "$pid_file"
  exit 0
fi
defines=()
if [ -n "$tls" ]; then
  "$here/tls-cert.sh" "$run_dir/tls"
  defines+=(-A WITH_TLS)
fi
[ -n "$dmq_port" ] && defines+=(-A WITH_DMQ)
voice_agent_lines=
if [ -n "$voicecall_hook" ]; then
  [[ "$voice_agents" =~ ^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*$ ]] || { echo "pbx: --voice-agents wants users separated by commas" >&2; exit 2; }
  [[ "$voicecall_hook" =~ ^https?://[A-Za-z0-9.:-]+$ ]] || { echo "pbx: --voicecall-hook wants http://host:port" >&2; exit 2; }
  defines+=(-A WITH_VOICECALL)
  voice_agent_lines=$(echo "$voice_agents" | tr ',' '\n' | awk 'NF { printf "    $sht(voiceagents=>%s) = 1;\\n", $1 }')
fi
users=$(grep -vE '^\s*(#|$)' "${users_file:-$here/users}" | awk '{ printf "    $sht(users=>%s) = \"%s\";\\n", $1, $2 }')
[ ${#ephemeral_secrets[@]} -gt 0 ] || ephemeral_secrets=("$(tr -d '[:space:]' <"$here/ephemeral-secret")")
secrets=
for secret in "${ephemeral_secrets[@]}"; do
  # A secret becomes a modparam string through sed: nothing that would end or change it.
  case "$secret" in ''|*[\"\\\|\&]*|*$'\n'*) echo "pbx: an ephemeral secret may not be empty or hold a quote, \\, |, & or a line break" >&2; exit 2 ;; esac
  secrets+="modparam(\"auth_ephemeral\", \"secret\", \"$secret\")\\n"
done
if [ -n "$edge" ]; then
  defines+=(-A WITH_EDGE)
  users+=$(grep -vE '^\s*(#|$)' "${queues_file:-$here/queues}" | awk '{ q = $1; $1 = ""; sub(/^ /, ""); printf "    $sht(queues=>%s) = \"%s\";\\n", q, $0 }')
  tr ',' '\n' <<<"$trunks" | awk 'NF { print "1 " $1 }' >"$run_dir/dispatcher.list"
  sed -e "s|@PLAIN_MEDIA_ADDRESS@|${plain_media_address:+ media-address=$plain_media_address}|g" \
    "$here/edge.cfg.in" >"$run_dir/edge.cfg"
fi
sed -e "s|@PORT@|$port|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|^@USERS@$|$users|" -e "s|^@EPHEMERAL_SECRETS@$|$secrets|" \
  -e "s|^@VOICE_AGENTS@$|$voice_agent_lines|" -e "s|@VOICECALL_HOOK@|$voicecall_hook|g" \
  -e "s|@TLS_PORT@|$tls_port|g" -e "s|@DMQ_PORT@|$dmq_port|g" -e "s|@DMQ_PEER_PORT@|$dmq_peer_port|g" \
  -e "s|@SIP_PORT@|$edge_sip_port|g" -e "s|@NG_PORT@|$edge_ng_port|g" \
  "$here/kamailio.cfg.in" > "$run_dir/kamailio.cfg"
kamailio "${defines[@]}" -c -f "$run_dir/kamailio.cfg" >"$run_dir/check.log" 2>&1 || { cat "$run_dir/check.log" >&2; exit 1; }
# Kamailio's rtpengine module asks for rtpengine at start (and waits a minute if it is not there).
if [ -n "$edge" ]; then
  # Behind a NAT or relay a plain endpoint's packets never come from its SDP's address.
  learning=heuristic
  [ -z "$plain_media_address" ] || learning=immediate
  "$here/rtpengine.sh" "$run_dir" "$edge_ng_port" "$edge_rtp_ports" "$learning"
fi
kamailio "${defines[@]}" -f "$run_dir/kamailio.cfg" -DD -E -P "$pid_file" -Y "$run_dir" >"$run_dir/kamailio.log" 2>&1 &
ready_port=${tls:+$tls_port}
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { [ -z "$ready_port" ] || (exec 3<>"/dev/tcp/127.0.0.1/$ready_port") 2>/dev/null; }; then
    echo "pbx: Kamailio ($instance) on ws://127.0.0.1:$port${tls:+ and wss://127.0.0.1:$tls_port}${edge:+, the edge on sip:127.0.0.1:$edge_sip_port (trunk $trunks)} (log: $run_dir/kamailio.log)"
    if [ -n "$echo_test" ] && ! "$here/echo.sh" "$run_dir" "$edge_sip_port"; then
      "$here/stop.sh" --run-dir "$run_dir" --port "$port" >/dev/null
      exit 1
    fi
    echo "$pid_file"
    exit 0
  fi
  sleep 0.05
done
echo "pbx: Kamailio did not open port $port; last log lines:" >&2
tail -20 "$run_dir/kamailio.log" >&2
[ -z "$edge" ] || "$here/../stop-pid.sh" rtpengine "$run_dir/rtpengine.pid" >/dev/null
exit 1
