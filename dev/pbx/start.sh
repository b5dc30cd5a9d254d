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
# Usage: dev/pbx/start.sh [--port 8080] [--run-dir DIR] [--tls] [--instance primary|secondary | --pair] [--users FILE] [--ephemeral-secret S]...
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
users=$(grep -vE '^\s*(#|$)' "${users_file:-$here/users}" | awk '{ printf "    $sht(users=>%s) = \"%s\";\\n", $1, $2 }')
[ ${#ephemeral_secrets[@]} -gt 0 ] || ephemeral_secrets=("$(tr -d '[:space:]' <"$here/ephemeral-secret")")
secrets=
for secret in "${ephemeral_secrets[@]}"; do
  # A secret becomes a modparam string through sed: nothing that would end or change it.
  case "$secret" in ''|*[\"\\\|\&]*|*$'\n'*) echo "pbx: an ephemeral secret may not be empty or hold a quote, \\, |, & or a line break" >&2; exit 2 ;; esac
  secrets+="modparam(\"auth_ephemeral\", \"secret\", \"$secret\")\\n"
done
sed -e "s|@PORT@|$port|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|^@USERS@$|$users|" -e "s|^@EPHEMERAL_SECRETS@$|$secrets|" \
  -e "s|@TLS_PORT@|$tls_port|g" -e "s|@DMQ_PORT@|$dmq_port|g" -e "s|@DMQ_PEER_PORT@|$dmq_peer_port|g" \
  "$here/kamailio.cfg.in" > "$run_dir/kamailio.cfg"
kamailio "${defines[@]}" -c -f "$run_dir/kamailio.cfg" >"$run_dir/check.log" 2>&1 || { cat "$run_dir/check.log" >&2; exit 1; }
kamailio "${defines[@]}" -f "$run_dir/kamailio.cfg" -DD -E -P "$pid_file" -Y "$run_dir" >"$run_dir/kamailio.log" 2>&1 &
ready_port=${tls:+$tls_port}
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { [ -z "$ready_port" ] || (exec 3<>"/dev/tcp/127.0.0.1/$ready_port") 2>/dev/null; }; then
    echo "pbx: Kamailio ($instance) on ws://127.0.0.1:$port${tls:+ and wss://127.0.0.1:$tls_port} (log: $run_dir/kamailio.log)"
    echo "$pid_file"
    exit 0
  fi
  sleep 0.05
done
echo "pbx: Kamailio did not open port $port; last log lines:" >&2
tail -20 "$run_dir/kamailio.log" >&2
exit 1
