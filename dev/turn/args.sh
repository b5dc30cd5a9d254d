# Shared by start.sh and stop.sh: reads the options into $run_dir, $user and $auth_secret.
run_dir=/tmp/softphone-turn
user=agent:dev-turn
auth_secret=
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) run_dir=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --auth-secret) auth_secret=$2; shift 2 ;;
    *) echo "usage: $0 [--run-dir DIR] [--user NAME:PASSWORD | --auth-secret SECRET]" >&2; exit 2 ;;
  esac
done
