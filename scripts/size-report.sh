#!/usr/bin/env bash
# Prints the gzip -9 size of everything the Salesforce iframe downloads from a release build
# (wasm, JavaScript glue, CSS, HTML), next to the budget. Usage: scripts/size-report.sh [dist]
set -euo pipefail
dist=${1:-dist}
budget_kb=100
total=0
printf '%-48s %10s %10s\n' "file (what the iframe downloads)" "raw bytes" "gzip -9"
while IFS= read -r f; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-48s %10d %10d\n' "${f#"$dist"/}" "$raw" "$gz"
done < <(find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) | sort)
printf '%-48s %10s %10d  (%d.%d KB; budget %d KB; JsSIP + React alone: 100 KB)\n' \
  "total" "" "$total" $((total / 1000)) $((total % 1000 / 100)) "$budget_kb"
