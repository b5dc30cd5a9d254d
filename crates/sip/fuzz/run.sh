#!/usr/bin/env bash
# Runs both fuzz targets for N executions each (default 10 million) from the seed corpus, and
# fails on the first crash. Needs cargo-fuzz (cargo install cargo-fuzz --version 0.13.1);
# RUSTC_BOOTSTRAP lets the stable toolchain accept the flags cargo-fuzz passes. The crate forbids
# unsafe code, so what the fuzzer hunts is panics, which need no sanitizer: without AddressSanitizer
# the targets run several times faster.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-10000000}
export RUSTC_BOOTSTRAP=1
out="${CARGO_TARGET_DIR:-$PWD/target}/fuzz-runs"
mkdir -p "$out"
for target in parse ua; do
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  echo "== fuzz target $target: $runs executions"
  if ! cargo fuzz run --sanitizer none "$target" "$corpus" seeds -- -runs="$runs" -max_len=4096 -print_final_stats=1 >"$out/$target.log" 2>&1; then
    tail -40 "$out/$target.log"
    echo "fuzz target $target crashed (log: $out/$target.log)" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done" "$out/$target.log"
done
