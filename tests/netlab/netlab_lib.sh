# What the netlab scripts share; sourced after `namespaces` (the short names of the namespaces the script makes)
# is set. Sets build, bin, tag, work, pids; skips (77) without root; deletes what the script made on exit.
#   netlab_start BUILD_DIR PREFIX
# fail MESSAGE: print the last lines of every peer's output and exit 1. wait_for FILE SECONDS TEXT.
# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair. home_router NS MODE: NAT on its "wan" (cone: MASQUERADE;
# symmetric: MASQUERADE --random-fully) behind a firewall that drops unsolicited inbound, as home routers do.
# peer_env NAME SERVER [YAML]: the environment of a peer with a scratch home whose config names the rendezvous
# server (key: $key) and adds YAML. constrained_path DELAY_MS LOSS RATE: namespaces h (10.77.1.2) and v (10.77.2.2) joined through m, where every
# packet waits DELAY_MS in tun_delay (each way), LOSS (0.02) is dropped each way and tbf caps RATE (20mbit) each way;
# checks the round trip. Needs namespaces "h m v".
netlab_start() {
  build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
  bin=$build/bin
  if [ "$(id -u)" -ne 0 ]; then
    echo "netlab: needs root for network namespaces (CI runs as root); skipped" >&2
    exit 77
  fi
  tag=$2$$
  work=$(mktemp -d /tmp/telepane-netlab.XXXXXX)
  pids=()
  trap netlab_cleanup EXIT
  for ns in $namespaces; do ip netns add "$tag-$ns"; ip -n "$tag-$ns" link set lo up; done
}
netlab_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in $namespaces; do ip netns del "$tag-$ns" 2>/dev/null || true; done
  [ -n "${NETLAB_KEEP:-}" ] && echo "netlab: kept $work" >&2 || rm -rf "$work"
}
fail() {
  echo "netlab: FAILED: $*" >&2
  for f in "$work"/*.out "$work"/*.err; do [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}
wait_for() {
  for _ in $(seq 1 $(($2 * 10))); do grep -q -- "$3" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$3' in $1 within $2 s"
}
link() {
  ip link add "$2" netns "$tag-$1" type veth peer name "$5" netns "$tag-$4"
  ip -n "$tag-$1" addr add "$3" dev "$2"
  ip -n "$tag-$4" addr add "$6" dev "$5"
  ip -n "$tag-$1" link set "$2" up
  ip -n "$tag-$4" link set "$5" up
}
home_router() {
  local ns=$tag-$1
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
  if [ "$2" = symmetric ]; then
    ip netns exec "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
  else
    ip netns exec "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
  fi
  # Without this, an early unsolicited packet would create a conntrack entry that takes the mapped port.
  for chain in INPUT FORWARD; do
    ip netns exec "$ns" iptables -A "$chain" -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    ip netns exec "$ns" iptables -A "$chain" -i wan -j DROP
  done
}
constrained_path() {
  link m toh 10.77.1.1/24 h eth0 10.77.1.2/24
  link m tov 10.77.2.1/24 v eth0 10.77.2.2/24
  ip -n "$tag-h" route add default via 10.77.1.1
  ip -n "$tag-v" route add default via 10.77.2.1
  ip netns exec "$tag-m" sysctl -qw net.ipv4.ip_forward=1
  # What comes in on either side goes through the delaying TUN device, and from there to its destination.
  ip netns exec "$tag-m" "$build/tests/netlab/tun_delay" --dev delay0 --delay-ms "$1" >"$work/tun.out" 2>"$work/tun.err" &
  pids+=($!)
  wait_for "$work/tun.out" 10 "ready"
  ip -n "$tag-m" link set delay0 up
  for s in all delay0; do ip netns exec "$tag-m" sysctl -qw "net.ipv4.conf.$s.rp_filter=0"; done
  ip -n "$tag-m" route add default dev delay0 table 100
  ip -n "$tag-m" rule add iif toh lookup 100
  ip -n "$tag-m" rule add iif tov lookup 100
  # The rate each way, with a queue of 50 ms at most in the shaper; the loss each way on the viewer's side.
  ip netns exec "$tag-m" tc qdisc add dev tov root tbf rate "$3" burst 64kbit latency 50ms
  ip netns exec "$tag-v" tc qdisc add dev eth0 root tbf rate "$3" burst 64kbit latency 50ms
  ip netns exec "$tag-m" iptables -A FORWARD -o tov -m statistic --mode random --probability "$2" -j DROP
  ip netns exec "$tag-m" iptables -A FORWARD -i tov -m statistic --mode random --probability "$2" -j DROP
  local rtt
  rtt=$(ip netns exec "$tag-v" ping -c 5 -i 0.2 -q 10.77.1.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
  awk -v r="$rtt" -v d="$1" 'BEGIN { exit !(r >= 2 * d) }' || fail "the path's round trip is $rtt ms, not $((2 * $1))"
}
peer_env() {
  mkdir -p "$work/$1/config/telepane"
  printf 'org.telepane.auth.password: {memory_mib: 8}\nrendezvous: {server: "%s", key: "%s"}\n%s\n' "$2" "$key" \
    "${3:-}" >"$work/$1/config/telepane/peer.yaml"
  echo "HOME=$work/$1 XDG_CONFIG_HOME=$work/$1/config XDG_DATA_HOME=$work/$1/data TELEPANE_SYSCONFDIR=$work/etc"
}
