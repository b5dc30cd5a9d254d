#!/usr/bin/env bash
# Prints the gzip -9 size of everything the Salesforce iframe downloads from a release build
# (wasm, JavaScript glue, CSS, HTML), next to the budget, and fails when the total passes the
# ceiling. Usage: scripts/size-report.sh [dist]
#
# The ceiling is not the goal: it is the agreed figure the download may not pass unnoticed (the
# last measured figure plus 5%). Raising it is a decision written in the README ("Size and
# benchmarks", the ceiling's history), never a side effect of a change.
set -euo pipefail
dist=${1:-dist}
budget_kb=100
ceiling_bytes=300000 # 297.1 KB measured on 2026-12-07 with issue 24's pre-flight check and diagnostics, plus 1% (README: "Size and benchmarks")
total=0
printf '%-48s %10s %10s\n' "file (what the iframe downloads)" "raw bytes" "gzip -9"
while IFS= read -r f; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-48s %10d %10d\n' "${f#"$dist"/}" "$raw" "$gz"
done < <(find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) | sort)
printf '%-48s %10s %10d  (%d.%d KB; ceiling %d.%d KB; budget %d KB; JsSIP + React alone: 100 KB)\n' \
  "total" "" "$total" $((total / 1000)) $((total % 1000 / 100)) \
  $((ceiling_bytes / 1000)) $((ceiling_bytes % 1000 / 100)) "$budget_kb"
if [ "$total" -gt "$ceiling_bytes" ]; then
  echo "size-report: the download is $total bytes gzip, over the ceiling of $ceiling_bytes bytes." >&2
  echo "size-report: scripts/size-by-crate.sh shows which crate and which functions grew; cut them," >&2
  echo "size-report: or raise the ceiling in this script with the reason written in README.md (\"Size and benchmarks\")." >&2
  exit 1
fi
