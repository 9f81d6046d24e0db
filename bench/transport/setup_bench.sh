#!/usr/bin/env bash
# Connection setup time for each lab topology: tests/netlab/punch_test.sh run R times per topology (viewer start to
# "session: established", and when the path was chosen), medians printed.
#
#   bench/transport/setup_bench.sh BUILD_DIR [RUNS]        (root: network namespaces)
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for topology in cone-cone same-nat cone-symmetric symmetric-symmetric udp-blocked upgrade resume-upgrade rebind; do
  out=$(mktemp)
  for _ in $(seq 1 "$runs"); do "$here/../../tests/netlab/punch_test.sh" "$build" "$topology" >>"$out" 2>&1; done
  path=$(sed -n 's/^netlab: setup [^ ]* \(.*\) [0-9]* ms (path.*/\1/p' "$out" | head -1)
  setup=$(sed -n 's/^netlab: setup .* \([0-9]*\) ms (path.*/\1/p' "$out" | median)
  chosen=$(sed -n 's/.*(path chosen after \([0-9]*\) ms).*/\1/p' "$out" | median)
  extra=$(sed -n 's/^netlab: \(moved to the direct path [0-9]* ms\).*/\1/p; s/^netlab: \(resumed [0-9]* ms after the flush\).*/\1/p; s/^netlab: resumed on the relay, then \(moved to the direct path [0-9]* ms\).*/\1/p' "$out" |
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; break } }' | median)
  echo "$topology: $path, established ${setup} ms, path chosen ${chosen} ms${extra:+, then ${extra} ms (move or resume)} (median of $runs)"
  rm -f "$out"
done
