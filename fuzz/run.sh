#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 30 s each), starting from
# the seeds and the corpus posts. Longer runs: FUZZ_SECONDS=3600 fuzz/run.sh.
# cargo-fuzz wants nightly features; RUSTC_BOOTSTRAP=1 lets the one stable
# toolchain of this machine build with them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
shared="${ALMANAC_SHARED:-$repo/../shared}"
seconds="${FUZZ_SECONDS:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cd "$here"
for target in front_matter talk_finder html_blocks date_grammar; do
  corpus="$here/corpus/$target"
  mkdir -p "$corpus"
  cp -n "$repo"/seeds/* "$shared"/corpus/real/* "$shared"/corpus/batch2/real/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 2>&1 | tail -3
done
echo "fuzz: no crash, hang or leak in any target"
