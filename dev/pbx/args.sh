# Shared by start.sh and stop.sh: reads [--port N] [--run-dir DIR] into $port and $run_dir.
port=8080
run_dir=
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --run-dir) run_dir=$2; shift 2 ;;
    *) echo "usage: $0 [--port N] [--run-dir DIR]" >&2; exit 2 ;;
  esac
done
run_dir=${run_dir:-/tmp/softphone-pbx-$port}
