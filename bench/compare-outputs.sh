#!/bin/bash
# Builds each input with the old and new binary; compares outputs byte for byte.
set -e
cd /tmp/cmp
for name in seeds:/work/main/seeds real:/work/shared/corpus/real batch2:/work/shared/corpus/batch2/real gen:/tmp/cmp/gen; do
  n=${name%%:*}; p=${name#*:}
  rm -rf a-$n b-$n
  (cd /work/main && /tmp/almanac-before build --config almanac.yaml --posts $p --out /tmp/cmp/a-$n >/dev/null 2>&1) || true
  mkdir -p b-$n/.almanac
  cp a-$n/.almanac/first-seen.json b-$n/.almanac/ 2>/dev/null || true
  (cd /work/main && ./target/release/almanac build --config almanac.yaml --posts $p --out /tmp/cmp/b-$n >/dev/null 2>&1) || true
  if diff -r -q --exclude=.almanac a-$n b-$n; then echo "$n: identical ($(find a-$n -type f -not -path '*/.almanac/*' | wc -l) files)"; else echo "$n: DIFFERENT"; fi
done
