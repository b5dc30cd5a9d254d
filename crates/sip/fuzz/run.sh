#!/usr/bin/env bash
# Runs both fuzz targets from the committed seed corpus (seeds/, read only; what the fuzzer finds
# goes to the target dir) and fails on the first crash:
#   run.sh [N]            N executions each (default 10 million: minutes);
#   run.sh --seconds S    S seconds each (the test command runs 30).
# Needs cargo-fuzz (scripts/setup.sh installs 0.13.1); RUSTC_BOOTSTRAP lets the stable toolchain
# accept the flags cargo-fuzz passes, so no nightly is needed. The crate forbids unsafe code, so
# what the fuzzer hunts is panics, which need no sanitizer: without AddressSanitizer the targets
# run several times faster.
set -euo pipefail
cd "$(dirname "$0")"
limit="-runs=${1:-10000000}"
if [ "${1:-}" = "--seconds" ]; then
  limit="-max_total_time=${2:?run.sh --seconds S}"
fi
export RUSTC_BOOTSTRAP=1
out="${CARGO_TARGET_DIR:-$PWD/target}/fuzz-runs"
mkdir -p "$out"
for target in parse ua; do
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  echo "== fuzz target $target ($limit), from $(ls seeds | wc -l) seeds"
  if ! cargo fuzz run --sanitizer none "$target" "$corpus" seeds -- "$limit" -max_len=4096 -print_final_stats=1 >"$out/$target.log" 2>&1; then
    tail -40 "$out/$target.log"
    echo "fuzz target $target crashed (log: $out/$target.log)" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done" "$out/$target.log"
done
