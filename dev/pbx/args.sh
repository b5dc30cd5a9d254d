# Shared by start.sh and stop.sh: reads [--port N] [--run-dir DIR] [--users FILE] into $port,
# $run_dir and $users_file.
port=8080
run_dir=
users_file=
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --run-dir) run_dir=$2; shift 2 ;;
    --users) users_file=$2; shift 2 ;;
    *) echo "usage: $0 [--port N] [--run-dir DIR] [--users FILE]" >&2; exit 2 ;;
  esac
done
run_dir=${run_dir:-/tmp/softphone-pbx-$port}
