#!/bin/bash
# Builds the seeds, the corpus and 1,000 generated posts with two almanac
# binaries and compares every output byte for byte: how a refactoring is
# shown to change nothing users see.
#
#   bash bench/compare-outputs.sh OLD_BINARY [NEW_BINARY]
#
# NEW_BINARY defaults to target/release/almanac. The undated posts' first-seen
# dates are carried from the old build to the new one (they are state, not
# output), so both builds date them alike.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/../shared" && pwd)
old=$(realpath "${1:?usage: compare-outputs.sh OLD_BINARY [NEW_BINARY]}")
new=$(realpath "${2:-$repo/target/release/almanac}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$shared/bench/gen-posts.py" --posts 1000 --out "$work/gen" --seed 1 >/dev/null
status=0
for name in seeds:$repo/seeds real:$shared/corpus/real batch2:$shared/corpus/batch2/real gen:$work/gen; do
  n=${name%%:*} posts=${name#*:}
  (cd "$repo" && "$old" build --config almanac.yaml --posts "$posts" --out "$work/old-$n" >/dev/null 2>&1) || true
  mkdir -p "$work/new-$n/.almanac"
  cp "$work/old-$n/.almanac/first-seen.json" "$work/new-$n/.almanac/" 2>/dev/null || true
  (cd "$repo" && "$new" build --config almanac.yaml --posts "$posts" --out "$work/new-$n" >/dev/null 2>&1) || true
  files=$(find "$work/old-$n" -type f -not -path '*/.almanac/*' | wc -l)
  if diff -r -q --exclude=.almanac "$work/old-$n" "$work/new-$n"; then
    echo "$n: identical ($files files)"
  else
    echo "$n: DIFFERENT"
    status=1
  fi
done
exit $status
