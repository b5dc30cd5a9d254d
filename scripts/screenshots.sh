#!/usr/bin/env bash
# Takes the README's pictures of the phone again (docs/screenshots/*.png) from a real walk through
# its main states: tests/e2e/screenshots.test.mjs with Kamailio, JsSIP callers and the Lightning
# stand-in. It uses what the test command built (dist/, the org package): run scripts/test.sh, or
# its build steps, first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/index.html ] || [ ! -f org/force-app/main/default/pages/Softphone.page ]; then
  echo "screenshots: build the phone and the org package first (scripts/test.sh builds both)" >&2
  exit 1
fi
SCREENSHOTS_DIR=docs/screenshots E2E_SHARDS=1 scripts/e2e.sh screenshots.test.mjs
ls -l docs/screenshots
