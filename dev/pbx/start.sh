#!/usr/bin/env bash
# Starts the development Kamailio in the background, without systemd: its config, pid file and
# control socket live in a run directory (default /tmp/softphone-pbx-PORT). Prints the pid file.
# Usage: dev/pbx/start.sh [--port 8080] [--run-dir DIR] [--users FILE]
# FILE lists "user password" lines (default: dev/pbx/users); dev/storm generates one per agent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/args.sh"
mkdir -p "$run_dir"
pid_file="$run_dir/kamailio.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "pbx: already running (pid $(cat "$pid_file"), ws://127.0.0.1:$port)"
  echo "$pid_file"
  exit 0
fi
users=$(grep -vE '^\s*(#|$)' "${users_file:-$here/users}" | awk '{ printf "    $sht(users=>%s) = \"%s\";\\n", $1, $2 }')
sed -e "s|@PORT@|$port|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|^@USERS@$|$users|" "$here/kamailio.cfg.in" > "$run_dir/kamailio.cfg"
kamailio -c -f "$run_dir/kamailio.cfg" >"$run_dir/check.log" 2>&1 || { cat "$run_dir/check.log" >&2; exit 1; }
kamailio -f "$run_dir/kamailio.cfg" -DD -E -P "$pid_file" -Y "$run_dir" >"$run_dir/kamailio.log" 2>&1 &
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "pbx: Kamailio on ws://127.0.0.1:$port (log: $run_dir/kamailio.log)"
    echo "$pid_file"
    exit 0
  fi
  sleep 0.05
done
echo "pbx: Kamailio did not open port $port; last log lines:" >&2
tail -20 "$run_dir/kamailio.log" >&2
exit 1
