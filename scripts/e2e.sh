#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e/*.test.mjs, or the files named), each file on its own, and
# prints how long each took.
#
# Every test file starts its own servers on fixed loopback ports (Kamailio, the Lightning
# stand-in, coturn...), so two files cannot share one loopback. Most of a file's time is waiting:
# phones ring, timers run out, audio is sampled in real time. So when root may make network
# namespaces here (`ip netns`, `unshare`), E2E_SHARDS=2 splits the files into groups that run at
# the same time, each in a namespace of its own: its own loopback, its own /tmp and /dev/shm. The
# split balances the durations in tests/e2e/durations.txt (seconds per file from an earlier run; a
# file not listed counts 60 s): refresh it from the lines this script prints.
# The default is two groups (on 2 cores: 21 min instead of 37.7 one after another); E2E_SHARDS=1
# runs one file after another on this loopback, as does a machine without namespaces. Running two
# at a time is also a harder test: the load found a real bug that one at a time hid (the call
# card's quality lines moved Hang up under a press that spanned their arrival).
#
# Usage: scripts/e2e.sh [FILE.test.mjs ...]
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
e2e_dir=$PWD

if [ $# -gt 0 ]; then files=("$@"); else files=(*.test.mjs); fi

# One file at a time, in this shell's network; prints "file: N s ok|FAILED" per file.
run_files() {
  local failed=0
  for f in "$@"; do
    local start=$SECONDS
    if node --test --test-concurrency=1 "$f"; then
      echo "e2e: $f: $((SECONDS - start)) s ok" >&2
    else
      echo "e2e: $f: $((SECONDS - start)) s FAILED" >&2
      failed=1
    fi
  done
  return "$failed"
}

if [ "${1:-}" = --worker ]; then
  shift
  run_files "$@"
  exit
fi

shards=${E2E_SHARDS:-2}
# In a namespace of its own, with a private /tmp and /dev/shm: COMMAND... (the first argument is
# the directory to bind over /tmp).
isolated() {
  local ns=$1 private_tmp=$2
  shift 2
  ip netns exec "$ns" unshare -m bash -c 'mount --bind "$0" /tmp && mount -t tmpfs tmpfs /dev/shm && ip link set lo up && exec "$@"' \
    "$private_tmp" "$@"
}
# Tried for real, as the shards will use it: some containers allow `ip netns` but not mounts.
namespaces_work() {
  [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v unshare >/dev/null || return 1
  ip netns add softphone-e2e-probe 2>/dev/null || return 1
  local probe_tmp ok=0
  probe_tmp=$(mktemp -d /tmp/softphone-e2e-probe.XXXXXX)
  isolated softphone-e2e-probe "$probe_tmp" bash -c 'touch /tmp/probe && ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 || true' 2>/dev/null &&
    [ -e "$probe_tmp/probe" ] && ok=1
  ip netns delete softphone-e2e-probe
  rm -rf "$probe_tmp"
  [ "$ok" = 1 ]
}
if [ "$shards" -le 1 ] || [ "${#files[@]}" -le 1 ] || ! namespaces_work; then
  echo "e2e: ${#files[@]} files one after another" >&2
  run_files "${files[@]}"
  exit
fi

# Longest first, each to the shard with the least work so far.
declare -A weight=()
while read -r name seconds; do
  [ -n "${name:-}" ] && [ "${name:0:1}" != "#" ] && weight[$name]=$seconds
done <durations.txt
mapfile -t by_weight < <(for f in "${files[@]}"; do echo "${weight[$f]:-60} $f"; done | sort -rn)
declare -a load=() groups=()
for ((i = 0; i < shards; i++)); do load[i]=0; groups[i]=; done
for line in "${by_weight[@]}"; do
  seconds=${line%% *} f=${line#* }
  least=0
  for ((i = 1; i < shards; i++)); do [ "${load[i]}" -lt "${load[least]}" ] && least=$i; done
  load[least]=$((load[least] + seconds))
  groups[least]+=" $f"
done

logs=$(mktemp -d /tmp/softphone-e2e-logs.XXXXXX)
pids=()
for ((i = 0; i < shards; i++)); do
  ns=softphone-e2e-$i
  ip netns delete "$ns" 2>/dev/null || true
  ip netns add "$ns"
  private_tmp=$(mktemp -d /tmp/softphone-e2e-tmp-$i.XXXXXX)
  echo "e2e: shard $i (about ${load[i]} s):${groups[i]}" >&2
  # shellcheck disable=SC2086 # the group is a list of file names without spaces
  isolated "$ns" "$private_tmp" "$e2e_dir/../../scripts/e2e.sh" --worker ${groups[i]} >"$logs/shard-$i.log" 2>&1 &
  pids[i]=$!
done

failed=0
for ((i = 0; i < shards; i++)); do
  wait "${pids[i]}" || failed=1
done
for ((i = 0; i < shards; i++)); do
  echo "== e2e shard $i"
  cat "$logs/shard-$i.log"
  ip netns delete "softphone-e2e-$i" 2>/dev/null || true
done
echo "e2e: per file (refresh tests/e2e/durations.txt from these):" >&2
grep -h '^e2e: .*\.test\.mjs: ' "$logs"/shard-*.log >&2 || true
rm -rf "$logs" /tmp/softphone-e2e-tmp-*
exit "$failed"
