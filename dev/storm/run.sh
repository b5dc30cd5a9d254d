#!/usr/bin/env bash
# Builds and runs the registration storm (see dev/storm/src/main.rs): N agents register with a
# Kamailio of their own on a loopback port (default 8098, apart from the e2e PBX), which is
# restarted; prints the figures. Usage: dev/storm/run.sh [--agents 1000] [--down-ms 5000] ...
set -euo pipefail
cd "$(dirname "$0")/../.."
# One socket per agent on each side (the storm and Kamailio, which inherits this limit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --quiet --release -p storm
exec "${CARGO_TARGET_DIR:-target}/release/storm" "$@"
