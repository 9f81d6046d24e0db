#!/usr/bin/env bash
# Bulk throughput over the udp transport (pseudo-TCP) against the tcp transport (the kernel's TCP) on the same
# constrained lab path (tests/netlab/netlab_lib.sh: constrained_path), median of several runs, and their ratio.
#
#   bench/transport/constrained_bench.sh BUILD_DIR [--runs 3] [--mib 8] [--delay-ms 25] [--loss 0.02] [--rate 20mbit]
#
# Root (network namespaces). Prints one line per transport and the ratio.
set -euo pipefail
build_arg=${1:?usage: $0 BUILD_DIR [--runs N] [--mib M] [--delay-ms D] [--loss P] [--rate R]}
shift
runs=3 mib=8 delay=25 loss=0.02 rate=20mbit
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2 ;; --mib) mib=$2 ;; --delay-ms) delay=$2 ;; --loss) loss=$2 ;; --rate) rate=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
namespaces="h m v"
. "$(dirname "$0")/../../tests/netlab/netlab_lib.sh"
netlab_start "$build_arg" tpb
constrained_path "$delay" "$loss" "$rate"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A result
port=23000
for transport in tcp udp; do
  port=$((port + 1))
  ip netns exec "$tag-h" "$bin/bulk_bench" receive "$transport" "10.77.1.2:$port" >"$work/$transport.rx" 2>&1 &
  pids+=($!)
  wait_for "$work/$transport.rx" 10 "ready"
  address=10.77.1.2:$port
  for run in $(seq 1 "$runs"); do
    ip netns exec "$tag-v" timeout 300 "$bin/bulk_bench" send "$transport" "$address" "$mib" >>"$work/$transport.tx" ||
      fail "$transport run $run failed"
  done
  result[$transport]=$(awk '{ print $1 }' "$work/$transport.tx" | median)
  echo "$transport: median $(printf '%.2f' "${result[$transport]}") Mbit/s over $runs runs of $mib MiB" \
    "(runs: $(awk '{ printf "%s ", $1 }' "$work/$transport.tx"))"
done
echo "path: ${delay} ms each way, ${loss} loss each way, $rate; udp/tcp = $(awk -v u="${result[udp]}" -v t="${result[tcp]}" 'BEGIN { printf "%.2f", u / t }')"
