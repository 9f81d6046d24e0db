#!/usr/bin/env bash
# Bulk throughput over the udp transport (its own reliable stream) against the tcp transport (the kernel's TCP) on the same
# constrained lab path (tests/netlab/netlab_lib.sh: constrained_path), median of several runs, and their ratio.
#
#   bench/transport/constrained_bench.sh BUILD_DIR [--runs 3] [--mib 8] [--delay-ms 25] [--loss 0.02] [--rate 20mbit]
#                                                  [--tcp-cc bbr,reno]
#
# Root (network namespaces). Prints one line per transport (tcp once per kernel congestion control named in
# --tcp-cc, set in the lab's namespaces only; a namespace may pick only those net.ipv4.tcp_allowed_congestion_control
# lists) and the ratios of udp to each.
set -euo pipefail
build_arg=${1:?usage: $0 BUILD_DIR [--runs N] [--mib M] [--delay-ms D] [--loss P] [--rate R]}
shift
runs=3 mib=8 delay=25 loss=0.02 rate=20mbit tcp_cc=bbr,reno
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2 ;; --mib) mib=$2 ;; --delay-ms) delay=$2 ;; --loss) loss=$2 ;; --rate) rate=$2 ;;
    --tcp-cc) tcp_cc=$2 ;;
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
measure() {  # measure NAME TRANSPORT
  port=$((port + 1))
  ip netns exec "$tag-h" "$bin/bulk_bench" receive "$2" "10.77.1.2:$port" >"$work/$1.rx" 2>&1 &
  pids+=($!)
  wait_for "$work/$1.rx" 10 "ready"
  for run in $(seq 1 "$runs"); do
    ip netns exec "$tag-v" timeout 300 "$bin/bulk_bench" send "$2" "10.77.1.2:$port" "$mib" >>"$work/$1.tx" ||
      fail "$1 run $run failed"
  done
  result[$1]=$(awk '{ print $1 }' "$work/$1.tx" | median)
  echo "$1: median $(printf '%.2f' "${result[$1]}") Mbit/s over $runs runs of $mib MiB" \
    "(runs: $(awk '{ printf "%s ", $1 }' "$work/$1.tx"))"
}
for cc in ${tcp_cc//,/ }; do
  for ns in h v; do ip netns exec "$tag-$ns" sysctl -qw net.ipv4.tcp_congestion_control="$cc"; done
  measure "tcp-$cc" tcp
done
measure udp udp
echo "path: ${delay} ms each way, ${loss} loss each way, $rate"
for cc in ${tcp_cc//,/ }; do
  echo "udp / tcp-$cc = $(awk -v u="${result[udp]}" -v t="${result[tcp-$cc]}" 'BEGIN { printf "%.2f", u / t }')"
done
