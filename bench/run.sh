#!/usr/bin/env bash
# The benchmark against the peers (Hugo for building, nginx for serving), on
# this machine, in one run; prints one table and writes it as JSON.
# Usage: bench/run.sh [RESULTS_DIR]
#   env: SIZES=1000,10000,30000 RUNS=3 DURATION=10 ROUNDS=100 (see bench/run.py
#   --help). The three sizes take about 75 minutes; SIZES=1000,10000 about 30.
# Installs what it needs (Debian's hugo, nginx, wrk, time, curl) and builds
# almanac in release mode. Not a test: it asserts nothing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need=()
for p in hugo nginx wrk time curl; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
cd "$repo"
cargo build --release --locked -q
exec python3 bench/run.py --results "${1:-$repo/bench/results/$(date -u +%Y%m%d-%H%M)}" \
  --sizes "${SIZES:-1000,10000,30000}" --runs "${RUNS:-3}" --duration "${DURATION:-10}" --rounds "${ROUNDS:-100}"
